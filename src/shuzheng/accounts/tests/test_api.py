"""The accounts API as a signed-in person, a token holder, a stranger and no one."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from shuzheng.accounts import services
from shuzheng.accounts.models import ApiToken, LegalPerson, LegalPersonMember, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def company(make_user: Callable[..., Any]) -> LegalPerson:
    owner = make_user("owner", kind="legal_person", name="陈建国")
    return services.legal_person_register(
        uscc="91330100MA2H3X4Y6M", name="杭州云栖数智科技有限公司", legal_representative=owner
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_me_with_a_session(citizen_client: Client) -> None:
    body = citizen_client.get("/api/v1/accounts/me").json()
    assert body["username"] == "citizen_a"
    assert body["kind"] == "natural_person"


def test_me_with_a_token_and_its_scope(citizen: User) -> None:
    issued = services.api_token_create(user=citizen, name="script", scopes=["profile"], days=30)
    response = Client().get("/api/v1/accounts/me", headers=bearer(issued.plaintext))
    assert response.status_code == 200
    assert ApiToken.objects.get(pk=issued.token.pk).last_used_at is not None


def test_a_token_posts_without_a_csrf_token_and_a_session_does_not(
    official: User, official_client: Client, grant: Any
) -> None:
    # Systems post with a bearer token and no cookies: no CSRF token to send, none to forge.
    issued = services.api_token_create(user=official, name="system", scopes=["privacy"], days=30)
    body, kind = json.dumps({"text": "联系电话13857112345"}), "application/json"
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/api/v1/privacy/detect", body, content_type=kind, headers=bearer(issued.plaintext))
    assert response.status_code == 200, response.content
    official_client.handler.enforce_csrf_checks = True
    assert official_client.post("/api/v1/privacy/detect", body, content_type=kind).status_code == 403


def test_tokens_are_stored_hashed(citizen: User) -> None:
    issued = services.api_token_create(user=citizen, name="script", scopes=["profile"], days=30)
    stored = ApiToken.objects.get(pk=issued.token.pk)
    secret = issued.plaintext.rsplit("_", 1)[1]
    assert secret not in stored.secret_hash
    assert issued.plaintext.startswith(f"szk_{stored.prefix}_")


@pytest.mark.parametrize("case", ["expired", "revoked", "forged", "garbage", "inactive user"])
def test_unusable_tokens_get_401(citizen: User, case: str) -> None:
    issued = services.api_token_create(user=citizen, name="script", scopes=["profile"], days=30)
    token = issued.plaintext
    if case == "expired":
        ApiToken.objects.filter(pk=issued.token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    elif case == "revoked":
        services.api_token_revoke(user=citizen, token=issued.token)
    elif case == "forged":
        token = token[:-4] + "AAAA"
    elif case == "garbage":
        token = "not-a-token"
    else:
        User.objects.filter(pk=citizen.pk).update(is_active=False)
    response = Client().get("/api/v1/accounts/me", headers=bearer(token))
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")
    assert response["WWW-Authenticate"] == "Bearer"


def test_token_management_needs_a_session_not_a_token(citizen: User, citizen_client: Client) -> None:
    response = citizen_client.post(
        "/api/v1/accounts/tokens",
        json.dumps({"name": "ci", "scopes": ["profile"], "days": 7}),
        content_type="application/json",
    )
    assert response.status_code == 201
    created = response.json()
    assert created["token"].startswith("szk_")
    listed = citizen_client.get("/api/v1/accounts/tokens").json()
    assert [token["prefix"] for token in listed] == [created["prefix"]]
    assert "token" not in listed[0]
    # A token cannot mint more tokens.
    assert Client().get("/api/v1/accounts/tokens", headers=bearer(created["token"])).status_code == 401
    assert citizen_client.delete(f"/api/v1/accounts/tokens/{created['prefix']}").status_code == 204
    assert Client().get("/api/v1/accounts/me", headers=bearer(created["token"])).status_code == 401


def test_token_bad_input(citizen_client: Client) -> None:
    response = citizen_client.post(
        "/api/v1/accounts/tokens",
        json.dumps({"name": "x", "scopes": ["admin"], "days": 7}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "scopes"
    response = citizen_client.post(
        "/api/v1/accounts/tokens", json.dumps({"name": "", "scopes": [], "days": 0}), content_type="application/json"
    )
    assert {error["field"] for error in response.json()["errors"]} == {"name", "scopes", "days"}
    assert not ApiToken.objects.exists()


def test_another_users_token_cannot_be_revoked(citizen_client: Client, make_user: Callable[..., Any]) -> None:
    other = make_user("other")
    issued = services.api_token_create(user=other, name="theirs", scopes=["profile"], days=7)
    assert citizen_client.delete(f"/api/v1/accounts/tokens/{issued.token.prefix}").status_code == 404
    assert ApiToken.objects.get(pk=issued.token.pk).revoked_at is None


def test_legal_person_as_owner_stranger_outsider(
    company: LegalPerson, make_user: Callable[..., Any], assert_access: Callable[..., None]
) -> None:
    owner = LegalPersonMember.objects.get(legal_person=company).user
    stranger = make_user("stranger", kind="legal_person")
    outsider = make_user("outsider_official", kind="official")  # an official with no role
    assert_access(
        "get",
        f"/api/v1/accounts/legal-persons/{company.uscc}",
        owner=(owner, 200),
        stranger=(stranger, 404),
        outsider=(outsider, 404),
        anonymous=401,
    )


def test_legal_person_list_in_constant_queries(
    company: LegalPerson, signed_in: Callable[[Any], Client], django_assert_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    owner = LegalPersonMember.objects.get(legal_person=company).user
    client = signed_in(owner)
    client.get("/api/v1/accounts/legal-persons")  # the session's first request writes its start time
    with CaptureQueriesContext(connection) as one:
        assert len(client.get("/api/v1/accounts/legal-persons").json()) == 1
    for number in range(3):
        other = LegalPerson.objects.create(
            uscc=f"9133010000000000{number}X", name=f"第{number}家", legal_representative_name="陈"
        )
        LegalPersonMember.objects.create(legal_person=other, user=owner, role="agent")
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(client.get("/api/v1/accounts/legal-persons").json()) == 4
