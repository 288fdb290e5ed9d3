"""Hypothesis strategies for identifiers that pass, or just fail, their checks."""

from __future__ import annotations

import datetime

from hypothesis import strategies as st
from stdnum import luhn
from stdnum.cn import ric
from stdnum.cn import uscc as stdnum_uscc

from shuzheng.core import regions
from shuzheng.core.identifiers import USCC_ALPHABET

CURRENT_COUNTIES = sorted(
    code for code, record in regions.national_table().items() if record.is_current and record.level == regions.COUNTY
)
FULL_WIDTH = {code: code + 0xFEE0 for code in range(0x21, 0x7F)}


def resident_id_check(first17: str) -> str:
    return ric.calc_check_digit(first17 + "0")


def uscc_check(first17: str) -> str:
    return stdnum_uscc.calc_check_digit(first17 + "0")  # weights the first 17 characters only


def wrong(check: str, alphabet: str) -> str:
    """Another character of ``alphabet`` than ``check``."""
    return alphabet[(alphabet.index(check) + 1) % len(alphabet)]


@st.composite
def resident_ids(draw: st.DrawFn, *, valid: bool = True) -> str:
    region = draw(st.sampled_from(CURRENT_COUNTIES))
    birth = draw(st.dates(datetime.date(1920, 1, 1), datetime.date(2020, 12, 31)))
    first17 = f"{region}{birth:%Y%m%d}{draw(st.integers(0, 999)):03d}"
    check = resident_id_check(first17)
    return first17 + (check if valid else wrong(check, "0123456789X"))


@st.composite
def usccs(draw: st.DrawFn, *, valid: bool = True) -> str:
    head = draw(st.sampled_from(["91", "92", "93", "11", "12", "51", "52"]))
    region = draw(st.sampled_from(CURRENT_COUNTIES))
    body = draw(st.text(USCC_ALPHABET, min_size=9, max_size=9))
    first17 = head + region + body
    check = uscc_check(first17)
    return first17 + (check if valid else wrong(check, USCC_ALPHABET))


@st.composite
def bank_cards(draw: st.DrawFn, *, valid: bool = True) -> str:
    length = draw(st.integers(16, 19))
    body = "62" + "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=length - 3, max_size=length - 3)))
    check = luhn.calc_check_digit(body)
    return body + (check if valid else wrong(check, "0123456789"))


@st.composite
def mobiles(draw: st.DrawFn) -> str:
    return "1" + draw(st.sampled_from("3456789")) + draw(st.text("0123456789", min_size=9, max_size=9))


def full_width(text: str) -> str:
    return text.translate(FULL_WIDTH)
