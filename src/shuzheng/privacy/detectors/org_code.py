"""Organisation codes (GB 11714): nine characters with a check, usually printed XXXXXXXX-X.

One string in eleven passes the check by chance, so without the hyphen or a
label before it a candidate is too weak to report.
"""

from django.utils.translation import gettext_lazy as _

from shuzheng.core.identifiers import InvalidIdentifier, validate_org_code
from shuzheng.privacy.registry import Detector, bounded, context_before, detector_register

PATTERN = bounded("0-9A-Z", "[0-9A-Z]{7}-?[0-9X]", word="0-9A-Za-z-")
CONTEXT = ("组织机构代码", "机构代码", "组织代码")


def confirm(value: str, text: str, start: int, end: int) -> float | None:
    try:
        validate_org_code(value)
    except InvalidIdentifier:
        return None
    return 0.95 if "-" in value or context_before(text, start, CONTEXT) else 0.4


detector_register(
    Detector(
        kind="org_code",
        label=_("组织机构代码"),
        grade="L1",
        priority=40,
        patterns=(PATTERN,),
        confirm=confirm,
        personal=False,
    )
)
