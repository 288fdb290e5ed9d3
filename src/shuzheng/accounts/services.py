"""Writes of the user centre. Each is one transaction and leaves an audit record."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from shuzheng.accounts import policies
from shuzheng.accounts.backends import administrator_kind
from shuzheng.accounts.choices import AdministratorKind, MemberRole, UserKind
from shuzheng.accounts.identity import identity_verifier
from shuzheng.accounts.models import (
    Administrator,
    ApiToken,
    Delegation,
    LegalPerson,
    LegalPersonMember,
    LoginAttempt,
    Organisation,
    Role,
    RoleAssignment,
    User,
)
from shuzheng.core import crypto, identifiers
from shuzheng.core.audit import audit_record
from shuzheng.core.selectors import region_get

TOKEN_PREFIX = "szk"  # noqa: S105  (a label that marks our tokens in logs and scanners)
# What a machine client's token may be used for; endpoints name the scope they need.
API_SCOPES: dict[str, Promise] = {
    "profile": _("读取本人账号信息"),
}


class AccountError(ValueError):
    """A refused account change; ``field`` names the input at fault ("" for the whole request)."""

    def __init__(self, field: str, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.code = code


# --- registries (filled in AppConfig.ready) ---------------------------------------------


def action_register(code: str, name: Promise | str) -> None:
    """Declare an action that roles can grant, e.g. ``eservices.case.view``."""
    policies.action_register(code, name)


def api_scope_register(code: str, name: Promise) -> None:
    """Declare what tokens may be issued for, e.g. ``opendata`` (the open-data APIs)."""
    API_SCOPES[code] = name


# How a model's rows relate to people; part of this app's facade, for policy_register.
Policy = policies.Policy


def policy_register(model: type[Model], policy: policies.Policy) -> None:
    """Declare how a model's rows relate to owners and regions (see accounts.policies)."""
    policies.policy_register(model, policy)


# --- identity ----------------------------------------------------------------------------


def id_number_fields(id_number: str) -> dict[str, str]:
    """The stored forms of an ID number: ciphertext, blind index, masked."""
    return {
        "id_number_encrypted": crypto.encrypt(id_number, context="accounts.user.id_number"),
        "id_number_index": crypto.blind_index(id_number, context="accounts.user.id_number"),
        "id_number_masked": id_number[:6] + "*" * 8 + id_number[14:],
    }


