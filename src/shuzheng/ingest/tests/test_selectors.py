"""Reads of ingestion: what a department sees, masked options, paging of the quarantine, lineage."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from shuzheng.catalog import services as catalog
from shuzheng.ingest import selectors, services
from shuzheng.ingest.tests.conftest import FIELDS, dataset_payload

pytestmark = pytest.mark.django_db


def test_each_department_sees_its_own_sources_and_pipelines(
    people: dict[str, Any], make_pipeline: Callable[..., Any]
) -> None:
    pipeline = make_pipeline()
    assert list(selectors.pipelines_for(user=people["colleague"])) == [pipeline]
    assert list(selectors.sources_for(user=people["officer"])) == [pipeline.source]
    for who in ("elsewhere", "bystander"):
        assert not selectors.pipelines_for(user=people[who]).exists()
        assert not selectors.sources_for(user=people[who]).exists()


def test_a_run_of_another_department_is_not_found(
    people: dict[str, Any], make_pipeline: Callable[..., Any], load: Callable[..., Any]
) -> None:
    run = load(make_pipeline(), "企业.csv", "统一社会信用代码,企业名称\n91330100MA2H3X4Y6M,杭州云栖\n".encode())
    assert selectors.run_for(user=people["colleague"], pk=run.pk) == run
    assert selectors.run_for(user=people["elsewhere"], pk=run.pk) is None
    assert selectors.run_for(user=people["bystander"], pk=run.pk) is None
    assert [found.pk for found in selectors.runs_of(pipeline=run.pipeline)] == [run.pk]


def test_stored_secrets_are_masked(people: dict[str, Any], organisation: Any) -> None:
    database = services.source_create(
        editor=people["officer"],
        organisation=organisation,
        name="登记库",
        kind="database",
        options={"url": "mysql+pymysql://reader:pa55@10.0.0.5:3306/market", "table": "enterprise"},
    )
    shown = selectors.source_options_shown(source=database)
    assert shown["url"] == "mysql+pymysql://reader:***@10.0.0.5:3306/market"
    assert database.options["url"].endswith("pa55@10.0.0.5:3306/market")  # stored as given
    api = services.source_create(
        editor=people["officer"],
        organisation=organisation,
        name="接口",
        kind="http",
        options={"url": "https://api.example.gov.cn/x", "page_size": 100, "headers": {"X-Api-Key": "k-123"}},
    )
    assert selectors.source_options_shown(source=api)["headers"] == {"X-Api-Key": "******"}


def test_the_quarantine_is_paged_in_line_order(
    make_pipeline: Callable[..., Any], load: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "QUARANTINE_PAGE", 2)
    header = "统一社会信用代码,企业名称,登记状态,注册资本（万元）,成立日期\n"
    lines = "".join(f"91330100{index:010d},企业{index},存续,坏{index},2020-01-01\n" for index in range(5))
    run = load(make_pipeline(), "企业.csv", (header + lines).encode())
    first = selectors.quarantine_of(run=run)
    assert (first.paginator.count, first.paginator.num_pages) == (5, 3)
    assert [row.line for row in first] == [2, 3]
    assert [row.line for row in selectors.quarantine_of(run=run, page=3)] == [6]
    assert selectors.quarantine_of(run=run, status="discarded").paginator.count == 0


def test_lineage_runs_from_sources_through_the_dataset_to_what_derives_from_it(
    people: dict[str, Any], organisation: Any, make_pipeline: Callable[..., Any], enterprises: Any
) -> None:
    feed = make_pipeline()
    derived, _ = catalog.dataset_import_published(
        organisation=organisation, data=dataset_payload("企业主题库"), fields=FIELDS, code="330100-000102"
    )
    upstream = services.source_create(
        editor=people["officer"],
        organisation=organisation,
        name="企业登记信息",
        kind="dataset",
        options={"dataset": enterprises.code},
    )
    services.pipeline_create(editor=people["officer"], name="主题库归集", source=upstream, dataset=derived)

    of_enterprises = selectors.lineage(dataset=enterprises)
    assert [(item.pipeline, item.source_name, item.dataset) for item in of_enterprises.upstream] == [
        (feed, "登记系统导出", None)
    ]
    assert of_enterprises.upstream[0].source_kind == "文件上传"
    assert of_enterprises.downstream == [derived]

    of_derived = selectors.lineage(dataset=derived)
    assert [(item.dataset, item.dataset_code) for item in of_derived.upstream] == [(enterprises, enterprises.code)]
    assert of_derived.downstream == []
    assert not selectors.lineage(dataset=catalog_draft(organisation))


def catalog_draft(organisation: Any) -> Any:
    dataset, _ = catalog.dataset_import_published(
        organisation=organisation, data=dataset_payload("无关数据"), fields=FIELDS, code="330100-000103"
    )
    return dataset


def test_derived_datasets_are_shown_only_when_the_official_may_see_them(
    people: dict[str, Any], organisation: Any, enterprises: Any, grant: Callable[..., Any]
) -> None:
    data = dataset_payload("企业主题库（草稿）")
    fields = [dict(field) for field in FIELDS]
    grant(people["officer"], catalog.EDIT, catalog.VIEW)
    draft = catalog.dataset_create(author=people["officer"], organisation=organisation, data=data, fields=fields)
    source = services.source_create(
        editor=people["officer"],
        organisation=organisation,
        name="企业登记信息",
        kind="dataset",
        options={"dataset": enterprises.code},
    )
    services.pipeline_create(editor=people["officer"], name="草稿归集", source=source, dataset=draft)
    assert selectors.lineage_for(user=people["officer"], dataset=enterprises).downstream == [draft]
    assert selectors.lineage_for(user=people["elsewhere"], dataset=enterprises).downstream == []
