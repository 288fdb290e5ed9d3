"""Completeness: a value is there (not null), and is not only spaces."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from shuzheng.quality.registry import Context, Declared, RuleType, rule_type_register
from shuzheng.quality.rules.validity import present


def _not_null(table: Any, rule: Declared, context: Context) -> Any:
    return table[rule.fields[0]].isnull()


def _not_blank(table: Any, rule: Declared, context: Context) -> Any:
    return ~present(table[rule.fields[0]])


rule_type_register(RuleType("not_null", _("不为空"), "completeness", _not_null, fields=1))
rule_type_register(RuleType("not_blank", _("不为空白"), "completeness", _not_blank, fields=1))
