"""Uploaded files: CSV (UTF-8 with or without BOM, GBK, GB18030 — detected), XLSX, JSON lines, JSON and Parquet."""

from __future__ import annotations

import csv
import json
import re
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shuzheng.catalog.selectors import text_encoding
from shuzheng.ingest.sources import Reading, Record, Request, SourceKindSpec, SourceRefused, source_kind_register

SUFFIXES = (".csv", ".xlsx", ".jsonl", ".ndjson", ".json", ".parquet")
# Enough of a file to tell its encoding, and small enough to read at once.
SAMPLE_BYTES = 1 << 20
_MERGE = re.compile(rb'<mergeCell ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def detect_encoding(sample: bytes) -> str:
    """The encoding of a file from its first part, as the catalogue reads uploads."""
    encoding = text_encoding(sample, complete=False)
    if encoding is None:
        raise SourceRefused(gettext("无法识别文件的字符编码，请以 UTF-8 或 GB18030 保存"))
    return encoding


def _csv(path: Path) -> Reading:
    with path.open("rb") as binary:
        encoding = detect_encoding(binary.read(SAMPLE_BYTES))
    text = path.open(encoding=encoding, newline="", errors="strict")
    reader = csv.reader(text)
    try:
        header = [cell.strip() for cell in next(reader, [])]
    except (UnicodeDecodeError, csv.Error) as exc:
        text.close()
        raise SourceRefused(gettext("无法读取表头：%(error)s") % {"error": exc}) from None
    if not any(header):
        text.close()
        raise SourceRefused(gettext("文件是空的，或第一行不是表头"))

    def records() -> Iterator[Record]:
        with text:
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except (UnicodeDecodeError, csv.Error) as exc:
                    # The rest of the file cannot be read: loading only the part before would, in a
                    # full load, delete every row after it. The run fails and nothing changes.
                    raise SourceRefused(
                        gettext("第 %(line)d 行之后无法读取（%(error)s），请检查文件的编码和完整性")
                        % {"line": reader.line_num, "error": type(exc).__name__}
                    ) from None
                if not cells:
                    continue
                values = dict(zip(header, cells, strict=False))
                if len(cells) < len(header):
                    yield Record(reader.line_num, values, gettext("列数少于表头（行不完整，文件可能被截断）"))
                elif len(cells) > len(header):
                    extra = {f"_{index + 1}": cell for index, cell in enumerate(cells) if index >= len(header)}
                    yield Record(reader.line_num, values | extra, gettext("列数多于表头"))
                else:
                    yield Record(reader.line_num, values)

    return Reading(columns=header, records=records())


def _merged_header(path: Path, sheet: str) -> str:
    """The first merged range touching the header row, if any. Read-only workbooks do not parse
    merges, so the sheet's XML is scanned for them (they follow the cells, at its end)."""
    tail = b""
    with zipfile.ZipFile(path) as archive, archive.open(sheet) as stream:
        while chunk := stream.read(1 << 20):
            for match in _MERGE.finditer(tail + chunk):
                if int(match.group(2)) == 1:
                    first, last = match.group(1) + match.group(2), match.group(3) + match.group(4)
                    return f"{first.decode()}:{last.decode()}"
            tail = chunk[-200:]
    return ""


def _xlsx(path: Path) -> Reading:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise SourceRefused(gettext("无法读取 XLSX 文件：%(error)s") % {"error": type(exc).__name__}) from None
    sheet = workbook.active
    if sheet is None:
        raise SourceRefused(gettext("XLSX 文件没有工作表"))
    merged = _merged_header(path, getattr(sheet, "_worksheet_path", "xl/worksheets/sheet1.xml"))
    if merged:
        workbook.close()
        raise SourceRefused(
            gettext("表头含合并单元格（%(range)s）：请把表头整理成一行，每列一个名称后再上传") % {"range": merged}
        )
    rows = sheet.iter_rows(values_only=True)
    header = [str(cell).strip() if cell is not None else "" for cell in next(rows, ())]
    while header and not header[-1]:
        header.pop()
    if not any(header):
        workbook.close()
        raise SourceRefused(gettext("文件是空的，或第一行不是表头"))
    if "" in header:
        workbook.close()
        raise SourceRefused(gettext("表头第 %(column)d 列没有名称") % {"column": header.index("") + 1})
    total = (sheet.max_row - 1) if sheet.max_row else None

    def records() -> Iterator[Record]:
        try:
            for line, row in enumerate(rows, start=2):
                if all(cell is None for cell in row):
                    continue
                values = dict(zip(header, row, strict=False))
                if any(cell is not None for cell in row[len(header) :]):
                    yield Record(line, {key: _cell(value) for key, value in values.items()}, gettext("列数多于表头"))
                else:
                    yield Record(line, values)
        finally:
            workbook.close()

    return Reading(columns=header, records=records(), total=total)


def _cell(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _json_lines(path: Path) -> Reading:
    with path.open("rb") as binary:
        encoding = detect_encoding(binary.read(SAMPLE_BYTES))

    def records() -> Iterator[Record]:
        with path.open(encoding=encoding) as text:
            for line, content in enumerate(text, start=1):
                if not content.strip():
                    continue
                try:
                    value = json.loads(content)
                except json.JSONDecodeError as exc:
                    yield Record(
                        line, {"_text": content[:2000]}, gettext("JSON 格式有误：%(error)s") % {"error": exc.msg}
                    )
                    continue
                if not isinstance(value, dict):
                    yield Record(line, {"_text": content[:2000]}, gettext("每行应为一个 JSON 对象"))
                    continue
                yield Record(line, value)

    return Reading(columns=[], records=records())


def _json(path: Path) -> Reading:
    # A JSON array is parsed whole; large sources should come as JSON lines, which stream.
    with path.open("rb") as binary:
        data = binary.read()
    try:
        parsed = json.loads(data.decode(detect_encoding(data[:SAMPLE_BYTES])))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise SourceRefused(gettext("JSON 格式有误：%(error)s") % {"error": exc}) from None
    if not isinstance(parsed, list):
        raise SourceRefused(gettext("JSON 文件应为对象数组"))
    records = (
        Record(index, item)
        if isinstance(item, dict)
        else Record(index, {"_text": str(item)[:2000]}, gettext("应为 JSON 对象"))
        for index, item in enumerate(parsed, start=1)
    )
    return Reading(columns=[], records=records, total=len(parsed))


def _parquet(path: Path) -> Reading:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid and OSError for a damaged file
        raise SourceRefused(gettext("无法读取 Parquet 文件：%(error)s") % {"error": exc}) from None

    def records() -> Iterator[Record]:
        line = 0
        for batch in parquet.iter_batches(batch_size=10_000):
            for row in batch.to_pylist():
                line += 1
                yield Record(line, row)

    return Reading(columns=list(parquet.schema_arrow.names), records=records(), total=parquet.metadata.num_rows)


_READERS = {
    ".csv": _csv,
    ".xlsx": _xlsx,
    ".jsonl": _json_lines,
    ".ndjson": _json_lines,
    ".json": _json,
    ".parquet": _parquet,
}


def read(request: Request) -> Reading:
    if request.path is None:
        raise SourceRefused(gettext("请上传文件"))
    suffix = Path(request.file_name or request.path.name).suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        raise SourceRefused(gettext("只接受 CSV、XLSX、JSON、JSON Lines 和 Parquet 文件"))
    return reader(request.path)


def validate(options: Mapping[str, Any]) -> list[tuple[str, str]]:
    return []


FILE = source_kind_register(SourceKindSpec("file", _("文件上传"), read, validate, needs_file=True))
