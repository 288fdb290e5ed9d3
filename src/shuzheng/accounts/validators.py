"""Password rules beyond Django's own, switched on by setting for an MLPS assessment."""

from __future__ import annotations

import string
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext


class CharacterClassValidator:
    """At least ``min_classes`` of: lower-case, upper-case, digits, symbols."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        classes = [
            any(char in string.ascii_lowercase for char in password),
            any(char in string.ascii_uppercase for char in password),
            any(char.isdigit() for char in password),
            any(not char.isalnum() for char in password),
        ]
        if sum(classes) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return ngettext(
            "密码须包含小写字母、大写字母、数字、符号中的至少 %(count)d 类",
            "密码须包含小写字母、大写字母、数字、符号中的至少 %(count)d 类",
            self.min_classes,
        ) % {"count": self.min_classes}
