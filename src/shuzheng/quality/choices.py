from django.db import models
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    HIGH = "high", _("严重")
    MEDIUM = "medium", _("一般")
    LOW = "low", _("提示")


# How much a rule weighs in a dataset's score.
SEVERITY_WEIGHTS = {Severity.HIGH: 3, Severity.MEDIUM: 2, Severity.LOW: 1}


class RunStatus(models.TextChoices):
    SUCCEEDED = "succeeded", _("完成")
    FAILED = "failed", _("失败")


class TicketStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    ACKNOWLEDGED = "acknowledged", _("已确认")
    FIXED = "fixed", _("已整改待复核")
    DISPUTED = "disputed", _("有异议")
    CLOSED = "closed", _("已关闭")

    @classmethod
    def awaiting_department(cls) -> tuple[str, ...]:
        """The states in which the department owes an answer, and a deadline runs."""
        return (cls.OPEN, cls.ACKNOWLEDGED)

    @classmethod
    def active(cls) -> tuple[str, ...]:
        return (cls.OPEN, cls.ACKNOWLEDGED, cls.FIXED, cls.DISPUTED)


class TicketSource(models.TextChoices):
    CHECK = "check", _("质量检查")
    CONSUMER = "consumer", _("使用方反馈")


class TicketEvent(models.TextChoices):
    OPENED = "opened", _("提出")
    ACKNOWLEDGED = "acknowledged", _("确认问题")
    FIXED = "fixed", _("完成整改")
    VERIFIED = "verified", _("复核通过")
    REOPENED = "reopened", _("复核未通过，重新打开")
    DISPUTED = "disputed", _("提出异议")
    DISPUTE_ACCEPTED = "dispute_accepted", _("异议成立")
    DISPUTE_REJECTED = "dispute_rejected", _("异议不成立")
    REMINDED = "reminded", _("催办")
