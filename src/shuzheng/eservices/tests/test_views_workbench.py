"""The officials' case pages as each person sees them: the clerk of the department that runs the
item, a clerk with the same role in another department, a supervisor, the applicant and no one."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.test import Client

from shuzheng.core.selectors import audit_events
from shuzheng.eservices import selectors, services
from shuzheng.eservices.choices import CaseAction, CaseStatus
from shuzheng.eservices.models import Case, CaseEvent, CaseMaterial
from shuzheng.eservices.tests.conftest import PDF, act, apply
from shuzheng.eservices.tests.factories import FORM

TO_DO = "/workbench/cases/"
CASES = "/workbench/cases/all/"
OVERDUE = "/workbench/cases/overdue/"
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
CONFLICT = "该办件已被他人处理或已更新，请刷新后再操作"


def on(day: datetime.date) -> Any:
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, 10, 0, tzinfo=SHANGHAI), tick=False)


def page(case: Case) -> str:
    return f"/workbench/cases/{case.uid}/"


@pytest.fixture
def as_(cast: dict[str, Any], signed_in: Callable[[Any], Client]) -> Callable[[str], Client]:
    return lambda who: signed_in(cast[who])


@pytest.fixture
def uploaded(submitted: Case) -> CaseMaterial:
    """The premises proof 王晓梅 uploaded with her application."""
    return selectors.case_materials(case=submitted).get()


def post(client: Client, case: Case, action: str, **fields: Any) -> Any:
    """Take an action through the case page, at the revision the page would show now."""
    case.refresh_from_db()
    return client.post(page(case), {"action": action, "revision": case.revision, **fields})


def text(response: Any) -> str:
    return str(response.content.decode())


# --- who sees what ----------------------------------------------------------------------------


@pytest.mark.parametrize("url", [TO_DO, CASES])
def test_the_lists_are_for_officials(url: str, submitted: Case, assert_access: Any, cast: dict[str, Any]) -> None:
    assert_access(
        "get",
        url,
        clerk=(cast["clerk"], 200),
        stranger=(cast["stranger"], 200),
        applicant=(cast["applicant"], 403),
        anonymous=302,
    )
    assert Client().get(url)["Location"].startswith("/workbench/login/")


def test_each_list_shows_the_department_its_own_cases(submitted: Case, as_: Callable[[str], Client]) -> None:
    todo = text(as_("clerk").get(TO_DO))
    for shown in (str(submitted.number), "个体工商户设立登记", "王晓梅", "受理", "待受理"):
        assert shown in todo
    assert str(submitted.number) in text(as_("clerk").get(CASES))
    assert str(submitted.number) not in text(as_("stranger").get(TO_DO))
    assert "没有待办的办件" in text(as_("stranger").get(TO_DO))
    assert "没有符合条件的办件" in text(as_("stranger").get(CASES))


def test_the_department_list_filters_by_status_and_searches(
    submitted: Case, cast: dict[str, Any], item: Any, as_: Callable[[str], Client]
) -> None:
    other = apply(cast["neighbour"], item)
    act(other, cast["clerk"], CaseAction.ACCEPT)
    processing = text(as_("clerk").get(CASES, {"status": CaseStatus.PROCESSING}))
    assert (str(other.number) in processing, str(submitted.number) in processing) == (True, False)
    found = text(as_("clerk").get(CASES, {"q": str(submitted.number)}))
    assert (str(other.number) in found, str(submitted.number) in found) == (False, True)
    # A status that is not one is no filter at all.
    assert str(submitted.number) in text(as_("clerk").get(CASES, {"status": "nonsense"}))


def test_a_case_page_is_for_its_department_only(submitted: Case, assert_access: Any, cast: dict[str, Any]) -> None:
    assert_access(
        "get",
        page(submitted),
        clerk=(cast["clerk"], 200),
        stranger=(cast["stranger"], 404),
        supervisor=(cast["supervisor"], 404),
        applicant=(cast["applicant"], 403),
        anonymous=302,
    )


def test_the_case_page_shows_the_application_and_its_reading_is_recorded(
    submitted: Case, uploaded: CaseMaterial, as_: Callable[[str], Client], cast: dict[str, Any]
) -> None:
    case, stored = submitted, uploaded
    shown = text(as_("clerk").get(page(case)))
    # The form in its layout order, by the fields' titles; the fields left out of the layout after.
    titles = [shown.index(title) for title in ("个体工商户名称", "经营范围", "经营场所", "从业人数")]
    assert titles == sorted(titles)
    assert "西湖区晓梅小吃店" in shown
    assert f"/workbench/cases/{case.uid}/materials/{stored.uid}/" in shown
    assert "免提交（部门共享获取）" in shown  # the ID card
    assert "受理（第 1 / 4 步）" in shown
    assert "申请人 王晓梅" in shown  # the history: who submitted
    assert audit_events().filter(action="eservices.case.read", actor_id=cast["clerk"].pk).count() == 1


def test_a_pledge_is_shown_with_its_text(item: Any, cast: dict[str, Any], as_: Callable[[str], Client]) -> None:
    pledged = services.case_submit(applicant=cast["neighbour"], item=item, data=FORM, pledge=True)
    shown = text(as_("clerk").get(page(pledged)))
    assert "本人承诺所提交的经营场所使用证明真实有效" in shown
    assert "以告知承诺代替" in shown  # the premises proof
    assert "该办件已办结，不能再办理。" in shown  # decided on the spot


# --- the workflow through the page ------------------------------------------------------------


def test_the_clerk_takes_a_case_from_acceptance_to_its_result(
    submitted: Case, as_: Callable[[str], Client], cast: dict[str, Any]
) -> None:
    clerk = as_("clerk")
    accepted = post(clerk, submitted, CaseAction.ACCEPT)
    assert accepted.status_code == 302
    assert accepted["Location"] == page(submitted)
    assert "已办理“受理”" in text(clerk.get(page(submitted)))
    asked = post(
        clerk, submitted, CaseAction.CORRECTION_REQUEST, note="请补充门店照片", materials=["photo", "premises"]
    )
    assert asked.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.CORRECTION
    event = CaseEvent.objects.filter(case=submitted, action=CaseAction.CORRECTION_REQUEST).get()
    assert event.detail == {"materials": ["photo", "premises"]}
    assert "需补正：门店照片、经营场所使用证明" in text(clerk.get(page(submitted)))
    act(submitted, cast["applicant"], CaseAction.CORRECTION_SUBMIT)
    for _step in ("review", "decide"):
        assert post(clerk, submitted, CaseAction.APPROVE).status_code == 302
    finished = post(clerk, submitted, CaseAction.APPROVE, result="营业执照（正副本）")
    assert finished.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.status, submitted.result) == (CaseStatus.COMPLETED, "营业执照（正副本）")
    shown = text(clerk.get(page(submitted)))
    assert "已办结" in shown
    assert "该办件已办结，不能再办理。" in shown


def test_a_stale_revision_gives_the_conflict_message_and_changes_nothing(
    submitted: Case, as_: Callable[[str], Client]
) -> None:
    seen = submitted.revision
    clerk = as_("clerk")
    assert clerk.post(page(submitted), {"action": CaseAction.ACCEPT, "revision": seen}).status_code == 302
    late = clerk.post(
        page(submitted), {"action": CaseAction.REJECT, "revision": seen, "note": "材料不全", "confirm": "on"}
    )
    assert late.status_code == 409
    assert CONFLICT in text(late)
    assert "材料不全" in text(late)  # what was typed is offered again
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.PROCESSING
    assert not CaseEvent.objects.filter(case=submitted, action=CaseAction.REJECT).exists()


def test_an_action_not_open_now_is_refused(submitted: Case, as_: Callable[[str], Client]) -> None:
    clerk, seen = as_("clerk"), submitted.revision
    early = post(clerk, submitted, CaseAction.APPROVE)  # not accepted yet
    assert early.status_code == 422
    assert "办件当前状态不能进行此操作" in text(early)
    assert post(clerk, submitted, CaseAction.WITHDRAW, confirm="on").status_code == 403  # the applicant's
    assert post(clerk, submitted, "nonsense").status_code == 422
    submitted.refresh_from_db()
    assert (submitted.status, submitted.revision) == (CaseStatus.SUBMITTED, seen)
    assert not CaseEvent.objects.filter(case=submitted).exclude(action=CaseAction.SUBMIT).exists()


def test_a_refusal_needs_a_reason_and_a_confirmation(submitted: Case, as_: Callable[[str], Client]) -> None:
    clerk = as_("clerk")
    shown = text(clerk.get(page(submitted)))
    assert "不予受理" in shown
    no_reason = post(clerk, submitted, CaseAction.REJECT, confirm="on")
    assert no_reason.status_code == 422
    assert 'id="reject-note_error"' in text(no_reason)
    assert 'aria-describedby="reject-note_error"' in text(no_reason)
    unconfirmed = post(clerk, submitted, CaseAction.REJECT, note="不属于本部门受理范围")
    assert unconfirmed.status_code == 422
    assert 'id="reject-confirm_error"' in text(unconfirmed)
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.SUBMITTED
    refused = post(clerk, submitted, CaseAction.REJECT, note="不属于本部门受理范围", confirm="on")
    assert refused.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.status, submitted.result) == (CaseStatus.REJECTED, "不属于本部门受理范围")


def test_a_special_procedure_needs_its_kind(submitted: Case, as_: Callable[[str], Client]) -> None:
    clerk = as_("clerk")
    post(clerk, submitted, CaseAction.ACCEPT)
    assert post(clerk, submitted, CaseAction.SUSPEND, note="组织听证", kind="picnic").status_code == 422
    assert post(clerk, submitted, CaseAction.SUSPEND, note="组织听证", kind="hearing").status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.SUSPENDED
    assert "听证" in text(clerk.get(page(submitted)))
    assert post(clerk, submitted, CaseAction.RESUME).status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.PROCESSING


def test_a_transfer_hands_the_case_to_the_other_department(
    submitted: Case, as_: Callable[[str], Client], cast: dict[str, Any]
) -> None:
    clerk = as_("clerk")
    civil = cast["stranger"].organisation
    assert f'value="{civil.pk}"' in text(clerk.get(page(submitted)))
    own = post(clerk, submitted, CaseAction.TRANSFER, note="属民政部门职责", organisation=cast["clerk"].organisation_id)
    assert own.status_code == 422  # not offered: one's own department
    moved = post(clerk, submitted, CaseAction.TRANSFER, note="属民政部门职责", organisation=civil.pk)
    assert moved.status_code == 302
    assert moved["Location"] == TO_DO
    submitted.refresh_from_db()
    assert submitted.organisation == civil
    assert clerk.get(page(submitted)).status_code == 404
    assert as_("stranger").get(page(submitted)).status_code == 200
    assert str(submitted.number) in text(as_("stranger").get(TO_DO))
    assert "转至：杭州市民政局" in text(as_("stranger").get(page(submitted)))


# --- supervision --------------------------------------------------------------------------------


def test_the_supervisor_sees_the_overdue_case(
    submitted: Case, cast: dict[str, Any], as_: Callable[[str], Client]
) -> None:
    with on(datetime.date(2026, 11, 2)):
        act(submitted, cast["clerk"], CaseAction.ACCEPT)  # due Thursday 5 November
    with on(datetime.date(2026, 11, 4)):
        assert str(submitted.number) not in text(as_("supervisor").get(OVERDUE))
        assert "临近期限" in text(as_("clerk").get(TO_DO))
    with on(datetime.date(2026, 11, 9)):
        shown = text(as_("supervisor").get(OVERDUE))
        assert "已超期" in text(as_("clerk").get(TO_DO))
    assert str(submitted.number) in shown
    assert "杭州市市场监督管理局" in shown
    assert "2 个工作日" in shown  # Friday 6th and Monday 9th


def test_overdue_supervision_needs_the_role(submitted: Case, assert_access: Any, cast: dict[str, Any]) -> None:
    assert_access(
        "get",
        OVERDUE,
        supervisor=(cast["supervisor"], 200),
        clerk=(cast["clerk"], 403),
        applicant=(cast["applicant"], 403),
        anonymous=302,
    )


# --- materials ----------------------------------------------------------------------------------


def test_a_material_is_downloaded_by_the_department_only_and_on_the_record(
    submitted: Case, uploaded: CaseMaterial, as_: Callable[[str], Client], cast: dict[str, Any], item: Any
) -> None:
    url = f"{page(submitted)}materials/{uploaded.uid}/"
    response = as_("clerk").get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    assert audit_events().filter(action="eservices.case.material.read", actor_id=cast["clerk"].pk).count() == 1
    assert as_("stranger").get(url).status_code == 404
    assert as_("applicant").get(url).status_code == 403  # the portal has the applicant's own link
    assert Client().get(url).status_code == 302
    # Another case's address with this file's id finds nothing.
    other = apply(cast["neighbour"], item)
    assert as_("clerk").get(f"{page(other)}materials/{uploaded.uid}/").status_code == 404
    assert audit_events().filter(action="eservices.case.material.read").count() == 1


# --- query counts -------------------------------------------------------------------------------


def _submit(cast: dict[str, Any], item: Any, count: int) -> list[Case]:
    return [apply(cast["applicant"], item) for _ in range(count)]


@pytest.mark.parametrize("url", [TO_DO, CASES])
def test_the_lists_read_the_same_number_of_queries_for_three_cases_or_eight(
    url: str, cast: dict[str, Any], item: Any, as_: Callable[[str], Client], django_assert_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _submit(cast, item, 3)
    clerk = as_("clerk")
    clerk.get(url)
    with CaptureQueriesContext(connection) as three:
        assert clerk.get(url).status_code == 200
    _submit(cast, item, 5)
    with django_assert_num_queries(len(three)):
        assert text(clerk.get(url)).count("/workbench/cases/") >= 8


def test_accepted_cases_in_the_to_do_list_read_no_more_queries(
    cast: dict[str, Any], item: Any, as_: Callable[[str], Client], django_assert_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for case in _submit(cast, item, 3):
        act(case, cast["clerk"], CaseAction.ACCEPT)
    clerk = as_("clerk")
    clerk.get(TO_DO)
    with CaptureQueriesContext(connection) as three:
        clerk.get(TO_DO)
    for case in _submit(cast, item, 5):
        act(case, cast["clerk"], CaseAction.ACCEPT)
    with django_assert_num_queries(len(three)):
        clerk.get(TO_DO)
