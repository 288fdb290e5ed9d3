"""Acceptance: the real ckanapi client, as a command and as a library, against a running server.

The demo catalogue is loaded through its registered seeder (sample rows
included); without one, the catalogue of ``test_ckan`` stands in. Then
ckanapi pages through searches, shows datasets and reads rows, and never
sees a dataset that is not opened without conditions.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ckanapi import NotAuthorized, NotFound, RemoteCKAN
from django.apps import apps

from shuzheng.catalog import selectors, services
from shuzheng.core import demo
from shuzheng.opendata.tests.test_ckan import fields as licence_fields
from shuzheng.opendata.tests.test_ckan import payload

pytestmark = pytest.mark.django_db(transaction=True)

# ckanapi has no ``__main__``, so ``python -m ckanapi`` cannot run it; its script
# sits next to the interpreter and is run with it.
CKANAPI = Path(sys.executable).with_name("ckanapi")


@pytest.fixture
def catalogue(
    regions: None, make_organisation: Callable[..., Any], make_user: Callable[..., Any], grant: Callable[..., Any]
) -> dict[str, Any]:
    demo.seeders()["catalog.datasets"]()
    department = make_organisation("杭州市市场监督管理局", "330100")
    author = make_user("cataloguer", kind="official", organisation=department)
    grant(author, services.VIEW, services.EDIT)
    # A draft that would be open once published.
    services.dataset_create(
        author=author, organisation=department, data=payload("餐饮服务许可证草稿信息"), fields=licence_fields()
    )
    dataset = apps.get_model("catalog", "Dataset")
    hidden = list(dataset.objects.exclude(status="published", open_type="unconditional").order_by("code"))
    assert {item.open_type for item in hidden} >= {"restricted", "none"}
    assert "draft" in {item.status for item in hidden}
    return {"open": list(selectors.datasets_open().order_by("name")), "hidden": hidden}


def ckanapi(server: Any, *arguments: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(CKANAPI), "action", *arguments, "-r", server.url]
    environment = {**os.environ, "NO_PROXY": "*", "no_proxy": "*"}
    return subprocess.run(command, capture_output=True, text=True, timeout=120, env=environment, check=False)  # noqa: S603


def action(server: Any, *arguments: str) -> Any:
    finished = ckanapi(server, *arguments)
    assert finished.returncode == 0, finished.stderr
    return json.loads(finished.stdout)


def test_the_ckanapi_command_reads_the_open_catalogue(live_server: Any, catalogue: dict[str, Any]) -> None:
    # One seeded catalogue serves every check: a live server's database is loaded afresh for each test.
    _pages_through_a_chinese_search(live_server)
    _shows_a_dataset(live_server, catalogue)
    _lists_the_organisations_that_open_data(live_server, catalogue)
    _reads_rows_page_by_page(live_server, catalogue)


def _pages_through_a_chinese_search(server: Any) -> None:
    query = "杭州"
    expected = list(
        selectors.datasets_matching(selectors.datasets_open(), query).order_by("name").values_list("name", flat=True)
    )
    assert len(expected) > 10
    pages = [
        action(server, "package_search", f"q={query}", "sort=name asc", "rows=5", f"start={start}")
        for start in range(0, len(expected) + 5, 5)
    ]
    assert {page["count"] for page in pages} == {len(expected)}
    assert [len(page["results"]) for page in pages[:2]] == [5, 5]
    assert [package["name"] for page in pages for package in page["results"]] == expected
    # The same with GET requests, as ``-g`` sends them.
    second = action(server, "package_search", f"q={query}", "sort=name asc", "rows=5", "start=5", "-g")
    assert [package["name"] for package in second["results"]] == expected[5:10]


def _shows_a_dataset(server: Any, catalogue: dict[str, Any]) -> None:
    dataset = next(item for item in catalogue["open"] if item.resources.exists())
    shown = action(server, "package_show", f"id={dataset.name}")
    assert (shown["id"], shown["name"], shown["title"]) == (dataset.code, dataset.name, dataset.title)
    assert (shown["organization"]["name"], shown["organization"]["title"]) == (
        f"org-{dataset.organisation_id}",
        dataset.organisation.name,
    )
    assert [resource["id"] for resource in shown["resources"]] == [resource.key for resource in dataset.resources.all()]
    assert all(resource["url"].startswith(server.url) for resource in shown["resources"])


def _lists_the_organisations_that_open_data(server: Any, catalogue: dict[str, Any]) -> None:
    publishers = sorted({dataset.organisation_id for dataset in catalogue["open"]})
    assert action(server, "organization_list") == [f"org-{pk}" for pk in publishers]
    counted = action(server, "organization_list", "all_fields=true", "limit=1000")
    assert sum(organisation["package_count"] for organisation in counted) == len(catalogue["open"])


def _reads_rows_page_by_page(server: Any, catalogue: dict[str, Any]) -> None:
    resource = next(
        resource
        for dataset in catalogue["open"]
        for resource in dataset.resources.all()
        if resource.table and (resource.row_count or 0) >= 6
    )
    everything = selectors.resource_rows(resource=resource, limit=6)
    pages = [
        action(server, "datastore_search", f"resource_id={resource.key}", "limit=3", f"offset={offset}")
        for offset in (0, 3)
    ]
    assert {page["total"] for page in pages} == {resource.row_count}
    assert [page["offset"] for page in pages] == [0, 3]
    columns = [column.name for column in selectors.resource_columns(resource=resource)]
    assert [field["id"] for field in pages[0]["fields"]] == columns
    records = [record for page in pages for record in page["records"]]
    assert [record[columns[0]] for record in records] == [row[columns[0]] for row in everything.rows]
    assert pages[0]["_links"]["next"].endswith(f"offset=3&resource_id={resource.key}&limit=3")


def test_nothing_but_open_data_reaches_ckanapi(live_server: Any, catalogue: dict[str, Any]) -> None:
    assert set(action(live_server, "package_list")) == {dataset.name for dataset in catalogue["open"]}
    # The command for one dataset of each kind (a process each), the library for all of them.
    kinds = {(dataset.status, dataset.open_type): dataset for dataset in reversed(catalogue["hidden"])}
    for dataset in kinds.values():
        assert action(live_server, "package_search", f"q={dataset.title}", "rows=1000")["count"] == 0
        refused = ckanapi(live_server, "package_show", f"id={dataset.name}")
        assert refused.returncode != 0
        assert "NotFound" in refused.stderr
    with RemoteCKAN(live_server.url) as site:
        for dataset in catalogue["hidden"]:
            assert site.action.package_search(q=dataset.title)["count"] == 0
            assert site.action.package_search(fq=f"name:{dataset.name}")["count"] == 0
            for identifier in (dataset.code, dataset.name):
                with pytest.raises(NotFound):
                    site.action.package_show(id=identifier)
            for resource in dataset.resources.all():
                with pytest.raises(NotFound):
                    site.action.resource_show(id=resource.key)
                with pytest.raises(NotFound):
                    site.action.datastore_search(resource_id=resource.key)
        facets = {"facet.field": ["organization", "groups", "tags"], "facet.limit": -1}
        result = site.action.package_search(rows=1000, **facets)
        assert sorted(package["name"] for package in result["results"]) == [d.name for d in catalogue["open"]]
        assert sum(result["facets"]["organization"].values()) == len(catalogue["open"])
        open_words = {word for dataset in catalogue["open"] for word in dataset.keywords}
        assert set(result["facets"]["tags"]) == open_words
        assert set(site.action.tag_list()) == open_words
        with pytest.raises(NotAuthorized):
            site.action.package_create(name="ds-new", title="新数据集")
