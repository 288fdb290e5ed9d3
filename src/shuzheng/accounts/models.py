from __future__ import annotations

import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shuzheng.accounts.choices import AdministratorKind, MemberRole, OrganisationKind, UserKind


def new_subject() -> str:
    return secrets.token_hex(16)


class Organisation(models.Model):
    """A government body: a people's government, a department or a subdistrict, in one tree.

    Its region bounds what its officials see by default (an official of a city
    department sees that city).
    """

    name = models.CharField(_("名称"), max_length=128)
    kind = models.CharField(_("类型"), max_length=16, choices=OrganisationKind.choices)
    region = models.ForeignKey("core.Region", verbose_name=_("所在区划"), on_delete=models.PROTECT)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级机构"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "机构")
        verbose_name_plural = pgettext_lazy("models", "机构")
        ordering = ["region_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="organisation_unique_name_in_region"),
            models.UniqueConstraint(fields=["uscc"], condition=~Q(uscc=""), name="organisation_unique_uscc"),
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """An account: a citizen, an enterprise user or an official.

    The kind decides which face of the platform the account may enter: the
    portal is for everyone, the workbench for officials only. The ID number is
    stored encrypted (SM4) with a blind index for lookups; only its masked
    form is ever shown.
    """

    name = models.CharField(_("姓名"), max_length=64, blank=True)
    kind = models.CharField(_("用户类型"), max_length=16, choices=UserKind.choices, default=UserKind.NATURAL_PERSON)
    mobile = models.CharField(_("手机号码"), max_length=11, blank=True)
    id_number_encrypted = models.TextField(_("身份证号码（密文）"), blank=True, editable=False)
    id_number_index = models.CharField(
        _("身份证号码索引"), max_length=64, null=True, blank=True, unique=True, editable=False
    )
    id_number_masked = models.CharField(_("身份证号码"), max_length=18, blank=True, editable=False)
    real_name_verified_at = models.DateTimeField(_("实名核验时间"), null=True, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("所属机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officials",
    )
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    # The `sub` other systems know this person by (OIDC): random, so it reveals
    # nothing, and stored, so it survives any key rotation.
    oidc_subject = models.CharField(_("统一身份标识"), max_length=32, unique=True, default=new_subject, editable=False)

    class Meta:
        verbose_name = pgettext_lazy("model", "用户")
        verbose_name_plural = pgettext_lazy("models", "用户")
        constraints = [
            # An official belongs to a department; citizens and enterprise users to none.
            models.CheckConstraint(
                condition=Q(kind=UserKind.OFFICIAL) | Q(organisation__isnull=True),
                name="user_only_officials_have_organisation",
            ),
            # A superuser would hold all three administrators' duties at once (三员分立).
            models.CheckConstraint(condition=Q(is_superuser=False), name="user_no_superuser"),
        ]

    @property
    def is_official(self) -> bool:
        return self.kind == UserKind.OFFICIAL

    def get_full_name(self) -> str:
        return self.name or self.username

    def get_short_name(self) -> str:
        return self.name or self.username

    def set_password(self, raw_password: str | None) -> None:
        # Every path that sets a password (forms, admin, commands) dates it, for the maximum-age rule.
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()


class Administrator(models.Model):
    """三员: the one administrator duty an account holds.

    One row per user at most (a unique key), so no account can combine the
    system, security and audit administrators' duties — the database refuses.
    """

    user = models.OneToOneField(User, verbose_name=_("用户"), on_delete=models.PROTECT, related_name="administrator")
    kind = models.CharField(_("管理员类别"), max_length=16, choices=AdministratorKind.choices)
    appointed_at = models.DateTimeField(_("任命时间"), default=timezone.now)
    appointed_by = models.CharField(_("任命依据"), max_length=128, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "三员")
        verbose_name_plural = pgettext_lazy("models", "三员")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()}"


class Role(models.Model):
    """A named set of actions (e.g. 窗口受理人员) that officials are granted within a scope."""

    code = models.SlugField(_("代码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    description = models.TextField(_("说明"), blank=True)
    # Action codes from the action registry (accounts.services.action_register).
    actions = models.JSONField(_("可执行的操作"), default=list, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "角色")
        verbose_name_plural = pgettext_lazy("models", "角色")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class RoleAssignment(models.Model):
    """A role held by an official within a region (and everything below it)."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="role_assignments")
    role = models.ForeignKey(Role, verbose_name=_("角色"), on_delete=models.PROTECT, related_name="assignments")
    scope = models.ForeignKey(
        "core.Region",
        verbose_name=_("权限范围"),
        on_delete=models.PROTECT,
        help_text=_("可见该区划及其下级的数据；通常为所属机构的区划"),
    )
    granted_by = models.ForeignKey(
        User, verbose_name=_("授权人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(_("授权时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("到期时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "角色授权")
        verbose_name_plural = pgettext_lazy("models", "角色授权")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "scope"],
                condition=Q(revoked_at__isnull=True),
                name="role_assignment_unique_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.role} · {self.scope_id}"


class LegalPerson(models.Model):
    """A legal person or other organisation (法人和非法人组织) identified by its USCC."""

    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("名称"), max_length=128)
    legal_representative_name = models.CharField(_("法定代表人"), max_length=64)
    # The registration authority's region (USCC positions 3–8), when it is in
    # the province: officials see the legal persons of their region.
    region = models.ForeignKey(
        "core.Region", verbose_name=_("登记机关区划"), null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = pgettext_lazy("model", "法人")
        verbose_name_plural = pgettext_lazy("models", "法人")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LegalPersonMember(models.Model):
    """A person who acts for a legal person: its legal representative or an authorised agent (经办人)."""

    legal_person = models.ForeignKey(
        LegalPerson, verbose_name=pgettext_lazy("model", "法人"), on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("代表身份"), max_length=32, choices=MemberRole.choices)
    authorised_by = models.ForeignKey(
        User, verbose_name=_("授权人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    valid_until = models.DateField(_("授权截止日期"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "法人经办人")
        verbose_name_plural = pgettext_lazy("models", "法人经办人")
        constraints = [
            models.UniqueConstraint(
                fields=["legal_person", "user"], condition=Q(revoked_at__isnull=True), name="member_unique_active"
            ),
            models.UniqueConstraint(
                fields=["legal_person"],
                condition=Q(role="legal_representative", revoked_at__isnull=True),
                name="member_one_legal_representative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.legal_person} · {self.user} · {self.get_role_display()}"


class Delegation(models.Model):
    """代办: one person authorises another to act for them, within a time window."""

    principal = models.ForeignKey(
        User, verbose_name=_("委托人"), on_delete=models.CASCADE, related_name="delegations_given"
    )
    agent = models.ForeignKey(User, verbose_name=_("代办人"), on_delete=models.CASCADE, related_name="delegations")
    purpose = models.CharField(_("代办事项"), max_length=128)
    valid_from = models.DateTimeField(_("生效时间"), default=timezone.now)
    valid_until = models.DateTimeField(_("失效时间"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "代办授权")
        verbose_name_plural = pgettext_lazy("models", "代办授权")
        constraints = [
            models.CheckConstraint(condition=~Q(principal=models.F("agent")), name="delegation_not_to_self"),
            models.CheckConstraint(condition=Q(valid_until__gt=models.F("valid_from")), name="delegation_window"),
        ]

    def __str__(self) -> str:
        return f"{self.agent} → {self.principal}: {self.purpose}"


class ApiToken(models.Model):
    """A machine client's credential: only a hash is stored; scoped, expiring, revocable."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=64)
    prefix = models.CharField(_("前缀"), max_length=12, unique=True, help_text=_("令牌中可公开的部分，便于识别"))
    secret_hash = models.CharField(_("摘要"), max_length=64, editable=False)
    scopes = models.JSONField(_("权限范围"), default=list)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("到期时间"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(_("最近使用地址"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "接口令牌")
        verbose_name_plural = pgettext_lazy("models", "接口令牌")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class LoginAttempt(models.Model):
    """One password attempt, for lockout. The username is stored as a keyed hash:
    people type passwords into the username box, and this table must not keep them."""

    username_index = models.CharField(_("用户名索引"), max_length=64, db_index=True)
    ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    succeeded = models.BooleanField(_("成功"))

    class Meta:
        verbose_name = pgettext_lazy("model", "登录尝试")
        verbose_name_plural = pgettext_lazy("models", "登录尝试")
        indexes = [models.Index(fields=["username_index", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.ip or ''} {'✓' if self.succeeded else '✗'}"
