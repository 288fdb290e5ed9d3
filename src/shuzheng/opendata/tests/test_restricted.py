"""Restricted opening (受限开放): apply, decide within working days, a dataset-limited expiring key,
de-identified rows, use reports — and who may do each."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from shuzheng.core.selectors import audit_events
from shuzheng.core.workdays import add_working_days
from shuzheng.opendata import selectors, services
from shuzheng.opendata.choices import ApplicationStatus
from shuzheng.opendata.tests.factories import application_body, approved, submit
from shuzheng.privacy import selectors as privacy
from shuzheng.privacy import services as privacy_services

pytestmark = pytest.mark.django_db
API = "/api/v1/opendata/"


def error_fields(response: Any) -> set[str]:
    return {error["field"] for error in response.json()["errors"]}


def test_an_application_names_what_is_wrong_field_by_field(
    world: dict[str, Any], signed_in: Callable[[Any], Client]
) -> None:
    client = signed_in(world["applicant"])
    body = application_body(
        purpose="研究",
        scenario="",
        security_measures="有",
        days=400,
        agreed=False,
        signed_name="王小梅",
        fields=["operator_name", "id_number"],
    )
    response = client.post(API + "applications", body, content_type="application/json")
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert error_fields(response) == {
        "purpose",
        "scenario",
        "security_measures",
        "days",
        "agreed",
        "signed_name",
        "fields",
    }
    assert not selectors.applications_of_applicant(user=world["applicant"]).exists()


@pytest.mark.parametrize("dataset", ["ds-330100-000051", "ds-nonexistent"])
def test_only_restricted_datasets_are_applied_for(
    world: dict[str, Any], signed_in: Callable[[Any], Client], dataset: str
) -> None:
    response = signed_in(world["applicant"]).post(
        API + "applications", application_body(dataset), content_type="application/json"
    )
    assert response.status_code == 422
    assert error_fields(response) == {"dataset"}


def test_a_second_click_returns_the_same_application(world: dict[str, Any], signed_in: Callable[[Any], Client]) -> None:
    client = signed_in(world["applicant"])
    first = client.post(API + "applications", application_body(), content_type="application/json")
    again = client.post(API + "applications", application_body(), content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["number"] == again.json()["number"]
    assert first.json()["fields"] == ["uscc", "operator_name", "mobile", "address", "staff"]
    assert selectors.applications_of_applicant(user=world["applicant"]).count() == 1


def test_the_department_must_answer_within_the_configured_working_days(world: dict[str, Any], settings: Any) -> None:
    settings.SHUZHENG_OPEN_APPLICATION_DAYS = 3
    application = submit(world)
    assert application.due_on == add_working_days(timezone.localdate(), 3)
    assert application.number.startswith(f"KF{timezone.now():%Y}")
    assert application.agreement_version == services.AGREEMENT_VERSION
    assert len(application.agreement_digest) == 64
    assert not selectors.application_overdue(application)
    application.due_on = timezone.localdate() - datetime.timedelta(days=1)
    assert selectors.application_overdue(application)


def test_who_may_see_and_decide(
    world: dict[str, Any], assert_access: Callable[..., None], signed_in: Callable[[Any], Client]
) -> None:
    application = submit(world)
    url = f"{API}applications/{application.number}"
    assert_access(
        "get",
        url,
        anonymous=401,
        applicant=(world["applicant"], 200),
        officer=(world["officer"], 200),
        same_role_other_department=(world["elsewhere"], 404),
        stranger=(world["stranger"], 404),
    )
    body = {"approve": True, "reason": ""}
    for user, expected in ((world["elsewhere"], 404), (world["stranger"], 404), (world["applicant"], 403)):
        response = signed_in(user).post(url + "/decision", body, content_type="application/json")
        assert response.status_code == expected
    assert [item["number"] for item in signed_in(world["applicant"]).get(API + "applications").json()] == [
        application.number
    ]
    assert signed_in(world["stranger"]).get(API + "applications").json() == []
    assert signed_in(world["stranger"]).get(API + "department/applications").json() == []
    assert signed_in(world["officer"]).get(API + "department/applications").json()[0]["number"] == application.number
    assert signed_in(world["elsewhere"]).get(API + "department/applications").json() == []
    response = signed_in(world["officer"]).post(url + "/decision", body, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    again = signed_in(world["officer"]).post(url + "/decision", body, content_type="application/json")
    assert again.status_code == 422


def test_a_refusal_needs_reasons(world: dict[str, Any], signed_in: Callable[[Any], Client]) -> None:
    application = submit(world)
    url = f"{API}applications/{application.number}/decision"
    officer = signed_in(world["officer"])
    refused = officer.post(url, {"approve": False, "reason": " "}, content_type="application/json")
    assert refused.status_code == 422
    assert error_fields(refused) == {"reason"}
    officer.post(url, {"approve": False, "reason": "用途与数据无关"}, content_type="application/json")
    assert selectors.applications_of_applicant(user=world["applicant"]).get().status == "refused"


def test_an_officer_cannot_approve_their_own_application(world: dict[str, Any]) -> None:
    data = application_body(signed_name="钱立群")
    data.pop("dataset")
    own, _ = services.application_submit(applicant=world["officer"], dataset=world["restricted"], **data)
    with pytest.raises(services.OpenDataInvalid) as refused:
        services.application_decide(official=world["officer"], application=own, approve=True, reason="")
    assert refused.value.problems[0][1] == "own_application"


def test_an_approval_gives_a_key_to_that_dataset_only_with_people_de_identified(
    world: dict[str, Any], signed_in: Callable[[Any], Client]
) -> None:
    application = approved(world)
    client = signed_in(world["applicant"])
    assert signed_in(world["stranger"]).post(f"{API}applications/{application.number}/key").status_code == 404
    issued = client.post(f"{API}applications/{application.number}/key")
    assert issued.status_code == 201
    key = issued.json()["key"]
    expires = datetime.datetime.fromisoformat(issued.json()["expires_at"])
    assert abs(expires - application.valid_until) < datetime.timedelta(milliseconds=1)
    bearer = Client(headers={"Authorization": f"Bearer {key}"})
    page = bearer.get(f"{API}restricted/ds-330100-000050/rows", {"limit": 10})
    assert page.status_code == 200
    body = page.json()
    assert body["total"] == 3
    treatments = {column["name"]: column["treatment"] for column in body["columns"]}
    assert treatments == {
        "uscc": "plain",
        "operator_name": "pseudonym",
        "mobile": "masked",
        "address": "plain",
        "staff": "plain",
    }
    rows = sorted(body["rows"], key=lambda row: row["uscc"])
    assert [row["mobile"] for row in rows] == ["138****2345", "139****4321", "138****2345"]
    names = [row["operator_name"] for row in rows]
    assert "周建国" not in names
    assert names[0] == names[2] != names[1]  # the same person is the same pseudonym within this use
    assert all(len(name) == 32 for name in names)  # keyed hashes (HMAC-SM3) from the privacy engine
    # Not another dataset, not without the key.
    assert bearer.get(f"{API}restricted/ds-330100-000051/rows").status_code == 403
    assert Client().get(f"{API}restricted/ds-330100-000050/rows").status_code == 401
    reads = audit_events().filter(action="opendata.restricted.read", actor_id=world["applicant"].pk)
    assert reads.count() == 1
    assert reads.get().purpose == application.number
    assert selectors.usage_totals(dataset=world["restricted"])["api_calls"] == 1


def test_pseudonyms_differ_between_applications(world: dict[str, Any]) -> None:
    def pseudonym(application: int) -> str:
        domain = f"opendata.application.{application}"
        plan = privacy.masking_plan(dataset=world["restricted"], channel="open", domain=domain)
        return str(privacy.mask_record({"operator_name": "周建国"}, plan)["operator_name"])

    assert pseudonym(1) == pseudonym(1) != pseudonym(2)


def test_a_new_key_replaces_the_old_and_termination_stops_both(
    world: dict[str, Any], signed_in: Callable[[Any], Client]
) -> None:
    application = approved(world)
    first = services.application_key_issue(applicant=world["applicant"], application=application)
    second = services.application_key_issue(applicant=world["applicant"], application=application)
    url = f"{API}restricted/ds-330100-000050/rows"
    assert Client(headers={"Authorization": f"Bearer {first.plaintext}"}).get(url).status_code == 401
    assert Client(headers={"Authorization": f"Bearer {second.plaintext}"}).get(url).status_code == 200
    response = signed_in(world["officer"]).post(
        f"{API}applications/{application.number}/terminate",
        {"reason": "发现超范围使用"},
        content_type="application/json",
    )
    assert response.json()["status"] == "terminated"
    assert Client(headers={"Authorization": f"Bearer {second.plaintext}"}).get(url).status_code == 401


def test_an_expired_approval_reads_nothing(world: dict[str, Any]) -> None:
    application = approved(world)
    issued = services.application_key_issue(applicant=world["applicant"], application=application)
    past = timezone.now() - datetime.timedelta(seconds=1)
    type(application).objects.filter(pk=application.pk).update(valid_until=past)
    assert selectors.application_for_key(token=issued.token, dataset_name="ds-330100-000050") is None
    with pytest.raises(services.OpenDataInvalid):
        services.application_key_issue(applicant=world["applicant"], application=application)


def test_the_applicant_reports_on_use(world: dict[str, Any], signed_in: Callable[[Any], Client]) -> None:
    application = approved(world)
    url = f"{API}applications/{application.number}/reports"
    body = {"summary": "完成行业分布统计，形成研究报告初稿", "outcomes": "论文一篇（投稿中）"}
    assert signed_in(world["stranger"]).post(url, body, content_type="application/json").status_code == 404
    too_short = signed_in(world["applicant"]).post(url, {"summary": "用了"}, content_type="application/json")
    assert error_fields(too_short) == {"summary"}
    assert signed_in(world["applicant"]).post(url, body, content_type="application/json").status_code == 201
    assert [report["summary"] for report in signed_in(world["officer"]).get(url).json()] == [body["summary"]]
    assert audit_events().filter(action="opendata.application.report").count() == 1


def test_the_applicant_withdraws_before_the_decision(world: dict[str, Any], signed_in: Callable[[Any], Client]) -> None:
    application = submit(world)
    url = f"{API}applications/{application.number}/withdraw"
    assert signed_in(world["stranger"]).post(url).status_code == 404
    assert signed_in(world["applicant"]).post(url).json()["status"] == "withdrawn"
    assert signed_in(world["applicant"]).post(url).status_code == 422


def test_field_treatments_follow_the_grade(world: dict[str, Any]) -> None:
    plan = privacy.masking_plan(dataset=world["restricted"], channel="open", domain="opendata.application.1")
    assert {name: how.method for name, (how, _applied) in plan.items()} == {
        "uscc": "keep",
        "operator_name": "hash",
        "mobile": "mask",
        "address": "keep",
        "staff": "keep",
    }
    assert plan["mobile"][1].kind == "mobile"  # from its label, until the dataset is classified


def test_personal_data_is_approved_only_after_a_passing_release_check(world: dict[str, Any]) -> None:
    """A release check that fails (each operator alone in the class of their name) blocks the
    approval, whatever earlier check passed; a passing one after it lets the approval through."""
    failing = privacy_services.release_check(
        user=world["officer"], dataset=world["restricted"], quasi_identifiers=["operator_name"], k=3
    )
    assert not failing.passed
    application = submit(world)
    with pytest.raises(services.OpenDataInvalid) as refused:
        services.application_decide(official=world["officer"], application=application, approve=True, reason="同意")
    assert refused.value.problems[0][1] == "release_check"
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    # Refusing needs no check: nothing leaves.
    privacy_services.release_check(user=world["officer"], dataset=world["restricted"], quasi_identifiers=["staff"], k=3)
    decided = services.application_decide(
        official=world["officer"], application=application, approve=True, reason="同意"
    )
    assert decided.status == ApplicationStatus.APPROVED


def test_a_dataset_without_personal_data_needs_no_release_check(world: dict[str, Any]) -> None:
    assert not privacy.release_check_missing(dataset=world["open"])
    privacy.release_checks_for(dataset=world["restricted"]).delete()
    assert privacy.release_check_missing(dataset=world["restricted"])


def test_what_leaves_is_what_the_release_check_passed(world: dict[str, Any]) -> None:
    """The operators' addresses single each of them out; the check passes with the address
    withheld, and the approved application's records then come without it."""
    check = privacy_services.release_check(
        user=world["officer"],
        dataset=world["restricted"],
        quasi_identifiers=["staff", "address"],
        generalisations={"address": {"method": "suppress"}},
        k=3,
    )
    assert check.passed
    application = approved(world)
    plan = services.restricted_plan(application=application)
    assert plan["address"][0].method == "suppress"
    assert plan["operator_name"][0].method == "hash"  # the policy's own treatment elsewhere
    page = services.restricted_rows_read(application=application, limit=10, offset=0)
    assert page.rows
    assert all("address" not in row for row in page.rows)
    # A failing check run afterwards does not strip the approved use's generalisation.
    privacy_services.release_check(
        user=world["officer"], dataset=world["restricted"], quasi_identifiers=["operator_name"], k=3
    )
    assert services.restricted_plan(application=application)["address"][0].method == "suppress"
