"""Validity of Chinese identifiers, computed in the engine: resident ID numbers (GB 11643: check
digit, birth date, province), unified social credit codes (GB 32100 check character), region codes
(GB/T 2260, historical ones included), mobile numbers.

An ID number whose county code is missing from the table is valid here, as it is to the
platform's validator (core.identifiers warns about it): codes change and the table lags."""

from __future__ import annotations

import datetime
from functools import cache
from typing import Any

import ibis
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from shuzheng.core import regions
from shuzheng.quality.registry import Context, Declared, RuleType, rule_type_register
from shuzheng.quality.rules.validity import wrong_where_present

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
EARLIEST_BIRTH = datetime.date(1900, 1, 1)


@cache
def region_codes() -> list[str]:
    """Every county-level and higher code, current and historical (ID numbers keep old ones)."""
    return sorted(regions.national_table())


@cache
def province_prefixes() -> list[str]:
    return sorted(code[:2] for code in regions.national_table() if code.endswith("0000"))


def one_of(column: Any, values: list[str]) -> Any:
    # A table of the values, not an IN list: DuckDB checks a list of thousands one by one per row
    # (20 s for a million rows against the region codes), a semi-join hashes it (0.04 s).
    return column.isin(ibis.memtable({"value": values})["value"])


def id_birth_date(text: Any) -> Any:
    return text.substr(6, 4).concat("-", text.substr(10, 2), "-", text.substr(12, 2)).try_cast("date")


def resident_id_wrong(column: Any, context: Context) -> Any:
    """True where a non-empty value is not a valid 18-digit resident ID number."""
    text = column.cast("string").strip().upper()
    total = sum(text.substr(position, 1).try_cast("int64") * weight for position, weight in enumerate(ID_WEIGHTS))
    check = ibis.literal(ID_CHECK).substr(total % 11, 1)
    birth = id_birth_date(text)
    valid = (
        text.re_search(r"^\d{17}[0-9X]$")
        & (text.substr(17, 1) == check)
        & birth.notnull()
        & (birth >= EARLIEST_BIRTH)
        & (birth <= context.now.date())
        & one_of(text.substr(0, 2), province_prefixes())
    )
    return wrong_where_present(column, ~ibis.coalesce(valid, False))


def _resident_id(table: Any, rule: Declared, context: Context) -> Any:
    return resident_id_wrong(table[rule.fields[0]], context)


def _uscc(table: Any, rule: Declared, context: Context) -> Any:
    column = table[rule.fields[0]]
    text = column.cast("string").strip().upper()
    alphabet = ibis.literal(USCC_ALPHABET)
    total = sum(alphabet.find(text.substr(position, 1)) * weight for position, weight in enumerate(USCC_WEIGHTS))
    check = alphabet.substr((31 - total % 31) % 31, 1)
    valid = text.re_search(f"^[{USCC_ALPHABET}]{{18}}$") & (text.substr(17, 1) == check)
    return wrong_where_present(column, ~ibis.coalesce(valid, False))


def _region_code(table: Any, rule: Declared, context: Context) -> Any:
    column = table[rule.fields[0]]
    return wrong_where_present(column, ~one_of(column.cast("string").strip(), region_codes()))


def _mobile(table: Any, rule: Declared, context: Context) -> Any:
    column = table[rule.fields[0]]
    return wrong_where_present(column, ~column.cast("string").strip().re_search(settings.SHUZHENG_MOBILE_PATTERN))


rule_type_register(RuleType("resident_id", _("居民身份证号码有效"), "validity", _resident_id, fields=1))
rule_type_register(RuleType("uscc", _("统一社会信用代码有效"), "validity", _uscc, fields=1))
rule_type_register(RuleType("region_code", _("行政区划代码有效"), "validity", _region_code, fields=1))
rule_type_register(RuleType("mobile", _("手机号码有效"), "validity", _mobile, fields=1))
