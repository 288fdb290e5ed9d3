"""Mobile numbers and landlines (with their area code), as people write them: 138 0013 8000, (0571)8765-4321."""

import re

from django.utils.translation import gettext_lazy as _

from shuzheng.privacy.registry import Detector, context_before, detector_register

# The country code (+86, 0086) may come before; the span is the national number.
MOBILE = re.compile(
    r"1(?:(?<![0-9].)|(?<=(?<![0-9])86.)|(?<=(?<![0-9])0086.)|(?<=(?<![0-9])86[ -].))[3-9][0-9](?:[ -]?[0-9]{4}){2}"
    r"(?![0-9])"
)
LANDLINE = re.compile(
    r"(?:\(0[1-9][0-9]{1,2}\)|0(?<![0-9].)(?<![0-9][ -].)[1-9][0-9]{1,2})[ -]?[2-9][0-9]{2,3}[ -]?[0-9]{4}"
    r"(?:[ -]?(?:转|ext\.?) ?[0-9]{1,5})?(?![0-9])"
)
CONTEXT = ("手机", "电话", "联系", "致电", "tel", "Tel", "TEL", "号码", "来电")
NOT_PHONES = ("发票", "代码", "编号", "单号", "账号", "卡号")
_DIGITS = re.compile(r"[0-9]+")


def confirm_mobile(value: str, text: str, start: int, end: int) -> float | None:
    # No check digit: an 11-digit number starting 13–19 may be an order number, unless it is labelled.
    return 1.0 if context_before(text, start, CONTEXT) else 0.85


def confirm_landline(value: str, text: str, start: int, end: int) -> float | None:
    digits = "".join(_DIGITS.findall(value.split("转")[0].split("ext")[0]))
    # 010 and 02x are three-digit area codes with eight-digit numbers; the rest have four digits.
    area = 3 if digits[1] in "12" else 4
    subscriber = digits[area:]
    if subscriber[:1] in ("", "0", "1") or len(subscriber) not in ((8,) if area == 3 else (7, 8)):
        return None
    if context_before(text, start, NOT_PHONES):
        return None
    marked = "(" in value or "-" in value or " " in value
    return 0.95 if marked or context_before(text, start, CONTEXT) else 0.6


detector_register(
    Detector(kind="mobile", label=_("手机号码"), grade="L3", priority=70, patterns=(MOBILE,), confirm=confirm_mobile)
)
detector_register(
    Detector(
        kind="landline", label=_("固定电话"), grade="L2", priority=50, patterns=(LANDLINE,), confirm=confirm_landline
    )
)
