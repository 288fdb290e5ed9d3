"""Nothing private answers a caller who has not signed in.

Every URL in the URLconf and every operation in the OpenAPI document is
called with no credentials, with an expired token and with a forged one. Each
must refuse (401/403, or a redirect to a sign-in page) — unless it is on the
public allow-list below, the one place where what anyone may reach is decided
and reviewed. A new public page or endpoint fails this test until it is added
here, on purpose.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

pytestmark = pytest.mark.django_db

# --- the public allow-list ----------------------------------------------------------------
PUBLIC_PAGES = {
    "",  # the portal
    "healthz",
    "problems/<slug:slug>",
    "tools/identifier/",
    "tools/workdays/",
    "regions/",
    "regions/<str:code>/",
    "login/",
    "workbench/login/",
    "register/",
    "logout/",  # POST only; signing out needs no session
    "i18n/setlang/",
    "favicon.ico",
    # The open catalogue in DCAT-AP, for harvesters: unconditionally open datasets only.
    "catalog.ttl",
    "catalog.jsonld",
    "catalog.rdf",
    "open/datasets/<slug:name>.ttl",
    "open/datasets/<slug:name>.jsonld",
    "open/datasets/<slug:name>.rdf",
    # CKAN's Action API over the same open catalogue, read-only (write actions answer 403).
    "api/3/action/<str:action>",
    "api/action/<str:action>",
    # OpenID Connect: discovery, keys and the endpoints a client system calls
    # (they authenticate the client or the bearer themselves).
    ".well-known/openid-configuration",
    "o/.well-known/jwks.json",
    "o/token/",
    "o/revoke_token/",
    # The open-data portal: what is open is open to everyone.
    "open/",
    "open/datasets/",
    "open/datasets/<slug:name>/",
    "open/datasets/<slug:name>/download.<str:fmt>",
    "open/organisations/<int:pk>/",
    "open/themes/<slug:code>/",
    "open/developers/",
    # One-stop services: the catalogue and every item's guide (办事指南) are public.
    "services/",
    "services/<str:code>/",
    # The API's own documents.
    "api/v1/openapi.json",
    "api/v1/docs",
}
PUBLIC_OPERATIONS = {
    # Reference data and calculators (core): public by design.
    "GET /api/v1/core/regions",
    "GET /api/v1/core/regions/{code}",
    "POST /api/v1/core/identifiers/check",
    "GET /api/v1/core/workdays/add",
    "GET /api/v1/core/workdays/between",
    # The service-item catalogue and guides (eservices).
    "GET /api/v1/eservices/items",
    "GET /api/v1/eservices/items/{code}",
    # The platform's public key, with which anyone checks a call record's signature (sharing).
    "GET /api/v1/sharing/keys",
}
# ----------------------------------------------------------------------------------------------

SIGN_IN_PAGES = {"/login/", "/workbench/login/", "/admin/login/"}
SAMPLES = {
    "slug": "validation-error",
    "code": "330106",
    "prefix": "abcdef012345",
    "object_id": "1",
    "id": "1",
    "uscc": "91330100MA2H3X4Y6M",
    # Cases and their files are addressed by random UUIDs; a well-formed one reaches the view.
    "uid": "6f1c2a34-5b6d-4e7f-8a9b-0c1d2e3f4a5b",
    "material": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
}


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def _concrete(route: str) -> str:
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: SAMPLES.get(m.group(1), "1"), route)
    return "/" + path.lstrip("^").rstrip("$").replace("\\", "")


ROUTES = sorted({route for route in _walk(get_resolver().url_patterns) if not route.startswith(("api/v1/", "static"))})
ROUTES += ["api/v1/openapi.json", "api/v1/docs"]


def _credentials(user: Any) -> dict[str, dict[str, str]]:
    from shuzheng.accounts import services
    from shuzheng.accounts.models import ApiToken

    issued = services.api_token_create(user=user, name="sweep", scopes=["profile"], days=1)
    ApiToken.objects.filter(pk=issued.token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    forged = f"szk_{issued.token.prefix}_{'A' * 43}"
    return {
        "none": {},
        "expired token": {"Authorization": f"Bearer {issued.plaintext}"},
        "forged token": {"Authorization": f"Bearer {forged}"},
    }


def _refused(response: Any) -> bool:
    if response.status_code in {401, 403, 405}:
        return True
    if response.status_code == 302:
        return response["Location"].split("?")[0] in SIGN_IN_PAGES
    return False


def test_the_allow_list_names_only_real_routes() -> None:
    assert PUBLIC_PAGES - set(ROUTES) == set()


def test_every_page_refuses_the_anonymous(citizen: Any) -> None:
    credentials = _credentials(citizen)
    leaks = []
    for route in ROUTES:
        if route in PUBLIC_PAGES:
            continue
        for label, headers in credentials.items():
            for method in ("get", "post"):
                response = getattr(Client(), method)(_concrete(route), headers=headers)
                if not _refused(response):
                    leaks.append(
                        f"{method.upper()} /{route} [{label}] → {response.status_code} {response.get('Location', '')}"
                    )
    assert leaks == []


def test_public_pages_answer_without_signing_in() -> None:
    for route in PUBLIC_PAGES:
        for method in ("get", "post"):
            response = getattr(Client(), method)(_concrete(route))
            assert response.status_code < 500, route
            # Public means reachable: not bounced to a sign-in page.
            assert not (response.status_code == 302 and response["Location"].split("?")[0] in SIGN_IN_PAGES), route


def test_every_api_operation_refuses_the_anonymous(citizen: Any) -> None:
    from shuzheng.api import api

    schema = json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1")))
    credentials = _credentials(citizen)
    leaks = []
    operations = [
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    assert PUBLIC_OPERATIONS - {f"{m} {p}" for m, p in operations} == set()
    for method, path in operations:
        if f"{method} {path}" in PUBLIC_OPERATIONS:
            continue
        url = re.sub(r"\{(\w+)\}", lambda m: SAMPLES.get(m.group(1), "1"), path)
        for label, headers in credentials.items():
            response = Client().generic(method, url, "{}", content_type="application/json", headers=headers)
            if response.status_code != 401:
                leaks.append(f"{method} {path} [{label}] → {response.status_code}")
    assert leaks == []
