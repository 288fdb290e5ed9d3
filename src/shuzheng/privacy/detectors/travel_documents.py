"""Passports and the permits for Hong Kong, Macau and Taiwan (formats as issued since 2012 and before).

None of them carries a check digit, so the letter-and-digit shape is all there
is: a label before the number (护照号, 台胞证) makes it sure, and the one
all-digit shape, the Taiwan compatriot permit, is reported only with its label.
"""

from django.utils.translation import gettext_lazy as _

from shuzheng.privacy.registry import Confirm, Detector, bounded, context_before, detector_register


def _confirm(context: tuple[str, ...], alone: float | None) -> Confirm:
    def confirm(value: str, text: str, start: int, end: int) -> float | None:
        return 1.0 if context_before(text, start, context) else alone

    return confirm


for kind, label, first, rest, context, alone in (
    # E + 8 digits or E + letter + 7 digits; G + 8 before 2012; service and diplomatic SE, DE, PE or S, D, P.
    (
        "passport",
        _("护照号码"),
        "EGSDP",
        r"(?:(?<=E)[A-HJ-NP-Z0-9]|(?<=G)[0-9]|(?<=[SDP])E?[0-9])[0-9]{7}",
        ("护照",),
        0.85,
    ),
    (
        "hk_macau_permit",
        _("往来港澳通行证"),
        "CW",
        r"(?:(?<=C)[A-HJ-NP-Z0-9]|(?<=W)[0-9])[0-9]{7}",
        ("通行证", "港澳"),
        0.8,
    ),
    ("home_return_permit", _("港澳居民来往内地通行证"), "HM", r"[0-9]{8}(?:[0-9]{2})?", ("回乡证", "来往内地"), 0.8),
    ("taiwan_permit", _("台湾居民来往大陆通行证"), "0-9", r"[0-9]{7}", ("台胞证", "来往大陆"), None),
):
    detector_register(
        Detector(
            kind=kind,
            label=label,
            grade="L3",
            priority=30,
            patterns=(bounded(first, rest),),
            confirm=_confirm(context, alone),
        )
    )
