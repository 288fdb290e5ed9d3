from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from shuzheng.accounts import services as accounts
from shuzheng.core.selectors import audit_events

ID_NUMBER = "11010519491231002X"
TEXT = f"申请人王小明，身份证号{ID_NUMBER}，联系电话13800138000。"


def post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(f"/api/v1/privacy/{path}", json.dumps(body), content_type="application/json")


@pytest.fixture
def officer_client(cast: dict[str, Any], signed_in: Callable[[Any], Client]) -> Client:
    return signed_in(cast["bystander"])


def test_detect_answers_kinds_and_places_without_echoing_the_text(
    officer_client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        response = post(officer_client, "detect", {"text": TEXT})
    assert response.status_code == 200
    body = response.json()
    assert [(f["kind"], TEXT[f["start"] : f["end"]]) for f in body["findings"]] == [
        ("person_name", "王小明"),
        ("resident_id", ID_NUMBER),
        ("mobile", "13800138000"),
    ]
    assert body["counts"] == {"person_name": 1, "resident_id": 1, "mobile": 1}
    assert ID_NUMBER not in response.content.decode()
    event = audit_events().get(action="privacy.detect")
    assert event.detail == {"characters": len(TEXT), "found": body["counts"]}
    recorded = json.dumps([event.detail, event.object_id]) + "".join(r.getMessage() for r in caplog.records)
    assert ID_NUMBER not in recorded
    assert "13800138000" not in recorded


def test_mask_text_and_records_by_the_display_policy(officer_client: Client) -> None:
    text = post(officer_client, "mask", {"text": TEXT}).json()
    assert text["text"] == "申请人王*明，身份证号11**************2X，联系电话138****8000。"
    records = post(
        officer_client,
        "mask",
        {"records": [{"sfzh": ID_NUMBER, "n": 1}], "kinds": {"sfzh": "resident_id"}, "grade": "L2"},
    ).json()
    assert records["records"] == [{"sfzh": "11**************2X", "n": 1}]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": TEXT, "min_confidence": 5}, "min_confidence"),
        ({"text": TEXT, "kinds": ["fingerprint"]}, "kinds"),
    ],
)
def test_bad_requests_get_field_errors_that_do_not_repeat_the_text(
    officer_client: Client, body: dict[str, Any], field: str
) -> None:
    response = post(officer_client, "detect", body)
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert field in json.dumps(response.json()["errors"])
    assert ID_NUMBER not in response.content.decode()


def test_text_and_records_together_or_neither_are_refused(officer_client: Client) -> None:
    assert post(officer_client, "mask", {}).status_code == 422
    assert post(officer_client, "mask", {"text": "a", "records": []}).status_code == 422


def test_oversized_text_is_refused(officer_client: Client, settings: Any) -> None:
    settings.SHUZHENG_PRIVACY_MAX_TEXT = 10
    response = post(officer_client, "detect", {"text": TEXT})
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "too_long"


def test_callers_over_their_rate_wait(officer_client: Client, settings: Any) -> None:
    settings.SHUZHENG_PRIVACY_RATE = "2/m"
    assert [post(officer_client, "detect", {"text": "x"}).status_code for _ in range(2)] == [200, 200]
    refused = post(officer_client, "detect", {"text": "x"})
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1


def test_the_kinds_are_listed_for_signed_in_callers_only(officer_client: Client, client: Client) -> None:
    listed = officer_client.get("/api/v1/privacy/kinds").json()
    assert {"kind": "resident_id", "label": "居民身份证号", "grade": "L3", "personal": True} in listed
    assert client.get("/api/v1/privacy/kinds").status_code == 401


def test_citizens_and_anonymous_callers_are_refused(
    cast: dict[str, Any], signed_in: Callable[[Any], Client], client: Client
) -> None:
    assert post(signed_in(cast["citizen"]), "detect", {"text": TEXT}).status_code == 403
    assert post(client, "detect", {"text": TEXT}).status_code == 401
    assert post(client, "mask", {"text": TEXT}).status_code == 401
    assert not audit_events().filter(action__startswith="privacy.").exists()


def test_a_system_token_needs_the_privacy_scope(cast: dict[str, Any], client: Client) -> None:
    for scopes, expected in ((["opendata"], 403), (["privacy"], 200)):
        raw = accounts.api_token_create(user=cast["bystander"], name="system", scopes=scopes, days=30).plaintext
        response = client.post(
            "/api/v1/privacy/detect",
            json.dumps({"text": TEXT}),
            content_type="application/json",
            headers={"Authorization": f"Bearer {raw}"},
        )
        assert response.status_code == expected
