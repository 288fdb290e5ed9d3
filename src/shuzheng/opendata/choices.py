from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("未批准")
    WITHDRAWN = "withdrawn", _("已撤回")
    TERMINATED = "terminated", _("已终止")


class Treatment(models.TextChoices):
    """What a restricted dataset's field becomes on its way to an approved applicant."""

    PLAIN = "plain", _("原值")
    MASKED = "masked", _("部分遮盖")
    PSEUDONYM = "pseudonym", _("假名化")
    WITHHELD = "withheld", _("不提供")
