"""Real-name verification: does this name belong to this ID number?

Only the population register (公安 公民身份信息核验) can answer, and it sits
outside the platform; a deployment names its verifier in
``SHUZHENG_IDENTITY_VERIFIER``. The demo province ships its own small register
of generated residents (valid ID numbers, realistic names), so registration
and its refusals can be tried without that outer system.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string
from stdnum.cn import ric


@dataclass(frozen=True)
class Resident:
    name: str
    id_number: str
    mobile: str


class IdentityVerifier(Protocol):
    def verify(self, *, name: str, id_number: str) -> bool | None:
        """True: they match; False: the register knows the number under another name;
        None: the register cannot answer (unknown number, service down)."""


_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈"
_GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英霞平刚桂兰丹萍鑫斌浩宇晨欣怡子涵梓轩雨彤俊杭嘉悦思远"
    "文博佳琪晓梅建国志华海燕红霞玉兰春生"
)
# The demo personas `citizen` and `enterprise` head the register:
# (name, address code, birth date, sequence — odd for men, even for women, mobile).
_PERSONA_RESIDENTS = (
    ("王晓梅", "330106", datetime.date(1988, 3, 12), 262, "13857102468"),
    ("陈建国", "330105", datetime.date(1965, 10, 1), 131, "13905716688"),
)
# Districts and counties of Hangzhou, where the demo residents live.
_HANGZHOU = ["330102", "330105", "330106", "330108", "330109", "330110", "330111", "330112", "330113", "330114"]


@cache
def demo_residents(count: int = 200) -> tuple[Resident, ...]:
    """The demo province's register: generated people with valid ID numbers."""
    rng = random.Random(330100)  # noqa: S311  (made-up people, the same in every demo)
    residents = [
        Resident(name, _with_check(f"{code}{birth:%Y%m%d}{sequence:03d}"), mobile)
        for name, code, birth, sequence, mobile in _PERSONA_RESIDENTS
    ]
    while len(residents) < count:
        birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 55))
        body = f"{rng.choice(_HANGZHOU)}{birth:%Y%m%d}{rng.randrange(1000):03d}"
        id_number = _with_check(body)
        name = rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))
        mobile = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
        residents.append(Resident(name, id_number, mobile))
    return tuple(residents)


def _with_check(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")  # stdnum reads the first 17 characters


class DemoRegister:
    """The generated residents of the demo province."""

    def verify(self, *, name: str, id_number: str) -> bool | None:
        for resident in demo_residents():
            if resident.id_number == id_number:
                return resident.name == name
        return None


class NoRegister:
    """No register configured: real-name registration is unavailable."""

    def verify(self, *, name: str, id_number: str) -> bool | None:
        return None


_VERIFIERS: dict[str, type[IdentityVerifier]] = {"demo": DemoRegister, "none": NoRegister}


def identity_verifier() -> IdentityVerifier:
    configured = settings.SHUZHENG_IDENTITY_VERIFIER
    factory: type[IdentityVerifier] = _VERIFIERS.get(configured) or import_string(configured)
    return factory()
