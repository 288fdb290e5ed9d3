"""Release checks: k-anonymity on quasi-identifiers and l-diversity on sensitive attributes, in the warehouse.

Each check is one GROUP BY over the table as it would be released (after the
generalisations chosen so far), so a million rows cost a fraction of a second.
When the release fails, each quasi-identifier is tried one step further up its
ladder (birth date → year → five- and ten-year age bands; region code → city;
amount → wider ranges; other text → first character), greedily taking the step
that leaves the fewest records in groups that are too small, until it passes or
no step is left; what still fails then is listed for suppression.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import ibis

from shuzheng.privacy.masking import Applied, Treatment, mask_table

SAMPLE_GROUPS = 20
MAX_STEPS = 8


@dataclass(frozen=True)
class Outcome:
    """What one check found: the records in groups smaller than k, the groups less diverse than l."""

    rows: int
    small_groups: int
    small_rows: int
    undiverse_groups: int
    undiverse_rows: int
    sample: list[dict[str, Any]] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.small_rows == 0 and self.undiverse_rows == 0


def ladder(data_type: str, kind: str | None) -> list[dict[str, Any]]:
    """The generalisations of one quasi-identifier, mildest first."""
    if data_type in ("date", "datetime") or kind == "resident_id":
        steps: list[dict[str, Any]] = [
            {"method": "month"} if kind != "resident_id" else {"method": "birth_year"},
            {"method": "birth_year"},
            {"method": "age_band", "params": {"width": 5}},
            {"method": "age_band", "params": {"width": 10}},
            {"method": "age_band", "params": {"width": 20}},
        ]
        return [step for index, step in enumerate(steps) if step not in steps[:index]]
    if kind == "region":
        return [{"method": "region_city"}]
    if kind == "address":
        return [{"method": "region_only"}]
    if data_type in ("integer", "decimal"):
        return [{"method": "amount_range", "params": {"width": width}} for width in (10, 100, 1000, 10000, 100000)]
    return [
        {"method": "mask", "params": {"first": 2, "last": 0}},
        {"method": "mask", "params": {"first": 1, "last": 0}},
    ]


@dataclass(frozen=True)
class Question:
    """What a release check asks: which fields identify in combination, which are sensitive, and k and l."""

    quasi_identifiers: Sequence[str]
    sensitive: Sequence[str]
    kinds: Mapping[str, str | None]  # a field's kind of personal data (or "region"), for its ladder
    k: int
    l_diversity: int
    today: datetime.date


def evaluate(
    table: Any, question: Question, generalisations: Mapping[str, Mapping[str, Any]], *, sample: bool = False
) -> Outcome:
    """Group ``table`` by its quasi-identifiers, generalised as given, and count what breaks k and l."""
    q = question
    plan = {
        name: (Treatment(how["method"], how.get("params", {})), Applied(kind=q.kinds.get(name), today=q.today))
        for name, how in generalisations.items()
    }
    # ``_all`` keeps one column (and one group) when every quasi-identifier is withheld.
    released = mask_table(table.select(*q.quasi_identifiers, *q.sensitive, _all=ibis.literal(0)), plan)
    metrics: dict[str, Any] = {"n": released.count()}
    for index, name in enumerate(q.sensitive):
        metrics[f"l{index}"] = released[name].nunique()
    # A withheld quasi-identifier leaves the table: it tells no record apart any more.
    kept = [name for name in q.quasi_identifiers if name in released.columns]
    groups = released.group_by(kept or ["_all"]).aggregate(**metrics)
    small = groups.n < q.k
    undiverse = ibis.literal(False)
    for index in range(len(q.sensitive)):
        undiverse = undiverse | (groups[f"l{index}"] < q.l_diversity)
    totals = groups.aggregate(
        rows=groups.n.sum(),
        small_groups=small.sum(),
        small_rows=ibis.ifelse(small, groups.n, 0).sum(),
        undiverse_groups=(undiverse & ~small).sum(),
        undiverse_rows=ibis.ifelse(undiverse & ~small, groups.n, 0).sum(),
    ).to_pyarrow()
    counts = {name: int(totals[name][0].as_py() or 0) for name in totals.column_names}
    rows: list[dict[str, Any]] = []
    if sample and (counts["small_rows"] or counts["undiverse_rows"]):
        failing = groups.filter(small | undiverse).order_by([groups.n, *kept]).limit(SAMPLE_GROUPS)
        rows = [
            {"values": {name: _plain(row.get(name)) for name in q.quasi_identifiers}, "records": int(row["n"])}
            for row in failing.to_pyarrow().to_pylist()
        ]
    return Outcome(sample=rows, **counts)


def suggest(
    table: Any,
    question: Question,
    *,
    data_types: Mapping[str, str],
    start: Mapping[str, Mapping[str, Any]] | None = None,
) -> tuple[dict[str, dict[str, Any]], Outcome]:
    """Generalisations that make the release pass, found greedily, and the outcome with them."""
    chosen: dict[str, dict[str, Any]] = {name: dict(how) for name, how in (start or {}).items()}
    outcome = evaluate(table, question, chosen)
    for _step in range(MAX_STEPS):
        if outcome.passed:
            break
        best: tuple[int, str, dict[str, Any], Outcome] | None = None
        for name in question.quasi_identifiers:
            steps = ladder(data_types.get(name, "string"), question.kinds.get(name))
            current = steps.index(chosen[name]) if chosen.get(name) in steps else -1
            if current + 1 >= len(steps):
                continue
            tried = evaluate(table, question, {**chosen, name: steps[current + 1]})
            failing = tried.small_rows + tried.undiverse_rows
            if best is None or failing < best[0]:
                best = (failing, name, steps[current + 1], tried)
        if best is None:
            break
        chosen[best[1]] = best[2]
        outcome = best[3]
    return chosen, evaluate(table, question, chosen, sample=True)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value
