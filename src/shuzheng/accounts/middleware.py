"""Session rules for every request: private by default, timeouts, second factor, password age."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from shuzheng.accounts.services import user_requires_second_factor
from shuzheng.core.audit import audit_record

API_PREFIX = "/api/"
# What a signed-in user who still owes a second factor (or a new password) may reach.
_UNFINISHED_SIGN_IN_VIEWS = {"accounts:verify", "accounts:enrol", "accounts:logout", "accounts:password-change"}


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Django's default-deny for pages; the API answers for itself (401 problem documents)."""

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if request.path.startswith(API_PREFIX):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)  # type: ignore[return-value]


class SessionPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            self._expire_or_touch(request)
        return self.get_response(request)

    def _expire_or_touch(self, request: HttpRequest) -> None:
        now = time.time()
        session = request.session
        started = session.setdefault("shuzheng_started", now)
        seen = session.get("shuzheng_seen", now)
        strict = user_requires_second_factor(request.user)
        idle = 60 * (
            settings.SHUZHENG_SESSION_IDLE_MINUTES_OFFICIAL if strict else settings.SHUZHENG_SESSION_IDLE_MINUTES
        )
        absolute = 3600 * (
            settings.SHUZHENG_SESSION_ABSOLUTE_HOURS_OFFICIAL if strict else settings.SHUZHENG_SESSION_ABSOLUTE_HOURS
        )
        if now - seen > idle or now - started >= absolute:
            user = request.user
            reason = "idle" if now - seen > idle else "absolute"
            logout(request)
            audit_record(action="accounts.session.expire", actor=user, detail={"reason": reason}, request=request)
            return
        # Writing the session on every request would cost a query each time; a minute's grain is enough.
        if now - seen > 60 or "shuzheng_seen" not in session:
            session["shuzheng_seen"] = now

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user: Any = request.user
        if not user.is_authenticated or request.path.startswith(API_PREFIX):
            return None
        match = request.resolver_match
        view_name = match.view_name if match else ""
        if view_name in _UNFINISHED_SIGN_IN_VIEWS or not getattr(view_func, "login_required", True):
            return None
        if user_requires_second_factor(user) and not user.is_verified():
            return redirect("accounts:verify")
        max_age = settings.SHUZHENG_PASSWORD_MAX_AGE_DAYS
        if max_age and (
            user.password_changed_at is None or (timezone.now() - user.password_changed_at).days >= max_age
        ):
            return redirect("accounts:password-change")
        return None
