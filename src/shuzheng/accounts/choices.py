from django.db import models
from django.utils.translation import gettext_lazy as _


class UserKind(models.TextChoices):
    NATURAL_PERSON = "natural_person", _("自然人")
    LEGAL_PERSON = "legal_person", _("法人")
    OFFICIAL = "official", _("工作人员")


class OrganisationKind(models.TextChoices):
    GOVERNMENT = "government", _("人民政府")
    DEPARTMENT = "department", _("政府部门")
    SUBDISTRICT = "subdistrict", _("乡镇（街道）")
    OTHER = "other", _("其他机构")


class AdministratorKind(models.TextChoices):
    """三员: the three administrators, whose duties no account may combine."""

    SYSTEM = "system", _("系统管理员")
    SECURITY = "security", _("安全管理员")
    AUDIT = "audit", _("审计管理员")


class MemberRole(models.TextChoices):
    LEGAL_REPRESENTATIVE = "legal_representative", _("法定代表人")
    AGENT = "agent", _("经办人")
