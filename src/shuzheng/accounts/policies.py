"""The one place that decides who may do what, on which object.

Two registries, filled by each app in ``AppConfig.ready()`` through
``accounts.services``:

- **actions** — every permission-bearing action, ``"<app>.<thing>.<verb>"``
  (``"eservices.case.view"``), with a name for the role editor;
- **policies** — per model, how a row relates to people: the path to its
  owner (a user), to an owning legal person (whose members act for it), and to
  its region (for the scope of officials' roles).

``can`` answers for one object, ``visible`` filters a queryset to the same
answer, so list pages and detail pages never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Policy:
    """How rows of one model relate to people."""

    # Paths from a row, in queryset-lookup form ("case__applicant"); "." is the row itself.
    owner: str | None = None  # to the owning user, e.g. "applicant"
    legal_person: str | None = None  # to the owning LegalPerson, e.g. "enterprise"
    region: str | None = None  # to the row's Region, e.g. "region"
    organisation: str | None = None  # to the owning Organisation, e.g. "organisation"
    owner_actions: frozenset[str] = field(default_factory=frozenset)
    # Actions an official may do only on rows of their own organisation, and
    # only with a role granting them (scope aside): a department's drafts are
    # its own, whoever else works in the same city.
    organisation_actions: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Grant:
    action: str
    scope: str  # a region code; the grant covers that region and all below it


_actions: dict[str, Promise | str] = {}
_policies: dict[type[Model], Policy] = {}


def action_register(code: str, name: Promise | str) -> None:
    if code.count(".") != 2:
        raise ValueError(f"action {code!r} must read <app>.<thing>.<verb>")
    _actions[code] = name


def actions() -> dict[str, Promise | str]:
    return dict(_actions)


def policy_register(model: type[Model], policy: Policy) -> None:
    unknown = set(policy.owner_actions | policy.organisation_actions) - set(_actions)
    if unknown:
        raise ValueError(f"register the actions {sorted(unknown)} before the policy of {model.__name__}")
    _policies[model] = policy


def policy_for(model: type[Model]) -> Policy:
    return _policies.get(model, Policy())


def region_prefix(code: str) -> str:
    """The code prefix shared by a region and everything below it (330100 → 3301)."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def grants(user: Any) -> list[Grant]:
    """The user's active role grants, read once per user object (one request)."""
    cached: list[Grant] | None = getattr(user, "_shuzheng_grants", None)
    if cached is not None:
        return cached
    from shuzheng.accounts.models import RoleAssignment

    now = timezone.now()
    # Two columns, not two models: this runs on nearly every request.
    assignments = (
        RoleAssignment.objects.filter(user=user, revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .values_list("role__actions", "scope_id")
    )
    result = [Grant(action, scope) for actions, scope in assignments for action in actions]
    user._shuzheng_grants = result
    return result


def _follow(obj: Any, path: str | None) -> Any:
    if path is None:
        return None
    if path == ".":
        return obj
    for part in path.split("__"):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def _follow_key(obj: Any, path: str | None) -> Any:
    """The primary key at the end of ``path``, read from the last foreign key's column where it is
    one, so that checking a row's organisation or region loads neither."""
    if path is None or path == ".":
        return getattr(_follow(obj, path), "pk", None)
    *parents, last = path.split("__")
    holder = _follow(obj, "__".join(parents)) if parents else obj
    if holder is None:
        return None
    field = next((f for f in holder._meta.concrete_fields if f.name == last and f.is_relation), None)
    if field is not None:
        return getattr(holder, field.attname)
    value = getattr(holder, last, None)
    return getattr(value, "pk", value)


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def can(user: Any, action: str, obj: Model | None = None) -> bool:
    """Whether ``user`` may do ``action`` (on ``obj``, if given)."""
    if action not in _actions:
        raise LookupError(f"unregistered action {action!r}")
    if not _active(user):
        return False
    user_grants = [grant for grant in grants(user) if grant.action == action]
    if obj is None:
        return bool(user_grants)
    policy = policy_for(type(obj))
    if action in policy.owner_actions and _owns(user, obj, policy):
        return True
    if action in policy.organisation_actions:
        organisation_id = _follow_key(obj, policy.organisation)
        return bool(user_grants) and organisation_id is not None and organisation_id == user.organisation_id
    region_code = _follow_key(obj, policy.region)
    if region_code is None:
        return False
    return any(str(region_code).startswith(region_prefix(grant.scope)) for grant in user_grants)


def _owns(user: Any, obj: Model, policy: Policy) -> bool:
    owner = _follow(obj, policy.owner)
    if owner is not None and owner.pk == user.pk:
        return True
    legal_person = _follow(obj, policy.legal_person)
    if legal_person is None:
        return False
    return _active_members().filter(legal_person=legal_person, user=user).exists()


def _active_members() -> QuerySet[Any]:
    from shuzheng.accounts.models import LegalPersonMember

    today = timezone.localdate()
    return LegalPersonMember.objects.filter(revoked_at__isnull=True).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )


def visible(user: Any, queryset: QuerySet[M], action: str) -> QuerySet[M]:
    """The rows of ``queryset`` on which ``user`` may do ``action``."""
    if action not in _actions:
        raise LookupError(f"unregistered action {action!r}")
    if not _active(user):
        return queryset.none()
    policy = policy_for(queryset.model)
    if action in policy.organisation_actions:
        if not policy.organisation or not _scopes(user, action) or user.organisation_id is None:
            return queryset.none()
        return queryset.filter(**{_lookup(policy.organisation, "exact"): user.organisation_id})
    condition = Q(pk__in=[])
    if action in policy.owner_actions:
        if policy.owner:
            condition |= Q(**{_lookup(policy.owner, "exact"): user.pk})
        if policy.legal_person:
            member_of = _active_members().filter(user=user).values("legal_person")
            condition |= Q(**{_lookup(policy.legal_person, "in"): member_of})
    if policy.region:
        for scope in _scopes(user, action):
            condition |= Q(**{_lookup(policy.region, "pk__startswith"): region_prefix(scope)})
    return queryset.filter(condition)


def _lookup(path: str, lookup: str) -> str:
    return f"{'pk' if path == '.' else path}__{lookup}"


def _scopes(user: Any, action: str) -> Iterable[str]:
    return sorted({grant.scope for grant in grants(user) if grant.action == action})
