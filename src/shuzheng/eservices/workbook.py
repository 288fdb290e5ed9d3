"""Items as an Excel workbook, the way departments keep their item lists: one sheet of items and
one sheet each for their materials, fees, steps and questions, joined by the item's 序号.

Choices are written as their Chinese names and read as names or codes; the form stays a JSON
text in its cell (it is a JSON Schema, and only tools write it). Reading gives item definitions
for ``services.items_import``, which checks them; a cell that cannot be read is named by sheet,
row and column.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import TextChoices
from django.utils.translation import gettext
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from shuzheng.core.errors import fields_problem
from shuzheng.eservices.choices import (
    CaseType,
    ItemKind,
    MaterialForm,
    MaterialSource,
    RiskDomain,
    ServiceObject,
    Stage,
)

ITEMS = "事项"
YES, NO = "是", "否"
# (column title, key in the definition, choices or a converter's name)
ITEM_COLUMNS: list[tuple[str, str, Any]] = [
    ("序号", "#", int),
    ("基本编码", "basic_code", str),
    ("实施编码", "implementation_code", str),
    ("业务办理项编码", "handling_code", str),
    ("事项名称", "name", str),
    ("事项类型", "kind", ItemKind),
    ("实施主体", "department", str),
    ("行政区划代码", "region", str),
    ("服务对象", "service_object", ServiceObject),
    ("设定依据", "legal_basis", str),
    ("受理条件", "conditions", str),
    ("法定办结时限（工作日）", "legal_days", int),
    ("承诺办结时限（工作日）", "promised_days", int),
    ("办件类型", "case_type", CaseType),
    ("到现场次数", "max_visits", int),
    ("必须现场办理原因", "visit_reason", str),
    ("网上办理深度", "online_depth", str),
    ("审批结果名称", "result_name", str),
    ("涉及领域（不得告知承诺）", "risk_domains", [RiskDomain]),
    ("告知承诺书", "pledge_text", str),
    ("承诺代替的材料", "pledge_materials", [str]),
    ("表单（JSON）", "form", "json"),
]
CHILDREN: dict[str, tuple[str, list[tuple[str, str, Any]]]] = {
    "materials": (
        "申请材料",
        [
            ("标识", "code", str),
            ("材料名称", "name", str),
            ("是否必需", "required", bool),
            ("材料形式", "form", MaterialForm),
            ("份数", "copies", int),
            ("来源渠道", "source", MaterialSource),
            ("受理标准", "standard", str),
            ("填报说明", "note", str),
        ],
    ),
    "fees": ("收费项目", [("收费项目", "name", str), ("收费标准", "standard", str), ("收费依据", "basis", str)]),
    "steps": ("办理环节", [("标识", "code", str), ("环节名称", "name", str), ("环节类型", "stage", Stage)]),
    "faqs": ("常见问题", [("问题", "question", str), ("解答", "answer", str)]),
}


def items_workbook(definitions: Iterable[Mapping[str, Any]]) -> bytes:
    """The items as an .xlsx file."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = ITEMS
    sheet.append([title for title, _key, _kind in ITEM_COLUMNS])
    children = {key: book.create_sheet(title) for key, (title, _columns) in CHILDREN.items()}
    for key, (_title, columns) in CHILDREN.items():
        children[key].append(["事项序号", *[title for title, _key, _kind in columns]])
    for number, definition in enumerate(definitions, start=1):
        pledge = definition.get("pledge") or {}
        values = {
            **definition,
            "#": number,
            "pledge_text": pledge.get("text", ""),
            "pledge_materials": pledge.get("materials", []),
        }
        sheet.append([_write(values.get(key), kind) for _title, key, kind in ITEM_COLUMNS])
        for key, (_title, columns) in CHILDREN.items():
            for row in definition.get(key, []):
                children[key].append([number, *[_write(row.get(field), kind) for _t, field, kind in columns]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _write(value: Any, kind: Any) -> Any:
    if value is None:
        return ""
    if kind == "json":
        return json.dumps(value, ensure_ascii=False)
    if kind is bool:
        return YES if value else NO
    if isinstance(kind, list):
        return "、".join(_write(item, kind[0]) for item in value)
    if isinstance(kind, type) and issubclass(kind, TextChoices):
        return str(kind(value).label)
    return value


def items_from_workbook(data: bytes) -> list[dict[str, Any]]:
    """Item definitions read from an .xlsx file in the layout ``items_workbook`` writes."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise fields_problem([("file", "unreadable", gettext("不是可以读取的 Excel（.xlsx）文件"))]) from error
    if ITEMS not in book.sheetnames:
        raise fields_problem([("file", "no_items", gettext("工作簿中没有“事项”工作表"))])
    items: dict[int, dict[str, Any]] = {}
    for line, values in _rows(book[ITEMS], ITEM_COLUMNS):
        number = values.pop("#")
        if number is None:
            raise _cell(ITEMS, line, "序号", gettext("请填写整数"))
        if number in items:
            raise _cell(ITEMS, line, "序号", gettext("序号重复"))
        text, materials = values.pop("pledge_text"), values.pop("pledge_materials")
        values["pledge"] = {"text": text, "materials": materials} if text else None
        present = {key: value for key, value in values.items() if value is not None}
        items[number] = {**present, **{key: [] for key in CHILDREN}}
    for key, (title, columns) in CHILDREN.items():
        if title not in book.sheetnames:
            continue
        for line, values in _rows(book[title], [("事项序号", "#", int), *columns]):
            number = values.pop("#")
            if number not in items:
                raise _cell(title, line, "事项序号", gettext("事项工作表中没有这个序号"))
            items[number][key].append({name: value for name, value in values.items() if value not in ("", None)})
    return [items[number] for number in sorted(items)]


def _rows(sheet: Any, columns: list[tuple[str, str, Any]]) -> Iterable[tuple[int, dict[str, Any]]]:
    rows = sheet.iter_rows(values_only=True)
    header = [str(cell or "").strip() for cell in next(rows, ())]
    positions = {}
    for title, key, kind in columns:
        if title not in header:
            raise _cell(sheet.title, 1, title, gettext("缺少这一列"))
        positions[key] = (header.index(title), title, kind)
    for line, row in enumerate(rows, start=2):
        if not any(cell not in (None, "") for cell in row):
            continue
        values = {}
        for key, (index, title, kind) in positions.items():
            cell = row[index] if index < len(row) else None
            try:
                values[key] = _read(cell, kind)
            except ValueError as error:
                raise _cell(sheet.title, line, title, str(error)) from error
        yield line, values


def _read(cell: Any, kind: Any) -> Any:
    text = "" if cell is None else str(cell).strip()
    if kind is str:
        # Codes typed as numbers come back as numbers: 110101001000 must stay text.
        return str(int(cell)) if isinstance(cell, float) and cell.is_integer() else text
    if text == "":
        return [] if isinstance(kind, list) else None  # left out: the definition's default applies
    if kind is int:
        try:
            return int(float(text))
        except ValueError:
            raise ValueError(gettext("请填写整数")) from None
    if kind is bool:
        if text not in (YES, NO):
            raise ValueError(gettext("请填写“是”或“否”"))
        return text == YES
    if kind == "json":
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            raise ValueError(gettext("不是有效的 JSON")) from None
    if isinstance(kind, list):
        return [_read(part, kind[0]) for part in text.replace(",", "、").split("、") if part.strip()]
    return _choice(text, kind)


def _choice(text: str, choices: type[TextChoices]) -> str:
    for value, label in choices.choices:
        if text in (value, str(label)):
            return str(value)
    raise ValueError(gettext("可填：%(names)s") % {"names": "、".join(str(label) for _v, label in choices.choices)})


def _cell(sheet: str, line: int, column: str, message: str) -> Exception:
    where = gettext("“%(sheet)s”第 %(line)d 行“%(column)s”") % {"sheet": sheet, "line": line, "column": column}
    return fields_problem([("file", "cell", f"{where}：{message}")])
