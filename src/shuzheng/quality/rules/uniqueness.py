"""Uniqueness of a key of one or more fields: every row sharing its key with another row fails.
Rows with an empty key part are left to completeness rules."""

from __future__ import annotations

from typing import Any

import ibis
from django.utils.translation import gettext_lazy as _

from shuzheng.quality.registry import Context, Declared, RuleType, rule_type_register


def _unique(table: Any, rule: Declared, context: Context) -> Any:
    keys = [table[name] for name in rule.fields]
    complete = ibis.and_(*(key.notnull() for key in keys))
    copies = complete.sum().over(ibis.window(group_by=keys))
    return complete & (copies > 1)


rule_type_register(RuleType("unique", _("取值唯一（可多字段组合）"), "uniqueness", _unique, fields=0))
