"""Sign-in, the second factor, sessions and the workbench door."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from shuzheng.accounts.models import LoginAttempt, User

pytestmark = pytest.mark.django_db
PASSWORD = "test-pass-2025"


def current_code(user: User) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def login(client: Client, username: str, password: str, path: str = "/login/") -> Any:
    return client.post(path, {"username": username, "password": password})


# --- the door -----------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_the_workbench_login(client: Client) -> None:
    response = client.get("/workbench/")
    assert response.status_code == 302
    assert response["Location"].startswith("/workbench/login/?next=/workbench/")


def test_official_enters_the_workbench(official_client: Client) -> None:
    response = official_client.get("/workbench/")
    assert response.status_code == 200
    assert "李娜，您好" in response.content.decode()


def test_citizen_is_refused_with_a_reason(citizen_client: Client) -> None:
    response = citizen_client.get("/workbench/")
    assert response.status_code == 403
    assert "工作台仅供工作人员使用" in response.content.decode()


def test_private_pages_send_anonymous_visitors_to_sign_in(client: Client) -> None:
    response = client.get("/account/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/account/")


# --- password, then the second factor ---------------------------------------------------------


def test_official_signs_in_with_password_and_code(client: Client, official: User) -> None:
    response = login(client, "official_a", PASSWORD, "/workbench/login/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/verify/")
    # Half signed in: no workbench page yet, nor any other private page.
    for path in ("/workbench/", "/account/", "/workbench/audit/"):
        assert client.get(path)["Location"].startswith("/login/verify/"), path
    response = client.post(response["Location"], {"token": current_code(official)})
    assert response.status_code == 302
    assert response["Location"] == "/workbench/"
    assert client.get("/workbench/").status_code == 200


def test_wrong_codes_lock_like_wrong_passwords(client: Client, official: User, settings: Any) -> None:
    login(client, "official_a", PASSWORD, "/workbench/login/")
    for _ in range(settings.SHUZHENG_LOGIN_MAX_FAILURES):
        response = client.post("/login/verify/", {"token": "000000"})
    response = client.post("/login/verify/", {"token": current_code(official)})
    assert response["Location"].startswith("/workbench/login/")
    assert client.get("/workbench/").status_code == 302  # signed out


def test_official_without_a_device_must_enrol_before_anything(client: Client, official: User) -> None:
    TOTPDevice.objects.filter(user=official).delete()
    response = login(client, "official_a", PASSWORD, "/workbench/login/")
    assert response["Location"].startswith("/login/enrol/")
    page = client.get(response["Location"])
    assert "<svg" in page.content.decode()
    assert client.get("/workbench/")["Location"].startswith("/login/verify/")
    device = TOTPDevice.objects.get(user=official, confirmed=False)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert client.post("/login/enrol/", {"token": "123456" if code != "123456" else "654321"}).status_code == 200
    response = client.post("/login/enrol/", {"token": code})
    assert response["Location"] == "/workbench/"
    assert client.get("/workbench/").status_code == 200


def test_citizen_needs_no_second_factor(client: Client, citizen: User) -> None:
    response = login(client, "citizen_a", PASSWORD)
    assert response["Location"] == "/"
    assert client.get("/account/").status_code == 200


def test_login_rotates_the_session_id(client: Client, citizen: User) -> None:
    client.get("/login/")
    client.session.save()
    before = client.session.session_key
    login(client, "citizen_a", PASSWORD)
    assert client.session.session_key != before


def test_login_ignores_an_offsite_next(client: Client, citizen: User) -> None:
    response = client.post("/login/", {"username": "citizen_a", "password": PASSWORD, "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_logout_ends_the_session_and_only_by_post(official_client: Client) -> None:
    assert official_client.get("/logout/").status_code == 405
    assert official_client.post("/logout/").status_code == 302
    assert official_client.get("/workbench/").status_code == 302


# --- lockout --------------------------------------------------------------------------------


def test_a_thousand_wrong_passwords_lock_after_five(client: Client, citizen: User, settings: Any) -> None:
    statuses = set()
    for attempt in range(1000):
        response = login(client, "citizen_a", f"wrong-{attempt}")
        statuses.add(response.status_code)
    assert statuses == {200}
    # Only the first five were checked against the password; the rest met the lock.
    assert LoginAttempt.objects.filter(succeeded=False).count() == settings.SHUZHENG_LOGIN_MAX_FAILURES
    response = login(client, "citizen_a", PASSWORD)
    assert response.status_code == 200
    assert "暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_known_and_unknown_usernames_get_identical_answers(client: Client, citizen: User) -> None:
    def answers(username: str) -> list[tuple[int, str]]:
        result = []
        for attempt in range(7):
            response = Client().post("/login/", {"username": username, "password": f"wrong-{attempt}"})
            errors = response.context["form"].non_field_errors()
            result.append((response.status_code, " ".join(errors)))
        return result

    assert answers("citizen_a") == answers("no_such_person")


def test_the_lock_lifts_after_the_lockout_period(client: Client, citizen: User) -> None:
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False) as clock:
        for attempt in range(5):
            login(client, "citizen_a", f"wrong-{attempt}")
        clock.shift(datetime.timedelta(minutes=29))
        assert login(client, "citizen_a", PASSWORD).status_code == 200  # still locked
        clock.shift(datetime.timedelta(minutes=2))
        assert login(client, "citizen_a", PASSWORD).status_code == 302


def test_failures_spread_beyond_the_window_do_not_lock(client: Client, citizen: User) -> None:
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False) as clock:
        for attempt in range(8):
            login(client, "citizen_a", f"wrong-{attempt}")
            clock.shift(datetime.timedelta(minutes=4))  # 5 failures span 16 minutes
        assert login(client, "citizen_a", PASSWORD).status_code == 302


# --- session timeouts, on a frozen clock -------------------------------------------------------


@pytest.mark.parametrize(("kind", "idle_minutes"), [("official", 30), ("natural_person", 60)])
def test_idle_timeout(
    make_user: Callable[..., Any], signed_in: Callable[[Any], Client], kind: str, idle_minutes: int
) -> None:
    user = make_user("someone", kind=kind)
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC), tick=False) as clock:
        client = signed_in(user)
        assert client.get("/account/").status_code == 200
        clock.shift(datetime.timedelta(minutes=idle_minutes - 1))
        assert client.get("/account/").status_code == 200  # activity renews the idle clock
        clock.shift(datetime.timedelta(minutes=idle_minutes + 1))
        assert client.get("/account/").status_code == 302
        assert "_auth_user_id" not in client.session


def test_absolute_timeout_for_officials(official: User, signed_in: Callable[[Any], Client]) -> None:
    with time_machine.travel(datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC), tick=False) as clock:
        client = signed_in(official)
        for _ in range(12 * 3):  # busy all day: a request every 20 minutes
            assert client.get("/account/").status_code == 200
            clock.shift(datetime.timedelta(minutes=20))
        assert client.get("/account/").status_code == 302


def test_password_maximum_age_when_switched_on(
    citizen: User, signed_in: Callable[[Any], Client], settings: Any
) -> None:
    settings.SHUZHENG_PASSWORD_MAX_AGE_DAYS = 90
    User.objects.filter(pk=citizen.pk).update(password_changed_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    client = signed_in(citizen)
    assert client.get("/account/")["Location"] == "/account/password/"
    response = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": "Kq7-lantern-river", "new_password2": "Kq7-lantern-river"},
    )
    assert response.status_code == 302
    assert client.get("/account/").status_code == 200
