"""IP addresses, version 4 and 6, confirmed by the standard library's parser."""

import ipaddress
import re

from django.utils.translation import gettext_lazy as _

from shuzheng.privacy.registry import Detector, context_before, detector_register

V4 = re.compile(r"[0-9](?<![0-9.].)[0-9]{0,2}(?:\.[0-9]{1,3}){3}(?![0-9]|\.[0-9])")
V6 = re.compile(r"[0-9A-Fa-f:](?<![0-9A-Fa-f:].)(?:[0-9A-Fa-f]{0,4}:){1,8}[0-9A-Fa-f]{0,4}(?![0-9A-Fa-f:])")
CONTEXT = ("IP", "ip", "地址")


def confirm(value: str, text: str, start: int, end: int) -> float | None:
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if address.version == 4:
        # 1.2.3.4 may be a version number; a label settles it.
        return 0.99 if context_before(text, start, CONTEXT) else 0.85
    return 0.95


detector_register(Detector(kind="ip", label=_("IP 地址"), grade="L2", priority=35, patterns=(V4, V6), confirm=confirm))
