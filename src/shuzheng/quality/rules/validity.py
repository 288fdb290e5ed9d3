"""Validity of one field's values: a pattern, a list of allowed values, a range, a date format.
Empty values pass here; completeness rules are about them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import ibis
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shuzheng.quality.registry import Context, Declared, RuleType, rule_type_register

# Date formats a date held as text may take, as the pieces that make an ISO date of it.
DATE_FORMATS = {
    "YYYY-MM-DD": (r"^\d{4}-\d{2}-\d{2}$", ((0, 4), (5, 2), (8, 2))),
    "YYYYMMDD": (r"^\d{8}$", ((0, 4), (4, 2), (6, 2))),
    "YYYY/MM/DD": (r"^\d{4}/\d{2}/\d{2}$", ((0, 4), (5, 2), (8, 2))),
    "YYYY年MM月DD日": (r"^\d{4}年\d{2}月\d{2}日$", ((0, 4), (5, 2), (8, 2))),
}


# What Ibis's strip() removes around a value; a value made only of these is blank.
BLANK = r"^[ \t\n]*$"
_PADDED = r"^[ \t\n]|[ \t\n]$"


def all_of(*conditions: Any) -> Any:
    """True where every condition holds, a null counting as false.

    LEAST rather than AND: DuckDB computes a subexpression that recurs within a row's expression
    only once (the digits of an ID number recur 17 times in its checksum), but not inside AND, OR
    or CASE, which it leaves alone to keep their short-circuits; there each occurrence is computed
    again, and a rule costs twice as much."""
    return ibis.least(*(ibis.coalesce(condition, False) for condition in conditions))


def any_of(*conditions: Any) -> Any:
    """True where some condition holds, a null counting as false (GREATEST rather than OR: see all_of)."""
    return ibis.greatest(*(ibis.coalesce(condition, False) for condition in conditions))


def present(column: Any) -> Any:
    # A pattern test rather than comparing the trimmed text with "": DuckDB's TRIM with a list of
    # characters builds a copy of every value and costs four times the test.
    return column.notnull() & ~column.cast("string").re_search(BLANK)


def stripped(column: Any) -> Any:
    """The value as text without the spaces, tabs and newlines around it. Only padded values are
    trimmed: hardly any are, and testing for padding costs a third of trimming them all."""
    text = column.cast("string")
    return ibis.ifelse(text.re_search(_PADDED), text.strip(), text)


def wrong_where_present(column: Any, wrong: Any, trimmed: Any = None) -> Any:
    """``wrong`` for rows with a value, false for empty ones. A rule that has the value trimmed
    already passes it as ``trimmed``: comparing that with "" costs less than the pattern test."""
    return all_of(wrong, present(column) if trimmed is None else trimmed != "")


def _regex(table: Any, rule: Declared, context: Context) -> Any:
    column = table[rule.fields[0]]
    return wrong_where_present(column, ~column.cast("string").re_search(rule.params["pattern"]))


def _check_regex(rule: Declared, types: Mapping[str, str]) -> list[tuple[str, str]]:
    try:
        re.compile(str(rule.params.get("pattern", "")))
    except re.error as exc:
        return [("pattern", gettext("正则表达式有误：%(error)s") % {"error": exc})]
    return [] if rule.params.get("pattern") else [("pattern", gettext("请填写正则表达式"))]


def _enum(table: Any, rule: Declared, context: Context) -> Any:
    column = table[rule.fields[0]]
    allowed = [str(value) for value in rule.params["values"]]
    return wrong_where_present(column, ~column.cast("string").isin(allowed))


def _check_enum(rule: Declared, types: Mapping[str, str]) -> list[tuple[str, str]]:
    values = rule.params.get("values")
    ok = isinstance(values, list) and values and all(isinstance(value, str | int) for value in values)
    return [] if ok else [("values", gettext("请列出允许的取值"))]


def _range(table: Any, rule: Declared, context: Context) -> Any:
    column = table[rule.fields[0]]
    low, high = rule.params.get("min"), rule.params.get("max")
    outside = ibis.literal(False)
    if low is not None:
        outside = outside | (column < ibis.literal(low).cast(column.type()))
    if high is not None:
        outside = outside | (column > ibis.literal(high).cast(column.type()))
    return column.notnull() & outside


def _check_range(rule: Declared, types: Mapping[str, str]) -> list[tuple[str, str]]:
    if rule.params.get("min") is None and rule.params.get("max") is None:
        return [("min", gettext("请至少填写最小值或最大值"))]
    if types.get(rule.fields[0]) not in {"integer", "decimal", "date", "datetime"}:
        return [("fields", gettext("范围规则只适用于数值和日期字段"))]
    return []


ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"


def casts_strictly(expression: Any) -> bool:
    """Whether the engine stops a whole query at one value that does not cast: Ibis compiles
    try_cast to a plain CAST on PostgreSQL, which has no TRY_CAST."""
    return bool(expression.get_backend().name == "postgres")


def calendar_date(iso: Any) -> Any:
    """Whether ISO-shaped text (YYYY-MM-DD) names a day that exists, in integer arithmetic."""
    year, month, day = (iso.substr(start, length).cast("int32") for start, length in ((0, 4), (5, 2), (8, 2)))
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    # 31 days in January, March, May, July, August, October and December: odd months before
    # August, even ones from August on.
    days = ibis.cases((month == 2, ibis.ifelse(leap, 29, 28)), else_=30 + (month + month // 8) % 2)
    return (year >= 1) & month.between(1, 12) & day.between(1, days)


def as_date(iso: Any) -> Any:
    """ISO text (YYYY-MM-DD) as a date, null where it is none. Where casts are strict, the cast
    runs only inside a CASE branch that has checked the text first."""
    if not casts_strictly(iso):
        return iso.try_cast("date")
    checked = ibis.ifelse(calendar_date(iso), iso.cast("date"), ibis.null("date"))
    return ibis.ifelse(iso.re_search(ISO_DATE), checked, ibis.null("date"))


def as_integer(digits: Any, pattern: str) -> Any:
    """Text of digits (``pattern`` says how many) as an integer, null where it is not."""
    if not casts_strictly(digits):
        return digits.try_cast("int64")
    return ibis.ifelse(digits.re_search(pattern), digits.cast("int64"), ibis.null("int64"))


def iso_date(column: Any, date_format: str) -> Any:
    """The text as a date (null where it is not one), read in one of DATE_FORMATS."""
    pattern, pieces = DATE_FORMATS[date_format]
    text = column.cast("string").strip()
    year, month, day = (text.substr(start, length) for start, length in pieces)
    iso = year.concat("-", month, "-", day)
    return ibis.ifelse(text.re_search(pattern), as_date(iso), ibis.null("date"))


def _date_format(table: Any, rule: Declared, context: Context) -> Any:
    column = table[rule.fields[0]]
    return wrong_where_present(column, iso_date(column, rule.params.get("format", "YYYY-MM-DD")).isnull())


def _check_date_format(rule: Declared, types: Mapping[str, str]) -> list[tuple[str, str]]:
    if rule.params.get("format", "YYYY-MM-DD") not in DATE_FORMATS:
        return [("format", gettext("日期格式应为 %(formats)s 之一") % {"formats": "、".join(DATE_FORMATS)})]
    return []


rule_type_register(RuleType("regex", _("符合正则表达式"), "validity", _regex, fields=1, validate=_check_regex))
rule_type_register(RuleType("enum", _("取值在列表中"), "validity", _enum, fields=1, validate=_check_enum))
rule_type_register(RuleType("range", _("取值在范围内"), "validity", _range, fields=1, validate=_check_range))
rule_type_register(
    RuleType("date_format", _("日期格式"), "validity", _date_format, fields=1, validate=_check_date_format)
)
