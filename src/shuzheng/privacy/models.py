from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shuzheng.catalog.schemas import Grade
from shuzheng.privacy.choices import Channel, ProposalStatus


class MaskingPolicy(models.Model):
    """How fields of one grade leave through one channel for one purpose (blank: any purpose).

    ``treatments`` maps a kind of personal data to ``{"method": …, "params": {…}}``; the key
    ``"*"`` covers the other kinds of personal data, and ``""`` fields that hold none.
    """

    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    purpose = models.CharField(_("用途"), max_length=64, blank=True)
    grade = models.CharField(_("安全级别"), max_length=2, choices=Grade.choices)
    treatments = models.JSONField(_("处理方式"), default=dict)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("修改人"), on_delete=models.PROTECT, null=True, blank=True
    )
    updated_at = models.DateTimeField(_("修改时间"), default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("model", "脱敏策略")
        verbose_name_plural = pgettext_lazy("models", "脱敏策略")
        ordering = ["channel", "purpose", "grade"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "purpose", "grade"], name="privacy_policy_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.channel}/{self.purpose or '*'}/{self.grade}"


class FieldProposal(models.Model):
    """What the classifier proposes for one field: the kind of personal data it holds and the grade implied."""

    dataset = models.ForeignKey(
        "catalog.Dataset", verbose_name=_("数据资源"), on_delete=models.CASCADE, related_name="privacy_proposals"
    )
    field_name = models.CharField(_("字段"), max_length=64)
    kind = models.CharField(_("个人信息类型"), max_length=32, blank=True)
    grade = models.CharField(_("建议安全级别"), max_length=2, choices=Grade.choices)
    share = models.DecimalField(_("命中比例"), max_digits=5, decimal_places=4, default=0)
    sampled = models.PositiveIntegerField(_("抽样值数"), default=0)
    status = models.CharField(_("状态"), max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    proposed_at = models.DateTimeField(_("识别时间"), default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("model", "个人信息识别建议")
        verbose_name_plural = pgettext_lazy("models", "个人信息识别建议")
        ordering = ["dataset", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "field_name"], name="privacy_proposal_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.field_name}: {self.kind or '-'}"


class ReleaseCheck(models.Model):
    """A k-anonymity and l-diversity check of a dataset before release, with what breaks it."""

    dataset = models.ForeignKey(
        "catalog.Dataset", verbose_name=_("数据资源"), on_delete=models.CASCADE, related_name="release_checks"
    )
    quasi_identifiers = models.JSONField(_("准标识符"), default=list)
    generalisations = models.JSONField(_("泛化处理"), default=dict, blank=True)
    sensitive = models.JSONField(_("敏感属性"), default=list, blank=True)
    k = models.PositiveIntegerField("k")
    l_diversity = models.PositiveIntegerField("l", default=1)
    rows = models.BigIntegerField(_("记录数"), default=0)
    passed = models.BooleanField(_("通过"), default=False)
    # Groups smaller than k (or less diverse than l), how many records they hold, a sample of
    # their combinations with sizes, and the generalisations that would make the release pass.
    report = models.JSONField(_("检查报告"), default=dict)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("检查人"), on_delete=models.PROTECT, null=True, blank=True
    )
    checked_at = models.DateTimeField(_("检查时间"), default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("model", "发布前匿名化检查")
        verbose_name_plural = pgettext_lazy("models", "发布前匿名化检查")
        ordering = ["-checked_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.dataset_id} k={self.k} {'passed' if self.passed else 'failed'}"


class Release(models.Model):
    """One extract handed to a recipient, marked so that a leaked copy can be traced back to it.

    The mark's secret is derived from the platform's key and this row's id; it is never stored.
    """

    dataset = models.ForeignKey(
        "catalog.Dataset", verbose_name=_("数据资源"), on_delete=models.PROTECT, related_name="releases"
    )
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    recipient = models.CharField(_("接收方"), max_length=200)
    reference = models.CharField(_("依据"), max_length=100, help_text=_("申请、授权或工单编号"))
    key_field = models.CharField(_("主键字段"), max_length=64)
    rows = models.BigIntegerField(_("记录数"), default=0)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提供人"), on_delete=models.PROTECT, null=True, blank=True
    )
    released_at = models.DateTimeField(_("提供时间"), default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("model", "数据提供记录")
        verbose_name_plural = pgettext_lazy("models", "数据提供记录")
        ordering = ["-released_at"]

    def __str__(self) -> str:
        return f"{self.dataset_id} → {self.recipient} ({self.reference})"
