from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shuzheng.quality.choices import RunStatus, Severity, TicketEvent, TicketSource, TicketStatus


class QualityRule(models.Model):
    """One rule declared on a dataset: a registered rule type, the fields it reads, its parameters."""

    dataset = models.ForeignKey(
        "catalog.Dataset", verbose_name=_("数据资源"), on_delete=models.CASCADE, related_name="quality_rules"
    )
    rule_type = models.CharField(_("规则类型"), max_length=32)
    fields = models.JSONField(_("字段"), default=list)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    severity = models.CharField(_("严重程度"), max_length=8, choices=Severity.choices, default=Severity.MEDIUM)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    enabled = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("model", "质量规则")
        verbose_name_plural = pgettext_lazy("models", "质量规则")
        ordering = ["dataset", "pk"]

    def __str__(self) -> str:
        return f"{self.rule_type}({', '.join(self.fields)})"


class CheckRun(models.Model):
    """One check of a dataset's rules: how many rows, how it scored, when."""

    dataset = models.ForeignKey(
        "catalog.Dataset", verbose_name=_("数据资源"), on_delete=models.CASCADE, related_name="quality_runs"
    )
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=RunStatus.choices)
    rows = models.BigIntegerField(_("记录数"), default=0)
    score = models.DecimalField(_("质量得分"), max_digits=5, decimal_places=2, null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)
    # The severity weights of the rules checked, summed: a department's score pools its datasets'
    # scores by this, as if all their rules were checked together.
    weight = models.PositiveIntegerField(_("规则权重"), default=0)
    # The warehouse table listing every failing row of this check (engine.failing_rows): the
    # rule's id and the row's key, or the whole row when the dataset had no usable key.
    failures_table = models.CharField(_("问题数据表"), max_length=64, blank=True)
    key_fields = models.JSONField(_("主键字段"), default=list, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "质量检查")
        verbose_name_plural = pgettext_lazy("models", "质量检查")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["dataset", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.dataset_id} {self.started_at:%Y-%m-%d %H:%M}"


class RuleResult(models.Model):
    """What one rule found in one check."""

    run = models.ForeignKey(CheckRun, verbose_name=_("质量检查"), on_delete=models.CASCADE, related_name="results")
    rule = models.ForeignKey(QualityRule, verbose_name=_("质量规则"), on_delete=models.CASCADE, related_name="results")
    failed = models.BigIntegerField(_("不通过数"))
    sample = models.JSONField(_("样例"), default=list)

    class Meta:
        verbose_name = pgettext_lazy("model", "规则检查结果")
        verbose_name_plural = pgettext_lazy("models", "规则检查结果")
        constraints = [models.UniqueConstraint(fields=["run", "rule"], name="rule_result_unique")]

    def __str__(self) -> str:
        return f"{self.rule} {self.failed}"


class Ticket(models.Model):
    """A data-quality problem (问题反馈) sent to the department that owns the dataset: opened by a
    failing rule on a check, or reported by a consumer of the data; worked to a close within
    working days, every step kept in its history."""

    number = models.CharField(_("工单编号"), max_length=20, unique=True)
    dataset = models.ForeignKey(
        "catalog.Dataset", verbose_name=_("数据资源"), on_delete=models.CASCADE, related_name="quality_tickets"
    )
    # The owning department when the ticket was opened: it answers, and its officials see it.
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("责任部门"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("来源"), max_length=16, choices=TicketSource.choices)
    rule = models.ForeignKey(
        QualityRule,
        verbose_name=_("质量规则"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tickets",
    )
    # The latest check that found the rule failing: its failing rows are the ones to correct.
    run = models.ForeignKey(
        CheckRun, verbose_name=_("质量检查"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    failed = models.BigIntegerField(_("不通过数"), default=0)
    description = models.TextField(_("问题描述"))
    status = models.CharField(_("状态"), max_length=16, choices=TicketStatus.choices, default=TicketStatus.OPEN)
    reported_by = models.ForeignKey(
        "accounts.User", verbose_name=_("反馈人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("提出时间"), default=timezone.now)
    due_on = models.DateField(_("整改期限"))
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    dispute_reason = models.TextField(_("异议理由"), blank=True)
    last_reminded_on = models.DateField(_("最近催办日期"), null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(_("催办次数"), default=0)

    class Meta:
        verbose_name = pgettext_lazy("model", "数据质量问题工单")
        verbose_name_plural = pgettext_lazy("models", "数据质量问题工单")
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["organisation", "status", "due_on"]),
            models.Index(fields=["dataset", "status"]),
        ]
        constraints = [
            # One ticket per failing rule: a rule that keeps failing keeps its ticket, not a pile of them.
            models.UniqueConstraint(fields=["rule"], condition=~Q(status="closed"), name="quality_ticket_one_per_rule"),
            models.CheckConstraint(
                condition=Q(source="consumer") | Q(rule__isnull=False), name="quality_ticket_check_has_rule"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_overdue(self) -> bool:
        return self.status in TicketStatus.awaiting_department() and self.due_on < timezone.localdate()


class TicketStep(models.Model):
    """One step in a ticket's history: who moved it from which state to which, and why."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("工单"), on_delete=models.CASCADE, related_name="steps")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    actor = models.ForeignKey(
        "accounts.User", verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    event = models.CharField(_("事项"), max_length=24, choices=TicketEvent.choices)
    from_status = models.CharField(_("原状态"), max_length=16, choices=TicketStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=TicketStatus.choices)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "工单处理记录")
        verbose_name_plural = pgettext_lazy("models", "工单处理记录")
        ordering = ["ticket", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.event}"
