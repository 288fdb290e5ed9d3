"""Object-level authorisation: owner, member of the owning legal person, scoped role, outsider."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from shuzheng.accounts import selectors
from shuzheng.accounts.models import LegalPerson, LegalPersonMember, Role, RoleAssignment
from shuzheng.accounts.policies import region_prefix

pytestmark = pytest.mark.django_db
VIEW = "accounts.legalperson.view"


@pytest.fixture
def companies(make_user: Callable[..., Any]) -> dict[str, Any]:
    """A Hangzhou company (owned by alice), a Ningbo company, a company with no region."""
    alice = make_user("alice", kind="legal_person")
    hangzhou = LegalPerson.objects.create(
        uscc="91330100MA2H3X4Y6M", name="杭州甲公司", legal_representative_name="甲", region_id="330100"
    )
    ningbo = LegalPerson.objects.create(
        uscc="91330200MA2H3X4Y6M"[:17] + "X", name="宁波乙公司", legal_representative_name="乙", region_id="330200"
    )
    LegalPersonMember.objects.create(legal_person=hangzhou, user=alice, role="legal_representative")
    return {"alice": alice, "hangzhou": hangzhou, "ningbo": ningbo}


def grant(user: Any, scope: str, *, actions: tuple[str, ...] = (VIEW,), **extra: Any) -> RoleAssignment:
    role, _ = Role.objects.get_or_create(code="viewer", defaults={"name": "viewer", "actions": list(actions)})
    return RoleAssignment.objects.create(user=user, role=role, scope_id=scope, **extra)


def test_region_prefixes() -> None:
    assert region_prefix("330000") == "33"
    assert region_prefix("330100") == "3301"
    assert region_prefix("331000") == "3310"  # 台州, not "331"
    assert region_prefix("330106") == "330106"


def test_member_sees_own_company_only(companies: dict[str, Any], make_user: Callable[..., Any]) -> None:
    alice, hangzhou, ningbo = companies["alice"], companies["hangzhou"], companies["ningbo"]
    bob = make_user("bob", kind="legal_person")  # same kind of account, no relation
    assert selectors.user_can(alice, VIEW, hangzhou)
    assert not selectors.user_can(alice, VIEW, ningbo)
    assert not selectors.user_can(bob, VIEW, hangzhou)
    assert list(selectors.legal_persons_visible(user=alice)) == [hangzhou]
    assert list(selectors.legal_persons_visible(user=bob)) == []


def test_revoked_or_expired_membership_counts_for_nothing(companies: dict[str, Any]) -> None:
    alice, hangzhou = companies["alice"], companies["hangzhou"]
    LegalPersonMember.objects.filter(user=alice).update(valid_until=timezone.localdate() - datetime.timedelta(days=1))
    assert not selectors.user_can(alice, VIEW, hangzhou)
    assert not selectors.legal_persons_visible(user=alice).exists()


def test_official_sees_within_the_scope_of_a_role(companies: dict[str, Any], make_user: Callable[..., Any]) -> None:
    clerk = make_user("clerk", kind="official")
    assert not selectors.user_can(clerk, VIEW, companies["hangzhou"])  # no role yet
    grant(clerk, "330100")
    clerk = type(clerk).objects.get(pk=clerk.pk)  # grants are read once per user object
    assert selectors.user_can(clerk, VIEW, companies["hangzhou"])
    assert not selectors.user_can(clerk, VIEW, companies["ningbo"])
    assert list(selectors.legal_persons_visible(user=clerk)) == [companies["hangzhou"]]


def test_province_scope_covers_every_city(companies: dict[str, Any], make_user: Callable[..., Any]) -> None:
    leader = make_user("leader", kind="official")
    grant(leader, "330000")
    assert set(selectors.legal_persons_visible(user=leader)) == {companies["hangzhou"], companies["ningbo"]}


def test_county_scope_does_not_reach_the_city(companies: dict[str, Any], make_user: Callable[..., Any]) -> None:
    inspector = make_user("inspector", kind="official")
    grant(inspector, "330106")
    assert not selectors.user_can(inspector, VIEW, companies["hangzhou"])  # registered at city level


def test_revoked_and_expired_grants_count_for_nothing(companies: dict[str, Any], make_user: Callable[..., Any]) -> None:
    clerk = make_user("clerk", kind="official")
    grant(clerk, "330100", revoked_at=timezone.now())
    grant(clerk, "330000", expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert not selectors.user_can(clerk, VIEW, companies["hangzhou"])
    assert not selectors.legal_persons_visible(user=clerk).exists()


def test_anonymous_and_inactive_users_may_do_nothing(companies: dict[str, Any]) -> None:
    from django.contrib.auth.models import AnonymousUser

    alice = companies["alice"]
    assert not selectors.user_can(AnonymousUser(), VIEW, companies["hangzhou"])
    alice.is_active = False
    assert not selectors.user_can(alice, VIEW, companies["hangzhou"])
    assert not selectors.visible_to(AnonymousUser(), LegalPerson.objects.all(), VIEW).exists()


def test_unregistered_actions_are_a_programming_error(companies: dict[str, Any]) -> None:
    with pytest.raises(LookupError):
        selectors.user_can(companies["alice"], "accounts.legalperson.destroy", companies["hangzhou"])


def test_visible_list_costs_one_query(
    companies: dict[str, Any], make_user: Callable[..., Any], django_assert_num_queries: Any
) -> None:
    clerk = make_user("clerk", kind="official")
    grant(clerk, "330100")
    clerk = type(clerk).objects.get(pk=clerk.pk)
    with django_assert_num_queries(2):  # the grants once, then the list
        assert len(list(selectors.legal_persons_visible(user=clerk))) == 1
