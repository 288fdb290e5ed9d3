"""IP addresses, version 4 and 6, confirmed by the standard library's parser."""

import ipaddress
import re

from django.utils.translation import gettext_lazy as _

from shuzheng.privacy.registry import Detector, context_before, detector_register

V4 = re.compile(r"[0-9](?<![0-9.].)[0-9]{0,2}(?:\.[0-9]{1,3}){3}(?![0-9]|\.[0-9])")
V6 = re.compile(r"[0-9A-Fa-f:](?<![0-9A-Fa-f:].)(?:[0-9A-Fa-f]{0,4}:){1,8}[0-9A-Fa-f]{0,4}(?![0-9A-Fa-f:])")
CONTEXT = ("IP", "ip", "地址")
VERSIONS = ("版本", "升级", "更新至")


def confirm(value: str, text: str, start: int, end: int) -> float | None:
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if address.version == 4:
        # 1.2.3.4 may be a version number: v7.5.23.168, 版本 9.14.9.76 are; a label settles the rest.
        if text[max(0, start - 1) : start] in ("v", "V") or context_before(text, start, VERSIONS, reach=4):
            return None
        return 0.99 if context_before(text, start, CONTEXT) else 0.85
    return 0.95


detector_register(Detector(kind="ip", label=_("IP 地址"), grade="L2", priority=35, patterns=(V4, V6), confirm=confirm))
