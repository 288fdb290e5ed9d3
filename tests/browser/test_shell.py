"""The web shell in a real browser: portal, workbench login, a tool, the API docs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_portal_on_a_phone(browser: Any, live_server: Any, screenshot: Callable[..., Any]) -> None:
    context = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 812}, is_mobile=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(live_server.url + "/")
    assert "数字政府平台" in page.title()
    assert page.get_by_role("heading", name="办事不求人，最多跑一次").is_visible()
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.locator("label.nav-toggle__button").click()
    assert page.get_by_role("link", name="办理时限", exact=True).is_visible()
    screenshot(page, "portal-phone")
    assert errors == []
    context.close()


def test_workbench_login_and_home(page: Any, live_server: Any, make_user: Any, screenshot: Any) -> None:
    make_user("clerk_hz", kind="official", name="李娜")
    page.goto(live_server.url + "/workbench/")
    assert page.url.startswith(live_server.url + "/workbench/login/")
    assert page.get_by_role("heading", name="工作人员登录").is_visible()
    screenshot(page, "workbench-login")
    page.get_by_label("用户名").fill("clerk_hz")
    page.get_by_label("密码").fill("test-pass-2025")
    page.get_by_role("button", name="登录").click()
    # The second factor: the code the official's authenticator shows now.
    page.wait_for_url(live_server.url + "/login/verify/**")
    screenshot(page, "workbench-verify")
    device = TOTPDevice.objects.get(user__username="clerk_hz")
    page.get_by_label("动态口令").fill(f"{totp(device.bin_key, step=device.step, t0=device.t0):06d}")
    page.get_by_role("button", name="验证").click()
    page.wait_for_url(live_server.url + "/workbench/")
    assert page.get_by_role("heading", name="李娜，您好").is_visible()
    screenshot(page, "workbench-home")
    assert page.console_errors == []


def test_identifier_tool_answers_in_place(page: Any, live_server: Any, screenshot: Any) -> None:
    page.goto(live_server.url + "/tools/identifier/")
    page.get_by_label("类型").select_option("resident_id")
    page.get_by_label("号码").fill("１１０１０５１９４９１２３１００２ｘ")  # full-width, as pasted from a phone
    page.get_by_role("button", name="校验").click()
    result = page.get_by_test_id("identifier-result")
    result.wait_for()
    assert "号码有效" in result.inner_text()
    assert "北京市朝阳区" in result.inner_text()
    # htmx swapped the fragment in: still the same page, no reload.
    assert page.url == live_server.url + "/tools/identifier/"
    screenshot(page, "tool-identifier")
    assert page.console_errors == []


def test_english_switch(page: Any, live_server: Any) -> None:
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Sign in").is_visible()


def test_api_docs_render_from_our_own_origin(page: Any, live_server: Any, screenshot: Any) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(live_server.url + "/api/v1/docs")
    page.locator(".swagger-ui .info .title").wait_for()
    assert all(url.startswith((live_server.url, "data:")) for url in requests), requests
    screenshot(page, "api-docs")
    assert page.console_errors == []
