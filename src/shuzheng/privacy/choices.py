from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """The ways data leaves the platform, each with its own masking policies."""

    SHARING = "sharing", _("数据共享")
    OPEN = "open", _("数据开放")
    EXPORT = "export", _("导出下载")
    DISPLAY = "display", _("页面展示")


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("待确认")
    ACCEPTED = "accepted", _("已确认")
    REJECTED = "rejected", _("已否决")
