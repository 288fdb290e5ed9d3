"""Unified social credit codes (GB 32100): an organisation's identifier, confirmed by its check character."""

from django.utils.translation import gettext_lazy as _

from shuzheng.core.identifiers import is_valid_uscc
from shuzheng.privacy.registry import Detector, bounded, detector_register

PATTERN = bounded("0-9ANY", "[0-9A-HJ-NP-RTUW-Y][0-9]{6}[0-9A-HJ-NP-RTUW-Y]{10}")


def confirm(value: str, text: str, start: int, end: int) -> float | None:
    return 1.0 if is_valid_uscc(value) else None


# Organisations' codes are public registers' keys, not personal data; found so that they can be
# told apart from ID numbers and graded as such.
detector_register(
    Detector(
        kind="uscc",
        label=_("统一社会信用代码"),
        grade="L1",
        priority=85,
        patterns=(PATTERN,),
        confirm=confirm,
        personal=False,
    )
)
