"""The quality API as the owning department's data officer, the same role in another department,
the platform's data officer, an official without the role, a citizen and an anonymous caller."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from shuzheng.core.selectors import audit_events
from shuzheng.quality.models import Ticket

pytestmark = pytest.mark.django_db
BASE = "/api/v1/quality"


def post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_runs_results_and_failing_rows_as_each_persona(
    checked: Any, people: dict[str, Any], assert_access: Callable[..., None]
) -> None:
    for path in (
        f"{BASE}/datasets/330100-000001/runs",
        f"{BASE}/datasets/330100-000001/scores",
        f"{BASE}/runs/{checked.pk}",
        f"{BASE}/runs/{checked.pk}/failures",
    ):
        assert_access(
            "get",
            path,
            owner=(people["officer"], 200),
            platform=(people["platform"], 200),
            same_role_other_department=(people["elsewhere"], 404),
            bystander=(people["bystander"], 404),
            outsider=(people["citizen"], 404),
            anonymous=401,
        )


def test_a_run_and_its_failing_rows(checked: Any, people: dict[str, Any], signed_in: Callable[[Any], Client]) -> None:
    client = signed_in(people["officer"])
    detail = client.get(f"{BASE}/runs/{checked.pk}").json()
    assert (detail["rows"], detail["score"]) == (3, "66.67")
    assert [result["failed"] for result in detail["results"]] == [1, 1]
    rule = detail["results"][0]["rule"]
    page = client.get(f"{BASE}/runs/{checked.pk}/failures", {"limit": 1}).json()
    assert (page["total"], len(page["rows"])) == (2, 1)
    assert page["rows"][0]["values"]["uscc"] == "91330100MA2H3X4Y6N"
    assert client.get(f"{BASE}/runs/{checked.pk}/failures", {"rule": rule}).json()["total"] == 1
    unknown = client.get(f"{BASE}/runs/{checked.pk}/failures", {"rule": 999999})
    assert unknown.status_code == 422
    assert unknown["Content-Type"].startswith("application/problem+json")
    assert client.get(f"{BASE}/datasets/330100-000001/scores").json()[0]["score"] == "66.67"


def test_the_ranking_is_for_every_official(
    checked: Any, people: dict[str, Any], assert_access: Callable[..., None], signed_in: Callable[[Any], Client]
) -> None:
    assert_access(
        "get",
        f"{BASE}/departments/scores",
        owner=(people["officer"], 200),
        same_role_other_department=(people["elsewhere"], 200),
        bystander=(people["bystander"], 200),
        outsider=(people["citizen"], 403),
        anonymous=401,
    )
    ranking = signed_in(people["bystander"]).get(f"{BASE}/departments/scores").json()
    assert [(row["name"], row["score"], row["datasets"]) for row in ranking] == [("杭州市市场监督管理局", "66.67", 1)]


def test_a_department_scorecard_is_its_own_and_the_platforms(
    checked: Any, people: dict[str, Any], assert_access: Callable[..., None], signed_in: Callable[[Any], Client]
) -> None:
    organisation = people["officer"].organisation_id
    assert_access(
        "get",
        f"{BASE}/departments/{organisation}/scorecard",
        owner=(people["officer"], 200),
        platform=(people["platform"], 200),
        same_role_other_department=(people["elsewhere"], 404),
        bystander=(people["bystander"], 404),
        outsider=(people["citizen"], 404),
        anonymous=401,
    )
    card = signed_in(people["officer"]).get(f"{BASE}/departments/{organisation}/scorecard").json()
    assert (card["score"], card["active_tickets"], card["overdue_tickets"]) == ("66.67", 2, 0)
    assert card["datasets"][0]["code"] == "330100-000001"


def test_tickets_as_each_persona(checked: Any, people: dict[str, Any], assert_access: Callable[..., None]) -> None:
    number = Ticket.objects.order_by("pk").first().number  # type: ignore[union-attr]
    assert_access(
        "get",
        f"{BASE}/tickets/{number}",
        owner=(people["officer"], 200),
        platform=(people["platform"], 200),
        same_role_other_department=(people["elsewhere"], 404),
        bystander=(people["bystander"], 404),
        outsider=(people["citizen"], 404),
        anonymous=401,
    )


def test_ticket_lists_show_each_their_own(
    checked: Any, people: dict[str, Any], signed_in: Callable[[Any], Client], django_assert_max_num_queries: Any
) -> None:
    owner = signed_in(people["officer"])
    with django_assert_max_num_queries(8):
        listed = owner.get(f"{BASE}/tickets").json()
    assert len(listed) == 2
    assert len(signed_in(people["platform"]).get(f"{BASE}/tickets").json()) == 2
    assert signed_in(people["elsewhere"]).get(f"{BASE}/tickets").json() == []
    assert signed_in(people["citizen"]).get(f"{BASE}/tickets").json() == []
    assert owner.get(f"{BASE}/tickets", {"overdue": True}).json() == []


def test_ticket_transitions_through_the_api(
    checked: Any, people: dict[str, Any], signed_in: Callable[[Any], Client]
) -> None:
    number = Ticket.objects.order_by("pk").first().number  # type: ignore[union-attr]
    url = f"{BASE}/tickets/{number}/transitions"
    owner, platform = signed_in(people["officer"]), signed_in(people["platform"])
    assert post(signed_in(people["elsewhere"]), url, {"action": "acknowledge"}).status_code == 404
    assert post(platform, url, {"action": "accept_dispute"}).status_code == 422  # not disputed
    no_reason = post(owner, url, {"action": "dispute"})
    assert no_reason.status_code == 422
    assert no_reason.json()["errors"][0]["field"] == "note"
    disputed = post(owner, url, {"action": "dispute", "note": "系统赋码，校验位无误"}).json()
    assert (disputed["status"], disputed["actions"]) == ("disputed", [])
    assert post(owner, url, {"action": "accept_dispute"}).status_code == 403
    decided = post(platform, url, {"action": "reject_dispute", "note": "校验位确有错误"}).json()
    assert decided["status"] == "open"
    assert [step["event"] for step in decided["steps"]] == ["opened", "disputed", "dispute_rejected"]
    assert audit_events().filter(action="quality.ticket.dispute_rejected", object_id=number).exists()


def test_consumers_report_problems(
    checked: Any, people: dict[str, Any], signed_in: Callable[[Any], Client], enterprises: Any
) -> None:
    url = f"{BASE}/datasets/{enterprises.code}/problems"
    body = {"description": "杭州知味餐饮有限公司的统一社会信用代码校验位错误"}
    reported = post(signed_in(people["elsewhere"]), url, body)
    assert reported.status_code == 201
    assert reported.json()["source"] == "consumer"
    assert post(signed_in(people["citizen"]), url, body).status_code == 201
    assert post(signed_in(people["officer"]), url, body).status_code == 422  # its own data
    assert post(signed_in(people["citizen"]), url, {"description": "错"}).status_code == 422
    assert post(Client(), url, body).status_code == 401
    assert post(signed_in(people["citizen"]), f"{BASE}/datasets/330100-999999/problems", body).status_code == 404
    number = reported.json()["number"]
    assert signed_in(people["elsewhere"]).get(f"{BASE}/tickets/{number}").status_code == 200
    assert signed_in(people["officer"]).get(f"{BASE}/tickets/{number}").status_code == 200
