"""Timeliness: the newest record is no older than the dataset's update frequency allows."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

import ibis
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shuzheng.quality.registry import Context, Declared, RuleType, rule_type_register

# How old the newest record may be for each update frequency of the catalogue, with a day's grace.
ALLOWED_AGE = {
    "realtime": datetime.timedelta(days=1),
    "daily": datetime.timedelta(days=2),
    "weekly": datetime.timedelta(days=8),
    "monthly": datetime.timedelta(days=32),
    "quarterly": datetime.timedelta(days=93),
    "yearly": datetime.timedelta(days=367),
}


def _fresh(table: Any, rule: Declared, context: Context) -> Any:
    newest = table[rule.fields[0]].max()
    cutoff = (context.now - ALLOWED_AGE[rule.params["frequency"]]).date()
    return ibis.coalesce(newest.cast("date") < cutoff, True)


def _check_fresh(rule: Declared, types: Mapping[str, str]) -> list[tuple[str, str]]:
    if rule.params.get("frequency") not in ALLOWED_AGE:
        return [("frequency", gettext("更新频率应为 %(values)s 之一") % {"values": "、".join(ALLOWED_AGE)})]
    if types.get(rule.fields[0]) not in {"date", "datetime"}:
        return [("fields", gettext("及时性规则只适用于日期字段"))]
    return []


rule_type_register(
    RuleType("fresh", _("数据及时更新"), "timeliness", _fresh, fields=1, kind="table", validate=_check_fresh)
)
