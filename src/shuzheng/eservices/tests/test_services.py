from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from shuzheng.core.errors import Problem
from shuzheng.eservices import selectors, services
from shuzheng.eservices.choices import CaseAction, CaseStatus, DeadlineWarning, VersionStatus
from shuzheng.eservices.models import Case, CaseEvent, SubmissionKey
from shuzheng.eservices.services import cases
from shuzheng.eservices.tests.conftest import act, apply
from shuzheng.eservices.tests.factories import FORM, definition

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def on(day: datetime.date) -> Any:
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, 10, 0, tzinfo=SHANGHAI), tick=False)


def codes(problem: pytest.ExceptionInfo[Problem]) -> set[tuple[str, str]]:
    return {(error["field"], error["code"]) for error in problem.value.errors}


# --- items ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"promised_days": 20}, "body"),  # promised longer than legal
        ({"max_visits": 1, "visit_reason": "须核验原件"}, "max_visits"),  # 全程网办 with a visit
        ({"risk_domains": ["health_life"]}, "body"),  # pledge in a health item
        ({"basic_code": "123"}, "basic_code"),
        ({"online_depth": "9"}, "online_depth"),
        ({"steps": [{"code": "review", "name": "审查", "stage": "review"}]}, "body"),  # must start with 受理
    ],
)
def test_an_item_breaking_the_rules_is_refused_with_the_field(
    cast: dict[str, Any], changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(Problem) as problem:
        services.item_draft_save(definition=definition(**changes), user=cast["clerk"])
    assert problem.value.status == 422
    assert field in {error["field"] for error in problem.value.errors}


def test_a_form_that_is_not_json_schema_is_refused(cast: dict[str, Any]) -> None:
    form = {"schema": {"type": "object", "properties": {"a": {"type": "nonsense"}}}}
    with pytest.raises(Problem):
        services.item_draft_save(definition=definition(form=form), user=cast["clerk"])


def test_only_the_department_drafts_its_items_and_another_official_publishes(cast: dict[str, Any], grant: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.item_draft_save(definition=definition(), user=cast["stranger"])
    version = services.item_draft_save(definition=definition(), user=cast["reviewer"])
    assert version.status == VersionStatus.DRAFT
    assert version.number == 1
    assert len(version.item.implementation_code) == 36
    services.version_submit(version=version, user=cast["reviewer"])
    with pytest.raises(Problem) as problem:  # four eyes
        services.version_review(version=version, user=cast["reviewer"], approve=True)
    assert codes(problem) == {("body", "own_draft")}
    for who in ("clerk", "stranger"):  # no reviewing role; another department
        with pytest.raises(PermissionDenied):
            services.version_review(version=version, user=cast[who], approve=True)
    grant(cast["clerk"], selectors.ITEM_REVIEW)
    clerk = type(cast["clerk"]).objects.get(pk=cast["clerk"].pk)  # roles are read once per user object
    services.version_review(version=version, user=clerk, approve=True)
    version.item.refresh_from_db()
    assert version.item.published == version


def test_a_published_version_never_changes_a_new_draft_is_the_next_version(
    cast: dict[str, Any], item: Any, submitted: Case
) -> None:
    first = item.published
    draft = services.item_draft_save(definition=definition(promised_days=1), user=cast["clerk"])
    assert draft.number == 2
    assert draft.pk != first.pk
    first.refresh_from_db()
    assert first.definition["promised_days"] == 3
    services.version_submit(version=draft, user=cast["clerk"])
    services.version_review(version=draft, user=cast["reviewer"], approve=True)
    first.refresh_from_db()
    item.refresh_from_db()
    assert (first.status, item.published_id) == (VersionStatus.RETIRED, draft.pk)
    # The open case keeps the version it was made under.
    submitted.refresh_from_db()
    assert submitted.version_id == first.pk


def test_the_portal_shows_the_implementation_of_the_applicants_region(
    cast: dict[str, Any], item: Any, make_organisation: Any
) -> None:
    make_organisation("杭州市西湖区市场监督管理局", "330106")
    district = services.item_draft_save(definition=definition(department="杭州市西湖区市场监督管理局", region="330106"))
    services.version_publish_unreviewed(version=district)
    names = {item.region_id for item in selectors.items_for_region(region="330106")}
    assert names == {"330106"}
    assert {item.region_id for item in selectors.items_for_region(region="330102")} == {"330100"}


# --- submission -----------------------------------------------------------------------------


def test_submission_checks_the_form_on_the_server(cast: dict[str, Any], item: Any) -> None:
    bad = {"shop_name": "店" * 51, "employees": "三个"}
    with pytest.raises(Problem) as problem:
        services.case_submit(applicant=cast["applicant"], item=item, data=bad, pledge=True)
    assert {
        ("data.shop_name", "maxLength"),
        ("data.employees", "type"),
        ("data.scope", "required"),
        ("data.address", "required"),
    } <= codes(problem)
    assert not Case.objects.exists()


def test_required_materials_are_asked_for_unless_a_pledge_replaces_them(cast: dict[str, Any], item: Any) -> None:
    with pytest.raises(Problem) as problem:
        services.case_submit(applicant=cast["applicant"], item=item, data=FORM)
    # The ID card is held by the government: never asked of the applicant.
    assert codes(problem) == {("materials.premises", "required")}
    case = apply(cast["applicant"], item)
    assert (case.status, case.step, case.pledged) == (CaseStatus.SUBMITTED, "accept", False)
    assert case.number is not None
    assert case.number.startswith("330100")
    assert len(case.number) == 24


def test_an_enterprise_item_needs_an_enterprise(cast: dict[str, Any], item: Any) -> None:
    version = services.item_draft_save(definition=definition(service_object="enterprise"), user=cast["clerk"])
    services.version_publish_unreviewed(version=version)
    item.refresh_from_db()
    with pytest.raises(Problem) as problem:
        services.case_submit(applicant=cast["applicant"], item=item, data=FORM, pledge=True)
    assert codes(problem) == {("legal_person", "required")}


def test_the_same_key_and_body_give_the_same_case(cast: dict[str, Any], item: Any) -> None:
    first = services.case_submit(applicant=cast["applicant"], item=item, data=FORM, pledge=True, idempotency_key="k1")
    again = services.case_submit(applicant=cast["applicant"], item=item, data=FORM, pledge=True, idempotency_key="k1")
    assert again.pk == first.pk
    assert Case.objects.count() == 1
    # Keys are the applicant's own: another person's same key is another case.
    other = services.case_submit(applicant=cast["neighbour"], item=item, data=FORM, pledge=True, idempotency_key="k1")
    assert other.pk != first.pk


def test_the_same_key_with_another_body_is_refused(cast: dict[str, Any], item: Any) -> None:
    services.case_submit(applicant=cast["applicant"], item=item, data=FORM, pledge=True, idempotency_key="k1")
    with pytest.raises(Problem) as problem:
        services.case_submit(
            applicant=cast["applicant"], item=item, data={**FORM, "scope": "零售"}, pledge=True, idempotency_key="k1"
        )
    assert problem.value.status == 422
    assert Case.objects.count() == 1


def test_a_retry_racing_the_first_attempt_is_told_to_wait(cast: dict[str, Any], item: Any, settings: Any) -> None:
    body = cases._body_hash(item, FORM, None, True)
    SubmissionKey.objects.create(applicant=cast["applicant"], key="k1", body_hash=body)
    with pytest.raises(Problem) as problem:
        services.case_submit(applicant=cast["applicant"], item=item, data=FORM, pledge=True, idempotency_key="k1")
    assert problem.value.status == 409
    # An attempt that died long ago is taken over.
    settings.SHUZHENG_IDEMPOTENCY_STALE_SECONDS = 0
    case = services.case_submit(applicant=cast["applicant"], item=item, data=FORM, pledge=True, idempotency_key="k1")
    assert SubmissionKey.objects.get(key="k1").case == case


def test_a_refused_submission_frees_its_key(cast: dict[str, Any], item: Any) -> None:
    with pytest.raises(Problem):
        services.case_submit(applicant=cast["applicant"], item=item, data={}, pledge=True, idempotency_key="k1")
    assert not SubmissionKey.objects.exists()


# --- the workflow ---------------------------------------------------------------------------


def test_a_case_runs_from_acceptance_to_its_result_and_its_history_says_so(
    cast: dict[str, Any], submitted: Case
) -> None:
    clerk = cast["clerk"]
    case = act(submitted, clerk, CaseAction.ACCEPT)
    assert (case.status, case.step) == (CaseStatus.PROCESSING, "review")
    case = act(case, clerk, CaseAction.APPROVE)
    case = act(case, clerk, CaseAction.APPROVE)
    assert case.step == "deliver"
    case = act(case, clerk, CaseAction.APPROVE)
    assert (case.status, case.result) == (CaseStatus.COMPLETED, "营业执照")
    actions = list(selectors.case_events(case=case).values_list("action", flat=True))
    assert actions == ["submit", "accept", "approve", "approve", "approve"]
    assert case.revision == 5


def test_deadlines_run_on_working_days_across_the_national_day(cast: dict[str, Any], submitted: Case) -> None:
    # 2026: 1–7 October off; Saturday 10 October is a working day.
    with on(datetime.date(2026, 9, 30)):
        case = act(submitted, cast["clerk"], CaseAction.ACCEPT)
    assert case.accepted_on == datetime.date(2026, 9, 30)
    assert case.promised_due == datetime.date(2026, 10, 10)
    assert case.legal_due == datetime.date(2026, 10, 27)
    assert case.due == case.promised_due


def test_a_correction_stops_the_clock(cast: dict[str, Any], submitted: Case) -> None:
    with on(datetime.date(2026, 9, 30)):
        case = act(submitted, cast["clerk"], CaseAction.ACCEPT)
    with on(datetime.date(2026, 10, 9)):
        case = act(case, cast["clerk"], CaseAction.CORRECTION_REQUEST, note="经营场所地址与证明不一致")
    assert (case.status, case.paused_on) == (CaseStatus.CORRECTION, datetime.date(2026, 10, 9))
    assert selectors.case_warning(case, datetime.date(2026, 10, 13)) == DeadlineWarning.NONE
    with on(datetime.date(2026, 10, 13)):
        case = act(case, cast["applicant"], CaseAction.CORRECTION_SUBMIT, data={**FORM, "address": "文三路 92 号"})
    # Stopped from Friday 9th to Tuesday 13th: Saturday 10th (a working day), Monday and Tuesday.
    assert (case.status, case.paused_on, case.data["address"]) == (CaseStatus.PROCESSING, None, "文三路 92 号")
    assert case.promised_due == datetime.date(2026, 10, 14)
    assert case.legal_due == datetime.date(2026, 10, 30)


def test_a_correction_before_acceptance_does_not_touch_any_clock(cast: dict[str, Any], submitted: Case) -> None:
    case = act(submitted, cast["clerk"], CaseAction.CORRECTION_REQUEST, note="请补充门店照片")
    assert case.paused_on is None
    case = act(case, cast["applicant"], CaseAction.CORRECTION_SUBMIT)
    assert (case.status, case.promised_due) == (CaseStatus.SUBMITTED, None)


def test_a_special_procedure_stops_the_clock_too(cast: dict[str, Any], submitted: Case) -> None:
    with on(datetime.date(2026, 11, 2)):
        case = act(submitted, cast["clerk"], CaseAction.ACCEPT)
        with pytest.raises(Problem):
            act(case, cast["clerk"], CaseAction.SUSPEND, note="组织听证")  # which procedure?
        case = act(case, cast["clerk"], CaseAction.SUSPEND, note="组织听证", detail={"kind": "hearing"})
    assert case.promised_due == datetime.date(2026, 11, 5)
    with on(datetime.date(2026, 11, 9)):
        case = act(case, cast["clerk"], CaseAction.RESUME)
    assert case.promised_due == datetime.date(2026, 11, 12)  # 3rd–9th: five working days


def test_yellow_before_the_deadline_red_after_and_the_supervisor_sees_it(cast: dict[str, Any], submitted: Case) -> None:
    with on(datetime.date(2026, 11, 2)):
        case = act(submitted, cast["clerk"], CaseAction.ACCEPT)
    assert case.promised_due == datetime.date(2026, 11, 5)
    assert selectors.case_warning(case, datetime.date(2026, 11, 2)) == DeadlineWarning.NONE
    assert selectors.case_warning(case, datetime.date(2026, 11, 3)) == DeadlineWarning.YELLOW
    assert selectors.case_warning(case, datetime.date(2026, 11, 6)) == DeadlineWarning.RED
    late = datetime.date(2026, 11, 6)
    assert list(selectors.cases_overdue(user=cast["supervisor"], today=late)) == [case]
    assert list(selectors.cases_overdue(user=cast["supervisor"], today=datetime.date(2026, 11, 5))) == []
    assert list(selectors.cases_overdue(user=cast["clerk"], today=late)) == []  # no supervising role


def test_a_stale_revision_changes_nothing(cast: dict[str, Any], submitted: Case) -> None:
    seen = submitted.revision
    services.case_act(case=submitted, user=cast["clerk"], action=CaseAction.ACCEPT, revision=seen)
    with pytest.raises(Problem) as problem:
        services.case_act(case=submitted, user=cast["clerk"], action=CaseAction.REJECT, revision=seen, note="材料不全")
    assert problem.value.status == 409
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.PROCESSING
    assert CaseEvent.objects.filter(case=submitted, action=CaseAction.REJECT).count() == 0


@pytest.mark.parametrize("who", ["stranger", "applicant", "neighbour", "supervisor"])
def test_only_an_official_of_the_department_acts_on_its_cases(cast: dict[str, Any], submitted: Case, who: str) -> None:
    with pytest.raises(PermissionDenied):
        act(submitted, cast[who], CaseAction.ACCEPT)
    assert selectors.case_for_official(user=cast[who], uid=submitted.uid) is None


def test_only_the_applicant_withdraws_or_corrects(cast: dict[str, Any], submitted: Case) -> None:
    for who in ("neighbour", "clerk"):
        with pytest.raises(PermissionDenied):
            act(submitted, cast[who], CaseAction.WITHDRAW)
    case = act(submitted, cast["applicant"], CaseAction.WITHDRAW)
    assert case.status == CaseStatus.WITHDRAWN
    assert case.finished_at is not None


def test_illegal_transitions_are_refused_clearly(cast: dict[str, Any], submitted: Case) -> None:
    with pytest.raises(Problem) as problem:
        act(submitted, cast["clerk"], CaseAction.APPROVE)  # not accepted yet
    assert codes(problem) == {("action", "not_allowed")}
    with pytest.raises(Problem) as problem:
        act(submitted, cast["clerk"], CaseAction.REJECT)  # no reason given
    assert codes(problem) == {("note", "required")}
    case = act(submitted, cast["clerk"], CaseAction.ACCEPT)
    with pytest.raises(Problem) as problem:
        act(case, cast["clerk"], CaseAction.RETURN, note="重新受理")  # nothing before review but 受理
    assert codes(problem) == {("body", "first_step")}


def test_return_and_transfer(cast: dict[str, Any], submitted: Case) -> None:
    clerk = cast["clerk"]
    case = act(
        act(act(submitted, clerk, CaseAction.ACCEPT), clerk, CaseAction.APPROVE),
        clerk,
        CaseAction.RETURN,
        note="审查意见不完整",
    )
    assert case.step == "review"
    civil = cast["stranger"].organisation
    case = act(case, clerk, CaseAction.TRANSFER, note="属民政部门职责", detail={"organisation": civil})
    assert case.organisation == civil
    # Now the other department's clerk handles it, and the first no longer can.
    assert selectors.case_for_official(user=cast["stranger"], uid=case.uid) is not None
    assert selectors.case_for_official(user=clerk, uid=case.uid) is None
    event = selectors.case_events(case=case).last()
    assert event is not None
    assert event.detail == {"organisation": civil.pk}


def test_the_to_do_list_puts_the_most_urgent_first(cast: dict[str, Any], item: Any) -> None:
    with on(datetime.date(2026, 11, 2)):
        first = apply(cast["applicant"], item)
    with on(datetime.date(2026, 11, 3)):
        second = apply(cast["neighbour"], item)
        second = act(second, cast["clerk"], CaseAction.ACCEPT)  # due 6 November
    assert [case.pk for case in selectors.todo_of(user=cast["clerk"])] == [first.pk, second.pk]
    assert selectors.todo_of(user=cast["stranger"]) == []


def test_the_applicant_sees_their_cases_and_no_one_elses(cast: dict[str, Any], submitted: Case) -> None:
    assert list(selectors.cases_of_applicant(user=cast["applicant"])) == [submitted]
    assert list(selectors.cases_of_applicant(user=cast["neighbour"])) == []
    assert selectors.case_of_applicant(user=cast["clerk"], uid=submitted.uid) is None


def test_the_applicant_is_told_of_each_official_step(cast: dict[str, Any], submitted: Case) -> None:
    from shuzheng.core.selectors import messages_of

    act(submitted, cast["clerk"], CaseAction.CORRECTION_REQUEST, note="请补充门店照片")
    subjects = [message.subject for message in messages_of(user=cast["applicant"])]
    assert any("要求补正" in subject for subject in subjects)
    assert any("提交申请" in subject for subject in subjects)


def test_the_official_is_told_when_the_applicant_corrects(cast: dict[str, Any], submitted: Case) -> None:
    from shuzheng.core.selectors import messages_of

    case = act(submitted, cast["clerk"], CaseAction.CORRECTION_REQUEST, note="请补充门店照片")
    act(case, cast["applicant"], CaseAction.CORRECTION_SUBMIT)
    (message,) = messages_of(user=cast["clerk"])
    assert "提交补正" in message.subject
    assert message.link == f"/workbench/cases/{case.uid}/"
