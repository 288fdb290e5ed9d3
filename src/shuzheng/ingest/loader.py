"""Loading a source's rows into a dataset's warehouse table.

Rows are typed in batches as they are read and written to a staging table;
rows that do not fit go to quarantine with their reasons. Everything after
that happens in the warehouse engine, out of core: duplicates by key are
found with a window, the staged rows are compared with the current table by
a join, and the new table (and its history) is computed as an expression and
swapped in only when complete. Nothing is written when nothing changed, so a
re-run of the same file is a no-op.
"""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import ibis
import pyarrow as pa
from django.utils.translation import gettext

from shuzheng.catalog.selectors import WarehouseColumn, WarehouseSession, arrow_schema, field_type_label, field_value
from shuzheng.ingest.sources import Record

BATCH_ROWS = 10_000
LINE = "_line"
VALID_FROM, VALID_TO, RUN = "_valid_from", "_valid_to", "_run"
_HISTORY_TYPES = {VALID_FROM: "timestamp", VALID_TO: "timestamp", RUN: "int64"}


@dataclass(frozen=True)
class Mapped:
    """Where one field's values come from, and how they are recoded on the way."""

    field: str
    column: str
    values: Mapping[str, Any] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class Plan:
    table: str  # the dataset's table
    columns: Sequence[WarehouseColumn]
    mapping: Sequence[Mapped]
    key: Sequence[str]  # empty: a row is identified by all its values
    incremental: bool = False
    history: bool = False
    run: int = 0
    now: datetime.datetime = dataclasses.field(default_factory=lambda: datetime.datetime.now(datetime.UTC))


@dataclass(frozen=True)
class Rejected:
    line: int
    row: Mapping[str, Any]
    reasons: list[dict[str, str]]


@dataclass
class Counts:
    read: int = 0
    loaded: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    deleted: int = 0
    rows: int = 0  # rows in the table after the load
    written: bool = False


def history_table(table: str) -> str:
    return f"{table}__history"


def mapping_default(columns: Sequence[WarehouseColumn], source_columns: Sequence[str]) -> list[Mapped]:
    """Each field from the source column with its name or its Chinese label (by name when the
    source tells its columns only row by row, as JSON does)."""
    if not source_columns:
        return [Mapped(column.name, column.name) for column in columns]
    available = set(source_columns)
    found = []
    for column in columns:
        for candidate in (column.name, column.label):
            if candidate in available:
                found.append(Mapped(column.name, candidate))
                break
    return found


def _typed(record: Record, plan: Plan, types: Mapping[str, str]) -> tuple[dict[str, Any] | None, list[dict[str, str]]]:
    if record.problem:
        return None, [{"field": "", "code": "parse", "message": record.problem}]
    row: dict[str, Any] = {}
    reasons = []
    for mapped in plan.mapping:
        raw = record.values.get(mapped.column)
        if mapped.values and raw is not None and str(raw).strip() in mapped.values:
            raw = mapped.values[str(raw).strip()]
        try:
            row[mapped.field] = field_value(raw, types[mapped.field])
        except (ValueError, ArithmeticError, TypeError):
            reasons.append(
                {
                    "field": mapped.field,
                    "code": "type",
                    "message": gettext("“%(column)s”的值 %(value)s 不是有效的%(type)s")
                    % {"column": mapped.column, "value": repr(raw)[:60], "type": field_type_label(types[mapped.field])},
                }
            )
    for name in plan.key:
        if not reasons and row.get(name) is None:
            reasons.append(
                {"field": name, "code": "key", "message": gettext("主键字段 %(name)s 为空") % {"name": name}}
            )
    return (None, reasons) if reasons else (row, [])


def _batches(
    records: Iterable[Record],
    plan: Plan,
    counts: Counts,
    reject: Callable[[list[Rejected]], None],
    progress: Callable[[int], None],
) -> Iterator[pa.Table]:
    types = {column.name: column.data_type for column in plan.columns}
    names = [column.name for column in plan.columns]
    schema = arrow_schema(plan.columns).append(pa.field(LINE, pa.int64()))
    values: dict[str, list[Any]] = {name: [] for name in [*names, LINE]}
    rejected: list[Rejected] = []
    for record in records:
        counts.read += 1
        row, reasons = _typed(record, plan, types)
        if row is None:
            rejected.append(Rejected(record.line, _jsonable(record.values), reasons))
        else:
            for name in names:
                values[name].append(row.get(name))
            values[LINE].append(record.line)
        if counts.read % BATCH_ROWS == 0:
            yield pa.table(values, schema=schema)
            values = {name: [] for name in values}
            counts.rejected += len(rejected)
            reject(rejected)
            rejected = []
            progress(counts.read)
    yield pa.table(values, schema=schema)
    counts.rejected += len(rejected)
    reject(rejected)
    progress(counts.read)


def _jsonable(values: Mapping[str, Any]) -> dict[str, Any]:
    return {
        str(key): value if isinstance(value, str | int | float | bool | None) else str(value)
        for key, value in values.items()
    }


def _matches(left: Any, right: Any, names: Sequence[str]) -> list[Any]:
    # IS NOT DISTINCT FROM: when all values identify a row, two nulls are the same value.
    return [left[name].identical_to(right[name]) for name in names]


