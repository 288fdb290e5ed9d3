"""Vehicle licence plates (GA 36-2018): ordinary, new-energy (D/F) and the 挂/学/警/港/澳 plates."""

from django.utils.translation import gettext_lazy as _

from shuzheng.privacy.registry import Detector, bounded, detector_register

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
# Letters on plates leave out I and O, which read as 1 and 0.
_L = "A-HJ-NP-Z"
PATTERN = bounded(
    PROVINCES, rf"[{_L}][ ·•]?(?:[DF][{_L}0-9][0-9]{{4}}|[0-9]{{5}}[DF]|[{_L}0-9]{{4}}[{_L}0-9挂学警港澳])"
)


def confirm(value: str, text: str, start: int, end: int) -> float | None:
    digits = sum(char.isdigit() for char in value)
    # Ordinary plates carry at most two letters after the office letter.
    return 0.95 if digits >= 3 else 0.6


detector_register(
    Detector(kind="plate", label=_("机动车号牌"), grade="L2", priority=45, patterns=(PATTERN,), confirm=confirm)
)
