"""The ingestion API as the department's data officer, the same role in another department, an
official without the role, a citizen and the anonymous."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from shuzheng.ingest.choices import QuarantineStatus, RunStatus
from shuzheng.ingest.models import Pipeline, QuarantinedRow, Run, Source

pytestmark = pytest.mark.django_db
BASE = "/api/v1/ingest"

HEADER = "统一社会信用代码,企业名称,登记状态,注册资本（万元）,成立日期\n"
GOOD = "91330100MA2H3X4Y6M,杭州云栖数智科技有限公司,存续,100,2019-05-01\n"
BAD = "91330106MA27XK8Q5B,杭州知味餐饮有限公司,存续,五十万,2020-01-01\n"


def send(client: Client, method: str, url: str, body: Any = None) -> Any:
    return client.generic(method, url, json.dumps(body) if body is not None else "", content_type="application/json")


def error_fields(response: Any) -> set[str]:
    assert response["Content-Type"].startswith("application/problem+json")
    return {error["field"] for error in response.json()["errors"]}


@pytest.fixture
def officer(people: dict[str, Any], signed_in: Callable[[Any], Client]) -> Client:
    return signed_in(people["officer"])


@pytest.fixture
def loaded(make_pipeline: Callable[..., Any], load: Callable[..., Any]) -> Any:
    return load(make_pipeline(), "企业.csv", (HEADER + GOOD + BAD).encode())


def test_creating_and_listing_sources(
    people: dict[str, Any], officer: Client, signed_in: Callable[[Any], Client], django_assert_max_num_queries: Any
) -> None:
    body = {
        "name": "登记库",
        "kind": "database",
        "options": {"url": "postgresql://reader:s3cret-pass@10.0.0.5/market", "table": "enterprise"},
    }
    created = send(officer, "POST", f"{BASE}/sources", body)
    assert created.status_code == 201, created.content
    assert "s3cret-pass" not in created.content.decode()
    send(officer, "POST", f"{BASE}/sources", {"name": "上传", "kind": "file"})
    with django_assert_max_num_queries(10):
        listed = officer.get(f"{BASE}/sources")
    assert [source["name"] for source in listed.json()] == ["上传", "登记库"]
    assert "s3cret-pass" not in listed.content.decode()
    assert listed.json()[1]["options"]["table"] == "enterprise"
    assert signed_in(people["elsewhere"]).get(f"{BASE}/sources").json() == []


def test_a_bad_source_gets_field_errors_and_nothing_is_created(officer: Client) -> None:
    response = send(
        officer,
        "POST",
        f"{BASE}/sources",
        {"name": "接口", "kind": "http", "options": {"url": "ftp://x", "page_size": 0}},
    )
    assert response.status_code == 422
    assert error_fields(response) == {"options.url", "options.page_size"}
    response = send(officer, "POST", f"{BASE}/sources", {"name": "x", "kind": "ftp"})
    assert response.status_code == 422
    assert "kind" in error_fields(response)
    assert not Source.objects.exists()


def test_writes_without_the_role_are_refused(
    people: dict[str, Any], signed_in: Callable[[Any], Client], citizen: Any, file_source: Any, enterprises: Any
) -> None:
    pipeline = {"name": "归集", "source": file_source.pk, "dataset": enterprises.code}
    for user in (people["bystander"], citizen):
        client = signed_in(user)
        assert send(client, "POST", f"{BASE}/sources", {"name": "x", "kind": "file"}).status_code == 403
        assert send(client, "POST", f"{BASE}/pipelines", pipeline).status_code == 403
    anonymous = Client()
    assert send(anonymous, "POST", f"{BASE}/sources", {"name": "x", "kind": "file"}).status_code == 401
    assert Source.objects.count() == 1
    assert not Pipeline.objects.exists()


def test_creating_a_pipeline_and_reading_it(
    officer: Client, file_source: Any, enterprises: Any, django_assert_max_num_queries: Any
) -> None:
    body = {
        "name": "企业登记归集",
        "source": file_source.pk,
        "dataset": enterprises.code,
        "key": ["uscc"],
        "mapping": [
            {"field": "uscc", "column": "信用代码"},
            {"field": "status", "column": "状态", "values": {"在业": "存续"}},
        ],
    }
    created = send(officer, "POST", f"{BASE}/pipelines", body)
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["dataset"], data["mode"], data["latest_run"]) == (enterprises.code, "full", None)
    assert data["mapping"][1]["values"] == {"在业": "存续"}
    send(officer, "POST", f"{BASE}/pipelines", {**body, "name": "第二个"})
    with django_assert_max_num_queries(10):
        listed = officer.get(f"{BASE}/pipelines")
    assert len(listed.json()) == 2
    assert officer.get(f"{BASE}/pipelines/{data['id']}").json()["name"] == "企业登记归集"


def test_a_bad_pipeline_gets_field_errors_and_nothing_is_created(
    people: dict[str, Any], officer: Client, signed_in: Callable[[Any], Client], file_source: Any, enterprises: Any
) -> None:
    body = {
        "name": "归集",
        "source": file_source.pk,
        "dataset": enterprises.code,
        "mode": "incremental",
        "mapping": [{"field": "nope", "column": "x"}],
    }
    response = send(officer, "POST", f"{BASE}/pipelines", body)
    assert response.status_code == 422
    assert error_fields(response) == {"key", "mapping.0.field"}
    response = send(officer, "POST", f"{BASE}/pipelines", {**body, "source": 999, "dataset": "330100-999999"})
    assert error_fields(response) == {"source", "dataset"}
    # Another department's officer cannot use our source, nor load our dataset.
    elsewhere = signed_in(people["elsewhere"])
    response = send(elsewhere, "POST", f"{BASE}/pipelines", {**body, "mode": "full", "mapping": []})
    assert response.status_code == 422
    assert error_fields(response) == {"source", "dataset"}
    assert not Pipeline.objects.exists()


def test_reads_as_owner_elsewhere_and_outsiders(
    people: dict[str, Any], loaded: Any, citizen: Any, assert_access: Callable[..., None]
) -> None:
    for url in (
        f"{BASE}/pipelines/{loaded.pipeline.pk}",
        f"{BASE}/pipelines/{loaded.pipeline.pk}/runs",
        f"{BASE}/runs/{loaded.pk}",
        f"{BASE}/runs/{loaded.pk}/quarantine",
    ):
        assert_access(
            "get",
            url,
            anonymous=401,
            owner=(people["officer"], 200),
            colleague=(people["colleague"], 200),
            same_role_elsewhere=(people["elsewhere"], 404),
            bystander=(people["bystander"], 404),
            citizen=(citizen, 404),
        )


def test_uploading_a_file_starts_a_run_that_loads_it(
    people: dict[str, Any], officer: Client, make_pipeline: Callable[..., Any], django_capture_on_commit_callbacks: Any
) -> None:
    pipeline = make_pipeline()
    upload = SimpleUploadedFile("企业.csv", (HEADER + GOOD + BAD).encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(f"{BASE}/pipelines/{pipeline.pk}/runs", {"file": upload})
    assert response.status_code == 202, response.content
    assert response.json()["file_name"] == "企业.csv"
    run = officer.get(f"{BASE}/runs/{response.json()['id']}").json()
    assert run["status"] == RunStatus.SUCCEEDED
    assert (run["rows_read"], run["rows_loaded"], run["rows_rejected"], run["progress"]) == (2, 1, 1, 2)
    assert run["started_by"] == people["officer"].username
    quarantine = officer.get(f"{BASE}/runs/{run['id']}/quarantine").json()
    assert quarantine["count"] == 1
    assert quarantine["items"][0]["row"]["注册资本（万元）"] == "五十万"
    assert quarantine["items"][0]["reasons"][0]["field"] == "capital"
    latest = officer.get(f"{BASE}/pipelines").json()[0]["latest_run"]
    assert latest["id"] == run["id"]


def test_a_run_without_its_file_or_by_strangers_is_refused(
    people: dict[str, Any], officer: Client, make_pipeline: Callable[..., Any], signed_in: Callable[[Any], Client]
) -> None:
    pipeline = make_pipeline()
    response = officer.post(f"{BASE}/pipelines/{pipeline.pk}/runs")
    assert response.status_code == 422
    assert error_fields(response) == {"file"}
    upload = SimpleUploadedFile("企业.csv", (HEADER + GOOD).encode())
    assert (
        signed_in(people["elsewhere"]).post(f"{BASE}/pipelines/{pipeline.pk}/runs", {"file": upload}).status_code == 404
    )
    assert Client().post(f"{BASE}/pipelines/{pipeline.pk}/runs").status_code == 401
    assert not Run.objects.exists()


def test_fixing_replaying_and_discarding_the_quarantine(
    people: dict[str, Any],
    officer: Client,
    loaded: Any,
    signed_in: Callable[[Any], Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    row = QuarantinedRow.objects.get(run=loaded)
    fixed = {**row.row, "注册资本（万元）": "50"}
    url = f"{BASE}/runs/{loaded.pk}"
    elsewhere = signed_in(people["elsewhere"])
    assert send(elsewhere, "PUT", f"{url}/quarantine/{row.pk}", {"values": fixed}).status_code == 404
    assert send(elsewhere, "POST", f"{url}/replay", {"rows": [row.pk]}).status_code == 404
    assert send(elsewhere, "POST", f"{url}/discard", {"rows": [row.pk]}).status_code == 404
    row.refresh_from_db()
    assert row.row["注册资本（万元）"] == "五十万"
    response = send(officer, "PUT", f"{url}/quarantine/{row.pk}", {"values": fixed})
    assert response.status_code == 200
    assert response.json()["row"]["注册资本（万元）"] == "50"
    with django_capture_on_commit_callbacks(execute=True):
        replay = send(officer, "POST", f"{url}/replay", {"rows": [row.pk]})
    assert replay.status_code == 202
    assert replay.json()["replay"] is True
    done = officer.get(f"{BASE}/runs/{replay.json()['id']}").json()
    assert (done["status"], done["rows_loaded"]) == (RunStatus.SUCCEEDED, 1)
    row.refresh_from_db()
    assert row.status == QuarantineStatus.REPLAYED
    # A row no longer open cannot be fixed, replayed or discarded again.
    assert send(officer, "PUT", f"{url}/quarantine/{row.pk}", {"values": fixed}).status_code == 422
    assert send(officer, "POST", f"{url}/replay", {"rows": [row.pk]}).status_code == 422
    assert send(officer, "POST", f"{url}/discard", {"rows": [row.pk]}).json() == {"discarded": 0}
    assert officer.get(f"{url}/quarantine", {"status": "open"}).json()["count"] == 0


def test_discarding_and_unknown_rows(officer: Client, loaded: Any) -> None:
    row = QuarantinedRow.objects.get(run=loaded)
    url = f"{BASE}/runs/{loaded.pk}"
    response = send(officer, "POST", f"{url}/discard", {"rows": [row.pk + 1000]})
    assert response.status_code == 422
    assert error_fields(response) == {"rows"}
    assert send(officer, "POST", f"{url}/discard", {"rows": [row.pk]}).json() == {"discarded": 1}
    assert officer.get(f"{url}/quarantine", {"status": "discarded"}).json()["count"] == 1
    assert officer.get(f"{url}/quarantine/{row.pk}").status_code == 405
