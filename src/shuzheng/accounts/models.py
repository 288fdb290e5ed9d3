from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shuzheng.accounts.choices import UserKind


class User(AbstractUser):
    """An account: a citizen, an enterprise user or an official.

    The kind decides which face of the platform the account may enter: the
    portal is for everyone, the workbench for officials only.
    """

    name = models.CharField(_("姓名"), max_length=64, blank=True)
    kind = models.CharField(_("用户类型"), max_length=16, choices=UserKind.choices, default=UserKind.NATURAL_PERSON)

    class Meta:
        verbose_name = pgettext_lazy("model", "用户")
        verbose_name_plural = pgettext_lazy("models", "用户")

    @property
    def is_official(self) -> bool:
        return self.kind == UserKind.OFFICIAL

    def get_full_name(self) -> str:
        return self.name or self.username

    def get_short_name(self) -> str:
        return self.name or self.username
