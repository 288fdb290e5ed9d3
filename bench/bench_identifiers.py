"""Identifier validation: our parsers against python-stdnum on the same numbers.

Input: 10 000 resident ID numbers (random real region codes in use in the
birth year, birth dates 1930–2020) and 10 000 USCCs of authority 9 (the
only ones stdnum accepts) with valid embedded organisation codes, generated
from a fixed seed. Both sides must accept every number before timing. Ours
does more per number (region names, warnings, parts), hence the looser target.
"""

from __future__ import annotations

import datetime
import random

from stdnum.cn import ric, uscc

from bench.harness import Case
from shuzheng.core import regions
from shuzheng.core.identifiers import parse_resident_id, parse_uscc

COUNT = 10_000
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _resident_ids(rng: random.Random) -> list[str]:
    codes = sorted(regions.national_table())
    first, span = datetime.date(1930, 1, 1), (datetime.date(2020, 12, 31) - datetime.date(1930, 1, 1)).days
    numbers: list[str] = []
    while len(numbers) < COUNT:
        birth = first + datetime.timedelta(days=rng.randrange(span))
        body = f"{rng.choice(codes)}{birth:%Y%m%d}{rng.randrange(1000):03d}"
        number = body + ric.calc_check_digit(body + "0")  # stdnum ignores the last character
        if _stdnum_accepts(number):
            numbers.append(number)
    return numbers


def _stdnum_accepts(number: str) -> bool:
    """Whether stdnum takes the number: it refuses codes not in use in the birth year."""
    try:
        return ric.is_valid(number)
    except KeyError:
        # stdnum 2.2 raises instead of answering when the prefecture is known but
        # the county is not (330113 临平区, 330114 钱塘区 among them).
        return False


def _org_code(rng: random.Random) -> str:
    body = "".join(rng.choice(_USCC_ALPHABET) for _ in range(8))
    check = 11 - sum(int(char, 36) * weight for char, weight in zip(body, _ORG_WEIGHTS, strict=True)) % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def _usccs(rng: random.Random) -> list[str]:
    codes = sorted(regions.national_table())
    numbers: list[str] = []
    for _ in range(COUNT):
        body = f"9{rng.choice('123')}{rng.choice(codes)}{_org_code(rng)}"
        numbers.append(body + uscc.calc_check_digit(body))
    return numbers


def cases() -> list[Case]:
    rng = random.Random(11643)
    resident_ids = _resident_ids(rng)
    usccs = _usccs(rng)
    for number in resident_ids:
        parse_resident_id(number)
    for code in usccs:
        parse_uscc(code)
    if not all(map(uscc.is_valid, usccs)):
        raise AssertionError("python-stdnum rejects a generated USCC")
    return [
        Case(
            name="resident ID validation, 10k numbers",
            ours=lambda: [parse_resident_id(number) for number in resident_ids],
            peer=lambda: [ric.is_valid(number) for number in resident_ids],
            peer_name="python-stdnum cn.ric",
            target="ratio ≤ 3",
        ),
        Case(
            name="USCC validation, 10k codes",
            ours=lambda: [parse_uscc(code) for code in usccs],
            peer=lambda: [uscc.is_valid(code) for code in usccs],
            peer_name="python-stdnum cn.uscc",
            target="ratio ≤ 3",
        ),
    ]
