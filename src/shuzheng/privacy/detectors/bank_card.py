"""Bank card numbers: 16–19 digits with the Luhn check, written whole or in groups of four.

An 18-digit number laid out like an ID number is left to the ID detector:
one in ten of them passes Luhn by chance, and the ID check is the stricter.
"""

from django.utils.translation import gettext_lazy as _
from stdnum import luhn

from shuzheng.privacy.detectors.resident_id import PATTERN as RESIDENT_ID
from shuzheng.privacy.registry import Detector, bounded, context_before, detector_register

WHOLE = bounded("1-9", "[0-9]{15,18}")
GROUPED = bounded("1-9", "[0-9]{3}(?:[ -][0-9]{4}){3}(?:[ -]?[0-9]{1,3})?")
CONTEXT = ("卡号", "银行卡", "账号", "帐号", "账户", "帐户", "开户")
# Numbers of documents that pass Luhn by chance one time in ten.
NOT_CARDS = ("编号", "单号", "订单", "流水", "决定书", "文号", "发票", "工单", "代码")


def confirm(value: str, text: str, start: int, end: int) -> float | None:
    digits = value.replace(" ", "").replace("-", "")
    if not 16 <= len(digits) <= 19 or not luhn.is_valid(digits):
        return None
    if len(digits) == 18 and RESIDENT_ID.fullmatch(digits):
        return None
    if context_before(text, start, CONTEXT):
        return 1.0
    if context_before(text, start, NOT_CARDS):
        return None
    # Card schemes' prefixes: anything else that passes Luhn (one number in ten does) needs a label.
    return 0.95 if _issued(digits) else 0.4


def _issued(digits: str) -> bool:
    """Whether a scheme issues cards with this prefix: UnionPay 62 (and the older 9 cards), Visa 4,
    Mastercard 51–55 and 2221–2720, JCB 35, Discover 60 and 65."""
    return (
        digits[0] in "49"
        or digits[:2] in ("35", "51", "52", "53", "54", "55", "60", "62", "65")
        or 2221 <= int(digits[:4]) <= 2720
    )


detector_register(
    Detector(kind="bank_card", label=_("银行卡号"), grade="L4", priority=60, patterns=(WHOLE, GROUPED), confirm=confirm)
)
