from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def problem(response: Any) -> dict[str, Any]:
    assert response["Content-Type"].startswith(PROBLEM), response.content
    body: dict[str, Any] = json.loads(response.content)
    assert body["status"] == response.status_code
    assert {"type", "title", "status", "instance"} <= set(body)
    return body


def post_json(client: Client, path: str, body: object, **headers: str) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json", headers=headers)


# --- regions ------------------------------------------------------------------


def test_region_list_filters_by_parent_in_one_query(
    client: Client, django_assert_num_queries: Any, regions: None
) -> None:
    with django_assert_num_queries(1):
        response = client.get("/api/v1/core/regions", {"parent": "330100"})
    assert response.status_code == 200
    codes = [row["code"] for row in response.json()]
    assert "330106" in codes
    assert len(codes) == 13


def test_region_list_rejects_a_malformed_parent(client: Client) -> None:
    body = problem(client.get("/api/v1/core/regions", {"parent": "33"}))
    assert body["errors"][0]["field"] == "parent"
    assert body["errors"][0]["location"] == "query"


def test_region_detail_includes_historical_codes(client: Client, regions: None) -> None:
    response = client.get("/api/v1/core/regions/332600")
    assert response.status_code == 200
    assert response.json()["is_current"] is False


def test_unknown_region_is_a_problem(client: Client) -> None:
    body = problem(client.get("/api/v1/core/regions/339999"))
    assert body["status"] == 404
    assert "339999" in body["detail"]


# --- identifiers ------------------------------------------------------------------


def test_identifier_check_reports_parts(client: Client) -> None:
    response = post_json(
        client, "/api/v1/core/identifiers/check", {"kind": "resident_id", "value": "11010519491231002X"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is True
    assert body["normalized"] == "11010519491231002X"


def test_identifier_check_reports_an_invalid_number_as_data(client: Client) -> None:
    response = post_json(client, "/api/v1/core/identifiers/check", {"kind": "uscc", "value": "91110000600037341A"})
    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is False
    assert body["errors"][0]["code"] == "checksum"


def test_malformed_json_names_the_body(client: Client) -> None:
    response = client.post("/api/v1/core/identifiers/check", '{"kind": "uscc",', content_type="application/json")
    body = problem(response)
    assert body["status"] == 400
    assert body["type"] == "/problems/malformed-body"
    assert body["errors"][0]["field"] == "body"
    assert "第 1 行" in body["errors"][0]["detail"]


def test_gbk_body_is_a_clear_400(client: Client) -> None:
    data = '{"kind": "uscc", "value": "统一代码"}'.encode("gbk")
    body = problem(client.post("/api/v1/core/identifiers/check", data, content_type="application/json"))
    assert body["status"] == 400
    assert "UTF-8" in body["errors"][0]["detail"]


def test_wrong_types_name_each_field(client: Client) -> None:
    body = problem(post_json(client, "/api/v1/core/identifiers/check", {"kind": "passport", "value": 5}))
    assert body["status"] == 422
    assert body["type"] == "/problems/validation-error"
    fields = {error["field"]: error for error in body["errors"]}
    assert set(fields) == {"kind", "value"}
    assert fields["value"]["pointer"] == "#/value"
    assert fields["value"]["detail"] == "应为字符串"


def test_missing_field_and_non_object_body(client: Client) -> None:
    body = problem(post_json(client, "/api/v1/core/identifiers/check", {"kind": "uscc"}))
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("value", "missing")]
    body = problem(post_json(client, "/api/v1/core/identifiers/check", [1, 2]))
    assert body["status"] == 422


def test_validation_messages_follow_accept_language(client: Client) -> None:
    body = problem(
        post_json(client, "/api/v1/core/identifiers/check", {"kind": "uscc", "value": 5}, **{"Accept-Language": "en"})
    )
    assert body["title"] == "Invalid request parameters"
    assert body["errors"][0]["detail"] == "Must be a string"


def test_huge_value_is_refused_not_processed(client: Client) -> None:
    body = problem(post_json(client, "/api/v1/core/identifiers/check", {"kind": "uscc", "value": "9" * 100_000}))
    assert body["errors"][0]["code"] == "string_too_long"


# --- working days ---------------------------------------------------------------


def test_workdays_add(client: Client) -> None:
    response = client.get("/api/v1/core/workdays/add", {"start": "2026-09-30", "days": "1"})
    assert response.json() == {"start": "2026-09-30", "days": 1, "result": "2026-10-08", "official": True}


def test_workdays_add_beyond_the_known_calendar_is_flagged(client: Client) -> None:
    response = client.get("/api/v1/core/workdays/add", {"start": "2026-12-30", "days": "5"})
    assert response.json()["official"] is False


def test_workdays_add_when_the_calendar_must_be_complete(client: Client, settings: Any) -> None:
    settings.SHUZHENG_CALENDAR_WEEKEND_FALLBACK = False
    body = problem(client.get("/api/v1/core/workdays/add", {"start": "2026-12-30", "days": "5"}))
    assert body["status"] == 422
    assert body["type"] == "/problems/calendar-unknown"


def test_workdays_add_past_the_last_date_is_a_field_error(client: Client) -> None:
    body = problem(client.get("/api/v1/core/workdays/add", {"start": "9999-12-30", "days": "10"}))
    assert body["status"] == 422
    assert body["errors"][0]["field"] == "days"


def test_workdays_between(client: Client) -> None:
    response = client.get("/api/v1/core/workdays/between", {"start": "2026-09-30", "end": "2026-10-10"})
    assert response.json()["working_days"] == 3  # Oct 8, 9 and the adjusted Saturday 10


def test_workdays_bad_query_names_fields(client: Client) -> None:
    body = problem(client.get("/api/v1/core/workdays/add", {"start": "2026-02-30", "days": "x"}))
    assert {error["field"] for error in body["errors"]} == {"start", "days"}


def test_workdays_between_long_spans_are_cheap_and_flagged(client: Client) -> None:
    response = client.get("/api/v1/core/workdays/between", {"start": "0001-01-01", "end": "9999-12-31"})
    assert response.status_code == 200
    assert response.json()["official"] is False


# --- Django's own answers under /api/v1/ --------------------------------------------


def test_unknown_path_and_wrong_method_are_problems(client: Client) -> None:
    assert problem(client.get("/api/v1/no-such-thing"))["status"] == 404
    response = client.delete("/api/v1/core/regions")
    assert problem(response)["status"] == 405
    assert "GET" in response["Allow"]


def test_unexpected_error_is_a_500_problem(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from shuzheng.core import selectors

    def explode(**kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "region_get", explode)
    body = problem(client.get("/api/v1/core/regions/330106"))
    assert body["status"] == 500
    assert "boom" not in json.dumps(body)


def test_openapi_document_is_valid(client: Client) -> None:
    from openapi_spec_validator import validate

    schema = client.get("/api/v1/openapi.json").json()
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert client.get("/api/v1/docs").status_code == 200
