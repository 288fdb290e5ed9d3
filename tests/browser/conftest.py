"""A real Chromium (Debian's package) driven by Playwright, against a live server.

`make test` installs Chromium where it can (tools/browser-deps.sh); where it
cannot, these tests skip and say why. Screenshots land in build/screenshots/.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("SHUZHENG_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
# Flags for a headless root container on a closed network (no sandbox, GPU,
# or Google services to reach).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(
            f"no Chromium at {CHROMIUM}: install Debian's chromium (tools/browser-deps.sh) to run browser tests"
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in the test's thread; the ORM
    # calls made there (fixtures, creating users) are still plain synchronous ones.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield browser
            browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page that records console errors (CSP violations among them)."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    yield page
    context.close()


@pytest.fixture
def screenshot() -> Any:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page: Any, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 5_000, "the screenshot is blank"
        return path

    return take


@pytest.fixture
def sign_in_official() -> Any:
    """Sign an official in on the page shown (a workbench page redirects to the sign-in): password,
    then the code their authenticator shows now."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def sign_in(page: Any, user: Any) -> None:
        page.get_by_label("用户名").fill(user.username)
        page.get_by_label("密码").fill("test-pass-2025")
        page.get_by_role("button", name="登录").click()
        page.wait_for_url("**/login/verify/**")
        device = TOTPDevice.objects.get(user=user)
        page.get_by_label("动态口令").fill(f"{totp(device.bin_key, step=device.step, t0=device.t0):06d}")
        page.get_by_role("button", name="验证").click()

    return sign_in
