"""The catalog API as the department's own staff, another department's, a bystander and a citizen."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from shuzheng.catalog.models import Dataset

pytestmark = pytest.mark.django_db
BASE = "/api/v1/catalog/datasets"


def send(client: Client, method: str, url: str, body: Any = None) -> Any:
    return client.generic(method, url, json.dumps(body) if body is not None else "", content_type="application/json")


@pytest.fixture
def draft(staff: dict[str, Any], signed_in: Callable[[Any], Client], payload: Callable[..., dict[str, Any]]) -> str:
    response = send(signed_in(staff["market_cataloguer"]), "POST", BASE, payload())
    assert response.status_code == 201, response.content
    return str(response.json()["code"])


def test_create_read_update_submit_review_compare(
    staff: dict[str, Any], signed_in: Callable[[Any], Client], payload: Callable[..., dict[str, Any]], draft: str
) -> None:
    cataloguer, officer = signed_in(staff["market_cataloguer"]), signed_in(staff["market_officer"])
    assert cataloguer.get(f"{BASE}/{draft}").json()["status"] == "draft"
    changed = send(cataloguer, "PUT", f"{BASE}/{draft}", payload(title="食品经营许可证信息（含注销）"))
    assert changed.json()["title"] == "食品经营许可证信息（含注销）"
    assert send(cataloguer, "POST", f"{BASE}/{draft}/submit").json()["status"] == "submitted"
    assert send(officer, "POST", f"{BASE}/{draft}/review", {"approve": True}).json()["status"] == "published"
    versions = cataloguer.get(f"{BASE}/{draft}/versions").json()
    assert [v["number"] for v in versions] == [1, 2, 3, 4]
    changes = cataloguer.get(f"{BASE}/{draft}/compare", {"base": 1, "other": 4}).json()
    assert {change["path"] for change in changes} == {"title"}


def test_drafts_as_owner_same_role_stranger_and_outsider(
    staff: dict[str, Any], draft: str, assert_access: Callable[..., None]
) -> None:
    for path in (f"{BASE}/{draft}", f"{BASE}/{draft}/versions"):
        assert_access(
            "get",
            path,
            owner=(staff["market_cataloguer"], 200),
            colleague_reviewer=(staff["market_officer"], 200),
            same_role_other_department=(staff["data_cataloguer"], 404),
            bystander=(staff["bystander"], 404),
            outsider=(staff["citizen"], 404),
            anonymous=401,
        )


def test_writes_by_strangers_are_refused_and_change_nothing(
    staff: dict[str, Any], signed_in: Callable[[Any], Client], payload: Callable[..., dict[str, Any]], draft: str
) -> None:
    for who in ("data_cataloguer", "data_officer", "bystander", "citizen"):
        client = signed_in(staff[who])
        assert send(client, "PUT", f"{BASE}/{draft}", payload(title="篡改")).status_code == 404
        assert send(client, "POST", f"{BASE}/{draft}/submit").status_code == 404
    assert Dataset.objects.get(code=draft).title == "食品经营许可证信息"


def test_published_entries_are_visible_to_every_official_but_not_to_citizens(
    staff: dict[str, Any], signed_in: Callable[[Any], Client], draft: str
) -> None:
    send(signed_in(staff["market_cataloguer"]), "POST", f"{BASE}/{draft}/submit")
    send(signed_in(staff["market_officer"]), "POST", f"{BASE}/{draft}/review", {"approve": True})
    assert signed_in(staff["data_cataloguer"]).get(f"{BASE}/{draft}").status_code == 200
    assert signed_in(staff["citizen"]).get(f"{BASE}/{draft}").status_code == 404
    assert signed_in(staff["citizen"]).get(BASE).json() == []


def test_bad_metadata_gets_field_errors_and_nothing_is_created(
    staff: dict[str, Any], signed_in: Callable[[Any], Client], payload: Callable[..., dict[str, Any]]
) -> None:
    client = signed_in(staff["market_cataloguer"])
    body = payload(grade="L2", open_type="unconditional")
    body["fields"].append(
        {
            "name": "holder_id",
            "label": "持证人身份证号",
            "data_type": "string",
            "grade": "L4",
            "identifies_person": True,
        }
    )
    response = send(client, "POST", BASE, body)
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert {"grade", "open_type", "fields.3.grade"} <= fields
    response = send(client, "POST", BASE, payload(title="x" * 500, theme="astrology", spatial="33"))
    assert {error["field"] for error in response.json()["errors"]} == {"title", "theme", "spatial"}
    assert not Dataset.objects.exists()


def test_an_official_without_a_department_cannot_catalogue(
    make_user: Callable[..., Any], signed_in: Callable[[Any], Client], payload: Callable[..., dict[str, Any]]
) -> None:
    loner = make_user("loner", kind="official", organisation=None)
    response = send(signed_in(loner), "POST", BASE, payload())
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "organisation"


def test_compare_unknown_versions(staff: dict[str, Any], signed_in: Callable[[Any], Client], draft: str) -> None:
    response = signed_in(staff["market_cataloguer"]).get(f"{BASE}/{draft}/compare", {"base": 1, "other": 9})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "other"


def test_list_in_constant_queries(
    staff: dict[str, Any], signed_in: Callable[[Any], Client], payload: Callable[..., dict[str, Any]]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(staff["market_cataloguer"])
    send(client, "POST", BASE, payload())
    client.get(BASE)
    with CaptureQueriesContext(connection) as one:
        client.get(BASE)
    for number in range(3):
        send(client, "POST", BASE, payload(title=f"第{number}个数据资源"))
    with CaptureQueriesContext(connection) as four:
        assert len(client.get(BASE).json()) == 4
    assert len(four.captured_queries) == len(one.captured_queries)
