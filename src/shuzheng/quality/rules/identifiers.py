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

from shuzheng.core import identifiers, regions
from shuzheng.quality.registry import Context, Declared, RuleType, rule_type_register
from shuzheng.quality.rules.validity import all_of, any_of, as_date, as_integer, stripped, wrong_where_present

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
USCC_ALPHABET = identifiers.USCC_ALPHABET
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
EARLIEST_BIRTH = datetime.date(1900, 1, 1)
ID_PATTERN = r"^\d{17}[0-9X]$"
USCC_PATTERN = f"^[{USCC_ALPHABET}]{{18}}$"


@cache
def region_codes() -> list[str]:
    """Every county-level and higher code, current and historical (ID numbers keep old ones)."""
    return sorted(regions.national_table())


@cache
def province_prefixes() -> list[str]:
    return sorted(code[:2] for code in regions.national_table() if code.endswith("0000"))


@cache
def province_runs() -> list[tuple[int, int]]:
    """The province prefixes as runs of consecutive numbers, first and last (11–15, 21–23, …)."""
    runs: list[tuple[int, int]] = []
    for prefix in sorted(int(code) for code in province_prefixes()):
        if runs and runs[-1][1] == prefix - 1:
            runs[-1] = (runs[-1][0], prefix)
        else:
            runs.append((prefix, prefix))
    return runs


def one_of(column: Any, values: list[str]) -> Any:
    # A table of the values, not an IN list: DuckDB checks a list of thousands one by one per row
    # (20 s for a million rows against the region codes), a semi-join hashes it (0.04 s).
    return column.isin(ibis.memtable({"value": values})["value"])


def canonical(column: Any, pattern: str) -> Any:
    """An identifier as text, trimmed and upper-cased (a final x of an ID number is X). Values that
    already match ``pattern`` are taken as they are: nearly all do, and the test costs a third of
    trimming and upper-casing every value."""
    text = column.cast("string")
    return ibis.ifelse(text.re_search(pattern), text, text.strip().upper())


def id_text(column: Any) -> Any:
    return canonical(column, ID_PATTERN)


def id_digits(text: Any) -> Any:
    """The first 17 digits of an ID number as one integer."""
    return as_integer(text.substr(0, 17), r"^\d{17}$")


def id_birth_date(text: Any) -> Any:
    return as_date(text.substr(6, 4).concat("-", text.substr(10, 2), "-", text.substr(12, 2)))


def id_digit_sum(number: Any) -> Any:
    """The weighted sum of an ID number's first 17 digits modulo 11, given those digits as one integer.

    The digit worth 10**j is (number % 10**(j + 1) - number % 10**j) / 10**j, and since 10 ≡ -1
    (mod 11) that division is a sign. Gathered by remainder, the sum modulo 11 needs only the
    remainders number % 10**m: integer arithmetic, a third of the time of cutting out 17 digits.

    The remainders are not reduced one by one: each is below 10**m and its coefficient at most 10,
    so the whole sum stays below 1.2 × 10**18, within a signed 64-bit integer, and one modulo at
    the end replaces seventeen."""
    weight = [ID_WEIGHTS[16 - place] for place in range(17)] + [0]  # by place value 10**place
    coefficients = [(-1) ** (m - 1) * (weight[m - 1] + weight[m]) % 11 for m in range(1, 18)]
    return sum(number % 10**m * coefficient for m, coefficient in enumerate(coefficients, 1) if coefficient) % 11


def resident_id_wrong(column: Any, context: Context) -> Any:
    """True where a non-empty value is not a valid 18-digit resident ID number."""
    text = id_text(column)
    digits = id_digits(text)
    # ISO 7064 MOD 11-2: counting the check character at its value (X is 10), the weighted sum is 1 modulo 11.
    total = id_digit_sum(digits) + ibis.literal("0123456789X").find(text.substr(17, 1))
    valid = all_of(
        text.re_search(ID_PATTERN),
        total % 11 == 1,
        id_birth_date(text).between(EARLIEST_BIRTH, context.now.date()),
        # The province as ranges of the digits the checksum reads anyway, not a semi-join on the
        # text (DuckDB makes a join of any list of more than a few values): for the join it
        # computed the trimmed text once more, and the join and that cost a fifth of the rule.
        any_of(*(digits.between(low * 10**15, (high + 1) * 10**15 - 1) for low, high in province_runs())),
    )
    return wrong_where_present(column, ~valid, text)


def _resident_id(table: Any, rule: Declared, context: Context) -> Any:
    return resident_id_wrong(table[rule.fields[0]], context)


def _uscc(table: Any, rule: Declared, context: Context) -> Any:
    column = table[rule.fields[0]]
    text = canonical(column, USCC_PATTERN)
    alphabet = ibis.literal(USCC_ALPHABET)
    # GB 32100: with the check character weighing 1, the weighted sum of all 18 is a multiple of 31.
    weights = (*USCC_WEIGHTS, 1)
    total = sum(alphabet.find(text.substr(position, 1)) * weight for position, weight in enumerate(weights))
    return wrong_where_present(column, ~all_of(text.re_search(USCC_PATTERN), total % 31 == 0), text)


def _region_code(table: Any, rule: Declared, context: Context) -> Any:
    column = table[rule.fields[0]]
    return wrong_where_present(column, ~one_of(stripped(column), region_codes()))


def _mobile(table: Any, rule: Declared, context: Context) -> Any:
    column = table[rule.fields[0]]
    text = stripped(column)
    return wrong_where_present(column, ~text.re_search(settings.SHUZHENG_MOBILE_PATTERN), text)


rule_type_register(RuleType("resident_id", _("居民身份证号码有效"), "validity", _resident_id, fields=1))
rule_type_register(RuleType("uscc", _("统一社会信用代码有效"), "validity", _uscc, fields=1))
rule_type_register(RuleType("region_code", _("行政区划代码有效"), "validity", _region_code, fields=1))
rule_type_register(RuleType("mobile", _("手机号码有效"), "validity", _mobile, fields=1))
