"""A government system signs a citizen in through the platform with OpenID Connect.

The relying party is Authlib, a real client library, talking HTTP to a live
server: discovery, the authorization code flow with PKCE (S256), the ID token
checked against the published JWKS the way Authlib's own OpenID client checks
it, userinfo, refresh, and every refusal a relying party or an attacker meets.
The person's browser is a `requests` session that signs in on the portal's own
form and answers the consent page.
"""

from __future__ import annotations

import base64
import io
import json
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session, OAuthError
from authlib.oidc.core import CodeIDToken
from authlib.oidc.discovery import OpenIDProviderMetadata, get_well_known_url
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from joserfc import jwt
from joserfc.errors import BadSignatureError, ExpiredTokenError, InvalidClaimError, JoseError
from joserfc.jwk import KeySet, RSAKey

from shuzheng.accounts import oidc
from shuzheng.settings import oidc_demo_signing_key, oidc_signing_key_read
from tests.test_settings import PRODUCTION_ENV, run_shuzheng

pytestmark = pytest.mark.django_db(transaction=True)

REDIRECT_URI = "https://bdc.example.gov.cn/oidc/callback"
PASSWORD = "test-pass-2025"  # the root conftest's make_user password
PROFILE_CLAIMS = {"sub", "name", "preferred_username", "user_kind"}
SessionT = TypeVar("SessionT", bound=requests.Session)


# --- the signing key: a throwaway one, never the demo's file in the checkout --------------------


def _rsa_pem(bits: int = 2048) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


_open_sessions: list[requests.Session] = []


def opened(session: SessionT) -> SessionT:
    _open_sessions.append(session)
    return session


@pytest.fixture(autouse=True)
def _hang_up() -> Iterator[None]:
    yield
    # Each test closes its keep-alive connections while the live server still
    # shares the in-memory test database; a server thread that only saw them
    # close after the server stopped would fail to close that connection.
    while _open_sessions:
        _open_sessions.pop().close()


@pytest.fixture(autouse=True)
def _regions(regions: None) -> None:
    """Accounts and organisations refer to regions, which transactional tests start without."""


# --- the relying party and the person's browser ----------------------------------------------


@dataclass
class RelyingParty:
    """A government system registered on the platform, driven through Authlib."""

    base: str
    client_id: str
    client_secret: str
    metadata: dict[str, Any]

    def session(self, *, client_secret: str | None = None) -> OAuth2Session:
        session = OAuth2Session(
            self.client_id,
            self.client_secret if client_secret is None else client_secret,
            scope="openid profile",
            redirect_uri=REDIRECT_URI,
            code_challenge_method="S256",
        )
        return opened(session)

    def jwks(self) -> dict[str, Any]:
        response = requests.get(self.metadata["jwks_uri"], timeout=10)
        response.raise_for_status()
        return dict(response.json())

    def verify_id_token(self, token: dict[str, Any], *, nonce: str, now: int | None = None) -> dict[str, Any]:
        """Check the ID token as Authlib's OpenID client does (OpenIDMixin.parse_id_token)."""
        decoded = jwt.decode(
            token["id_token"],
            KeySet.import_key_set(self.jwks()),
            algorithms=self.metadata["id_token_signing_alg_values_supported"],
        )
        claims = CodeIDToken(
            decoded.claims,
            decoded.header,
            {"iss": {"values": [self.metadata["issuer"]]}, "aud": {"essential": True, "value": self.client_id}},
            {"nonce": nonce, "client_id": self.client_id, "access_token": token["access_token"]},
        )
        claims.validate(now=now, leeway=120)
        return dict(claims)


@dataclass
class Authorization:
    """One trip through the authorization endpoint, as the relying party remembers it."""

    session: OAuth2Session
    token_endpoint: str
    url: str
    state: str
    nonce: str
    verifier: str

    def fetch_token(self, callback: str, *, verifier: str | None = None) -> dict[str, Any]:
        return dict(
            self.session.fetch_token(
                self.token_endpoint,
                authorization_response=callback,
                state=self.state,
                code_verifier=self.verifier if verifier is None else verifier,
            )
        )


