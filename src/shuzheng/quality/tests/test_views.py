"""The quality pages as the owning department's data officer, the same role in another department,
the platform's data officer, an official without the role, a citizen and an anonymous visitor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from shuzheng.quality.models import Ticket

pytestmark = pytest.mark.django_db


def test_scorecard_dataset_page_and_downloads_as_each_persona(
    checked: Any, people: dict[str, Any], assert_access: Callable[..., None]
) -> None:
    for path in (
        "/workbench/quality/datasets/330100-000001/",
        f"/workbench/quality/runs/{checked.pk}/failures.csv",
        f"/workbench/quality/runs/{checked.pk}/failures.xlsx",
        f"/workbench/quality/?department={people['officer'].organisation_id}",
    ):
        assert_access(
            "get",
            path,
            owner=(people["officer"], 200),
            platform=(people["platform"], 200),
            same_role_other_department=(people["elsewhere"], 404),
            bystander=(people["bystander"], 404),
            outsider=(people["citizen"], 403),
            anonymous=302,
        )


def test_the_scorecard_shows_scores_failing_rules_and_tickets(
    checked: Any, people: dict[str, Any], signed_in: Callable[[Any], Client]
) -> None:
    Ticket.objects.update(due_on="2020-01-06")  # long past
    page = signed_in(people["officer"]).get("/workbench/quality/").content.decode()
    assert "66.67" in page
    assert "统一社会信用代码有效" in page
    assert "91330100MA2H3X4Y6N" in page  # a sample
    assert 'data-testid="overdue"' in page
    assert "<svg" in page
    assert signed_in(people["bystander"]).get("/workbench/quality/").status_code == 403
    elsewhere = signed_in(people["elsewhere"]).get("/workbench/quality/").content.decode()
    assert "91330100MA2H3X4Y6N" not in elsewhere


def test_the_download_is_the_failing_rows_with_a_bom(
    checked: Any, people: dict[str, Any], signed_in: Callable[[Any], Client]
) -> None:
    response = signed_in(people["officer"]).get(f"/workbench/quality/runs/{checked.pk}/failures.csv")
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert body.startswith("\ufeff".encode())
    assert body.decode("utf-8-sig").count("\n") == 3
    assert "attachment" in response["Content-Disposition"]
    rule = checked.results.order_by("rule").first().rule_id
    one = signed_in(people["officer"]).get(f"/workbench/quality/runs/{checked.pk}/failures.csv", {"rule": rule})
    assert b"".join(one.streaming_content).decode("utf-8-sig").count("\n") == 2  # type: ignore[attr-defined]
    assert signed_in(people["officer"]).get(f"/workbench/quality/runs/{checked.pk}/failures.json").status_code == 404


def test_the_ranking_is_for_every_official(
    checked: Any, people: dict[str, Any], assert_access: Callable[..., None]
) -> None:
    assert_access(
        "get",
        "/workbench/quality/ranking/",
        owner=(people["officer"], 200),
        same_role_other_department=(people["elsewhere"], 200),
        bystander=(people["bystander"], 200),
        outsider=(people["citizen"], 403),
        anonymous=302,
    )


def test_a_ticket_page_as_each_persona_and_its_steps(
    checked: Any, people: dict[str, Any], assert_access: Callable[..., None], signed_in: Callable[[Any], Client]
) -> None:
    ticket = Ticket.objects.order_by("pk").first()
    assert ticket is not None
    url = f"/workbench/quality/tickets/{ticket.number}/"
    assert_access(
        "get",
        url,
        owner=(people["officer"], 200),
        platform=(people["platform"], 200),
        same_role_other_department=(people["elsewhere"], 404),
        bystander=(people["bystander"], 404),
        outsider=(people["citizen"], 403),
        anonymous=302,
    )
    owner = signed_in(people["officer"])
    assert 'data-testid="ticket-download"' in owner.get(url).content.decode()
    assert owner.post(url, {"action": "dispute", "note": ""}).status_code == 200  # a reason is needed
    assert owner.post(url, {"action": "dispute", "note": "历史赋码"}).status_code == 302
    assert signed_in(people["elsewhere"]).post(url, {"action": "acknowledge"}).status_code == 404
    assert owner.post(url, {"action": "accept_dispute"}).status_code == 403
    assert signed_in(people["platform"]).post(url, {"action": "accept_dispute"}).status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "closed"
    listed = owner.get("/workbench/quality/tickets/").content.decode()
    assert ticket.number in listed
    assert ticket.number not in signed_in(people["elsewhere"]).get("/workbench/quality/tickets/").content.decode()


def test_recheck_verifies_fixed_tickets(
    checked: Any,
    people: dict[str, Any],
    signed_in: Callable[[Any], Client],
    enterprises: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    url = "/workbench/quality/datasets/330100-000001/"
    assert signed_in(people["platform"]).post(url, {"action": "recheck"}).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):  # the worker's part, done here and now
        assert signed_in(people["officer"]).post(url, {"action": "recheck"}).status_code == 302
    assert enterprises.quality_runs.count() == 2


def test_reporting_a_problem_from_the_workbench_and_the_portal(
    enterprises: Any, people: dict[str, Any], signed_in: Callable[[Any], Client]
) -> None:
    body = {"description": "第二行企业的统一社会信用代码校验位错误"}
    workbench = "/workbench/quality/datasets/330100-000001/report/"
    assert signed_in(people["elsewhere"]).post(workbench, body).status_code == 302
    assert signed_in(people["officer"]).post(workbench, body).status_code == 200  # own data: refused on the form
    portal = f"/open/datasets/{enterprises.name}/report-problem/"
    assert signed_in(people["citizen"]).get(portal).status_code == 200
    assert signed_in(people["citizen"]).post(portal, body).status_code == 302
    assert Client().get(portal).status_code == 302  # sign in first
    assert Ticket.objects.filter(source="consumer").count() == 2
    dataset_page = signed_in(people["citizen"]).get(f"/open/datasets/{enterprises.name}/").content.decode()
    assert 'data-testid="report-problem"' in dataset_page
