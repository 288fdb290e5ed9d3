"""The ingestion workbench: pipelines, sources, creating them, running on an upload, the run and its
quarantine, lineage on the catalogue's page — as the department's data officer, the same role in
another department, an official without the role, a citizen and the anonymous."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from shuzheng.catalog import services as catalog
from shuzheng.ingest import services
from shuzheng.ingest.choices import QuarantineStatus, RunStatus
from shuzheng.ingest.models import Pipeline, QuarantinedRow, Run, Source
from shuzheng.ingest.tests.conftest import FIELDS, dataset_payload

pytestmark = pytest.mark.django_db

HEADER = "统一社会信用代码,企业名称,登记状态,注册资本（万元）,成立日期\n"
GOOD = "91330100MA2H3X4Y6M,杭州云栖数智科技有限公司,存续,100,2019-05-01\n"
BAD = "91330106MA27XK8Q5B,杭州知味餐饮有限公司,存续,五十万,2020-01-01\n"


def upload(name: str = "企业.csv", lines: tuple[str, ...] = (GOOD, BAD)) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (HEADER + "".join(lines)).encode(), content_type="text/csv")


@pytest.fixture
def officer(people: dict[str, Any], signed_in: Callable[[Any], Client]) -> Client:
    return signed_in(people["officer"])


@pytest.fixture
def loaded(make_pipeline: Callable[..., Any], load: Callable[..., Any]) -> Any:
    """A finished run with one row loaded and one quarantined."""
    return load(make_pipeline(), "企业.csv", (HEADER + GOOD + BAD).encode())


def test_the_pipeline_list_shows_the_departments_pipelines_to_it_alone(
    people: dict[str, Any],
    loaded: Any,
    make_pipeline: Callable[..., Any],
    signed_in: Callable[[Any], Client],
    citizen: Any,
    django_assert_max_num_queries: Any,
) -> None:
    make_pipeline(mode="incremental")
    client = signed_in(people["officer"])
    with django_assert_max_num_queries(12):
        response = client.get("/workbench/ingest/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "企业登记归集" in body
    assert "登记系统导出" in body
    assert "330100-000101" in body
    assert f"/workbench/ingest/runs/{loaded.pk}/" in body  # the latest run, with its counts
    assert len(response.context["page"]) == 2
    for who in ("elsewhere", "bystander"):
        other = signed_in(people[who]).get("/workbench/ingest/")
        assert other.status_code == 200
        assert "企业登记归集" not in other.content.decode()
    assert signed_in(citizen).get("/workbench/ingest/").status_code == 403
    assert Client().get("/workbench/ingest/").status_code == 302


def test_the_source_list_never_shows_a_stored_password(
    people: dict[str, Any], organisation: Any, signed_in: Callable[[Any], Client], django_assert_max_num_queries: Any
) -> None:
    services.source_create(
        editor=people["officer"],
        organisation=organisation,
        name="登记库",
        kind="database",
        options={"url": "postgresql://reader:s3cret-pass@10.0.0.5/market", "table": "enterprise"},
    )
    services.source_create(editor=people["officer"], organisation=organisation, name="上传", kind="file")
    client = signed_in(people["officer"])
    with django_assert_max_num_queries(10):
        response = client.get("/workbench/ingest/sources/")
    body = response.content.decode()
    assert "登记库" in body
    assert "enterprise" in body
    assert "reader" in body
    assert "s3cret-pass" not in body
    assert "登记库" not in signed_in(people["elsewhere"]).get("/workbench/ingest/sources/").content.decode()


def test_creating_a_source_through_the_page(people: dict[str, Any], officer: Client) -> None:
    assert officer.get("/workbench/ingest/sources/new/").status_code == 200
    response = officer.post(
        "/workbench/ingest/sources/new/",
        {
            "name": "企业接口",
            "kind": "http",
            "http_url": "https://api.example.gov.cn/enterprises",
            "http_paging": "offset",
            "http_page_size": "200",
            "http_records": "data.items",
        },
    )
    assert response.status_code == 302
    source = Source.objects.get(name="企业接口")
    assert source.organisation == people["officer"].organisation
    assert source.options == {
        "url": "https://api.example.gov.cn/enterprises",
        "paging": "offset",
        "page_size": 200,
        "records": "data.items",
    }


def test_a_bad_source_gets_field_errors_and_nothing_is_created(officer: Client) -> None:
    response = officer.post(
        "/workbench/ingest/sources/new/",
        {"name": "登记库", "kind": "database", "database_url": "not a url", "database_table": "enterprise; drop"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "database_url" in errors
    assert "database_table" in errors
    response = officer.post(
        "/workbench/ingest/sources/new/", {"name": "派生", "kind": "dataset", "dataset_code": "330100-999999"}
    )
    assert "dataset_code" in response.context["form"].errors
    response = officer.post("/workbench/ingest/sources/new/", {"name": "", "kind": "file"})
    assert "name" in response.context["form"].errors
    assert not Source.objects.exists()


def test_source_and_pipeline_creation_is_refused_without_the_role(
    people: dict[str, Any], citizen: Any, assert_access: Callable[..., None]
) -> None:
    for url in ("/workbench/ingest/sources/new/", "/workbench/ingest/pipelines/new/"):
        assert_access(
            "post",
            url,
            anonymous=302,
            owner=(people["officer"], 200),
            bystander=(people["bystander"], 403),
            citizen=(citizen, 403),
        )
    assert not Source.objects.exists()


def mapping_post(code: str, source: Any, rows: list[dict[str, str]], **changes: Any) -> dict[str, Any]:
    post: dict[str, Any] = {
        "dataset": code,
        "name": "企业登记归集",
        "source": source.pk,
        "mode": "full",
        "key": ["uscc"],
        "updated_column": "",
        "mapping-TOTAL_FORMS": len(rows),
        "mapping-INITIAL_FORMS": 0,
        "mapping-MAX_NUM_FORMS": 300,
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            post[f"mapping-{index}-{key}"] = value
    post.update(changes)
    return post


def test_creating_a_pipeline_with_a_mapping_through_the_page(
    officer: Client, file_source: Any, enterprises: Any
) -> None:
    first = officer.get("/workbench/ingest/pipelines/new/")
    assert first.context["choice"] is not None
    assert enterprises.code in first.content.decode()
    form = officer.get("/workbench/ingest/pipelines/new/", {"dataset": enterprises.code})
    assert len(form.context["formset"].forms) == len(FIELDS)
    rows = [
        {"field": "uscc", "column": "信用代码"},
        {"field": "status", "column": "状态", "values": "在业=存续\n吊销=吊销"},
        {"field": "", "column": ""},
    ]
    response = officer.post("/workbench/ingest/pipelines/new/", mapping_post(enterprises.code, file_source, rows))
    pipeline = Pipeline.objects.get()
    assert response["Location"] == f"/workbench/ingest/pipelines/{pipeline.pk}/"
    assert pipeline.mapping == [
        {"field": "uscc", "column": "信用代码"},
        {"field": "status", "column": "状态", "values": {"在业": "存续", "吊销": "吊销"}},
    ]
    assert pipeline.key == ["uscc"]


def test_a_bad_pipeline_gets_errors_on_its_rows_and_nothing_is_created(
    officer: Client, file_source: Any, enterprises: Any
) -> None:
    rows = [{"field": "name", "column": "企业名称"}, {"field": "status", "column": "", "values": "没有等号"}]
    response = officer.post(
        "/workbench/ingest/pipelines/new/", mapping_post(enterprises.code, file_source, rows, name="")
    )
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    forms = response.context["formset"].forms
    assert not forms[0].errors
    assert {"column", "values"} <= set(forms[1].errors)
    # The service's own check: the key must be one of the mapped fields.
    rows = [{"field": "name", "column": "企业名称"}]
    response = officer.post("/workbench/ingest/pipelines/new/", mapping_post(enterprises.code, file_source, rows))
    assert "key" in response.context["form"].errors
    response = officer.post(
        "/workbench/ingest/pipelines/new/", mapping_post(enterprises.code, file_source, [], mode="incremental", key=[])
    )
    assert "key" in response.context["form"].errors
    assert not Pipeline.objects.exists()


def test_another_department_cannot_target_the_dataset_or_use_the_source(
    people: dict[str, Any], signed_in: Callable[[Any], Client], file_source: Any, enterprises: Any
) -> None:
    elsewhere = signed_in(people["elsewhere"])
    response = elsewhere.post("/workbench/ingest/pipelines/new/", mapping_post(enterprises.code, file_source, []))
    assert response.status_code == 200
    assert response.context["choice"] is not None
    assert enterprises.code not in response.content.decode()
    assert not Pipeline.objects.exists()


def test_pipeline_and_run_pages_as_owner_elsewhere_and_outsiders(
    people: dict[str, Any], loaded: Any, citizen: Any, assert_access: Callable[..., None]
) -> None:
    for url in (f"/workbench/ingest/pipelines/{loaded.pipeline.pk}/", f"/workbench/ingest/runs/{loaded.pk}/"):
        assert_access(
            "get",
            url,
            anonymous=302,
            owner=(people["officer"], 200),
            colleague=(people["colleague"], 200),
            same_role_elsewhere=(people["elsewhere"], 404),
            bystander=(people["bystander"], 404),
            citizen=(citizen, 403),
        )


def test_uploading_a_file_runs_the_load_and_the_run_page_shows_counts_and_quarantine(
    people: dict[str, Any],
    officer: Client,
    make_pipeline: Callable[..., Any],
    django_capture_on_commit_callbacks: Any,
    django_assert_max_num_queries: Any,
) -> None:
    pipeline = make_pipeline()
    page = officer.get(f"/workbench/ingest/pipelines/{pipeline.pk}/")
    assert 'enctype="multipart/form-data"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(f"/workbench/ingest/pipelines/{pipeline.pk}/", {"file": upload()})
    run = Run.objects.get()
    assert response["Location"] == f"/workbench/ingest/runs/{run.pk}/"
    assert (run.status, run.rows_read, run.rows_loaded, run.rows_rejected) == (RunStatus.SUCCEEDED, 2, 1, 1)
    assert run.started_by == people["officer"]
    with django_assert_max_num_queries(15):
        shown = officer.get(response["Location"])
    body = shown.content.decode()
    assert 'http-equiv="refresh"' not in body  # finished: no more reloading
    assert 'data-testid="rows-loaded">1<' in body
    assert 'data-testid="rows-rejected">1<' in body
    assert "五十万" in body
    assert "<progress" in body
    assert "91330106MA27XK8Q5B" in body
    listed = officer.get(f"/workbench/ingest/pipelines/{pipeline.pk}/").content.decode()
    assert f"/workbench/ingest/runs/{run.pk}/" in listed


def test_running_without_a_file_or_as_a_stranger_is_refused(
    people: dict[str, Any], officer: Client, make_pipeline: Callable[..., Any], signed_in: Callable[[Any], Client]
) -> None:
    pipeline = make_pipeline()
    response = officer.post(f"/workbench/ingest/pipelines/{pipeline.pk}/", {})
    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    elsewhere = signed_in(people["elsewhere"]).post(f"/workbench/ingest/pipelines/{pipeline.pk}/", {"file": upload()})
    assert elsewhere.status_code == 404
    assert not Run.objects.exists()


def test_a_pipeline_is_stopped_and_started_by_its_department_only(
    people: dict[str, Any],
    officer: Client,
    citizen: Any,
    client: Client,
    make_pipeline: Callable[..., Any],
    signed_in: Callable[[Any], Client],
) -> None:
    pipeline = make_pipeline()
    url = f"/workbench/ingest/pipelines/{pipeline.pk}/"
    assert signed_in(people["elsewhere"]).post(url, {"action": "disable"}).status_code == 404
    assert signed_in(people["bystander"]).post(url, {"action": "disable"}).status_code == 404
    assert signed_in(citizen).post(url, {"action": "disable"}).status_code == 403
    assert client.post(url, {"action": "disable"}).status_code == 302  # to the sign-in
    pipeline.refresh_from_db()
    assert pipeline.enabled
    assert officer.post(url, {"action": "disable"}).status_code == 302
    pipeline.refresh_from_db()
    assert not pipeline.enabled
    page = officer.get(url).content.decode()
    assert 'data-testid="enable"' in page
    assert 'data-testid="run-form"' not in page  # a stopped pipeline cannot be run
    with pytest.raises(services.IngestInvalid):
        services.run_start(user=people["officer"], pipeline=pipeline, file_name="企业.csv", content=upload())
    assert officer.post(url, {"action": "enable"}).status_code == 302
    pipeline.refresh_from_db()
    assert pipeline.enabled


def test_a_queued_run_refreshes_itself(
    people: dict[str, Any], officer: Client, make_pipeline: Callable[..., Any], tmp_path: Any
) -> None:
    path = tmp_path / "企业.csv"
    path.write_text(HEADER + GOOD, encoding="utf-8")
    run = services.run_start(
        user=people["officer"], pipeline=make_pipeline(), file_name="企业.csv", content=path, background=False
    )
    body = officer.get(f"/workbench/ingest/runs/{run.pk}/").content.decode()
    assert '<meta http-equiv="refresh" content="2">' in body
    assert "排队中" in body


def test_fixing_and_replaying_a_quarantined_row_through_the_page(
    loaded: Any, officer: Client, django_capture_on_commit_callbacks: Any
) -> None:
    row = QuarantinedRow.objects.get(run=loaded)
    url = f"/workbench/ingest/runs/{loaded.pk}/"
    columns = list(row.row)
    values = [("50" if column == "注册资本（万元）" else str(row.row[column])) for column in columns]
    response = officer.post(url, {"action": "fix", "row": row.pk, "column": columns, "value": values})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.row["注册资本（万元）"] == "50"
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(url, {"action": "replay", "rows": [row.pk]})
    replay = Run.objects.get(replay=True)
    assert response["Location"] == f"/workbench/ingest/runs/{replay.pk}/"
    assert (replay.status, replay.rows_loaded, replay.rows_rejected) == (RunStatus.SUCCEEDED, 1, 0), replay.error
    row.refresh_from_db()
    assert row.status == QuarantineStatus.REPLAYED
    assert loaded.pipeline.dataset.resources.get().row_count == 2


def test_discarding_and_strangers_changing_nothing(
    people: dict[str, Any], loaded: Any, officer: Client, signed_in: Callable[[Any], Client]
) -> None:
    row = QuarantinedRow.objects.get(run=loaded)
    url = f"/workbench/ingest/runs/{loaded.pk}/"
    elsewhere = signed_in(people["elsewhere"])
    assert (
        elsewhere.post(url, {"action": "fix", "row": row.pk, "column": ["企业名称"], "value": ["x"]}).status_code == 404
    )
    assert elsewhere.post(url, {"action": "discard", "rows": [row.pk]}).status_code == 404
    assert signed_in(people["bystander"]).post(url, {"action": "replay", "rows": [row.pk]}).status_code == 404
    row.refresh_from_db()
    assert row.status == QuarantineStatus.OPEN
    assert "企业名称" in row.row
    assert row.row["企业名称"] != "x"
    assert officer.post(url, {"action": "discard", "rows": [row.pk]}).status_code == 302
    row.refresh_from_db()
    assert row.status == QuarantineStatus.DISCARDED
    assert "没有隔离数据" in officer.get(url).content.decode()  # the open ones, by default
    assert "已舍弃" in officer.get(url, {"status": ""}).content.decode()


def test_lineage_appears_on_the_catalogue_dataset_page(
    people: dict[str, Any], organisation: Any, loaded: Any, enterprises: Any, signed_in: Callable[[Any], Client]
) -> None:
    derived, _ = catalog.dataset_import_published(
        organisation=organisation, data=dataset_payload("企业主题库"), fields=FIELDS, code="330100-000102"
    )
    upstream = services.source_create(
        editor=people["officer"],
        organisation=organisation,
        name="企业登记信息（存续）",
        kind="dataset",
        options={"dataset": enterprises.code, "filter": {"status": "存续"}},
    )
    services.pipeline_create(editor=people["officer"], name="主题库归集", source=upstream, dataset=derived)
    officer = signed_in(people["officer"])
    page = officer.get(f"/workbench/catalog/{enterprises.code}/").content.decode()
    assert "数据血缘" in page
    assert "登记系统导出" in page
    assert f"/workbench/ingest/pipelines/{loaded.pipeline.pk}/" in page
    assert "/workbench/catalog/330100-000102/" in page  # derived from it
    page = officer.get("/workbench/catalog/330100-000102/").content.decode()
    assert "企业登记信息（存续）" in page
    assert f"/workbench/catalog/{enterprises.code}/" in page
    # Another department's officer sees where the published data comes from, but no link into our pipelines.
    elsewhere = signed_in(people["elsewhere"]).get(f"/workbench/catalog/{enterprises.code}/").content.decode()
    assert "登记系统导出" in elsewhere
    assert "/workbench/ingest/pipelines/" not in elsewhere
