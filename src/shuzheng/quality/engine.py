"""Runs a dataset's rules as one query in the warehouse engine.

Every row rule becomes a boolean column and every table rule a scalar; one
aggregation counts them all, so twenty rules cost about one scan. Only rules
that found something are read back for a sample of their failing rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import ibis

from shuzheng.quality.registry import Context, Declared, rule_type


@dataclass(frozen=True)
class Outcome:
    failed: int  # failing rows; for a table rule 1 when the dataset fails, else 0
    sample: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Report:
    rows: int
    outcomes: list[Outcome]


def flagged(table: Any, rules: Sequence[Declared], context: Context) -> Any:
    """The table with one boolean column per row rule (``_rule_0``, …): true where the row fails."""
    flags = {
        f"_rule_{index}": rule_type(rule.rule_type).compile(table, rule, context)
        for index, rule in enumerate(rules)
        if rule_type(rule.rule_type).kind == "row"
    }
    return table.mutate(**flags) if flags else table


def run(table: Any, rules: Sequence[Declared], context: Context | None = None, *, sample_size: int = 5) -> Report:
    """Check ``rules`` against an Ibis ``table``: per rule, how many rows fail, and a few of them."""
    context = context or Context()
    columns = list(table.columns)
    marked = flagged(table, rules, context)
    metrics: dict[str, Any] = {"_rows": marked.count()}
    for index, rule in enumerate(rules):
        name = f"_rule_{index}"
        if rule_type(rule.rule_type).kind == "row":
            # A sum of ones, not of a cast boolean: PostgreSQL casts booleans to int but not to bigint.
            metrics[name] = ibis.ifelse(marked[name], 1, 0).sum()
        else:
            metrics[name] = ibis.ifelse(rule_type(rule.rule_type).compile(marked, rule, context), 1, 0)
    counts = marked.aggregate(**metrics).to_pyarrow().to_pylist()[0]
    outcomes = []
    for index, rule in enumerate(rules):
        name = f"_rule_{index}"
        failed = int(counts[name] or 0)
        sample: list[dict[str, Any]] = []
        if failed and sample_size and rule_type(rule.rule_type).kind == "row":
            rows = marked.filter(marked[name]).select(*columns).limit(sample_size)
            sample = rows.to_pyarrow().to_pylist()
        outcomes.append(Outcome(failed, sample))
    return Report(int(counts["_rows"]), outcomes)


def failing_rows(
    table: Any,
    rules: Sequence[Declared],
    context: Context | None = None,
    *,
    rule_ids: Sequence[int],
    failing: Sequence[int],
    columns: Sequence[str] = (),
) -> Any:
    """An Ibis expression of every row that fails, once per failing rule: ``_rule`` (the rule's id
    from ``rule_ids``) and ``columns`` (the key, or every column when empty).

    ``failing`` names the positions of the row rules that failed in ``run``, so rules that passed
    add no branch. The result stays an expression: the caller has the engine write it out, and no
    row passes through Python however many fail.
    """
    context = context or Context()
    marked = flagged(table, rules, context)
    kept = list(columns) or list(table.columns)
    parts = [
        marked.filter(marked[f"_rule_{index}"]).select(
            _rule=ibis.literal(rule_ids[index], type="int64"), **{name: marked[name] for name in kept}
        )
        for index in failing
        if rule_type(rules[index].rule_type).kind == "row"
    ]
    if not parts:
        empty = table.select(_rule=ibis.literal(0, type="int64"), **{name: table[name] for name in kept})
        return empty.limit(0)
    return ibis.union(*parts) if len(parts) > 1 else parts[0]


def key_complete(table: Any, fields: Sequence[str]) -> bool:
    """Whether every row has a value in each of ``fields`` (a key that can name each row)."""
    missing = ibis.or_(*(table[name].isnull() for name in fields))
    return int(table.filter(missing).count().execute()) == 0
