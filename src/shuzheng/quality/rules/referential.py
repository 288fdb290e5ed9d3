"""Referential integrity: a value exists among another dataset's keys (an employer's USCC among
the registered enterprises)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shuzheng.quality.registry import Context, Declared, RuleType, rule_type_register
from shuzheng.quality.rules.validity import wrong_where_present


def _exists_in(table: Any, rule: Declared, context: Context) -> Any:
    column = table[rule.fields[0]]
    other = context.tables[rule.params["dataset"]]
    return wrong_where_present(column, ~column.isin(other[rule.params["field"]]))


def _check_exists_in(rule: Declared, types: Mapping[str, str]) -> list[tuple[str, str]]:
    if not rule.params.get("dataset") or not rule.params.get("field"):
        return [("dataset", gettext("请指定被引用的数据资源及其字段"))]
    return []


rule_type_register(
    RuleType("exists_in", _("取值存在于另一数据资源"), "referential", _exists_in, fields=1, validate=_check_exists_in)
)