@transaction.atomic
def user_register_natural_person(
    *, username: str, password: str, name: str, id_number: str, mobile: str, request: HttpRequest | None = None
) -> User:
    """A citizen signs up with their real name, verified against the population register."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    name = name.strip()
    if not 2 <= len(name) <= 64:
        raise AccountError("name", gettext("姓名应为 2 至 64 个字符"))
    try:
        resident = identifiers.parse_resident_id(id_number)
    except identifiers.InvalidIdentifier as exc:
        raise AccountError("id_number", exc.message, exc.code) from None
    try:
        mobile = identifiers.parse_mobile(mobile)
    except identifiers.InvalidIdentifier as exc:
        raise AccountError("mobile", exc.message, exc.code) from None
    verdict = identity_verifier().verify(name=name, id_number=resident.number)
    if verdict is None:
        raise AccountError("id_number", gettext("暂时无法核验该身份证号码，请稍后再试或到窗口办理"), "unverifiable")
    if verdict is False:
        raise AccountError("name", gettext("姓名与身份证号码不一致"), "name_mismatch")
    if User.objects.filter(username__iexact=username).exists():
        raise AccountError("username", gettext("该用户名已被使用"), "taken")
    user = User(
        username=username, name=name, kind=UserKind.NATURAL_PERSON, mobile=mobile, **id_number_fields(resident.number)
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise AccountError("password", " ".join(exc.messages), "weak_password") from None
    user.set_password(password)
    user.real_name_verified_at = timezone.now()
    _save_with_unique_id_number(user)
    audit_record(
        action="accounts.user.register", actor=user, object_type="accounts.user", object_id=user.pk, request=request
    )
    return user


@transaction.atomic
def user_save_by_administrator(*, user: User, id_number: str, by: User, request: HttpRequest | None = None) -> User:
    """The system administrator creates or corrects an account (the admin site's save)."""
    if administrator_kind(by) != AdministratorKind.SYSTEM:
        raise AccountError("", gettext("只有系统管理员可以维护账号"), "forbidden")
    created = user.pk is None
    if id_number:
        for field, value in id_number_fields(id_number).items():
            setattr(user, field, value)
    if not user.is_official:
        user.organisation = None
    _save_with_unique_id_number(user)
    audit_record(
        action="accounts.user.create" if created else "accounts.user.change",
        actor=by,
        role=AdministratorKind.SYSTEM,
        object_type="accounts.user",
        object_id=user.pk,
        request=request,
    )
    return user


def _save_with_unique_id_number(user: User) -> None:
    # The blind index is unique: a second account for one ID number fails here.
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise AccountError("id_number", gettext("该身份证号码已注册账号"), "registered") from None


def user_id_number(*, user: User, reader: User, purpose: str, request: HttpRequest | None = None) -> str:
    """The full ID number, for a stated purpose; every read is audited."""
    if not user.id_number_encrypted:
        return ""
    audit_record(
        action="accounts.user.id_number.read",
        actor=reader,
        object_type="accounts.user",
        object_id=user.pk,
        purpose=purpose,
        request=request,
    )
    return crypto.decrypt(user.id_number_encrypted, context="accounts.user.id_number")


# --- 三员 and roles -------------------------------------------------------------------------


@transaction.atomic
def administrator_appoint(*, user: User, kind: AdministratorKind | str, basis: str = "") -> Administrator:
    """Make an official one of the three administrators. The database refuses a second duty."""
    if not user.is_official:
        raise AccountError("user", gettext("只有工作人员可以担任管理员"))
    appointment = Administrator.objects.create(user=user, kind=kind, appointed_by=basis)
    User.objects.filter(pk=user.pk).update(is_staff=True)
    audit_record(
        action="accounts.administrator.appoint",
        object_type="accounts.user",
        object_id=user.pk,
        detail={"kind": str(kind), "basis": basis},
    )
    return appointment


@transaction.atomic
def role_grant(
    *,
    granted_by: User,
    user: User,
    role: Role,
    scope: Any = None,
    expires_at: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> RoleAssignment:
    """The security administrator grants an official a role within a region
    (by default the region of the official's organisation)."""
    if administrator_kind(granted_by) != AdministratorKind.SECURITY:
        raise AccountError("", gettext("只有安全管理员可以授权"), "forbidden")
    if granted_by.pk == user.pk:
        raise AccountError("user", gettext("不能给自己授权"), "self_grant")
    if not user.is_official:
        raise AccountError("user", gettext("只能向工作人员授予角色"))
    if scope is None:
        if user.organisation is None:
            raise AccountError("scope", gettext("该工作人员没有所属机构，请指定权限范围"))
        scope = user.organisation.region
    try:
        with transaction.atomic():
            assignment = RoleAssignment.objects.create(
                user=user, role=role, scope=scope, granted_by=granted_by, expires_at=expires_at
            )
    except IntegrityError:
        raise AccountError("role", gettext("该用户已在此范围内拥有该角色"), "duplicate") from None
    audit_record(
        action="accounts.role.grant",
        actor=granted_by,
        role=AdministratorKind.SECURITY,
        object_type="accounts.user",
        object_id=user.pk,
        detail={"role": role.code, "scope": str(getattr(scope, "pk", scope))},
        request=request,
    )
    return assignment


@transaction.atomic
def role_revoke(*, revoked_by: User, assignment: RoleAssignment, request: HttpRequest | None = None) -> None:
    """End a role grant now; the row stays, for the record."""
    if administrator_kind(revoked_by) != AdministratorKind.SECURITY:
        raise AccountError("", gettext("只有安全管理员可以撤销授权"), "forbidden")
    RoleAssignment.objects.filter(pk=assignment.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit_record(
        action="accounts.role.revoke",
        actor=revoked_by,
        role=AdministratorKind.SECURITY,
        object_type="accounts.user",
        object_id=assignment.user_id,
        detail={"role": assignment.role.code, "scope": assignment.scope_id},
        request=request,
    )


# --- 代办 ------------------------------------------------------------------------------------


@transaction.atomic
def delegation_grant(
    *, principal: User, agent: User, purpose: str, days: int, request: HttpRequest | None = None
) -> Delegation:
    """A person authorises another to act for them (e.g. an elderly parent, a child) for a while."""
    purpose = purpose.strip()
    if not purpose or len(purpose) > 128:
        raise AccountError("purpose", gettext("请写明代办事项（不超过 128 个字符）"))
    if principal.pk == agent.pk:
        raise AccountError("agent", gettext("不能委托自己"))
    if not 1 <= days <= settings.SHUZHENG_DELEGATION_MAX_DAYS:
        raise AccountError(
            "days", gettext("委托期限应为 1 至 %(max)d 天") % {"max": settings.SHUZHENG_DELEGATION_MAX_DAYS}
        )
    now = timezone.now()
    delegation = Delegation.objects.create(
        principal=principal,
        agent=agent,
        purpose=purpose,
        valid_from=now,
        valid_until=now + datetime.timedelta(days=days),
    )
    audit_record(
        action="accounts.delegation.grant",
        actor=principal,
        object_type="accounts.delegation",
        object_id=delegation.pk,
        detail={"agent": agent.pk, "purpose": purpose},
        request=request,
    )
    return delegation


@transaction.atomic
def delegation_revoke(*, principal: User, delegation: Delegation, request: HttpRequest | None = None) -> None:
    """The principal ends a delegation now."""
    if delegation.principal_id != principal.pk:
        raise AccountError("", gettext("只有委托人可以撤销委托"), "forbidden")
    Delegation.objects.filter(pk=delegation.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit_record(
        action="accounts.delegation.revoke",
        actor=principal,
        object_type="accounts.delegation",
        object_id=delegation.pk,
        request=request,
    )


# --- sign-in: lockout, second factor -------------------------------------------------------


def _username_index(username: str) -> str:
    return crypto.blind_index(username.strip().lower(), context="accounts.login.username")


def login_locked_until(*, username: str) -> datetime.datetime | None:
    """When a lockout on this username ends, or None. Unknown usernames lock the same way."""
    now = timezone.now()
    window = datetime.timedelta(minutes=settings.SHUZHENG_LOGIN_FAILURE_WINDOW_MINUTES)
    lockout = datetime.timedelta(minutes=settings.SHUZHENG_LOGIN_LOCKOUT_MINUTES)
    index = _username_index(username)
    last_success = (
        LoginAttempt.objects.filter(username_index=index, succeeded=True)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    failures = LoginAttempt.objects.filter(username_index=index, succeeded=False, at__gt=now - lockout - window)
    if last_success is not None:
        failures = failures.filter(at__gt=last_success)
    times = sorted(failures.values_list("at", flat=True))
    limit = settings.SHUZHENG_LOGIN_MAX_FAILURES
    # Locked when `limit` failures fall within one window; the lock runs from the last of them.
    for first, last in zip(times, times[limit - 1 :], strict=False):
        if last - first <= window and last + lockout > now:
            return last + lockout
    return None


def login_attempt_record(*, username: str, succeeded: bool, request: HttpRequest | None = None) -> None:
    """Remember one attempt (by a keyed hash of the username, never the text typed)."""
    ip = request.META.get("REMOTE_ADDR") if request is not None else None
    LoginAttempt.objects.create(username_index=_username_index(username), ip=ip, succeeded=succeeded)
    if not succeeded:
        audit_record(action="accounts.login", outcome="failed", object_type="accounts.login", request=request)


def user_requires_second_factor(user: Any) -> bool:
    """Officials and administrators sign in with a TOTP code as well as a password."""
    return bool(getattr(user, "is_official", False) or administrator_kind(user))


def totp_device_start(*, user: User) -> TOTPDevice:
    """Begin enrolment: an unconfirmed device whose secret the user scans."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise AccountError("", gettext("已绑定动态口令设备；如需更换，请联系安全管理员"), "already_enrolled")
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=gettext("动态口令"), confirmed=False)


@transaction.atomic
def totp_device_confirm(*, user: User, device: TOTPDevice, token: str, request: HttpRequest | None = None) -> None:
    """Finish enrolment once the user proves the device shows the right codes."""
    if device.user_id != user.pk or device.confirmed:
        raise AccountError("", gettext("该设备不能用于绑定"), "invalid_device")
    if not device.verify_token(token.strip()):
        raise AccountError("token", gettext("动态口令不正确或已过期"), "invalid_token")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(
        action="accounts.totp.enrol", actor=user, object_type="accounts.user", object_id=user.pk, request=request
    )


# --- API tokens ------------------------------------------------------------------------------


def _secret_hash(secret: str) -> str:
    # Tokens are 256 random bits: a fast hash suffices; a slow one would only slow every call.
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    plaintext: str  # shown once, never stored


@transaction.atomic
def api_token_create(
    *,
    user: User,
    name: str,
    scopes: list[str],
    days: int = 0,
    expires_at: datetime.datetime | None = None,
    request: HttpRequest | None = None,
) -> IssuedToken:
    """Issue a token for a machine client of this user, valid ``days`` or until ``expires_at``;
    the plaintext is returned once."""
    now = timezone.now()
    longest = datetime.timedelta(days=settings.SHUZHENG_API_TOKEN_MAX_DAYS)
    if expires_at is None:
        expires_at = now + datetime.timedelta(days=days)
    if not now < expires_at <= now + longest:
        raise AccountError(
            "days", gettext("有效期应为 1 至 %(max)d 天") % {"max": settings.SHUZHENG_API_TOKEN_MAX_DAYS}
        )
    unknown = sorted(set(scopes) - set(API_SCOPES))
    if unknown:
        raise AccountError("scopes", gettext("未知的权限范围：%(scopes)s") % {"scopes": ", ".join(unknown)})
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        prefix=prefix,
        secret_hash=_secret_hash(secret),
        scopes=sorted(set(scopes)),
        expires_at=expires_at,
    )
    audit_record(
        action="accounts.token.create", actor=user, object_type="accounts.apitoken", object_id=token.pk, request=request
    )
    return IssuedToken(token, f"{TOKEN_PREFIX}_{prefix}_{secret}")


@transaction.atomic
def api_token_revoke(*, user: User, token: ApiToken, request: HttpRequest | None = None) -> None:
    """Revoke a token now. Its owner or the security administrator may."""
    if token.user_id != user.pk and administrator_kind(user) != AdministratorKind.SECURITY:
        raise AccountError("", gettext("无权撤销该令牌"), "forbidden")
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit_record(
        action="accounts.token.revoke", actor=user, object_type="accounts.apitoken", object_id=token.pk, request=request
    )


def api_token_authenticate(*, raw: str, ip: str | None) -> ApiToken | None:
    """The usable token behind a bearer string, recording its use; None for anything else."""
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    try:  # the prefix is unique: no ordering to compile or sort, as ``first`` would have
        token = ApiToken.objects.select_related("user").get(prefix=parts[1])
    except ApiToken.DoesNotExist:
        return None
    if not secrets.compare_digest(token.secret_hash, _secret_hash(parts[2])):
        return None
    if not token.is_usable or not token.user.is_active:
        return None
    now = timezone.now()
    # One write a minute is enough to know when a token was last used.
    if (
        token.last_used_at is None
        or now - token.last_used_at > datetime.timedelta(minutes=1)
        or token.last_used_ip != ip
    ):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=ip)
    return token


# --- enterprises -------------------------------------------------------------------------------


@transaction.atomic
def legal_person_register(*, uscc: str, name: str, legal_representative: User) -> LegalPerson:
    """Record a legal person and its legal representative's account."""
    try:
        code = identifiers.parse_uscc(uscc).code
    except identifiers.InvalidIdentifier as exc:
        raise AccountError("uscc", exc.message, exc.code) from None
    legal_person, _created = LegalPerson.objects.get_or_create(
        uscc=code,
        defaults={
            "name": name,
            "legal_representative_name": legal_representative.name,
            "region": region_get(code=code[2:8]),
        },
    )
    LegalPersonMember.objects.get_or_create(
        legal_person=legal_person,
        user=legal_representative,
        revoked_at=None,
        defaults={"role": MemberRole.LEGAL_REPRESENTATIVE},
    )
    return legal_person


def organisation_get_or_create(*, name: str, kind: str, region: Any, parent: Organisation | None) -> Organisation:
    organisation, _created = Organisation.objects.get_or_create(
        region=region, name=name, defaults={"kind": kind, "parent": parent}
    )
    return organisation
