"""Unified social credit codes (GB 32100): an organisation's identifier, confirmed by its check character."""

from django.utils.translation import gettext_lazy as _

from shuzheng.core import regions
from shuzheng.core.identifiers import InvalidIdentifier, parse_uscc
from shuzheng.privacy.detectors.resident_id import PATTERN as RESIDENT_ID
from shuzheng.privacy.registry import Detector, bounded, context_before, detector_register

# Labels of other numbers: a mistyped ID number or an order number passes the check one time in 31.
NOT_CODES = ("身份证", "证件号", "订单", "单号", "流水", "编号")
# Just after a card or account word, an all-digit number is a (mistyped) card number.
CARD_WORDS = ("卡", "账号", "帐号", "账户", "帐户")
PATTERN = bounded("0-9ANY", "[0-9A-HJ-NP-RTUW-Y][0-9]{6}[0-9A-HJ-NP-RTUW-Y]{10}")


def confirm(value: str, text: str, start: int, end: int) -> float | None:
    try:
        code = parse_uscc(value)
    except InvalidIdentifier:
        return None
    # One number in 31 passes the check by chance. An all-digit code laid out like an ID number,
    # or registered in a region that does not exist, is more likely a mistyped ID or a card number.
    if value[:17].isdigit() and (RESIDENT_ID.fullmatch(value) or regions.lookup(code.region_code) is None):
        return None
    if context_before(text, start, NOT_CODES):
        return None
    if value.isdigit() and context_before(text, start, CARD_WORDS, reach=4):
        return None
    return 1.0 if not code.warnings and regions.province_code_known(code.region_code) else 0.7


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