def start(rp: RelyingParty, *, pkce: bool = True, client_secret: str | None = None, **params: str) -> Authorization:
    session = rp.session(client_secret=client_secret)
    verifier, nonce = generate_token(48), generate_token(20)
    url, state = session.create_authorization_url(
        rp.metadata["authorization_endpoint"], code_verifier=verifier if pkce else None, nonce=nonce, **params
    )
    return Authorization(session, rp.metadata["token_endpoint"], url, state, nonce, verifier)


class _Forms(HTMLParser):
    """The named inputs of each form on a page."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self.forms.append({})
            self._inside = True
        elif tag == "input" and self._inside and attributes.get("name"):
            self.forms[-1][str(attributes["name"])] = attributes.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._inside = False


def new_browser() -> requests.Session:
    return opened(requests.Session())


def form_with(html: str, field: str) -> dict[str, str]:
    parser = _Forms()
    parser.feed(html)
    return next(form for form in parser.forms if field in form)


def sign_in(browser: requests.Session, login_url: str, username: str) -> str:
    """Sign in on the portal's form at ``login_url``; returns where the portal sends the browser next."""
    page = browser.get(login_url, timeout=10)
    fields = form_with(page.text, "username")
    answer = browser.post(
        page.url, data={**fields, "username": username, "password": PASSWORD}, allow_redirects=False, timeout=10
    )
    assert answer.status_code == 302, "sign-in failed"
    return urljoin(page.url, answer.headers["Location"])


