"""Reads of the accounts app."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser


def user_is_official(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether the user may enter the officials' workbench."""
    return bool(user.is_authenticated and getattr(user, "is_official", False))
