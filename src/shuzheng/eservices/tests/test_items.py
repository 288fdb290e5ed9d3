"""The item catalogue in the workbench: Excel round trip, import all or nothing, review by a second
official, and who may see which department's items."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from shuzheng.core.errors import Problem
from shuzheng.eservices.choices import VersionStatus
from shuzheng.eservices.demo import demo_items
from shuzheng.eservices.models import ServiceItem
from shuzheng.eservices.schemas import ItemDef
from shuzheng.eservices.tests.factories import definition
from shuzheng.eservices.workbook import items_from_workbook, items_workbook


def test_every_demo_item_survives_an_excel_round_trip() -> None:
    items = demo_items()
    back = items_from_workbook(items_workbook(items))
    assert len(back) == len(items)
    for original, read in zip(items, back, strict=True):
        assert ItemDef.model_validate(read) == ItemDef.model_validate(original)


def test_the_workbook_reads_as_a_department_keeps_it() -> None:
    book = load_workbook(io.BytesIO(items_workbook([definition()])))
    assert book.sheetnames == ["事项", "申请材料", "收费项目", "办理环节", "常见问题"]
    header = [cell.value for cell in book["事项"][1]]
    row = dict(zip(header, [cell.value for cell in book["事项"][2]], strict=True))
    assert (row["事项类型"], row["服务对象"], row["办件类型"]) == ("行政许可", "自然人", "承诺件")
    assert [cell.value for cell in book["申请材料"][2]][:4] == [1, "premises", "经营场所使用证明", "是"]


def test_a_bad_cell_is_named_by_sheet_row_and_column() -> None:
    book = load_workbook(io.BytesIO(items_workbook([definition()])))
    book["事项"]["L2"] = "二十"  # 法定办结时限
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(Problem) as problem:
        items_from_workbook(out.getvalue())
    assert "“事项”第 2 行“法定办结时限（工作日）”" in problem.value.errors[0]["detail"]
    with pytest.raises(Problem):
        items_from_workbook(b"PK\x03\x04 not really a workbook")


@pytest.fixture
def pages(cast: dict[str, Any], signed_in: Callable[[Any], Client]) -> dict[str, Client]:
    return {who: signed_in(cast[who]) for who in ("clerk", "reviewer", "stranger", "applicant")}


def upload(name: str, content: bytes) -> io.BytesIO:
    file = io.BytesIO(content)
    file.name = name
    return file


def test_import_in_excel_then_review_and_publish_in_the_workbench(
    cast: dict[str, Any], pages: dict[str, Client]
) -> None:
    url = reverse("eservices:items-manage")
    pages["clerk"].post(url, {"file": upload("事项.xlsx", items_workbook([definition()]))})
    item = ServiceItem.objects.get()
    draft = item.versions.get()
    assert draft.status == VersionStatus.DRAFT
    page = reverse("eservices:item-manage", args=[item.pk])
    pages["clerk"].post(page, {"action": "submit"})
    pages["reviewer"].post(page, {"action": "publish", "note": "要素齐全"})
    item.refresh_from_db()
    assert item.published == draft
    exported = pages["clerk"].get(reverse("eservices:items-export"))
    assert [ItemDef.model_validate(row).name for row in items_from_workbook(exported.content)] == ["个体工商户设立登记"]


def test_an_import_with_a_bad_item_keeps_nothing(cast: dict[str, Any], pages: dict[str, Client]) -> None:
    good, bad = definition(), definition(basic_code="000120001009", promised_days=99)
    response = pages["clerk"].post(
        reverse("eservices:items-manage"), {"file": upload("x.xlsx", items_workbook([good, bad]))}
    )
    assert response.status_code == 302
    assert not ServiceItem.objects.exists()


def test_item_pages_per_persona(
    cast: dict[str, Any], item: Any, assert_access: Callable[..., None], pages: dict[str, Client]
) -> None:
    page = reverse("eservices:item-manage", args=[item.pk])
    assert_access(
        "get",
        page,
        owner=(cast["clerk"], 200),
        stranger=(cast["stranger"], 404),
        citizen=(cast["applicant"], 403),
        anonymous=302,
    )
    assert "个体工商户设立登记" not in pages["stranger"].get(reverse("eservices:items-manage")).content.decode()
    assert pages["applicant"].get(reverse("eservices:items-manage")).status_code == 403
