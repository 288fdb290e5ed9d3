"""Services not covered through pages: delegations, default role scopes, ID-number reads."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
import time_machine

from shuzheng.accounts import selectors, services
from shuzheng.accounts.models import Delegation, Role, User
from shuzheng.core.selectors import audit_events

pytestmark = pytest.mark.django_db


def test_delegation_lets_an_agent_act_until_it_ends(make_user: Callable[..., Any]) -> None:
    mother, son, stranger = make_user("mother"), make_user("son"), make_user("stranger")
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False) as clock:
        delegation = services.delegation_grant(principal=mother, agent=son, purpose="代办养老保险资格认证", days=30)
        assert selectors.delegation_active(agent=son, principal=mother) == delegation
        assert selectors.delegation_active(agent=stranger, principal=mother) is None
        assert selectors.delegation_active(agent=mother, principal=son) is None  # not the other way round
        clock.shift(datetime.timedelta(days=31))
        assert selectors.delegation_active(agent=son, principal=mother) is None
    assert audit_events(action="accounts.delegation.grant").exists()


def test_only_the_principal_revokes(make_user: Callable[..., Any]) -> None:
    mother, son = make_user("mother"), make_user("son")
    delegation = services.delegation_grant(principal=mother, agent=son, purpose="代办", days=7)
    with pytest.raises(services.AccountError):
        services.delegation_revoke(principal=son, delegation=delegation)
    services.delegation_revoke(principal=mother, delegation=delegation)
    assert selectors.delegation_active(agent=son, principal=mother) is None


@pytest.mark.parametrize(
    ("changes", "field"), [({"purpose": ""}, "purpose"), ({"purpose": "代" * 129}, "purpose"), ({"days": 0}, "days")]
)
def test_bad_delegations_are_refused(make_user: Callable[..., Any], changes: dict[str, Any], field: str) -> None:
    mother, son = make_user("mother"), make_user("son")
    arguments: dict[str, Any] = {"principal": mother, "agent": son, "purpose": "代办", "days": 7, **changes}
    with pytest.raises(services.AccountError) as caught:
        services.delegation_grant(**arguments)
    assert caught.value.field == field
    assert not Delegation.objects.exists()
    with pytest.raises(services.AccountError):
        services.delegation_grant(principal=mother, agent=mother, purpose="代办", days=7)


def test_a_role_defaults_to_the_region_of_the_officials_organisation(make_user: Callable[..., Any]) -> None:
    security = make_user("security", kind="official")
    services.administrator_appoint(user=security, kind="security")
    security = User.objects.get(pk=security.pk)
    clerk = make_user("clerk", kind="official")
    assignment = services.role_grant(granted_by=security, user=clerk, role=Role.objects.create(code="r", name="r"))
    assert assignment.scope_id == "330100"  # 杭州市市场监督管理局 is a city department


def test_reading_a_full_id_number_is_audited_with_its_purpose(make_user: Callable[..., Any]) -> None:
    citizen = make_user("someone", **services.id_number_fields("11010519491231002X"))
    clerk = make_user("clerk", kind="official")
    number = services.user_id_number(user=citizen, reader=clerk, purpose="核对申请人身份")
    assert number == "11010519491231002X"
    event = audit_events(action="accounts.user.id_number.read").get()
    assert event.purpose == "核对申请人身份"
    assert event.actor_username == "clerk"
    assert "11010519491231002X" not in str(event.detail) + event.object_id


def test_the_account_page_lists_delegations_both_ways(
    make_user: Callable[..., Any], signed_in: Callable[[Any], Any]
) -> None:
    mother, son = make_user("mother", name="周秀英"), make_user("son", name="周杰")
    services.delegation_grant(principal=mother, agent=son, purpose="代办养老保险资格认证", days=30)
    assert "委托 周杰 代办：代办养老保险资格认证" in signed_in(mother).get("/account/").content.decode()
    assert "受 周秀英 委托代办" in signed_in(son).get("/account/").content.decode()
