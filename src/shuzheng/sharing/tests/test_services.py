"""Requests from submission to grant: who may act at each step, deadlines on the working-day
calendar, overdue escalation, and grants that replace, suspend and revoke."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from shuzheng.catalog import services as catalog
from shuzheng.core.selectors import audit_events
from shuzheng.sharing import services
from shuzheng.sharing.choices import GrantStatus, RequestStatus
from shuzheng.sharing.models import Grant
from shuzheng.sharing.tests.conftest import submitted
from shuzheng.sharing.tests.factories import FIELDS, payload

pytestmark = pytest.mark.django_db
D = datetime.date
# 2026-09-30 is the Wednesday before the National Day holiday (1–7 October); Saturday
# 10 October is a working day in exchange.
EVE_OF_NATIONAL_DAY = datetime.datetime(2026, 9, 30, 10, tzinfo=datetime.UTC)


def test_a_conditional_request_goes_through_the_platform_then_the_owner(cast: dict[str, Any], register: Any) -> None:
    share = submitted(cast, register)
    assert share.status == RequestStatus.CHECKING
    assert share.number.startswith("GX")
    services.request_check(official=cast["platform"], share=share, passed=True)
    share.refresh_from_db()
    assert share.status == RequestStatus.WITH_PROVIDER
    services.request_decide(
        official=cast["provider"],
        share=share,
        approve=True,
        fields=["id_number", "name"],
        row_filter={"region": ["330106"]},
    )
    grant = Grant.objects.get(request=share)
    assert (grant.consumer, grant.fields, grant.row_filter) == (
        cast["consumer"].organisation,
        ["id_number", "name"],
        {"region": ["330106"]},
    )
    assert grant.status == GrantStatus.ACTIVE
    assert grant.valid_until == share.valid_until
    actions = set(audit_events().filter(object_id=share.number).values_list("action", flat=True))
    assert actions == {"sharing.request.submit", "sharing.request.check", "sharing.request.approve"}


def test_an_unconditionally_shared_dataset_is_granted_at_the_platforms_check(
    cast: dict[str, Any], make_organisation: Any
) -> None:
    market = make_organisation("杭州市市场监督管理局", "330100")
    open_register, _ = catalog.dataset_import_published(
        organisation=market,
        data=payload("企业基本信息", share_type="unconditional", grade="L1"),
        fields=[{**field, "grade": "L1", "identifies_person": False} for field in FIELDS],
        code="330100-000091",
    )
    share = submitted(cast, open_register)
    services.request_check(official=cast["platform"], share=share, passed=True)
    share.refresh_from_db()
    assert share.status == RequestStatus.GRANTED
    assert Grant.objects.filter(request=share).exists()


def test_data_that_is_not_shared_cannot_be_requested(cast: dict[str, Any], make_organisation: Any) -> None:
    tax = make_organisation("国家税务总局杭州市税务局", "330100")
    secret, _ = catalog.dataset_import_published(
        organisation=tax,
        data=payload("纳税明细", share_type="none", share_refusal_reason="涉及纳税人商业秘密"),
        fields=FIELDS,
        code="330100-000092",
    )
    with pytest.raises(services.SharingInvalid) as refused:
        submitted(cast, secret)
    assert refused.value.problems[0][1] == "not_shared"
    assert "商业秘密" in refused.value.problems[0][2]


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        ({"fields": []}, "fields"),
        ({"fields": ["salary"]}, "fields"),
        ({"purpose": "  "}, "purpose"),
        ({"legal_basis": ""}, "legal_basis"),
        ({"row_filter": {"region": []}}, "row_filter"),
        ({"row_filter": {"nothing": ["1"]}}, "row_filter"),
        ({"valid_until": D(2020, 1, 1)}, "valid_until"),
        ({"daily_calls": 0}, "daily_calls"),
    ],
)
def test_an_incomplete_request_is_refused_with_where(
    cast: dict[str, Any], register: Any, changes: dict[str, Any], where: str
) -> None:
    with pytest.raises(services.SharingInvalid) as refused:
        submitted(cast, register, **changes)
    assert [problem[0] for problem in refused.value.problems] == [where]


def test_a_second_submission_returns_the_open_request(cast: dict[str, Any], register: Any) -> None:
    first = submitted(cast, register)
    second, created = services.request_submit(
        official=cast["consumer"],
        dataset=register,
        fields=["name"],
        purpose="x",
        scenario="x",
        legal_basis="x",
        daily_calls=1,
        valid_until=timezone.localdate() + datetime.timedelta(days=30),
    )
    assert (second.pk, created) == (first.pk, False)


def test_only_the_right_people_act_at_each_step(cast: dict[str, Any], register: Any) -> None:
    with pytest.raises(services.SharingForbidden):
        submitted(cast, register, official=cast["bystander"])  # no role
    with pytest.raises(services.SharingInvalid):
        submitted(cast, register, official=cast["provider"])  # its own data
    share = submitted(cast, register)
    for user in (cast["provider"], cast["consumer"], cast["stranger"]):
        with pytest.raises(services.SharingForbidden):
            services.request_check(official=user, share=share, passed=True)
    services.request_check(official=cast["platform"], share=share, passed=True)
    for user in (cast["stranger"], cast["consumer"], cast["platform"]):  # DECIDE elsewhere, or none
        with pytest.raises(services.SharingForbidden):
            services.request_decide(official=user, share=share, approve=True)
    with pytest.raises(services.SharingForbidden):
        services.request_withdraw(official=cast["stranger"], share=share)


def test_a_refusal_needs_reasons_and_makes_no_grant(cast: dict[str, Any], register: Any) -> None:
    share = submitted(cast, register)
    services.request_check(official=cast["platform"], share=share, passed=True)
    with pytest.raises(services.SharingInvalid):
        services.request_decide(official=cast["provider"], share=share, approve=False, reason=" ")
    services.request_decide(official=cast["provider"], share=share, approve=False, reason="申请字段超出低保审核所需")
    share.refresh_from_db()
    assert share.status == RequestStatus.REFUSED
    assert not Grant.objects.exists()


def test_the_owner_cannot_grant_more_than_was_asked(cast: dict[str, Any], register: Any) -> None:
    share = submitted(cast, register, fields=["name"])
    services.request_check(official=cast["platform"], share=share, passed=True)
    with pytest.raises(services.SharingInvalid):
        services.request_decide(official=cast["provider"], share=share, approve=True, fields=["name", "id_number"])


def test_deadlines_run_on_working_days_across_the_national_day_holiday(cast: dict[str, Any], register: Any) -> None:
    with time_machine.travel(EVE_OF_NATIONAL_DAY, tick=False):
        share = submitted(cast, register)
    assert share.check_due == D(2026, 10, 9)  # 8 and 9 October: the holiday does not count
    with time_machine.travel(datetime.datetime(2026, 10, 9, 10, tzinfo=datetime.UTC), tick=False):
        services.request_check(official=cast["platform"], share=share, passed=True)
    share.refresh_from_db()
    assert share.answer_due == D(2026, 10, 15)  # Saturday 10 October is a working day


def test_data_still_to_be_published_gives_the_owner_ten_working_days(cast: dict[str, Any], register: Any) -> None:
    with time_machine.travel(datetime.datetime(2026, 10, 9, 10, tzinfo=datetime.UTC), tick=False):
        share = submitted(cast, register)
        services.request_check(official=cast["platform"], share=share, passed=True, needs_publishing=True)
    share.refresh_from_db()
    assert share.answer_due == D(2026, 10, 22)


def test_overdue_requests_are_escalated_once(cast: dict[str, Any], register: Any) -> None:
    with time_machine.travel(EVE_OF_NATIONAL_DAY, tick=False):
        share = submitted(cast, register)
    assert services.requests_escalate_overdue(today=D(2026, 10, 9)) == []  # due that day
    assert [s.pk for s in services.requests_escalate_overdue(today=D(2026, 10, 10))] == [share.pk]
    assert services.requests_escalate_overdue(today=D(2026, 10, 12)) == []
    share.refresh_from_db()
    assert share.escalated_at is not None
    assert audit_events().filter(action="sharing.request.escalate", object_id=share.number).count() == 1


def test_a_new_grant_replaces_the_one_in_force(cast: dict[str, Any], register: Any, granted: Any) -> None:
    share = submitted(cast, register, fields=["name"])
    services.request_check(official=cast["platform"], share=share, passed=True)
    services.request_decide(official=cast["provider"], share=share, approve=True)
    granted.refresh_from_db()
    assert granted.status == GrantStatus.REVOKED
    assert Grant.objects.exclude(status=GrantStatus.REVOKED).get().fields == ["name"]


def test_grants_are_suspended_resumed_and_revoked_by_the_owner_or_the_platform(
    cast: dict[str, Any], granted: Any
) -> None:
    for user in (cast["consumer"], cast["stranger"], cast["bystander"]):
        with pytest.raises(services.SharingForbidden):
            services.grant_set_status(official=user, grant=granted, status=GrantStatus.SUSPENDED, reason="核查")
    with pytest.raises(services.SharingInvalid):
        services.grant_set_status(official=cast["provider"], grant=granted, status=GrantStatus.SUSPENDED, reason="")
    services.grant_set_status(
        official=cast["provider"], grant=granted, status=GrantStatus.SUSPENDED, reason="核查调用异常"
    )
    services.grant_set_status(official=cast["platform"], grant=granted, status=GrantStatus.ACTIVE, reason="")
    services.grant_set_status(official=cast["platform"], grant=granted, status=GrantStatus.REVOKED, reason="超范围使用")
    with pytest.raises(services.SharingInvalid):
        services.grant_set_status(official=cast["provider"], grant=granted, status=GrantStatus.ACTIVE, reason="")
