from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shuzheng.catalog.choices import (
    DatasetStatus,
    FieldType,
    Grade,
    NationalLevel,
    OpenType,
    ResourceFormat,
    ShareType,
    Theme,
    UpdateFrequency,
)


class Dataset(models.Model):
    """A data resource (数据资源) of one department: what it is, how sensitive, who may share or open it.

    Drafted and changed by the department's cataloguers, published once its
    data officer approves; a change to a published dataset takes it back to
    review. Every change leaves a ``DatasetVersion``.
    """

    code = models.CharField(_("资源编码"), max_length=32, unique=True)
    # CKAN's package name: lower-case ASCII, stable, used in URLs and by harvesters.
    name = models.SlugField(_("英文标识"), max_length=64, unique=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("提供部门"), on_delete=models.PROTECT, related_name="datasets"
    )
    title = models.CharField(_("名称"), max_length=128)
    description = models.TextField(_("摘要"))
    theme = models.CharField(_("主题"), max_length=32, choices=Theme.choices)
    keywords = models.JSONField(_("关键词"), default=list, blank=True)
    update_frequency = models.CharField(_("更新频率"), max_length=16, choices=UpdateFrequency.choices)
    spatial = models.ForeignKey("core.Region", verbose_name=_("空间范围"), on_delete=models.PROTECT, related_name="+")
    temporal_start = models.DateField(_("时间范围起"), null=True, blank=True)
    temporal_end = models.DateField(_("时间范围止"), null=True, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=64)
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    legal_basis = models.TextField(_("采集依据"), blank=True)

    grade = models.CharField(_("安全级别"), max_length=2, choices=Grade.choices)
    national_level = models.CharField(
        _("国家数据分级"), max_length=16, choices=NationalLevel.choices, default=NationalLevel.GENERAL
    )
    share_type = models.CharField(_("共享类型"), max_length=16, choices=ShareType.choices)
    share_basis = models.TextField(_("共享依据"), blank=True)
    share_refusal_reason = models.TextField(_("不予共享理由"), blank=True)
    open_type = models.CharField(_("开放类型"), max_length=16, choices=OpenType.choices)

    status = models.CharField(_("状态"), max_length=16, choices=DatasetStatus.choices, default=DatasetStatus.DRAFT)
    version = models.PositiveIntegerField(_("版本"), default=0, help_text=_("最新版本的版本号"))
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        "accounts.User", verbose_name=_("提交人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        "accounts.User", verbose_name=_("审核人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_note = models.TextField(_("审核意见"), blank=True)
    # Space-separated words of title, description and keywords (jieba), for search.
    search_text = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "数据资源")
        verbose_name_plural = pgettext_lazy("models", "数据资源")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["status", "open_type"]),
            models.Index(fields=["organisation", "status"]),
        ]
        constraints = [
            # The same rule as the services, held by the database too: what a
            # grade forbids to open cannot be published as open.
            models.CheckConstraint(
                condition=Q(grade="L1") | ~Q(open_type="unconditional"), name="dataset_open_only_l1"
            ),
            models.CheckConstraint(condition=~Q(grade="L4") | Q(open_type="none"), name="dataset_l4_never_open"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class DatasetField(models.Model):
    """One field (数据项) of a dataset, with its own grade."""

    dataset = models.ForeignKey(Dataset, verbose_name=_("数据资源"), on_delete=models.CASCADE, related_name="fields")
    position = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("字段名"), max_length=64)
    label = models.CharField(_("中文名称"), max_length=64)
    data_type = models.CharField(_("数据类型"), max_length=16, choices=FieldType.choices)
    unit = models.CharField(_("计量单位"), max_length=16, blank=True)
    data_element = models.CharField(_("数据元标识"), max_length=64, blank=True)
    identifies_person = models.BooleanField(_("涉及个人信息"), default=False)
    grade = models.CharField(_("安全级别"), max_length=2, choices=Grade.choices)

    class Meta:
        verbose_name = pgettext_lazy("model", "数据项")
        verbose_name_plural = pgettext_lazy("models", "数据项")
        ordering = ["dataset", "position"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "name"], name="field_unique_name"),
            models.UniqueConstraint(fields=["dataset", "position"], name="field_unique_position"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.label}"


class Resource(models.Model):
    """A distribution of a dataset: a file (CSV, XLSX, JSON) or an API."""

    dataset = models.ForeignKey(Dataset, verbose_name=_("数据资源"), on_delete=models.CASCADE, related_name="resources")
    # CKAN addresses resources by id; a UUID-like string keeps ids unguessable and stable.
    key = models.CharField(_("标识"), max_length=36, unique=True)
    name = models.CharField(_("名称"), max_length=128)
    format = models.CharField(_("格式"), max_length=8, choices=ResourceFormat.choices)
    url = models.URLField(_("接口地址"), blank=True)
    size = models.BigIntegerField(_("大小（字节）"), null=True, blank=True)
    checksum = models.CharField(_("SM3 校验值"), max_length=64, blank=True)
    row_count = models.BigIntegerField(_("记录数"), null=True, blank=True)
    # The warehouse table holding the rows of a tabular resource.
    table = models.CharField(_("数据表"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("model", "资源")
        verbose_name_plural = pgettext_lazy("models", "资源")
        ordering = ["dataset", "created_at"]

    def __str__(self) -> str:
        return f"{self.dataset.code} · {self.name}"


class DatasetVersion(models.Model):
    """A snapshot of a dataset's metadata after each change, so any two can be compared."""

    dataset = models.ForeignKey(Dataset, verbose_name=_("数据资源"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(_("状态"), max_length=16, choices=DatasetStatus.choices)
    snapshot = models.JSONField(_("内容"))
    changed_by = models.ForeignKey(
        "accounts.User", verbose_name=_("修改人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(_("修改时间"), default=timezone.now)
    note = models.CharField(_("说明"), max_length=256, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "版本")
        verbose_name_plural = pgettext_lazy("models", "版本")
        ordering = ["dataset", "number"]
        constraints = [models.UniqueConstraint(fields=["dataset", "number"], name="version_unique_number")]

    def __str__(self) -> str:
        return f"{self.dataset.code} v{self.number}"
