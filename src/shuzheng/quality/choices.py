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
