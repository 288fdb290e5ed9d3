from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shuzheng.opendata.choices import ApplicationStatus


class AccessApplication(models.Model):
    """A request to use a restricted (受限开放) dataset, decided by the department that owns it."""

    number = models.CharField(_("申请编号"), max_length=20, unique=True)
    dataset = models.ForeignKey(
        "catalog.Dataset", verbose_name=_("数据资源"), on_delete=models.PROTECT, related_name="+"
    )
    # The owning department when the application was made: it decides, and its officials see it.
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("提供部门"), on_delete=models.PROTECT, related_name="+"
    )
    applicant = models.ForeignKey(
        "accounts.User", verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="open_applications"
    )
    legal_person = models.ForeignKey(
        "accounts.LegalPerson",
        verbose_name=_("申请单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    purpose = models.TextField(_("使用目的"))
    scenario = models.TextField(_("应用场景"))
    security_measures = models.TextField(_("安全保障措施"))
    fields = models.JSONField(_("申请字段"), default=list)
    days = models.PositiveSmallIntegerField(_("申请使用期限（天）"))
    agreement_version = models.CharField(_("协议版本"), max_length=16)
    agreement_digest = models.CharField(_("协议摘要"), max_length=64)
    signed_name = models.CharField(_("签署人"), max_length=64)
    signed_at = models.DateTimeField(_("签署时间"))
    status = models.CharField(
        _("状态"), max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    due_on = models.DateField(_("答复期限"))
    decided_by = models.ForeignKey(
        "accounts.User", verbose_name=_("审核人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_reason = models.TextField(_("审核意见"), blank=True)
    valid_until = models.DateTimeField(_("有效期至"), null=True, blank=True)
    token = models.OneToOneField(
        "accounts.ApiToken",
        verbose_name=_("访问密钥"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="open_application",
    )

    class Meta:
        verbose_name = pgettext_lazy("model", "受限开放申请")
        verbose_name_plural = pgettext_lazy("models", "受限开放申请")
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["organisation", "status", "due_on"])]
        constraints = [
            # One open request per person and dataset: a second click does not make a second case.
            models.UniqueConstraint(
                fields=["applicant", "dataset"],
                condition=Q(status="submitted"),
                name="open_application_one_pending",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(valid_until__isnull=False),
                name="open_application_approved_expires",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_active(self) -> bool:
        return (
            self.status == ApplicationStatus.APPROVED
            and self.valid_until is not None
            and self.valid_until > timezone.now()
        )


class UseReport(models.Model):
    """The applicant's account of how the data was used (成果反馈)."""

    application = models.ForeignKey(
        AccessApplication, verbose_name=_("申请"), on_delete=models.CASCADE, related_name="reports"
    )
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    summary = models.TextField(_("使用情况"))
    outcomes = models.TextField(_("应用成果"), blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "使用情况报告")
        verbose_name_plural = pgettext_lazy("models", "使用情况报告")
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"{self.application} {self.submitted_at:%Y-%m-%d}"


class UsageDaily(models.Model):
    """Downloads and API calls of one dataset on one day: the portal's statistics."""

    dataset = models.ForeignKey(
        "catalog.Dataset", verbose_name=_("数据资源"), on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("日期"))
    downloads = models.PositiveIntegerField(_("下载次数"), default=0)
    api_calls = models.PositiveIntegerField(_("接口调用次数"), default=0)

    class Meta:
        verbose_name = pgettext_lazy("model", "开放数据使用统计")
        verbose_name_plural = pgettext_lazy("models", "开放数据使用统计")
        constraints = [models.UniqueConstraint(fields=["dataset", "day"], name="usage_daily_unique")]

    def __str__(self) -> str:
        return f"{self.dataset_id} {self.day}"
