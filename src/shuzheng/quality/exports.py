"""A check's failing rows, read back from the warehouse: as pages for the API and as CSV or XLSX
files produced batch by batch, so a download of a million rows never sits in memory at once.

Where the check kept keys (``CheckRun.key_fields``) the rows are joined back from the dataset by
key and show its current values; otherwise the check kept the whole rows as they failed.
"""

from __future__ import annotations

import csv
import datetime
import io
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import ibis
from django.utils.translation import gettext

from shuzheng.catalog.selectors import tables_together

RULE_COLUMN = "_rule"
BATCH_ROWS = 10_000
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Failures:
    expression: Any  # Ibis: the rule's id in RULE_COLUMN, then the dataset's columns
    columns: list[tuple[str, str]]  # (name, label) of the dataset's columns present
    rules: Mapping[int, str]  # rule id → how people read the rule


@dataclass(frozen=True)
class FailurePage:
    columns: list[dict[str, str]]
    total: int
    rows: list[dict[str, Any]]


def failures(*, run: Any, rule: Any = None, labels: Mapping[int, str]) -> Failures | None:
    """The failing rows of ``run`` (of one ``rule``, or of all), or None when it kept none."""
    if not run.failures_table:
        return None
    dataset = run.dataset
    by_dataset, named = tables_together(datasets=[dataset], tables=[run.failures_table])
    kept = named.get(run.failures_table)
    if kept is None:
        return None
    if rule is not None:
        kept = kept.filter(kept[RULE_COLUMN] == rule.pk)
    fields = [(field.name, field.label) for field in dataset.fields.order_by("position")]
    keys = list(run.key_fields)
    if keys:
        rows = by_dataset.get(dataset.pk)
        if rows is None:
            return None
        columns = [(name, label) for name, label in fields if name in rows.columns]
        joined = kept.join(rows, keys)
        expression = joined.select(RULE_COLUMN, *(name for name, _label in columns))
    else:
        columns = [(name, label) for name, label in fields if name in kept.columns]
        expression = kept.select(RULE_COLUMN, *(name for name, _label in columns))
    order = [RULE_COLUMN, *(keys or [name for name, _label in columns])]
    return Failures(expression.order_by([ibis.asc(name) for name in order]), columns, labels)


def page(found: Failures, *, limit: int, offset: int) -> FailurePage:
    total = int(found.expression.count().execute())
    rows = found.expression.limit(limit, offset=offset).to_pyarrow().to_pylist()
    columns = [{"name": name, "label": label} for name, label in found.columns]
    return FailurePage(columns, total, [_named(found, row) for row in rows])


def _named(found: Failures, row: dict[str, Any]) -> dict[str, Any]:
    rule = row.pop(RULE_COLUMN)
    return {"rule": rule, "rule_label": found.rules.get(rule, ""), "values": row}


def _header(found: Failures | None) -> list[str]:
    return [gettext("不通过的规则"), *(label for _name, label in (found.columns if found else []))]


def _batches(found: Failures | None) -> Iterator[list[list[Any]]]:
    if found is None:
        return
    names = [name for name, _label in found.columns]
    for batch in _record_batches(found.expression):
        yield [[found.rules.get(row[RULE_COLUMN], ""), *(row[name] for name in names)] for row in batch.to_pylist()]


def _record_batches(expression: Any) -> Iterator[Any]:
    backend = ibis.get_backend(expression)
    if backend.name == "duckdb":
        # Ibis 12 asks DuckDB 2 for fetch_record_batch, which DuckDB renamed to_arrow_reader; a
        # relation (not a cursor) streams its batches without copying the result first.
        yield from backend.con.sql(backend.compile(expression)).to_arrow_reader(BATCH_ROWS)
    else:
        yield from expression.to_pyarrow_batches(chunk_size=BATCH_ROWS)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date | datetime.datetime) else value


def stream(found: Failures | None, fmt: str) -> Iterator[bytes]:
    """The rows as a file of ``fmt`` ("csv" or "xlsx"), in pieces."""
    if fmt == "csv":
        return _csv(found)
    if fmt == "xlsx":
        return _xlsx(found)
    raise ValueError(fmt)


def _csv(found: Failures | None) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    # The BOM makes spreadsheet programs on government desktops read the Chinese as UTF-8.
    buffer.write("\ufeff")
    writer.writerow(_header(found))
    for rows in _batches(found):
        writer.writerows([[_plain(value) for value in row] for row in rows])
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue().encode()


def _xlsx(found: Failures | None) -> Iterator[bytes]:
    from openpyxl import Workbook

    # Write-only workbooks keep their rows in a temporary file, not in memory.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(gettext("问题数据"))
    sheet.append(_header(found))
    for rows in _batches(found):
        for row in rows:
            sheet.append(row)
    with tempfile.TemporaryFile() as file:
        workbook.save(file)
        file.seek(0)
        while chunk := file.read(1 << 16):
            yield chunk
