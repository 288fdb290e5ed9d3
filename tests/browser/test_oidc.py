"""A person signs in to a government system through the platform, in a real browser.

The consent answer is a redirect to the system's own origin; the site's
Content-Security-Policy must let that form post go there, or the browser stops it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from shuzheng.accounts import oidc

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REDIRECT_URI = "https://bdc.example.gov.cn/oidc/callback"


@pytest.fixture(autouse=True)
def _signing_key(settings: Any) -> None:
    # A throwaway key: the demo's own would be generated inside the checkout.
    pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_RSA_PRIVATE_KEY": pem.decode()}


def test_consent_answer_reaches_the_system(
    page: Any, live_server: Any, regions: None, make_user: Callable[..., Any], screenshot: Callable[..., Any]
) -> None:
    make_user("wang_xiaomei", kind="natural_person", name="王晓梅")
    client = oidc.oidc_client_register(name="不动产登记系统", redirect_uris=[REDIRECT_URI])
    session = OAuth2Session(
        client.client_id,
        client.client_secret,
        scope="openid profile",
        redirect_uri=REDIRECT_URI,
        code_challenge_method="S256",
    )
    url, state = session.create_authorization_url(
        f"{live_server.url}/o/authorize/", code_verifier=generate_token(48), nonce=generate_token(20)
    )
    # The system is not on this network: the browser's request to it is answered here.
    page.route("https://bdc.example.gov.cn/**", lambda route: route.fulfill(body="ok", content_type="text/plain"))

    page.goto(url)
    page.get_by_label("用户名").fill("wang_xiaomei")
    page.get_by_label("密码").fill("test-pass-2025")
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name="“不动产登记系统”请求通过数政确认您的身份").wait_for()
    screenshot(page, "oidc-consent")
    page.get_by_role("button", name="同意").click()
    page.wait_for_url(REDIRECT_URI + "?**")

    answer = parse_qs(urlsplit(page.url).query)
    assert answer["state"] == [state]
    assert answer["code"]
    assert page.console_errors == []
