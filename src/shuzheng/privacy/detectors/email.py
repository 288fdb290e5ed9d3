"""E-mail addresses. The look-behind anchors each try at the start of a word, so long runs stay linear."""

import re

from django.utils.translation import gettext_lazy as _

from shuzheng.privacy.registry import Detector, detector_register

PATTERN = re.compile(
    r"[A-Za-z0-9._%+-](?<![A-Za-z0-9._%+-].)[A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}"
    r"\.[A-Za-z]{2,24}(?![A-Za-z0-9-])"
)


def confirm(value: str, text: str, start: int, end: int) -> float | None:
    local = value.split("@", 1)[0]
    return None if local.startswith(".") or local.endswith(".") or ".." in value else 0.99


detector_register(
    Detector(kind="email", label=_("电子邮箱"), grade="L2", priority=55, patterns=(PATTERN,), confirm=confirm)
)
