from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shuzheng.sharing.choices import GrantStatus, ObjectionStatus, Operation, Refusal, RequestStatus


class ShareRequest(models.Model):
    """A department's request to use another department's dataset: checked by the platform, then
    (for conditionally shared data) answered by the owner within working-day limits."""

    number = models.CharField(_("申请编号"), max_length=20, unique=True)
    dataset = models.ForeignKey(
        "catalog.Dataset", verbose_name=_("数据资源"), on_delete=models.PROTECT, related_name="+"
    )
    # The owning department when the request was made: it answers, and its officials see it.
    provider = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("提供部门"), on_delete=models.PROTECT, related_name="+"
    )
    consumer = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("申请部门"), on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        "accounts.User", verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    fields = models.JSONField(_("申请字段"), default=list)
    # {field: [allowed values]}: e.g. only the consumer's own region.
    row_filter = models.JSONField(_("数据范围"), default=dict, blank=True)
    purpose = models.TextField(_("使用目的"))
    scenario = models.CharField(_("服务事项或应用场景"), max_length=200)
    legal_basis = models.TextField(_("共享依据"))
    daily_calls = models.PositiveIntegerField(_("预计日调用量"))
    valid_until = models.DateField(_("申请使用期限至"))
    status = models.CharField(_("状态"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.CHECKING)
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    check_due = models.DateField(_("平台审核期限"))
    checked_by = models.ForeignKey(
        "accounts.User", verbose_name=_("平台审核人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(_("平台审核时间"), null=True, blank=True)
    # The data is not yet on the platform: the owner must publish it first, and has longer to answer.
    needs_publishing = models.BooleanField(_("需先行归集发布"), default=False)
    answer_due = models.DateField(_("提供部门答复期限"), null=True, blank=True)
    decided_by = models.ForeignKey(
        "accounts.User", verbose_name=_("审核人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reason = models.TextField(_("审核意见"), blank=True)
    escalated_at = models.DateTimeField(_("逾期督办时间"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "共享申请")
        verbose_name_plural = pgettext_lazy("models", "共享申请")
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["status", "check_due"]), models.Index(fields=["status", "answer_due"])]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in (RequestStatus.CHECKING, RequestStatus.WITH_PROVIDER)

    @property
    def due(self) -> datetime.date | None:
        """The date the current step must be done by."""
        if self.status == RequestStatus.CHECKING:
            return self.check_due
        if self.status == RequestStatus.WITH_PROVIDER:
            return self.answer_due
        return None


class Grant(models.Model):
    """What a consumer department's systems may read of a dataset: fields, rows, purpose, period,
    rate and daily quota. One grant per consumer and dataset is in force at a time."""

    request = models.OneToOneField(
        ShareRequest, verbose_name=_("共享申请"), null=True, blank=True, on_delete=models.PROTECT, related_name="grant"
    )
    dataset = models.ForeignKey(
        "catalog.Dataset", verbose_name=_("数据资源"), on_delete=models.PROTECT, related_name="+"
    )
    provider = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("提供部门"), on_delete=models.PROTECT, related_name="+"
    )
    consumer = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("使用部门"), on_delete=models.PROTECT, related_name="+"
    )
    fields = models.JSONField(_("授权字段"), default=list)
    row_filter = models.JSONField(_("数据范围"), default=dict, blank=True)
    purpose = models.TextField(_("使用目的"))
    valid_from = models.DateField(_("生效日期"))
    valid_until = models.DateField(_("有效期至"))
    rate_per_minute = models.PositiveIntegerField(_("每分钟调用上限"))
    daily_quota = models.PositiveIntegerField(_("每日调用量上限"))
    status = models.CharField(_("状态"), max_length=16, choices=GrantStatus.choices, default=GrantStatus.ACTIVE)
    status_reason = models.TextField(_("状态说明"), blank=True)
    created_at = models.DateTimeField(_("授权时间"), default=timezone.now)
    changed_at = models.DateTimeField(_("状态变更时间"), default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("model", "共享授权")
        verbose_name_plural = pgettext_lazy("models", "共享授权")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["consumer", "dataset"],
                condition=~Q(status=GrantStatus.REVOKED),
                name="grant_one_in_force_per_consumer_and_dataset",
            )
        ]

    def __str__(self) -> str:
        return f"{self.consumer} → {self.dataset_id}"

    def refusal(self, today: datetime.date) -> str | None:
        """Why no call may use this grant today, or None."""
        if self.status == GrantStatus.REVOKED:
            return Refusal.REVOKED
        if self.status == GrantStatus.SUSPENDED:
            return Refusal.SUSPENDED
        if not self.valid_from <= today <= self.valid_until:
            return Refusal.EXPIRED
        return None


class CallRecord(models.Model):
    """One call of the sharing API, refused ones included. Written when the call is answered;
    sealed soon after into a hash chain, each record signed with the platform's key."""

    at = models.DateTimeField(_("调用时间"), default=timezone.now, db_index=True)
    consumer = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("使用部门"), on_delete=models.PROTECT, related_name="+"
    )
    provider = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("提供部门"), on_delete=models.PROTECT, related_name="+"
    )
    dataset = models.ForeignKey(
        "catalog.Dataset", verbose_name=_("数据资源"), on_delete=models.PROTECT, related_name="+"
    )
    grant = models.ForeignKey(
        Grant, verbose_name=_("授权"), null=True, blank=True, on_delete=models.PROTECT, related_name="calls"
    )
    caller = models.ForeignKey("accounts.User", verbose_name=_("调用账号"), on_delete=models.PROTECT, related_name="+")
    # The case or official the call was made for (X-Purpose): what a citizen sees as the reason.
    case = models.CharField(_("办件或经办人"), max_length=100)
    operation = models.CharField(_("调用方式"), max_length=8, choices=Operation.choices)
    keys_asked = models.PositiveIntegerField(_("查询键数"), default=0)
    fields = models.JSONField(_("返回字段"), default=list)
    results = models.PositiveIntegerField(_("返回记录数"), default=0)
    status = models.PositiveSmallIntegerField(_("应答状态"))
    refusal = models.CharField(_("拒绝原因"), max_length=16, choices=Refusal.choices, blank=True)
    latency_ms = models.FloatField(_("耗时（毫秒）"))
    # The people and enterprises the call touched, as keyed indexes (see CallSubject): written
    # with the record in its one INSERT, made into index rows when the record is sealed.
    subjects = models.JSONField(_("涉及的主体"), default=list)
    # Set when sealed: the position in the chain, the SM3 link and the platform's signature of it.
    seq = models.BigIntegerField(_("序号"), null=True, blank=True, unique=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)
    algorithm = models.CharField(max_length=8, blank=True)
    key_id = models.CharField(max_length=16, blank=True)
    signature = models.TextField(blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "共享调用记录")
        verbose_name_plural = pgettext_lazy("models", "共享调用记录")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["grant", "at"]),
            models.Index(fields=["provider", "at"]),
            models.Index(fields=["consumer", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.operation} {self.dataset_id} @ {self.at:%Y-%m-%d %H:%M:%S}"


class CallSubject(models.Model):
    """A person or enterprise a sealed call touched, as a keyed index of their ID number or credit
    code: what lets them find the call, without the log holding their identifiers."""

    call = models.ForeignKey(CallRecord, on_delete=models.PROTECT, related_name="subject_rows")
    index = models.CharField(max_length=64, db_index=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "调用涉及的主体")
        verbose_name_plural = pgettext_lazy("models", "调用涉及的主体")
        constraints = [models.UniqueConstraint(fields=["call", "index"], name="call_subject_once")]

    def __str__(self) -> str:
        return f"{self.call_id}: {self.index[:8]}…"


class ChainHead(models.Model):
    """The newest sealed record of the call log (one row): sealing locks it, verification ends at it."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = pgettext_lazy("model", "调用记录链头")
        verbose_name_plural = pgettext_lazy("models", "调用记录链头")

    def __str__(self) -> str:
        return f"{self.seq}: {self.hash[:16]}"


class Objection(models.Model):
    """A person's or enterprise's objection to a call about them, for the platform's data authority."""

    call = models.ForeignKey(CallRecord, verbose_name=_("调用记录"), on_delete=models.PROTECT, related_name="+")
    raised_by = models.ForeignKey("accounts.User", verbose_name=_("提出人"), on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("异议内容"))
    raised_at = models.DateTimeField(_("提出时间"), default=timezone.now)
    status = models.CharField(_("状态"), max_length=16, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN)
    answered_by = models.ForeignKey(
        "accounts.User", verbose_name=_("答复人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answer = models.TextField(_("答复意见"), blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "数据使用异议")
        verbose_name_plural = pgettext_lazy("models", "数据使用异议")
        ordering = ["-raised_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.call_id}: {self.get_status_display()}"


class Anomaly(models.Model):
    """A grant under which a consumer suddenly asked about many distinct people or enterprises:
    raised once an hour at most, for the owner and the platform to look into."""

    grant = models.ForeignKey(Grant, verbose_name=_("授权"), on_delete=models.PROTECT, related_name="anomalies")
    detected_at = models.DateTimeField(_("发现时间"), default=timezone.now)
    distinct_keys = models.PositiveIntegerField(_("一小时内查询的不同主体数"))
    threshold = models.PositiveIntegerField(_("预警阈值"))

    class Meta:
        verbose_name = pgettext_lazy("model", "异常调用预警")
        verbose_name_plural = pgettext_lazy("models", "异常调用预警")
        ordering = ["-detected_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.grant_id}: {self.distinct_keys} > {self.threshold}"
