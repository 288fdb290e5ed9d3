"""The platform as an OpenID Connect provider for other government systems.

django-oauth-toolkit runs the protocol. This module decides what a relying
party learns about a person (the claims), shows the consent page, and
registers the relying parties themselves: an administrator does that with
`shuzheng oidc-client`; no system registers itself.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils.decorators import method_decorator
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import get_application_model
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.views import AuthorizationView, UserInfoView

from shuzheng.accounts.models import User
from shuzheng.core import identifiers
from shuzheng.core.audit import audit_record

# Every claim the platform ever releases. Nothing else leaves it, whatever a
# relying party asks for: no ID number, mobile number or address.
CLAIMS = ("sub", "name", "preferred_username", "user_kind")

# Eleven digits in a row is a mobile number or part of an ID number.
_PERSONAL_NUMBER = re.compile(r"\d{11}", re.ASCII)


def subject_for(user: User) -> str:
    """The user's `sub`: opaque, never reused, the same at every relying party."""
    # Not the primary key: ids are sequential, so they would reveal how many
    # accounts exist and let one relying party guess another person's subject.
    return user.oidc_subject


def user_claims(user: User, scopes: Collection[str]) -> dict[str, str]:
    """What a relying party granted ``scopes`` learns about ``user``."""
    claims = {"sub": subject_for(user)}
    if "profile" in scopes:
        claims["user_kind"] = user.kind
        if user.name:
            claims["name"] = user.name
        # People sometimes sign up with their mobile or ID number as user name;
        # such a name stays on the platform.
        if not _PERSONAL_NUMBER.search(identifiers.normalize(user.username)):
            claims["preferred_username"] = user.username
    return claims


class ClaimsValidator(OAuth2Validator):  # type: ignore[misc]  # django-oauth-toolkit is untyped
    """django-oauth-toolkit's validator with the platform's claims in ID tokens and userinfo."""

    def get_oidc_claims(self, token: Any, token_handler: Any, request: Any) -> dict[str, str]:
        # Replaces the library's claims, whose `sub` is the database id.
        return user_claims(request.user, request.scopes)

    def get_discovery_claims(self, request: Any) -> list[str]:
        return list(CLAIMS)


class ConsentView(AuthorizationView):  # type: ignore[misc]
    """The authorization endpoint: asks the signed-in person whether a system may know who they are."""

    def render_to_response(self, context: dict[str, Any], **response_kwargs: Any) -> HttpResponse:
        redirect_uri = context.get("redirect_uri")
        origin = None
        if redirect_uri and not context.get("error"):
            # Validated against the client's registered URIs by the time the form is shown.
            parts = urlsplit(redirect_uri)
            origin = f"{parts.scheme}://{parts.netloc}"
            context["client_host"] = parts.netloc
        response: HttpResponse = super().render_to_response(context, **response_kwargs)
        if origin:
            # Browsers hold the redirect that answers a form post to the page's
            # form-action, and the answer goes back to the client system.
            response._csp_update = {"form-action": [origin]}  # type: ignore[attr-defined]
        return response


class BearerHeaderUserInfoView(UserInfoView):  # type: ignore[misc]
    """The userinfo endpoint, taking the access token only from the Authorization header."""

    # Overriding dispatch drops the library's marker: the bearer token, not a session, is the credential.
    @method_decorator(login_not_required)
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # RFC 9700 §4.3.2: a token in the URL ends up in logs and Referer headers.
        # The library refuses it on resource views but not here.
        if "access_token" in request.GET:
            refusal = JsonResponse(
                {"error": "invalid_request", "error_description": "access_token in the query string"}, status=400
            )
            refusal["WWW-Authenticate"] = 'Bearer error="invalid_request"'
            return refusal
        response: HttpResponseBase = super().dispatch(request, *args, **kwargs)
        return response


@dataclass(frozen=True)
class RegisteredClient:
    client_id: str
    # In plain text only here: the database keeps a hash, so it cannot be shown again.
    client_secret: str


@transaction.atomic
def oidc_client_register(*, name: str, redirect_uris: Sequence[str]) -> RegisteredClient:
    """Register a government system as a confidential client (authorization code, PKCE, RS256 ID tokens)."""
    application_model = get_application_model()
    secret = generate_client_secret()
    application = application_model(
        name=name,
        client_type=application_model.CLIENT_CONFIDENTIAL,
        authorization_grant_type=application_model.GRANT_AUTHORIZATION_CODE,
        algorithm=application_model.RS256_ALGORITHM,
        redirect_uris=" ".join(redirect_uris),
        client_secret=secret,
        hash_client_secret=True,
    )
    # Checks the redirect URIs against the allowed schemes (https only in production).
    application.full_clean()
    application.save()
    audit_record(
        action="accounts.oidc_client.register",
        object_type="oauth2_provider.application",
        object_id=application.pk,
        detail={"name": name, "redirect_uris": list(redirect_uris)},
    )
    return RegisteredClient(client_id=application.client_id, client_secret=secret)