def consent(browser: requests.Session, authorize_url: str, *, allow: bool = True) -> str:
    """Answer the consent page; returns the URL the browser is sent back to."""
    page = browser.get(authorize_url, allow_redirects=False, timeout=10)
    assert page.status_code == 200, page.text
    fields = form_with(page.text, "client_id")
    if allow:
        fields["allow"] = "true"
    answer = browser.post(page.url, data=fields, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def code_of(callback: str) -> str | None:
    return parse_qs(urlsplit(callback).query).get("code", [None])[0]


@pytest.fixture
def rp(live_server: Any) -> RelyingParty:
    client = oidc.oidc_client_register(name="不动产登记系统", redirect_uris=[REDIRECT_URI])
    metadata = requests.get(f"{live_server.url}/.well-known/openid-configuration", timeout=10).json()
    return RelyingParty(live_server.url, client.client_id, client.client_secret, metadata)


@pytest.fixture
def person(make_user: Callable[..., Any]) -> Any:
    return make_user("wang_xiaomei", kind="natural_person", name="王晓梅")


@pytest.fixture
def browser_of(rp: RelyingParty) -> Callable[[Any], requests.Session]:
    """A browser already signed in to the portal as the given user."""

    def signed_in(user: Any) -> requests.Session:
        browser = new_browser()
        sign_in(browser, f"{rp.base}/login/", user.username)
        return browser

    return signed_in


def log_in(rp: RelyingParty, browser: requests.Session) -> tuple[Authorization, dict[str, Any], dict[str, Any]]:
    """A whole sign-in at the relying party: returns the trip, the tokens and the checked ID token claims."""
    trip = start(rp)
    token = trip.fetch_token(consent(browser, trip.url))
    return trip, token, rp.verify_id_token(token, nonce=trip.nonce)


# --- discovery ---------------------------------------------------------------------------------


def test_discovery_document_is_at_the_standard_location(live_server: Any) -> None:
    url = f"{live_server.url}/.well-known/openid-configuration"
    metadata = requests.get(url, timeout=10).json()

    OpenIDProviderMetadata(metadata).validate()
    assert metadata["issuer"] == live_server.url
    # A relying party configured with the issuer finds this very document.
    assert get_well_known_url(metadata["issuer"], external=True) == url
    assert metadata["authorization_endpoint"] == f"{live_server.url}/o/authorize/"
    assert metadata["token_endpoint"] == f"{live_server.url}/o/token/"
    assert metadata["userinfo_endpoint"] == f"{live_server.url}/o/userinfo/"
    assert metadata["jwks_uri"] == f"{live_server.url}/o/.well-known/jwks.json"
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert "RS256" in metadata["id_token_signing_alg_values_supported"]
    assert metadata["response_types_supported"] == ["code"]
    assert sorted(metadata["scopes_supported"]) == ["openid", "profile"]
    assert set(metadata["claims_supported"]) == PROFILE_CLAIMS


def test_jwks_publishes_the_public_half_of_the_signing_key(live_server: Any, signing_key: str) -> None:
    keys = requests.get(f"{live_server.url}/o/.well-known/jwks.json", timeout=10).json()["keys"]

    assert len(keys) == 1
    assert keys[0]["kty"] == "RSA"
    assert keys[0]["alg"] == "RS256"
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(keys[0])
    assert keys[0]["n"] == RSAKey.import_key(signing_key).as_dict(private=False)["n"]


# --- a sign-in, start to finish ------------------------------------------------------------------


def test_citizen_signs_in_to_a_government_system(rp: RelyingParty, person: Any) -> None:
    trip = start(rp)
    browser = new_browser()

    # Not signed in yet: the portal's sign-in page, then back to the authorization endpoint.
    to_login = browser.get(trip.url, allow_redirects=False, timeout=10)
    assert to_login.status_code == 302
    assert urlsplit(to_login.headers["Location"]).path == "/login/"
    back = sign_in(browser, urljoin(rp.base, to_login.headers["Location"]), person.username)
    assert back.startswith(f"{rp.base}/o/authorize/?")

    callback = consent(browser, back)
    assert callback.startswith(REDIRECT_URI + "?")
    answer = parse_qs(urlsplit(callback).query)
    assert answer["state"] == [trip.state]
    assert answer["iss"] == [rp.metadata["issuer"]]  # RFC 9207: which provider answered

    token = trip.fetch_token(callback)
    assert token["token_type"] == "Bearer"
    assert token["expires_in"] == 600
    assert token["refresh_token"]

    claims = rp.verify_id_token(token, nonce=trip.nonce)
    assert claims["iss"] == rp.base
    assert claims["aud"] == rp.client_id
    assert claims["nonce"] == trip.nonce
    assert claims["exp"] > claims["iat"]
    assert claims["sub"] == oidc.subject_for(person)
    assert claims["name"] == "王晓梅"
    assert claims["preferred_username"] == "wang_xiaomei"
    assert claims["user_kind"] == "natural_person"

    userinfo = trip.session.get(rp.metadata["userinfo_endpoint"], timeout=10)
    assert userinfo.status_code == 200
    assert userinfo.json() == {
        "sub": claims["sub"],
        "name": "王晓梅",
        "preferred_username": "wang_xiaomei",
        "user_kind": "natural_person",
    }


def test_consent_page_names_the_system_and_what_it_will_learn(rp: RelyingParty, person: Any, browser_of: Any) -> None:
    page = browser_of(person).get(start(rp).url, timeout=10)

    html = page.text
    assert "“不动产登记系统”请求通过数政确认您的身份" in html
    assert "您的姓名、用户名和用户类型" in html
    assert "bdc.example.gov.cn" in html
    assert "同意" in html
    assert "拒绝" in html
    assert "<script>" not in html
    # The answer is a redirect to the system, which a strict form-action would block.
    policy = page.headers["Content-Security-Policy"]
    assert "form-action 'self' https://bdc.example.gov.cn" in policy
    assert "frame-ancestors 'none'" in policy


def test_refusing_consent_tells_the_system_without_a_code(rp: RelyingParty, person: Any, browser_of: Any) -> None:
    callback = consent(browser_of(person), start(rp).url, allow=False)

    assert callback.startswith(REDIRECT_URI + "?")
    assert parse_qs(urlsplit(callback).query)["error"] == ["access_denied"]
    assert code_of(callback) is None


def test_refresh_token_is_rotated_and_a_replayed_one_is_refused(rp: RelyingParty, person: Any, browser_of: Any) -> None:
    trip, token, _ = log_in(rp, browser_of(person))

    renewed = trip.session.refresh_token(rp.metadata["token_endpoint"], refresh_token=token["refresh_token"])
    assert renewed["refresh_token"] != token["refresh_token"]
    assert renewed["access_token"] != token["access_token"]

    with pytest.raises(OAuthError) as refused:
        rp.session().refresh_token(rp.metadata["token_endpoint"], refresh_token=token["refresh_token"])
    assert refused.value.error == "invalid_grant"


# --- refusals ------------------------------------------------------------------------------------


def test_unregistered_redirect_uri_is_refused_on_the_platform(rp: RelyingParty, person: Any, browser_of: Any) -> None:
    trip = start(rp, redirect_uri="https://evil.example.com/callback")

    page = browser_of(person).get(trip.url, allow_redirects=False, timeout=10)

    assert page.status_code == 400
    assert "Location" not in page.headers
    assert "无法完成授权" in page.text
    assert "https://evil.example.com" not in page.text  # no link to it, not even on the error page


def test_unknown_client_is_refused(rp: RelyingParty, person: Any, browser_of: Any) -> None:
    stranger = RelyingParty(rp.base, "no-such-client", "guess", rp.metadata)
    trip = start(stranger)

    page = browser_of(person).get(trip.url, allow_redirects=False, timeout=10)
    assert page.status_code == 400
    assert "Location" not in page.headers

    with pytest.raises(OAuthError) as refused:
        trip.fetch_token(f"{REDIRECT_URI}?code=made-up&state={trip.state}")
    assert refused.value.error == "invalid_client"


def test_wrong_client_secret_is_refused(rp: RelyingParty, person: Any, browser_of: Any) -> None:
    trip = start(rp, client_secret="not-the-secret")
    callback = consent(browser_of(person), trip.url)

    with pytest.raises(OAuthError) as refused:
        trip.fetch_token(callback)
    assert refused.value.error == "invalid_client"


def test_authorization_code_works_once(rp: RelyingParty, person: Any, browser_of: Any) -> None:
    trip = start(rp)
    callback = consent(browser_of(person), trip.url)
    trip.fetch_token(callback)

    with pytest.raises(OAuthError) as refused:
        trip.fetch_token(callback)
    assert refused.value.error == "invalid_grant"


def test_code_verifier_must_match_the_challenge(rp: RelyingParty, person: Any, browser_of: Any) -> None:
    trip = start(rp)
    callback = consent(browser_of(person), trip.url)

    with pytest.raises(OAuthError) as refused:
        trip.fetch_token(callback, verifier=generate_token(48))
    assert refused.value.error == "invalid_grant"


def test_authorization_without_pkce_is_refused(rp: RelyingParty, person: Any, browser_of: Any) -> None:
    trip = start(rp, pkce=False)
    assert "code_challenge" not in trip.url

    answer = browser_of(person).get(trip.url, allow_redirects=False, timeout=10)

    assert answer.status_code == 302
    callback = answer.headers["Location"]
    assert callback.startswith(REDIRECT_URI + "?")
    assert parse_qs(urlsplit(callback).query)["error"] == ["invalid_request"]
    assert code_of(callback) is None


def test_plain_pkce_is_refused(rp: RelyingParty, person: Any, browser_of: Any) -> None:
    verifier = generate_token(48)
    trip = start(rp, pkce=False, code_challenge=verifier, code_challenge_method="plain")
    browser = browser_of(person)

    answer = browser.get(trip.url, allow_redirects=False, timeout=10)
    callback = consent(browser, trip.url) if answer.status_code == 200 else answer.headers["Location"]

    assert parse_qs(urlsplit(callback).query)["error"] == ["invalid_request"]
    assert code_of(callback) is None


def test_forged_id_tokens_fail_the_signature_check(rp: RelyingParty, person: Any, browser_of: Any) -> None:
    trip, token, claims = log_in(rp, browser_of(person))
    header, payload, signature = token["id_token"].split(".")

    # The same signature over claims that make a citizen an official.
    raised = json.dumps({**claims, "user_kind": "official"}).encode()
    tampered = ".".join([header, base64.urlsafe_b64encode(raised).rstrip(b"=").decode(), signature])
    with pytest.raises(BadSignatureError):
        rp.verify_id_token({**token, "id_token": tampered}, nonce=trip.nonce)

    # Well-formed and signed, with the platform's key id, by someone else's key.
    kid = json.loads(base64.urlsafe_b64decode(header + "=="))["kid"]
    forged = jwt.encode({"alg": "RS256", "kid": kid}, claims, RSAKey.import_key(_rsa_pem()))
    with pytest.raises(BadSignatureError):
        rp.verify_id_token({**token, "id_token": forged}, nonce=trip.nonce)

    # Unsigned.
    unsigned = ".".join([base64.urlsafe_b64encode(b'{"alg":"none"}').rstrip(b"=").decode(), payload, ""])
    with pytest.raises(JoseError):
        rp.verify_id_token({**token, "id_token": unsigned}, nonce=trip.nonce)


def test_expired_or_replayed_id_tokens_are_refused(rp: RelyingParty, person: Any, browser_of: Any) -> None:
    trip, token, claims = log_in(rp, browser_of(person))
    assert claims["exp"] - claims["iat"] == 600

    with pytest.raises(ExpiredTokenError):
        rp.verify_id_token(token, nonce=trip.nonce, now=claims["exp"] + 121)
    # Another sign-in's nonce: this token answers a different request.
    with pytest.raises(InvalidClaimError):
        rp.verify_id_token(token, nonce=generate_token(20))


def test_userinfo_needs_a_valid_access_token_in_the_header(rp: RelyingParty, person: Any, browser_of: Any) -> None:
    _, token, _ = log_in(rp, browser_of(person))
    userinfo = rp.metadata["userinfo_endpoint"]

    assert requests.get(userinfo, timeout=10).status_code == 401
    assert requests.get(userinfo, headers={"Authorization": "Bearer forged"}, timeout=10).status_code == 401
    # RFC 9700: never in the query string, where logs and Referer headers keep it.
    assert requests.get(userinfo, params={"access_token": token["access_token"]}, timeout=10).status_code == 400


# --- who the person is to a relying party -----------------------------------------------------------


def test_sub_is_stable_per_person_and_differs_between_people(
    rp: RelyingParty, person: Any, make_user: Callable[..., Any], browser_of: Any
) -> None:
    other = make_user("chen_jianguo", kind="legal_person", name="陈建国")

    first = log_in(rp, browser_of(person))[2]
    again = log_in(rp, browser_of(person))[2]
    theirs = log_in(rp, browser_of(other))[2]

    assert first["sub"] == again["sub"]
    assert theirs["sub"] != first["sub"]
    assert theirs["user_kind"] == "legal_person"
    for user, claims in ((person, first), (other, theirs)):
        assert claims["sub"] not in {str(user.pk), user.username}


def test_no_mobile_or_id_number_leaves_the_platform(
    rp: RelyingParty, make_user: Callable[..., Any], browser_of: Any
) -> None:
    # Someone who chose their mobile number as user name.
    user = make_user("13800138000", kind="natural_person", name="赵敏")

    _, token, claims = log_in(rp, browser_of(user))
    userinfo = requests.get(
        rp.metadata["userinfo_endpoint"], headers={"Authorization": f"Bearer {token['access_token']}"}, timeout=10
    ).json()

    registered = {"iss", "aud", "exp", "iat", "auth_time", "nonce", "at_hash", "jti"}
    assert set(claims) - registered == {"sub", "name", "user_kind"}
    assert set(userinfo) == {"sub", "name", "user_kind"}
    for released in (json.dumps(claims), json.dumps(userinfo), token["id_token"]):
        assert "13800138000" not in released


def test_openid_scope_alone_tells_only_the_subject(rp: RelyingParty, person: Any, browser_of: Any) -> None:
    trip = start(rp, scope="openid")
    token = trip.fetch_token(consent(browser_of(person), trip.url))

    claims = rp.verify_id_token(token, nonce=trip.nonce)
    assert not {"name", "preferred_username", "user_kind"} & set(claims)


# --- what is published, and what is not ---------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/o/applications/",
        "/o/applications/register/",
        "/o/authorized_tokens/",
        "/o/introspect/",
        "/o/register/",
        "/o/device-authorization/",
        "/o/logout/",
        "/o/.well-known/openid-configuration",
        "/.well-known/oauth-authorization-server",
    ],
)
def test_library_pages_beyond_the_protocol_are_not_served(path: str, client: Client) -> None:
    assert client.get(path).status_code == 404


