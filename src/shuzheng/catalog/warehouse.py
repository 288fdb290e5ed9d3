"""The rows of tabular resources, stored as Parquet and queried through Ibis.

On one laptop each table is a Parquet file under ``SHUZHENG_WAREHOUSE_DIR``
and DuckDB reads it in-process: any number of web workers may read while a
loader writes a new file and renames it into place, with no database server
and no lock between processes. The same Ibis expressions run on PostgreSQL,
Trino or Spark when a province points the platform at one (the ingestion
issue brings that switch).
"""

from __future__ import annotations

import csv
import datetime
import decimal
import io
import json
import os
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pyarrow.parquet as pq
from charset_normalizer import from_bytes
from django.conf import settings
from django.utils.translation import gettext

from shuzheng.catalog.choices import FieldType

_ARROW_TYPES: dict[str, pa.DataType] = {
    FieldType.STRING: pa.string(),
    FieldType.INTEGER: pa.int64(),
    FieldType.DECIMAL: pa.float64(),
    FieldType.DATE: pa.date32(),
    FieldType.DATETIME: pa.timestamp("s"),
    FieldType.BOOLEAN: pa.bool_(),
}
_TABLE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_TRUE = {"1", "true", "yes", "是", "y", "t"}
_FALSE = {"0", "false", "no", "否", "n", "f"}
# A file refused for bad rows lists at most this many, each with its line.
MAX_REPORTED_PROBLEMS = 20


class TableRefused(ValueError):
    """The file or rows did not fit the dataset's fields; nothing was stored."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    data_type: str


@dataclass(frozen=True)
class Page:
    total: int
    rows: list[dict[str, Any]]


def _path(table: str) -> Path:
    if not _TABLE_NAME.match(table):
        raise ValueError(f"not a table name: {table!r}")
    return Path(settings.SHUZHENG_WAREHOUSE_DIR) / f"{table}.parquet"


# --- reading files people upload --------------------------------------------------------------


def decode(data: bytes) -> str:
    """Text of an uploaded file: UTF-8 (with or without BOM), else whatever charset detection finds
    (GB18030 and GBK are what spreadsheets on government desktops write)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise TableRefused([gettext("无法识别文件的字符编码，请以 UTF-8 或 GB18030 保存")])
    encoding = "gb18030" if best.encoding.lower() in {"gbk", "gb2312", "gb18030", "cp936"} else best.encoding
    return data.decode(encoding)


