"""三员分立: each administrator does their own duty and nothing else."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from shuzheng.accounts import services
from shuzheng.accounts.models import Administrator, Role, User

pytestmark = pytest.mark.django_db

# Each administrative function, and the one duty allowed to perform it.
FUNCTIONS: dict[str, tuple[str, str, str | None]] = {
    # name: (method, url, the duty that may)
    "list users": ("get", "/admin/accounts/user/", "system"),  # security may view too (below)
    "add user": ("get", "/admin/accounts/user/add/", "system"),
    "add organisation": ("get", "/admin/accounts/organisation/add/", "system"),
    "edit calendar": ("get", "/admin/core/calendarday/add/", "system"),
    "define roles": ("get", "/admin/accounts/role/add/", "security"),
    "grant roles": ("get", "/admin/accounts/roleassignment/add/", "security"),
    "see login attempts": ("get", "/admin/accounts/loginattempt/", "security"),
    "reset second factors": ("get", "/admin/otp_totp/totpdevice/", "security"),
    "read audit in admin": ("get", "/admin/core/auditevent/", "audit"),
    "search audit trail": ("get", "/workbench/audit/", "audit"),
}
# Views a second duty may have without acting: the security administrator must see
# whom they grant roles to.
ALSO_VIEW = {("list users", "security")}


@pytest.fixture
def administrators(make_user: Callable[..., Any]) -> dict[str, User]:
    people = {}
    for kind in ("system", "security", "audit"):
        user = make_user(f"{kind}_admin", kind="official")
        services.administrator_appoint(user=user, kind=kind)
        people[kind] = User.objects.get(pk=user.pk)
    return people


def test_the_matrix_has_no_violations(administrators: dict[str, User], signed_in: Callable[[Any], Client]) -> None:
    violations = []
    for kind, user in administrators.items():
        client = signed_in(user)
        for name, (method, url, duty) in FUNCTIONS.items():
            allowed = duty == kind or (name, kind) in ALSO_VIEW
            status = getattr(client, method)(url).status_code
            if allowed != (status == 200):
                violations.append(f"{kind} administrator, {name}: {status}")
    assert violations == []


def test_an_official_without_a_duty_reaches_no_administrative_function(
    official: User, signed_in: Callable[[Any], Client]
) -> None:
    client = signed_in(official)
    for method, url, _duty in FUNCTIONS.values():
        assert getattr(client, method)(url).status_code in {302, 403}, url


def test_two_duties_on_one_account_fail_at_the_database(administrators: dict[str, User]) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Administrator.objects.create(user=administrators["system"], kind="audit")
    assert Administrator.objects.filter(user=administrators["system"]).count() == 1


def test_no_account_may_be_a_superuser(make_user: Callable[..., Any]) -> None:
    user = make_user("root", kind="official")
    user.is_superuser = True
    with pytest.raises(IntegrityError), transaction.atomic():
        user.save()


def test_only_the_security_administrator_grants_roles(
    administrators: dict[str, User], make_user: Callable[..., Any], organisation: Any
) -> None:
    clerk = make_user("clerk", kind="official")
    role = Role.objects.create(code="window_clerk", name="窗口受理人员")
    for kind in ("system", "audit"):
        with pytest.raises(services.AccountError):
            services.role_grant(granted_by=administrators[kind], user=clerk, role=role, scope=organisation.region)
    assignment = services.role_grant(
        granted_by=administrators["security"], user=clerk, role=role, scope=organisation.region
    )
    assert assignment.granted_by == administrators["security"]


def test_the_security_administrator_cannot_grant_to_themselves(
    administrators: dict[str, User], organisation: Any
) -> None:
    role = Role.objects.create(code="leader", name="领导")
    security = administrators["security"]
    with pytest.raises(services.AccountError, match="自己"):
        services.role_grant(granted_by=security, user=security, role=role, scope=organisation.region)


def test_appointment_needs_an_official(make_user: Callable[..., Any]) -> None:
    citizen = make_user("someone")
    with pytest.raises(services.AccountError):
        services.administrator_appoint(user=citizen, kind="audit")
