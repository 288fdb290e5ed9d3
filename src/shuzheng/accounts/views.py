"""Sign-in (password, then the second factor), registration, my account, the audit search."""

from __future__ import annotations

from typing import Any

import django_otp
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from shuzheng.accounts import selectors, services
from shuzheng.accounts.choices import AdministratorKind
from shuzheng.accounts.forms import ApiTokenForm, AuditSearchForm, LoginForm, RegisterForm, TokenForm
from shuzheng.core import selectors as core_selectors
from shuzheng.core.access import official_required
from shuzheng.core.audit import audit_record


def _next_url(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    """The password step; officials and administrators go on to the second factor."""

    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True
    face = "portal"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(face=self.face, base_template=f"{self.face}/base.html")
        return context

    def get_default_redirect_url(self) -> str:
        return reverse("workbench-home" if self.face == "workbench" else "portal-home")

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        user = form.get_user()
        audit_record(action="accounts.login", actor=user, request=self.request)
        if services.user_requires_second_factor(user):
            step = (
                "accounts:verify" if TOTPDevice.objects.filter(user=user, confirmed=True).exists() else "accounts:enrol"
            )
            return redirect(f"{reverse(step)}?next={response['Location']}")
        return response


class WorkbenchLoginView(LoginView):
    face = "workbench"


def verify(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the official's authenticator."""
    user: Any = request.user
    destination = _next_url(request, reverse("workbench-home"))
    if user.is_verified():
        return redirect(destination)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.login_locked_until(username=user.get_username()) is not None:
            audit_record(action="accounts.verify", actor=user, outcome="denied", request=request)
            logout(request)
            messages.error(request, gettext("动态口令错误次数过多，账号已暂时锁定"))
            return redirect("accounts:workbench-login")
        device = django_otp.match_token(user, form.cleaned_data["token"])
        if device is not None:
            django_otp.login(request, device)
            services.login_attempt_record(username=user.get_username(), succeeded=True, request=request)
            audit_record(action="accounts.verify", actor=user, request=request)
            return redirect(destination)
        services.login_attempt_record(username=user.get_username(), succeeded=False, request=request)
        form.add_error("token", gettext("动态口令不正确或已过期"))
    return render(request, "accounts/verify.html", {"form": form, "next": destination})


def enrol(request: HttpRequest) -> HttpResponse:
    """First sign-in of an official: bind an authenticator app by scanning a code."""
    user: Any = request.user
    destination = _next_url(request, reverse("workbench-home"))
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect(f"{reverse('accounts:verify')}?next={destination}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or services.totp_device_start(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_device_confirm(user=user, device=device, token=form.cleaned_data["token"], request=request)
        except services.AccountError as exc:
            form.add_error("token", exc.message)
        else:
            django_otp.login(request, device)
            return redirect(destination)
    return render(
        request,
        "accounts/enrol.html",
        {"form": form, "next": destination, "qr_svg": _qr_svg(device.config_url), "secret": _base32(device)},
    )


def _qr_svg(data: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg: str = image.to_string(encoding="unicode")
    return svg


def _base32(device: TOTPDevice) -> str:
    import base64

    return base64.b32encode(device.bin_key).decode().rstrip("=")


@method_decorator(login_not_required, name="dispatch")
class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            audit_record(action="accounts.logout", actor=request.user, request=request)
        return super().post(request, *args, **kwargs)


@login_not_required
def register(request: HttpRequest) -> HttpResponse:
    """A citizen opens an account in their real name."""
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_register_natural_person(**form.cleaned_data, request=request)
        except services.AccountError as exc:
            form.add_error(exc.field or None, exc.message)
        else:
            login(request, user, backend="shuzheng.accounts.backends.PlatformBackend")
            messages.success(request, gettext("注册成功，已完成实名核验"))
            return redirect("accounts:account")
    # A refused form says so in its status too (422), for scripts and assistive tools.
    status = 422 if request.method == "POST" else 200
    return render(request, "accounts/register.html", {"form": form}, status=status)


def account(request: HttpRequest) -> HttpResponse:
    """My account: who I am, whom I act for, my roles, my API tokens."""
    user: Any = request.user
    context = {
        "memberships": selectors.memberships_of(user=user),
        "assignments": selectors.role_assignments_of(user=user),
        "delegations": selectors.delegations_of(user=user),
        "tokens": selectors.api_tokens_of(user=user),
        "administrator_label": _administrator_label(selectors.administrator_kind(user)),
        "token_form": ApiTokenForm(),
    }
    return render(request, "accounts/account.html", context)


def _administrator_label(kind: str | None) -> str:
    return str(AdministratorKind(kind).label) if kind else ""


@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
        return redirect("accounts:account")
    try:
        issued = services.api_token_create(user=user, **form.cleaned_data, request=request)
    except services.AccountError as exc:
        messages.error(request, exc.message)
        return redirect("accounts:account")
    return render(request, "accounts/token_created.html", {"issued": issued})


@require_POST
def token_revoke(request: HttpRequest, prefix: str) -> HttpResponseRedirect:
    token = get_object_or_404(selectors.api_tokens_of(user=request.user), prefix=prefix)
    services.api_token_revoke(user=request.user, token=token, request=request)  # type: ignore[arg-type]
    messages.success(request, gettext("令牌已撤销"))
    return redirect("accounts:account")


@official_required
def audit_search(request: HttpRequest) -> HttpResponse:
    """The audit administrator's search over the audit trail (and only theirs)."""
    if selectors.administrator_kind(request.user) != AdministratorKind.AUDIT:
        return render(request, "workbench/forbidden_duty.html", status=403)
    form = AuditSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = core_selectors.audit_events(
        actor_id=filters.get("actor"),
        action=filters.get("action") or None,
        object_type=filters.get("object_type") or None,
        object_id=filters.get("object_id") or None,
    )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    # Who searched the audit trail for what is itself on the record.
    audit_record(
        action="core.audit.search", actor=request.user, role=AdministratorKind.AUDIT, detail=filters, request=request
    )
    return render(request, "accounts/audit.html", {"page": page, "form": form})


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"

    def get_success_url(self) -> str:
        messages.success(self.request, gettext("密码已修改"))
        audit_record(action="accounts.password.change", actor=self.request.user, request=self.request)
        return reverse("accounts:account")
