"""Consistency between fields of a row: birth date and sex agree with the resident ID number;
an end comes no earlier than its start."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ibis
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shuzheng.quality.registry import Context, Declared, RuleType, rule_type_register
from shuzheng.quality.rules.identifiers import ID_PATTERN, id_birth_date, id_digits, id_text
from shuzheng.quality.rules.validity import all_of, any_of, as_date, stripped

# GB/T 2261.1: 1 male, 2 female; the 17th digit of an ID number is odd for men.
MALE = ("男", "1", "M", "m")
FEMALE = ("女", "2", "F", "f")


def _id_agrees(table: Any, rule: Declared, context: Context) -> Any:
    """Fields: the ID number, then the birth date and/or sex fields named in params."""
    text = id_text(table[rule.fields[0]])
    disagreements = []
    if birth_field := rule.params.get("birth_date"):
        birth = table[birth_field]
        if not birth.type().is_date():
            birth = as_date(birth.cast("string"))
        disagreements.append(birth != id_birth_date(text))
    if sex_field := rule.params.get("sex"):
        sex = stripped(table[sex_field])
        odd = id_digits(text) % 2 == 1  # the 17th digit's parity, and the digits are computed anyway
        male, female = rule.params.get("male", list(MALE)), rule.params.get("female", list(FEMALE))
        disagreements += [all_of(sex.isin(male), ~odd), all_of(sex.isin(female), odd)]
    return all_of(text.re_search(ID_PATTERN), any_of(*disagreements))


def _check_id_agrees(rule: Declared, types: Mapping[str, str]) -> list[tuple[str, str]]:
    named = [rule.params.get("birth_date"), rule.params.get("sex")]
    if not any(named):
        return [("birth_date", gettext("请指定出生日期字段或性别字段"))]
    unknown = [name for name in named if name and name not in types]
    return [("params", gettext("没有这个字段：%(names)s") % {"names": "、".join(unknown)})] if unknown else []


def _order(table: Any, rule: Declared, context: Context) -> Any:
    start, end = table[rule.fields[0]], table[rule.fields[1]]
    return ibis.coalesce(end < start, False)


rule_type_register(
    RuleType(
        "id_agrees",
        _("出生日期、性别与身份证号码一致"),
        "consistency",
        _id_agrees,
        fields=1,
        validate=_check_id_agrees,
    )
)
rule_type_register(RuleType("order", _("结束不早于开始"), "consistency", _order, fields=2))
