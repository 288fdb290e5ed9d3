"""Reads of the user centre, and the authorisation questions every app asks."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from shuzheng.accounts import policies
from shuzheng.accounts.backends import administrator_kind as _administrator_kind

# The demo province's generated residents, for other apps' demo data.
from shuzheng.accounts.identity import demo_residents as demo_residents
from shuzheng.accounts.models import ApiToken, Delegation, LegalPerson, LegalPersonMember, Organisation, RoleAssignment
from shuzheng.core import crypto

M = TypeVar("M", bound=Model)


def user_is_official(user: Any) -> bool:
    """Whether the user may enter the officials' workbench."""
    return bool(user.is_authenticated and getattr(user, "is_official", False))


def user_can(user: Any, action: str, obj: Model | None = None) -> bool:
    """May ``user`` do ``action`` (on ``obj``)? As owner, as a member of the owning
    legal person, or through a role whose scope covers the object's region."""
    return policies.can(user, action, obj)


def visible_to(user: Any, queryset: QuerySet[M], action: str) -> QuerySet[M]:
    """``queryset`` narrowed to the rows on which ``user`` may do ``action``."""
    return policies.visible(user, queryset, action)


def administrator_kind(user: Any) -> str | None:
    """The 三员 duty the user holds: "system", "security", "audit" or None."""
    return _administrator_kind(user)


def role_assignments_of(*, user: Any) -> QuerySet[RoleAssignment]:
    """The user's roles in force, with their scopes."""
    now = timezone.now()
    return (
        RoleAssignment.objects.filter(user=user, revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .select_related("role", "scope")
        .order_by("role__code")
    )


def memberships_of(*, user: Any) -> QuerySet[LegalPersonMember]:
    """The legal persons the user acts for, and in what capacity."""
    today = timezone.localdate()
    return (
        LegalPersonMember.objects.filter(user=user, revoked_at__isnull=True)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .select_related("legal_person")
        .order_by("legal_person__name")
    )


def legal_person_represented(*, user: Any, uscc: str) -> LegalPerson | None:
    """The enterprise of that credit code, if the user acts for it now."""
    member = memberships_of(user=user).filter(legal_person__uscc=uscc.strip().upper()).first()
    return member.legal_person if member is not None else None


def legal_persons_visible(*, user: Any) -> QuerySet[LegalPerson]:
    return visible_to(user, LegalPerson.objects.order_by("name"), "accounts.legalperson.view")


def delegation_active(*, agent: Any, principal: Any) -> Delegation | None:
    """The delegation in force that lets ``agent`` act for ``principal``, if any.

    Apps call this before acting on someone's behalf, and record the principal
    in the audit trail (``on_behalf_of``).
    """
    now = timezone.now()
    return (
        Delegation.objects.filter(
            agent=agent, principal=principal, revoked_at__isnull=True, valid_from__lte=now, valid_until__gt=now
        )
        .order_by("-valid_until")
        .first()
    )


def delegations_of(*, user: Any) -> QuerySet[Delegation]:
    """Delegations in force that the user gave or received."""
    now = timezone.now()
    return (
        Delegation.objects.filter(Q(principal=user) | Q(agent=user), revoked_at__isnull=True, valid_until__gt=now)
        .select_related("principal", "agent")
        .order_by("valid_until")
    )


def api_tokens_of(*, user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def token_lacks_scope(request: Any, scope: str) -> bool:
    """Whether the caller came with an API token that does not carry ``scope``; a signed-in
    person acts with all of their own rights."""
    auth = getattr(request, "auth", None)
    return isinstance(auth, ApiToken) and scope not in auth.scopes


def organisation_get(*, pk: int) -> Organisation | None:
    return Organisation.objects.select_related("region").filter(pk=pk).first()


# The keyed indexes other apps record against a person or an enterprise (the sharing call log), so
# that they can show people what concerns them without holding their ID numbers or credit codes.
# A person's is the index the user centre already keeps of its users' ID numbers.
_PERSON_INDEX = "accounts.user.id_number"
_ENTERPRISE_INDEX = "accounts.legalperson.uscc"


def identity_index(*, id_number: str = "", uscc: str = "") -> str:
    """The index of one ID number or one credit code (upper-case, as issued)."""
    if id_number:
        return crypto.blind_index(id_number.strip().upper(), context=_PERSON_INDEX)
    return crypto.blind_index(uscc.strip().upper(), context=_ENTERPRISE_INDEX)


def identity_indexes_of(*, user: Any) -> list[str]:
    """The indexes of the user and of every enterprise they act for."""
    indexes = [user.id_number_index] if getattr(user, "id_number_index", "") else []
    return indexes + [identity_index(uscc=member.legal_person.uscc) for member in memberships_of(user=user)]


def organisation_find(*, name: str, region: str) -> Organisation | None:
    """The active body of that full name in that region."""
    return Organisation.objects.filter(name=name, region_id=region, is_active=True).first()


def organisations_active(*, region: str = "", exclude: int | None = None) -> QuerySet[Organisation]:
    """The government bodies in service, by name: those of one region if given, less one (a case
    is transferred to a body beside the one handling it)."""
    organisations = Organisation.objects.filter(is_active=True)
    if region:
        organisations = organisations.filter(region_id=region)
    if exclude is not None:
        organisations = organisations.exclude(pk=exclude)
    return organisations.order_by("name")


def officials_holding(*, organisation_id: int, action: str) -> list[Any]:
    """The active officials of an organisation whose roles (in force) grant ``action``."""
    now = timezone.now()
    assignments = (
        RoleAssignment.objects.filter(
            user__organisation_id=organisation_id, user__is_active=True, revoked_at__isnull=True
        )
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .select_related("user", "role")
        .order_by("user_id")
    )
    holders = {assignment.user_id: assignment.user for assignment in assignments if action in assignment.role.actions}
    return list(holders.values())
