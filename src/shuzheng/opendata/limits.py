"""Rate limits of the open-data APIs and downloads: per user with a key, per address without."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage

from shuzheng.accounts.services import api_token_authenticate
from shuzheng.opendata.services import SCOPE


class InvalidKey(Exception):
    """A key was sent but is unknown, expired, revoked or not for the open-data APIs."""


def presented_key(request: HttpRequest) -> str:
    """The key a client sent: ``Authorization`` (with or without ``Bearer``, as ckanapi sends it)
    or ``X-CKAN-API-Key``."""
    raw = request.headers.get("Authorization") or request.headers.get("X-CKAN-API-Key") or ""
    scheme, _, rest = raw.partition(" ")
    return rest.strip() if scheme.lower() == "bearer" else raw.strip()


def caller_token(request: HttpRequest) -> Any:
    """The open-data token behind the request's key, None when it sent none; InvalidKey for a bad one."""
    raw = presented_key(request)
    if not raw:
        return None
    token = api_token_authenticate(raw=raw, ip=request.META.get("REMOTE_ADDR"))
    if token is None or SCOPE not in token.scopes:
        raise InvalidKey
    return token


def retry_after(request: HttpRequest, token: Any) -> int | None:
    """Count one call; the seconds to wait when the caller is over its limit, else None."""
    if token is not None:
        subject, rate = f"user:{token.user_id}", settings.SHUZHENG_OPEN_RATE_KEY
    else:
        subject, rate = f"ip:{request.META.get('REMOTE_ADDR', '')}", settings.SHUZHENG_OPEN_RATE_ANONYMOUS
    usage = get_usage(request, group="opendata", key=lambda _group, _request: subject, rate=rate, increment=True)
    if usage is None or not usage["should_limit"]:
        return None
    return max(1, int(usage["time_left"]))
