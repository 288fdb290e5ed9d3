from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestStatus(models.TextChoices):
    CHECKING = "checking", _("待平台审核")
    WITH_PROVIDER = "with_provider", _("待提供部门审核")
    GRANTED = "granted", _("已授权")
    REFUSED = "refused", _("未通过")
    WITHDRAWN = "withdrawn", _("已撤回")


class GrantStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    SUSPENDED = "suspended", _("已暂停")
    REVOKED = "revoked", _("已撤销")


class Operation(models.TextChoices):
    LOOKUP = "lookup", _("按键查询")
    BATCH = "batch", _("批量查询")
    QUERY = "query", _("条件查询")
    VERIFY = "verify", _("核验")


class Refusal(models.TextChoices):
    """Why a call was refused; recorded with the call, never with what it asked for."""

    NO_GRANT = "no_grant", _("无有效授权")
    EXPIRED = "expired", _("授权已过期")
    SUSPENDED = "suspended", _("授权已暂停")
    REVOKED = "revoked", _("授权已撤销")
    FIELD = "field", _("字段超出授权范围")
    ROW = "row", _("数据行超出授权范围")
    RATE = "rate", _("调用频率超限")
    QUOTA = "quota", _("超出每日调用量")


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    ANSWERED = "answered", _("已答复")
