"""The open-data portal: Chinese search on the demo catalogue, facets, dataset pages, downloads."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from openpyxl import load_workbook

from shuzheng.catalog.selectors import datasets_open
from shuzheng.core import demo as demo_registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(regions: None) -> None:
    demo_registry.seeders()["catalog.datasets"]()


def titles(response: Any) -> list[str]:
    return [dataset.title for dataset in response.context["page"]]


def published(**filters: Any) -> Any:
    return apps.get_model("catalog", "Dataset").objects.filter(status="published", **filters).order_by("code")


def test_the_home_page_counts_what_is_open(client: Client, demo: None) -> None:
    response = client.get("/open/")
    assert response.status_code == 200
    stats = response.context["stats"]
    assert stats["datasets"] == datasets_open(include_restricted=True).count() == 60
    assert stats["departments"] >= 12


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("公交线路", "公交线路"),
        ("空气质量", "空气质量"),
        ("杭州 公交", "公交"),
        ("养老机构", "养老机构"),
        ("地表水", "地表水"),
    ],
)
def test_chinese_queries_find_the_datasets(client: Client, demo: None, query: str, expected: str) -> None:
    found = titles(client.get("/open/datasets/", {"q": query}))
    assert any(expected in title for title in found), found
    assert published(title__in=found).count() == len(found)
    for dataset in published(title__in=found).select_related("organisation"):
        text = dataset.organisation.name + dataset.title + dataset.description + "".join(dataset.keywords)
        assert all(word in text for word in query.split()), (query, dataset.title)


def test_closed_datasets_never_appear(client: Client, demo: None) -> None:
    for dataset in published(open_type="none")[:5]:
        assert dataset.title not in titles(client.get("/open/datasets/", {"q": dataset.title}))
        assert client.get(f"/open/datasets/{dataset.name}/").status_code == 404


def test_facets_narrow_and_count(client: Client, demo: None) -> None:
    response = client.get("/open/datasets/", {"theme": "transport"})
    found = response.context["page"].paginator.count
    assert found > 0
    assert {dataset.theme for dataset in response.context["page"]} == {"transport"}
    theme_facet = next(facet for facet in response.context["facets"] if facet["key"] == "theme")
    assert [option["count"] for option in theme_facet["options"] if option["selected"]] == [found]
    restricted = client.get("/open/datasets/", {"theme": "transport", "open_type": "restricted"}).context["page"]
    assert all(dataset.open_type == "restricted" for dataset in restricted)


def test_dataset_page_previews_and_downloads_in_three_formats(client: Client, demo: None) -> None:
    dataset = published(open_type="unconditional").first()
    name = dataset.name
    fields = list(dataset.fields.order_by("position"))
    page = client.get(f"/open/datasets/{name}/")
    assert page.status_code == 200
    assert len(page.context["preview"]["rows"]) == 20
    csv_download = client.get(f"/open/datasets/{name}/download.csv")
    assert csv_download["Content-Type"].startswith("text/csv")
    assert csv_download.content.decode("utf-8-sig").splitlines()[0].split(",")[0] == fields[0].label
    records = json.loads(client.get(f"/open/datasets/{name}/download.json").content)
    assert list(records[0]) == [field.name for field in fields]
    sheet = load_workbook(io.BytesIO(client.get(f"/open/datasets/{name}/download.xlsx").content)).active
    assert sheet is not None
    assert sheet.max_row == len(records) + 1
    assert client.get(f"/open/datasets/{name}/download.pdf").status_code == 404


def test_restricted_datasets_show_metadata_but_no_data(client: Client, demo: None) -> None:
    name = published(open_type="restricted").first().name
    page = client.get(f"/open/datasets/{name}/")
    assert page.status_code == 200
    assert page.context["preview"] is None
    assert "受限开放" in page.content.decode()
    assert client.get(f"/open/datasets/{name}/download.csv").status_code == 404


def test_department_and_theme_pages(client: Client, demo: None) -> None:
    organisation_id = datasets_open().values_list("organisation_id", flat=True).first()
    department = client.get(f"/open/organisations/{organisation_id}/")
    assert department.status_code == 200
    listed = department.context["page"].paginator.object_list
    assert {dataset.organisation_id for dataset in listed} == {organisation_id}
    assert department.context["heading"]["count"] == len(listed)
    assert "organisation" not in {facet["key"] for facet in department.context["facets"]}
    narrowed = client.get(f"/open/organisations/{organisation_id}/", {"open_type": "unconditional"})
    assert all(dataset.open_type == "unconditional" for dataset in narrowed.context["page"])
    theme = client.get("/open/themes/transport/")
    assert theme.context["heading"]["title"] == "交通出行"
    assert theme.context["heading"]["count"] > 0
    assert {dataset.theme for dataset in theme.context["page"]} == {"transport"}
    assert client.get("/open/themes/nonsense/").status_code == 404
    assert client.get("/open/organisations/999999/").status_code == 404
