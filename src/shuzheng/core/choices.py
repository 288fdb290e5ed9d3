from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    PREFECTURE = "prefecture", _("地市级")
    COUNTY = "county", _("县级")


class IdentifierKind(models.TextChoices):
    RESIDENT_ID = "resident_id", _("居民身份证号码")
    USCC = "uscc", _("统一社会信用代码")
    ORG_CODE = "org_code", _("组织机构代码")
    MOBILE = "mobile", _("手机号码")


class AuditOutcome(models.TextChoices):
    SUCCESS = "success", _("成功")
    DENIED = "denied", _("已拒绝")
    FAILED = "failed", _("失败")


class AuditHashAlgorithm(models.TextChoices):
    SM3 = "sm3", "SM3"
    SHA256 = "sha256", "SHA-256"