def parse_file(filename: str, data: bytes) -> list[dict[str, Any]]:
    """Records of a CSV, XLSX or JSON file, keyed by the header cells as written."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".csv":
        return [dict(row) for row in csv.DictReader(io.StringIO(decode(data)))]
    if suffix == ".json":
        try:
            parsed = json.loads(decode(data))
        except json.JSONDecodeError as exc:
            raise TableRefused([gettext("JSON 格式有误（第 %(line)d 行）") % {"line": exc.lineno}]) from None
        if not isinstance(parsed, list) or not all(isinstance(item, dict) for item in parsed):
            raise TableRefused([gettext("JSON 文件应为对象数组")])
        return parsed
    if suffix == ".xlsx":
        return _parse_xlsx(data)
    raise TableRefused([gettext("只接受 CSV、XLSX 和 JSON 文件")])


def _parse_xlsx(data: bytes) -> list[dict[str, Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise TableRefused([gettext("无法读取 XLSX 文件：%(error)s") % {"error": type(exc).__name__}]) from None
    rows = workbook.active.iter_rows(values_only=True) if workbook.active is not None else iter(())
    header = [str(cell).strip() if cell is not None else "" for cell in next(rows, ())]
    return [dict(zip(header, row, strict=False)) for row in rows if any(cell is not None for cell in row)]


# --- conforming records to the dataset's fields --------------------------------------------------


def _convert(value: Any, data_type: str) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    if data_type == FieldType.STRING:
        return text
    if data_type == FieldType.INTEGER:
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return int(text.replace(",", ""))
    if data_type == FieldType.DECIMAL:
        return float(decimal.Decimal(text.replace(",", "")))
    if data_type == FieldType.DATE:
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        return datetime.date.fromisoformat(text.replace("/", "-")[:10])
    if data_type == FieldType.DATETIME:
        if isinstance(value, datetime.datetime):
            return value.replace(tzinfo=None)
        return datetime.datetime.fromisoformat(text).replace(tzinfo=None)
    if data_type == FieldType.BOOLEAN:
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise ValueError(text)
    raise ValueError(data_type)


def conform(records: Iterable[Mapping[str, Any]], columns: Sequence[Column]) -> pa.Table:
    """The records as a typed table of exactly the dataset's fields; all or nothing.

    Headers may be the field names or their Chinese labels. A bad value
    refuses the whole file, naming the first problems by line.
    """
    by_header = {column.name: column for column in columns} | {column.label: column for column in columns}
    values: dict[str, list[Any]] = {column.name: [] for column in columns}
    problems: list[str] = []
    for line, record in enumerate(records, start=2):  # line 1 is the header
        seen = set()
        for header, raw in record.items():
            column = by_header.get(str(header).strip())
            if column is None:
                if line == 2:
                    problems.append(gettext("未知的列：%(header)s") % {"header": header})
                continue
            seen.add(column.name)
            try:
                values[column.name].append(_convert(raw, column.data_type))
            except (ValueError, ArithmeticError):
                problems.append(
                    gettext("第 %(line)d 行“%(label)s”的值 %(value)s 不是%(type)s")
                    % {
                        "line": line,
                        "label": column.label,
                        "value": repr(raw)[:40],
                        "type": FieldType(column.data_type).label,
                    }
                )
                values[column.name].append(None)
        for column in columns:
            if column.name not in seen:
                values[column.name].append(None)
        if len(problems) >= MAX_REPORTED_PROBLEMS:
            break
    if problems:
        raise TableRefused(problems)
    return pa.table(
        {column.name: pa.array(values[column.name], type=_ARROW_TYPES[column.data_type]) for column in columns}
    )


# --- storing and querying ----------------------------------------------------------------------------


def store(table: str, data: pa.Table) -> int:
    """Write the table, replacing any earlier version atomically; returns its size in bytes."""
    path = _path(table)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".parquet.tmp")
    os.close(handle)
    try:
        pq.write_table(data, temporary)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return path.stat().st_size


def exists(table: str) -> bool:
    return _path(table).exists()


def _table(table: str) -> Any:
    return open_tables([table])[table]


def open_tables(tables: Sequence[str]) -> dict[str, Any]:
    """Ibis tables on one connection, so that one expression may combine them (a quality rule
    checking one dataset's values against another's keys)."""
    connection = ibis.duckdb.connect()
    return {table: connection.read_parquet(_path(table), table_name=table) for table in tables}


def query(
    table: str,
    *,
    filters: Mapping[str, Any] | None = None,
    text: str = "",
    fields: Sequence[str] | None = None,
    sort: Sequence[tuple[str, bool]] = (),
    limit: int = 100,
    offset: int = 0,
) -> Page:
    """A page of rows: equality ``filters``, ``text`` in any text column, ``sort`` as (column, descending)."""
    expression = _table(table)
    for column, value in (filters or {}).items():
        expression = expression.filter(expression[column] == value)
    if text:
        string_columns = [name for name, kind in expression.schema().items() if kind.is_string()]
        if string_columns:
            matches = [expression[name].contains(text) for name in string_columns]
            condition = matches[0]
            for match in matches[1:]:
                condition = condition | match
            expression = expression.filter(condition)
        else:
            expression = expression.filter(ibis.literal(False))
    total = int(expression.count().execute())
    if sort:
        expression = expression.order_by(
            [ibis.desc(name) if descending else ibis.asc(name) for name, descending in sort]
        )
    if fields:
        expression = expression.select(*fields)
    rows = expression.limit(limit, offset=offset).to_pyarrow().to_pylist()
    return Page(total=total, rows=rows)


def columns_of(table: str) -> list[str]:
    return list(_table(table).schema().names)


def export(table: str, fmt: str, labels: Mapping[str, str]) -> bytes:
    """The whole table as CSV (UTF-8 with BOM, so spreadsheet programs read Chinese), JSON or XLSX."""
    rows = _table(table).to_pyarrow().to_pylist()
    names = columns_of(table)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([labels.get(name, name) for name in names])
        writer.writerows([[_plain(row[name]) for name in names] for row in rows])
        return ("\ufeff" + buffer.getvalue()).encode()
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, default=str).encode()
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append([labels.get(name, name) for name in names])
        for row in rows:
            sheet.append([row[name] for name in names])
        binary = io.BytesIO()
        workbook.save(binary)
        return binary.getvalue()
    raise ValueError(fmt)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date | datetime.datetime) else value
