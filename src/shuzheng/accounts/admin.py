"""The administrators' pages. What each of the 三员 may do here is the table in
``backends.ADMINISTRATOR_PERMISSIONS``; changes go through the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import Group
from django.contrib.auth.views import redirect_to_login
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite

from shuzheng.accounts import policies, services
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
from shuzheng.core import identifiers


class PlatformAdminSite(OTPAdminSite):  # type: ignore[misc]  # django-otp is untyped
    """The admin site for verified administrators; sign-in happens on the workbench
    login, which applies lockout and the second factor, never on a form of its own."""

    site_header = _("数政 · 系统管理")
    site_title = _("数政系统管理")

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        return redirect_to_login(request.get_full_path(), "accounts:workbench-login")


admin.site.__class__ = PlatformAdminSite
# Bulk deletion logs its rows with one bulk insert that the audit trail cannot
# see (core.audit.audit_admin_change); objects are deleted one at a time instead.
admin.site.disable_action("delete_selected")
# Django's groups carry permissions this platform ignores (backends.PlatformBackend); hide them.
admin.site.unregister(Group)


def _administrator(request: HttpRequest) -> User:
    # The admin site admits only signed-in, verified staff (PlatformAdminSite).
    assert isinstance(request.user, User)
    return request.user


class _IdNumberMixin(forms.ModelForm):  # type: ignore[type-arg]
    id_number = forms.CharField(
        label=_("居民身份证号码"), required=False, help_text=_("仅在录入或更正时填写；保存后只显示部分号码")
    )

    def clean_id_number(self) -> str:
        value = self.cleaned_data.get("id_number", "")
        if not value:
            return ""
        try:
            return identifiers.parse_resident_id(value).number
        except identifiers.InvalidIdentifier as exc:
            raise forms.ValidationError(exc.message) from None


class UserCreateForm(_IdNumberMixin, UserCreationForm[User]):
    class Meta:
        model = User
        fields = ("username", "name", "kind", "organisation", "mobile")


class UserChangeForm(_IdNumberMixin):
    class Meta:
        model = User
        fields = ("username", "name", "kind", "organisation", "mobile", "email", "is_active")


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    form = UserChangeForm
    add_form = UserCreateForm
    list_display = ["username", "name", "kind", "organisation", "id_number_masked", "is_active", "last_login"]
    list_filter = ["kind", "is_active"]
    search_fields = ["username", "name"]
    readonly_fields = ["id_number_masked", "real_name_verified_at", "last_login", "date_joined", "password_changed_at"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("身份"), {"fields": ("name", "kind", "organisation", "id_number", "id_number_masked", "mobile", "email")}),
        (
            _("状态"),
            {"fields": ("is_active", "real_name_verified_at", "last_login", "date_joined", "password_changed_at")},
        ),
    )
    add_fieldsets = (
        (
            None,
            {"fields": ("username", "name", "kind", "organisation", "id_number", "mobile", "password1", "password2")},
        ),
    )

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        services.user_save_by_administrator(
            user=obj,
            id_number=form.cleaned_data.get("id_number", ""),
            by=_administrator(request),
            request=request,
        )


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ["name", "kind", "region", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "uscc"]
    autocomplete_fields = ["parent"]
    raw_id_fields = ["region"]


class RoleForm(forms.ModelForm):  # type: ignore[type-arg]
    actions = forms.MultipleChoiceField(
        label=_("可执行的操作"), required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )

    class Meta:
        model = Role
        fields = ("code", "name", "description", "actions")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["actions"]
        assert isinstance(field, forms.MultipleChoiceField)
        # Read at form time: apps register their actions when they load.
        field.choices = [(code, f"{name} ({code})") for code, name in sorted(policies.actions().items())]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin[Role]):
    form = RoleForm
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin[RoleAssignment]):
    list_display = ["user", "role", "scope", "granted_by", "granted_at", "expires_at", "revoked_at"]
    list_filter = ["role", "revoked_at"]
    search_fields = ["user__username", "user__name"]
    raw_id_fields = ["user", "scope"]
    fields = ["user", "role", "scope", "expires_at"]
    actions = ["revoke"]

    def has_change_permission(self, request: HttpRequest, obj: RoleAssignment | None = None) -> bool:
        # A grant is never edited in place: revoke it and grant anew, so the record stays true.
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: RoleAssignment, form: Any, change: bool) -> None:
        try:
            saved = services.role_grant(
                granted_by=_administrator(request),
                user=obj.user,
                role=obj.role,
                scope=obj.scope,
                expires_at=obj.expires_at,
                request=request,
            )
        except services.AccountError as exc:
            messages.error(request, exc.message)
            return
        obj.pk = saved.pk

    @admin.action(description=_("撤销所选授权"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[RoleAssignment]) -> None:
        for assignment in queryset.filter(revoked_at__isnull=True):
            services.role_revoke(revoked_by=_administrator(request), assignment=assignment, request=request)


class _ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Administrator)
class AdministratorAdmin(_ReadOnlyAdmin):
    """三员 are appointed with `shuzheng appoint-admin`, never from a page an administrator controls."""

    list_display = ["user", "kind", "appointed_at", "appointed_by"]


@admin.register(LoginAttempt)
class LoginAttemptAdmin(_ReadOnlyAdmin):
    list_display = ["at", "ip", "succeeded"]
    list_filter = ["succeeded"]


@admin.register(Delegation)
class DelegationAdmin(_ReadOnlyAdmin):
    list_display = ["agent", "principal", "purpose", "valid_from", "valid_until", "revoked_at"]


@admin.register(ApiToken)
class ApiTokenAdmin(_ReadOnlyAdmin):
    list_display = ["name", "prefix", "user", "created_at", "expires_at", "revoked_at", "last_used_at", "last_used_ip"]
    search_fields = ["prefix", "name", "user__username"]
    actions = ["revoke"]

    @admin.action(description=_("撤销所选令牌"), permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset.filter(revoked_at__isnull=True):
            services.api_token_revoke(user=_administrator(request), token=token, request=request)

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("accounts.change_apitoken")


class LegalPersonMemberInline(admin.TabularInline):  # type: ignore[type-arg]
    model = LegalPersonMember
    extra = 0
    raw_id_fields = ["user", "authorised_by"]


@admin.register(LegalPerson)
class LegalPersonAdmin(admin.ModelAdmin[LegalPerson]):
    list_display = ["name", "uscc", "legal_representative_name", "region"]
    search_fields = ["name", "uscc"]
    raw_id_fields = ["region"]
    inlines = [LegalPersonMemberInline]
