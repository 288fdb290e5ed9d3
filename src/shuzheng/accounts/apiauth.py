"""How the JSON API knows who is calling: a signed-in session or a bearer token.

A session counts only once its second factor is verified (for officials and
administrators); a token only while unexpired and unrevoked. Anything else is
anonymous, and the API answers 401.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from shuzheng.accounts import selectors, services
from shuzheng.accounts.models import ApiToken


class SessionAuth(NinjaSessionAuth):
    def _get_key(self, request: HttpRequest) -> str | None:
        # ninja checks CSRF before it looks for the session and answers 403 at once, so a system
        # posting with a bearer token and no cookies would never reach TokenAuth. Without a
        # session cookie there is nothing to forge: the next method decides.
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user: Any = request.user
        if not user.is_authenticated:
            return None
        if services.user_requires_second_factor(user) and not user.is_verified():
            return None
        return user


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        api_token = services.api_token_authenticate(raw=token, ip=request.META.get("REMOTE_ADDR"))
        if api_token is not None:
            request.user = api_token.user
        return api_token


def require_scope(request: HttpRequest, scope: str) -> None:
    """Token callers need the endpoint's scope; a signed-in person has them all."""
    if selectors.token_lacks_scope(request, scope):
        raise HttpError(403, f"the token lacks the scope {scope!r}")
