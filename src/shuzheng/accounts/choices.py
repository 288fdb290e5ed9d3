from django.db import models
from django.utils.translation import gettext_lazy as _


class UserKind(models.TextChoices):
    NATURAL_PERSON = "natural_person", _("自然人")
    LEGAL_PERSON = "legal_person", _("法人")
    OFFICIAL = "official", _("工作人员")
