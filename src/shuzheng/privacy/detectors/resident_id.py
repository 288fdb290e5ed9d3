"""Resident ID numbers (GB 11643): the check digit, a real birth date and a known province."""

from django.utils.translation import gettext_lazy as _

from shuzheng.core.identifiers import InvalidIdentifier, parse_resident_id
from shuzheng.privacy.registry import Detector, bounded, detector_register

# 6-digit address, birth date, sequence and check; people split it 6-8-4 with spaces or dashes.
PATTERN = bounded(
    "1-9", r"[0-9]{5}[ -]?(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[ -]?[0-9]{3}[0-9Xx]"
)


def confirm(value: str, text: str, start: int, end: int) -> float | None:
    try:
        number = parse_resident_id(value)
    except InvalidIdentifier:
        return None
    # A county code missing from the tables is still a real number, but less surely one.
    return 0.9 if number.warnings and not number.region_name else 1.0


detector_register(
    Detector(kind="resident_id", label=_("居民身份证号"), grade="L3", priority=90, patterns=(PATTERN,), confirm=confirm)
)