# --- registering a relying party -------------------------------------------------------------------


def test_command_prints_a_working_client_id_and_secret_once(
    live_server: Any, person: Any, make_user: Callable[..., Any]
) -> None:
    out = io.StringIO()
    call_command("oidc_client", "社保业务系统", "--redirect-uri", REDIRECT_URI, stdout=out)
    printed = dict(line.split(": ", 1) for line in out.getvalue().splitlines() if line.startswith("client_"))

    from oauth2_provider.models import get_application_model

    stored = get_application_model().objects.get(client_id=printed["client_id"])
    assert stored.name == "社保业务系统"
    assert stored.client_type == "confidential"
    assert stored.authorization_grant_type == "authorization-code"
    assert stored.algorithm == "RS256"
    assert stored.client_secret != printed["client_secret"]
    assert check_password(printed["client_secret"], stored.client_secret)

    metadata = requests.get(f"{live_server.url}/.well-known/openid-configuration", timeout=10).json()
    rp = RelyingParty(live_server.url, printed["client_id"], printed["client_secret"], metadata)
    browser = new_browser()
    sign_in(browser, f"{rp.base}/login/", person.username)
    claims = log_in(rp, browser)[2]
    assert claims["aud"] == printed["client_id"]


@pytest.mark.parametrize(
    "uri", ["ftp://bdc.example.gov.cn/callback", "https://bdc.example.gov.cn/callback#fragment", "callback"]
)
def test_command_refuses_a_bad_redirect_uri(uri: str) -> None:
    with pytest.raises(CommandError, match="client not registered"):
        call_command("oidc_client", "不动产登记系统", "--redirect-uri", uri, stdout=io.StringIO())


