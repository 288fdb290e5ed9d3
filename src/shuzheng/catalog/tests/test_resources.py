"""Files attached to datasets: GBK spreadsheets, bad rows, queries, downloads."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from shuzheng.catalog import selectors, services
from shuzheng.catalog.models import Dataset, Resource

pytestmark = pytest.mark.django_db

CSV_GBK = (
    "许可证编号,统一社会信用代码,经营者名称\n"
    "JY13301060001,91330106MA2H3X4Y6M,西湖区知味观餐饮店\n"
    "JY13301060002,91330100MA2H3X4Y6M,杭州云栖数智科技有限公司\n"
)


@pytest.fixture
def dataset(staff: dict[str, Any], payload: Callable[..., dict[str, Any]]) -> Dataset:
    data = payload()
    fields = data.pop("fields")
    return services.dataset_create(
        author=staff["market_cataloguer"],
        organisation=staff["market_cataloguer"].organisation,
        data=data,
        fields=fields,
    )


def add(
    staff: dict[str, Any], dataset: Dataset, filename: str, data: bytes, who: str = "market_cataloguer"
) -> Resource:
    return services.resource_add_file(
        editor=staff[who], dataset=dataset, name="许可证清单", filename=filename, data=data
    )


def test_a_gbk_csv_with_chinese_headers_loads(staff: dict[str, Any], dataset: Dataset) -> None:
    resource = add(staff, dataset, "许可证.csv", CSV_GBK.encode("gb18030"))
    assert resource.row_count == 2
    assert resource.format == "CSV"
    assert len(resource.checksum) == 64
    page = selectors.resource_rows(resource=resource, text="知味观")
    assert page.total == 1
    assert page.rows[0]["company_name"] == "西湖区知味观餐饮店"


def test_xlsx_and_json_load(staff: dict[str, Any], dataset: Dataset) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["licence_no", "uscc", "company_name"])
    sheet.append(["JY1", "91330106MA2H3X4Y6M", "甲"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert add(staff, dataset, "a.xlsx", buffer.getvalue()).row_count == 1
    rows = [{"licence_no": "JY2", "uscc": "x", "company_name": "乙"}, {"licence_no": "JY3", "company_name": "丙"}]
    resource = add(staff, dataset, "b.json", json.dumps(rows, ensure_ascii=False).encode())
    assert selectors.resource_rows(resource=resource, sort=[("licence_no", True)]).rows[0]["licence_no"] == "JY3"


@pytest.mark.parametrize(
    ("filename", "data", "fragment"),
    [
        ("a.csv", "许可证编号,颜色\nJY1,红\n".encode(), "未知的列"),
        ("a.json", b'{"not": "a list"}', "对象数组"),
        ("a.json", b"[{]", "JSON"),
        ("a.xlsx", b"not a spreadsheet", "XLSX"),
        ("a.pdf", b"%PDF", "CSV、XLSX"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(
    staff: dict[str, Any], dataset: Dataset, filename: str, data: bytes, fragment: str
) -> None:
    with pytest.raises(services.CatalogInvalid) as caught:
        add(staff, dataset, filename, data)
    assert fragment in str(caught.value)
    assert not Resource.objects.exists()


def test_a_bad_value_refuses_the_file_naming_its_line(
    staff: dict[str, Any], payload: Callable[..., dict[str, Any]]
) -> None:
    data = payload(title="小微企业名录")
    data["fields"].append({"name": "employees", "label": "从业人数", "data_type": "integer", "grade": "L1"})
    fields = data.pop("fields")
    dataset = services.dataset_create(
        author=staff["market_cataloguer"],
        organisation=staff["market_cataloguer"].organisation,
        data=data,
        fields=fields,
    )
    content = "licence_no,uscc,company_name,employees\nJY1,a,甲,12\nJY2,b,乙,十二\n"
    with pytest.raises(services.CatalogInvalid) as caught:
        add(staff, dataset, "a.csv", content.encode())
    assert "第 3 行" in str(caught.value)
    assert "从业人数" in str(caught.value)
    assert not Resource.objects.exists()


def test_another_department_cannot_attach_files(staff: dict[str, Any], dataset: Dataset) -> None:
    with pytest.raises(services.CatalogForbidden):
        add(staff, dataset, "a.csv", CSV_GBK.encode(), who="data_cataloguer")


def test_query_filters_sorts_and_pages(staff: dict[str, Any], dataset: Dataset) -> None:
    rows = [{"licence_no": f"JY{n:03d}", "uscc": "u", "company_name": f"企业{n % 3}"} for n in range(25)]
    resource, changed = services.resource_load_rows(dataset=dataset, name="清单", rows=rows)
    assert changed
    assert services.resource_load_rows(dataset=dataset, name="清单", rows=rows) == (resource, False)
    page = selectors.resource_rows(
        resource=resource, filters={"company_name": "企业1"}, sort=[("licence_no", True)], limit=3, offset=2
    )
    assert page.total == 8
    assert [row["licence_no"] for row in page.rows] == ["JY016", "JY013", "JY010"]
    assert selectors.resource_rows(resource=resource, fields=["licence_no"], limit=1).rows == [{"licence_no": "JY000"}]


@pytest.mark.parametrize("backend", ["parquet", "postgres"])
def test_point_lookups_by_index_see_a_reloaded_table(
    staff: dict[str, Any], dataset: Dataset, backend: str, request: pytest.FixtureRequest
) -> None:
    if backend == "postgres":
        request.getfixturevalue("postgres_warehouse")
    rows = [{"licence_no": f"JY{n:03d}", "uscc": f"U{n % 4}", "company_name": f"企业{n}"} for n in range(40)]
    services.resource_load_rows(dataset=dataset, name="清单", rows=rows)
    found = selectors.dataset_rows_lookup(
        dataset=dataset,
        field="uscc",
        values=["U1", "U2"],
        columns=["licence_no"],
        row_filter={"company_name": ["企业1", "企业2", "企业5"]},
    )
    assert sorted(row["licence_no"] for row in found) == ["JY001", "JY002", "JY005"]
    lookup: dict[str, Any] = {
        "dataset": dataset,
        "field": "licence_no",
        "values": ["JY007", "JY999"],
        "columns": ["company_name"],
    }
    assert selectors.dataset_rows_lookup(**lookup) == [{"company_name": "企业7"}]
    services.resource_load_rows(dataset=dataset, name="清单", rows=[{**row, "company_name": "新"} for row in rows])
    assert selectors.dataset_rows_lookup(**lookup) == [{"company_name": "新"}]
    with pytest.raises(ValueError, match="not a column name"):
        selectors.dataset_rows_lookup(dataset=dataset, field='uscc" OR 1=1 --', values=["x"], columns=["uscc"])


def test_downloads_in_three_formats(staff: dict[str, Any], dataset: Dataset) -> None:
    resource = add(staff, dataset, "许可证.csv", CSV_GBK.encode("gb18030"))
    csv_bytes = selectors.resource_export(resource=resource, fmt="csv")
    assert csv_bytes.startswith("\ufeff许可证编号".encode())
    assert (
        json.loads(selectors.resource_export(resource=resource, fmt="json"))[1]["company_name"]
        == "杭州云栖数智科技有限公司"
    )
    sheet = load_workbook(io.BytesIO(selectors.resource_export(resource=resource, fmt="xlsx"))).active
    assert sheet is not None
    assert sheet.cell(row=1, column=3).value == "经营者名称"
