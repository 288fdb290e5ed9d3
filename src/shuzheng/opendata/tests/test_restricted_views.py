"""The restricted-opening pages: the applicant's (portal) and the department's (workbench)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from shuzheng.opendata import selectors, services
from shuzheng.opendata.tests.factories import application_body, approved, submit
from shuzheng.privacy import selectors as privacy

pytestmark = pytest.mark.django_db

APPLY = "/open/datasets/ds-330100-000050/apply/"


def form(**changes: Any) -> dict[str, Any]:
    body = application_body(**changes)
    body.pop("dataset")
    body["agreed"] = "on" if body["agreed"] else ""
    return body


def test_applying_through_the_portal(world: dict[str, Any], signed_in: Callable[[Any], Client]) -> None:
    assert Client().get(APPLY).status_code == 302  # sign in first
    client = signed_in(world["applicant"])
    page = client.get(APPLY)
    assert page.status_code == 200
    html = page.content.decode()
    assert "公共数据受限开放使用协议" in html
    assert "经营者姓名" in html
    refused = client.post(APPLY, form(signed_name="别人", agreed=False))
    assert refused.status_code == 200
    assert set(refused.context["form"].errors) == {"signed_name", "agreed"}
    done = client.post(APPLY, form(columns=["uscc", "staff"]))
    application = selectors.applications_of_applicant(user=world["applicant"]).get()
    assert done["Location"] == f"/open/applications/{application.number}/"
    assert application.fields == ["uscc", "staff"]
    assert application.number in client.get("/open/applications/").content.decode()
    dataset_page = client.get("/open/datasets/ds-330100-000050/").content.decode()
    assert application.number in dataset_page
    assert Client().get("/open/datasets/ds-330100-000051/apply/").status_code == 302
    assert client.get("/open/datasets/ds-330100-000051/apply/").status_code == 404  # open data needs no application


def test_an_application_page_is_its_applicants_alone(world: dict[str, Any], assert_access: Callable[..., None]) -> None:
    application = submit(world)
    assert_access(
        "get",
        f"/open/applications/{application.number}/",
        anonymous=302,
        applicant=(world["applicant"], 200),
        stranger=(world["stranger"], 404),
        officer=(world["officer"], 404),
    )


def test_the_key_is_shown_once_and_never_cached(world: dict[str, Any], signed_in: Callable[[Any], Client]) -> None:
    application = approved(world)
    client = signed_in(world["applicant"])
    url = f"/open/applications/{application.number}/"
    page = client.post(url, {"action": "key"})
    assert page["Cache-Control"] == "no-store"
    plaintext = page.context["issued"].plaintext
    assert plaintext in page.content.decode()
    assert plaintext not in client.get(url).content.decode()
    rows = Client(headers={"Authorization": f"Bearer {plaintext}"}).get(
        "/api/v1/opendata/restricted/ds-330100-000050/rows"
    )
    assert rows.status_code == 200
    client.post(url, {"action": "report", "summary": "完成行业分布统计并提交课题中期报告", "outcomes": ""})
    assert application.reports.count() == 1


def test_the_department_inbox_and_decision(
    world: dict[str, Any], signed_in: Callable[[Any], Client], assert_access: Callable[..., None]
) -> None:
    application = submit(world)
    inbox = "/workbench/open-applications/"
    officer = signed_in(world["officer"])
    assert application.number in officer.get(inbox).content.decode()
    assert application.number not in signed_in(world["elsewhere"]).get(inbox).content.decode()
    assert signed_in(world["applicant"]).get(inbox).status_code == 403  # not an official
    detail = f"{inbox}{application.number}/"
    assert_access(
        "get",
        detail,
        anonymous=302,
        officer=(world["officer"], 200),
        same_role_other_department=(world["elsewhere"], 404),
    )
    refused = officer.post(detail, {"action": "refuse", "reason": ""})
    assert refused.status_code == 200
    assert "reason" in refused.context["form"].errors
    officer.post(detail, {"action": "approve", "reason": "同意"})
    application.refresh_from_db()
    assert application.status == "approved"
    assert application.decided_by == world["officer"]
    officer.post(detail, {"action": "terminate", "reason": "课题已结束"})
    application.refresh_from_db()
    assert application.status == "terminated"


def test_the_inbox_lists_pending_first_by_deadline(world: dict[str, Any]) -> None:
    decided = approved(world)
    data = application_body(signed_name="赵一鸣")
    data.pop("dataset")
    pending, _ = services.application_submit(applicant=world["stranger"], dataset=world["restricted"], **data)
    listed = list(selectors.applications_for_department(user=world["officer"]))
    assert listed == [pending, decided]


def test_the_officer_is_told_to_check_the_release_first(
    world: dict[str, Any], signed_in: Callable[[Any], Client]
) -> None:
    privacy.release_checks_for(dataset=world["restricted"]).delete()
    application = submit(world)
    client = signed_in(world["officer"])
    url = f"/workbench/open-applications/{application.number}/"
    page = client.get(url)
    assert 'data-testid="release-check-missing"' in page.content.decode()
    assert f"/workbench/privacy/datasets/{world['restricted'].code}/" in page.content.decode()
    answer = client.post(url, {"action": "approve", "reason": "同意"})
    assert answer.status_code == 200
    assert "须先在“个人信息保护”中通过发布前检查" in answer.content.decode()
    application.refresh_from_db()
    assert application.status == "submitted"
