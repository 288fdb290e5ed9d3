"""Authentication as Django does it; administrative permissions only from the 三员 duty.

Django's per-user and per-group permissions are ignored on purpose: through
them one administrator could hand themselves another's duties. What each
administrator may do in the admin site is this table, reviewed in one place.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from shuzheng.accounts.choices import AdministratorKind


def _perms(app: str, model: str, *verbs: str) -> set[str]:
    return {f"{app}.{verb}_{model}" for verb in verbs}


ADMINISTRATOR_PERMISSIONS: dict[str, frozenset[str]] = {
    # Accounts, organisations, reference data and client systems; never
    # roles, never the audit trail.
    AdministratorKind.SYSTEM: frozenset(
        _perms("accounts", "user", "view", "add", "change")
        | _perms("accounts", "organisation", "view", "add", "change")
        | _perms("accounts", "legalperson", "view", "add", "change")
        | _perms("accounts", "legalpersonmember", "view", "add", "change")
        | _perms("accounts", "delegation", "view")
        | _perms("accounts", "administrator", "view")
        | _perms("core", "region", "view")
        | _perms("core", "calendarday", "view", "add", "change", "delete")
        | _perms("oauth2_provider", "application", "view", "add", "change")
    ),
    # Who may do what: roles and grants, second factors, tokens, lockouts.
    AdministratorKind.SECURITY: frozenset(
        _perms("accounts", "user", "view")
        | _perms("accounts", "organisation", "view")
        | _perms("accounts", "role", "view", "add", "change")
        | _perms("accounts", "roleassignment", "view", "add", "change")
        | _perms("accounts", "apitoken", "view", "change")
        | _perms("accounts", "loginattempt", "view")
        | _perms("accounts", "administrator", "view")
        | _perms("otp_totp", "totpdevice", "view", "delete")
    ),
    # Reads the audit trail, and nothing else.
    AdministratorKind.AUDIT: frozenset(_perms("core", "auditevent", "view")),
}


def administrator_kind(user: Any) -> str | None:
    """The 三员 duty the user holds, if any (read once per user object)."""
    if not getattr(user, "is_authenticated", False) or user.pk is None:
        return None
    if not hasattr(user, "_shuzheng_administrator_kind"):
        from shuzheng.accounts.models import Administrator

        row = Administrator.objects.filter(user_id=user.pk).values_list("kind", flat=True).first()
        user._shuzheng_administrator_kind = row
    kind: str | None = user._shuzheng_administrator_kind
    return kind


class PlatformBackend(ModelBackend):
    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        kind = administrator_kind(user_obj)
        return set(ADMINISTRATOR_PERMISSIONS.get(kind, frozenset())) if kind else set()
