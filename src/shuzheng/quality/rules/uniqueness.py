"""Uniqueness of a key of one or more fields: every row sharing its key with another row fails.
Rows with an empty key part are left to completeness rules."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ibis
from django.utils.translation import gettext_lazy as _

from shuzheng.quality.registry import Context, Declared, RuleType, rule_type_register


def _unique(table: Any, rule: Declared, context: Context) -> Any:
    fields = list(rule.fields)
    complete = ibis.and_(*(table[name].notnull() for name in fields))
    # The keys more than one row holds, and a semi-join against them. A window counting each key's
    # copies would partition and sort every row with all its columns: in DuckDB two such windows
    # took more than half the time of the benchmark's twenty rules, the semi-joins a fifth of that.
    # The keys are found in two steps, so that memory stays bounded however many rows there are:
    # the hashes that repeat (fixed-size, which DuckDB's aggregation spills to disk when it must;
    # grouping a hundred million distinct texts ran out of a 1 GiB limit), then the keys among the
    # few rows with such a hash, as different keys may share a hash.
    rows = table.filter(complete)
    hashes = rows.select(_hash=_key(rows, fields).hash()).group_by("_hash").agg(_copies=ibis._.count())
    suspects = rows.filter(_key(rows, fields).hash().isin(hashes.filter(hashes["_copies"] > 1)["_hash"]))
    copies = suspects.group_by(fields).agg(_copies=ibis._.count())
    repeated = copies.filter(copies["_copies"] > 1)
    return complete & _key(table, fields).isin(repeated.select(_key=_key(repeated, fields))["_key"])


def _key(table: Any, fields: Sequence[str]) -> Any:
    """The key as one value: the field itself, or a struct of the fields where the engine hashes and
    compares structs (DuckDB); elsewhere (PostgreSQL) the fields as text joined by the unit
    separator, a control character that data entry does not produce."""
    if len(fields) == 1:
        return table[fields[0]]
    if table.get_backend().name == "duckdb":
        return ibis.struct({name: table[name] for name in fields})
    return ibis.literal("\x1f").join([table[name].cast("string") for name in fields])


rule_type_register(RuleType("unique", _("取值唯一（可多字段组合）"), "uniqueness", _unique, fields=0))