def test_production_accepts_only_https_redirect_uris(settings: Any) -> None:
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "ALLOWED_REDIRECT_URI_SCHEMES": ["https"]}

    with pytest.raises(ValidationError):
        oidc.oidc_client_register(name="不动产登记系统", redirect_uris=["http://bdc.example.gov.cn/callback"])
    assert oidc.oidc_client_register(name="不动产登记系统", redirect_uris=[REDIRECT_URI]).client_id


# --- the signing key's configuration ------------------------------------------------------------------


def test_demo_key_is_generated_once_private_and_whole(tmp_path: Path) -> None:
    path = tmp_path / "data" / "oidc-signing-key.pem"

    pem = oidc_demo_signing_key(path)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert oidc_demo_signing_key(path) == pem
    assert os.listdir(path.parent) == ["oidc-signing-key.pem"]
    assert oidc_signing_key_read(path) == pem


def test_key_file_must_hold_an_rsa_key_of_2048_bits(tmp_path: Path) -> None:
    missing = tmp_path / "missing.pem"
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a key")
    elliptic = tmp_path / "ec.pem"
    elliptic.write_bytes(
        ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    short = tmp_path / "short.pem"
    short.write_text(_rsa_pem(1024))

    for path in (missing, garbage, elliptic, short):
        with pytest.raises(ImproperlyConfigured, match="OIDC_RSA_PRIVATE_KEY_FILE"):
            oidc_signing_key_read(path)


def test_production_refuses_to_start_without_a_signing_key() -> None:
    result = run_shuzheng("check", env=PRODUCTION_ENV)
    assert result.returncode != 0
    assert "OIDC_RSA_PRIVATE_KEY_FILE must be set" in result.stderr
