from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shuzheng.core.choices import AuditHashAlgorithm, AuditOutcome, RegionLevel


class Region(models.Model):
    """An administrative division of the deployment's province (GB/T 2260).

    Historical codes are kept (``valid_to`` set) because ID numbers and old
    records still carry them; pickers offer only current, non-aggregate codes.
    """

    code = models.CharField(_("区划代码"), max_length=6, primary_key=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("级别"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.PositiveSmallIntegerField(_("启用年份"), null=True, blank=True)
    valid_to = models.PositiveSmallIntegerField(_("停用年份"), null=True, blank=True)
    is_aggregate = models.BooleanField(_("统计汇总码"), default=False, help_text=_("如“市辖区”，不是独立的行政单位"))
    # Every name the code has carried: [{"name", "valid_from", "valid_to"}].
    history = models.JSONField(_("名称沿革"), default=list, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "行政区划")
        verbose_name_plural = pgettext_lazy("models", "行政区划")
        ordering = ["code"]
        indexes = [models.Index(fields=["parent", "code"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_current(self) -> bool:
        return self.valid_to is None


class CalendarDay(models.Model):
    """A deployment's own entry in the working-day calendar.

    Overrides the holiday library for one date: the State Council publishes
    each year's schedule late in the year before, usually before the library
    ships it, and local governments occasionally add days of their own.
    """

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    name = models.CharField(_("说明"), max_length=64, blank=True, help_text=_("如“春节”“国庆节调休上班”"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "工作日历调整")
        verbose_name_plural = pgettext_lazy("models", "工作日历调整")
        ordering = ["date"]

    def __str__(self) -> str:
        kind = _("工作日") if self.is_workday else _("休息日")
        return f"{self.date:%Y-%m-%d} {kind} {self.name}".strip()


class AuditEvent(models.Model):
    """One entry of the append-only audit trail, chained to its predecessor by hash.

    Written only by ``core.audit.audit_record``; database triggers refuse every
    update, and deletion of records younger than the retention period.
    """

    # The sequence is the record's identity: the chain links seq to seq - 1,
    # and a second counter would only be one more thing to keep in step.
    seq = models.BigIntegerField(_("序号"), primary_key=True)
    at = models.DateTimeField(_("时间"))
    # Plain ids and usernames, not foreign keys: the record outlives the account
    # and must not change when the account does.
    actor_id = models.BigIntegerField(_("操作人 ID"), null=True, blank=True)
    actor_username = models.CharField(_("操作人"), max_length=150, blank=True)
    role = models.CharField(_("操作角色"), max_length=64, blank=True)
    on_behalf_of_id = models.BigIntegerField(_("被代办人 ID"), null=True, blank=True)
    on_behalf_of_username = models.CharField(_("被代办人"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=64)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_id = models.CharField(_("对象标识"), max_length=64, blank=True)
    # Text, not GenericIPAddressField: PostgreSQL's inet would rewrite some
    # addresses on the way back, and the hash covers the exact text.
    ip = models.CharField(_("IP 地址"), max_length=45, blank=True)
    user_agent = models.CharField(_("客户端"), max_length=512, blank=True)
    outcome = models.CharField(_("结果"), max_length=16, choices=AuditOutcome.choices)
    purpose = models.CharField(_("目的"), max_length=200, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    hash_algorithm = models.CharField(_("摘要算法"), max_length=8, choices=AuditHashAlgorithm.choices)
    prev_hash = models.CharField(_("前一记录摘要"), max_length=64)
    hash = models.CharField(_("本记录摘要"), max_length=64)

    class Meta:
        verbose_name = pgettext_lazy("model", "审计记录")
        verbose_name_plural = pgettext_lazy("models", "审计记录")
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["at"], name="core_audit_at_idx"),
            models.Index(fields=["actor_id", "at"], name="core_audit_actor_idx"),
            models.Index(fields=["object_type", "object_id", "at"], name="core_audit_object_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.at_display} {self.actor_username or '-'} {self.action} {self.outcome}"

    @property
    def at_display(self) -> str:
        """The time in the deployment's zone, with its UTC offset, so a printed record is unambiguous."""
        return timezone.localtime(self.at).isoformat(timespec="seconds")


class Message(models.Model):
    """An in-site message (站内消息) telling one person about a change; read on the messages page.

    Written only by ``core.notifications.notify``, which also hands it to the
    configured external channels (e-mail, SMS) once the change is committed.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("收件人"), on_delete=models.CASCADE, related_name="messages"
    )
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    # A path on this site (/cases/42/), never an absolute URL: the messages page redirects to it.
    link = models.CharField(_("链接"), max_length=500, blank=True)
    # What the message is about, for filtering: "<app>.<object>.<event>".
    topic = models.CharField(_("消息类别"), max_length=64, blank=True, help_text=_("如“eservices.case.correction”"))
    created_at = models.DateTimeField(_("发送时间"), default=timezone.now)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "站内消息")
        verbose_name_plural = pgettext_lazy("models", "站内消息")
        ordering = ["-created_at", "-pk"]
        # The header's unread count and the inbox both start from the recipient.
        indexes = [models.Index(fields=["recipient", "read_at", "created_at"], name="core_message_inbox_idx")]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