def load(
    session: WarehouseSession,
    records: Iterable[Record],
    plan: Plan,
    *,
    reject: Callable[[list[Rejected]], None],
    progress: Callable[[int], None] = lambda _read: None,
) -> Counts:
    """Load ``records`` into ``plan.table``; rows that do not fit are passed to ``reject``."""
    counts = Counts()
    names = [column.name for column in plan.columns]
    key = list(plan.key) or names
    stage_name = f"stage_{plan.run}_{uuid.uuid4().hex[:12]}"
    schema = arrow_schema(plan.columns).append(pa.field(LINE, pa.int64()))
    staged = session.stage(stage_name, _batches(records, plan, counts, reject, progress), schema)

    # The last row of each key wins; the earlier ones are rejected, naming the row that replaced them.
    window = ibis.window(group_by=[staged[name] for name in key])
    ranked = staged.mutate(_last=staged[LINE].max().over(window))
    duplicates = ranked.filter(ranked[LINE] != ranked._last)
    duplicate_rows = duplicates.order_by(LINE).to_pyarrow().to_pylist()
    if duplicate_rows:
        counts.rejected += len(duplicate_rows)
        reject([_duplicate(row, key, names) for row in duplicate_rows])
    fresh = ranked.filter(ranked[LINE] == ranked._last).select(*names)

    current = session.table(plan.table)
    if current is None:
        counts.loaded = int(fresh.count().execute())
        outputs: dict[str, Any] = {plan.table: fresh}
        if plan.history:
            outputs[history_table(plan.table)] = _versions(fresh, plan)
        session.replace(outputs)
        counts.rows, counts.written = counts.loaded, True
        return counts

    present = current.select(*names)
    old = present.rename({f"_old_{name}": name for name in names}).mutate(_present=ibis.literal(True))
    if plan.key:
        on = [fresh[name] == old[f"_old_{name}"] for name in key]
    else:
        on = [fresh[name].identical_to(old[f"_old_{name}"]) for name in key]
    joined = fresh.left_join(old, on)
    is_new = joined._present.isnull()
    changed = ibis.literal(False)
    for name in names:
        if name not in key:
            changed = changed | ~joined[name].identical_to(joined[f"_old_{name}"])
    summary = (
        joined.aggregate(
            loaded=_count(is_new),
            updated=_count(~is_new & changed),
            total=joined.count(),
        )
        .to_pyarrow()
        .to_pylist()[0]
    )
    counts.loaded, counts.updated = int(summary["loaded"] or 0), int(summary["updated"] or 0)
    counts.unchanged = int(summary["total"]) - counts.loaded - counts.updated
    kept = present.anti_join(fresh, _on(present, fresh, key))
    if not plan.incremental:
        counts.deleted = int(kept.count().execute())
    if not (counts.loaded or counts.updated or counts.deleted):
        counts.rows = int(current.count().execute())
        return counts

    table = fresh if not plan.incremental else fresh.union(kept)
    outputs = {plan.table: table}
    if plan.history:
        outputs[history_table(plan.table)] = _history(
            session, present, fresh, joined, is_new, changed, plan, names, key
        )
    session.replace(outputs)
    counts.rows, counts.written = int(session.table(plan.table).count().execute()), True
    return counts


def _count(condition: Any) -> Any:
    # A sum of 1s and 0s, not of a cast boolean: PostgreSQL casts booleans to int but not to bigint.
    return ibis.ifelse(condition, 1, 0).sum()


def _on(left: Any, right: Any, key: Sequence[str]) -> list[Any]:
    return _matches(left, right, key)


def _duplicate(row: Mapping[str, Any], key: Sequence[str], names: Sequence[str]) -> Rejected:
    message = gettext("与第 %(line)d 行主键重复，已以后者为准") % {"line": row["_last"]}
    return Rejected(
        int(row[LINE]),
        _jsonable({name: row[name] for name in names}),
        [{"field": ",".join(key), "code": "duplicate", "message": message}],
    )


def _versions(rows: Any, plan: Plan) -> Any:
    return rows.mutate(
        **{
            VALID_FROM: ibis.literal(plan.now.replace(tzinfo=None), type="timestamp"),
            VALID_TO: ibis.null("timestamp"),
            RUN: ibis.literal(plan.run, type="int64"),
        }
    )


def _history(
    session: WarehouseSession,
    current: Any,
    fresh: Any,
    joined: Any,
    is_new: Any,
    changed: Any,
    plan: Plan,
    names: Sequence[str],
    key: Sequence[str],
) -> Any:
    """The versions so far with superseded ones closed, plus the new versions."""
    existing = session.table(history_table(plan.table))
    if existing is None:  # history switched on after earlier loads: their rows start it, dates unknown
        existing = current.mutate(
            **{VALID_FROM: ibis.null("timestamp"), VALID_TO: ibis.null("timestamp"), RUN: ibis.null("int64")}
        )
    now = ibis.literal(plan.now.replace(tzinfo=None), type="timestamp")
    touched = joined.filter(is_new | changed).select(*names)
    closing = touched.select(*key)
    if not plan.incremental:  # rows gone from a full load are closed too
        closing = closing.union(current.anti_join(fresh, _on(current, fresh, key)).select(*key))
    closing = closing.mutate(_closing=ibis.literal(True))
    marked = existing.left_join(closing, _on(existing, closing, key))
    open_and_closing = marked[VALID_TO].isnull() & marked._closing.notnull()
    closed = marked.mutate(**{VALID_TO: ibis.ifelse(open_and_closing, now, marked[VALID_TO])})
    # Files written earlier come back with the engine's own widths (timestamp(6)); one schema for both sides.
    versioned = [*names, VALID_FROM, VALID_TO, RUN]
    return (
        closed.select(*versioned)
        .cast(_HISTORY_TYPES)
        .union(_versions(touched, plan).select(*versioned).cast(_HISTORY_TYPES))
    )
