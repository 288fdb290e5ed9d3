"""Sign-in and the workbench door, as an official, a citizen and an anonymous visitor."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


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


def test_workbench_login_signs_in_and_goes_to_the_workbench(client: Client, official: Any) -> None:
    response = client.post("/workbench/login/", {"username": "official_a", "password": "test-pass-2025"})
    assert response.status_code == 302
    assert response["Location"] == "/workbench/"
    assert client.get("/workbench/").status_code == 200


def test_login_rotates_the_session_id(client: Client, official: Any) -> None:
    client.get("/workbench/login/")
    client.session.save()
    before = client.session.session_key
    client.post("/workbench/login/", {"username": "official_a", "password": "test-pass-2025"})
    assert client.session.session_key != before


def test_wrong_password_is_refused_without_saying_which_part(client: Client, official: Any) -> None:
    wrong_password = client.post("/login/", {"username": "official_a", "password": "nope-nope"})
    unknown_user = client.post("/login/", {"username": "nobody", "password": "nope-nope"})
    assert wrong_password.status_code == unknown_user.status_code == 200
    assert "_auth_user_id" not in client.session
    assert wrong_password.context["form"].errors == unknown_user.context["form"].errors


def test_login_ignores_an_offsite_next(client: Client, citizen: Any) -> None:
    response = client.post(
        "/login/", {"username": "citizen_a", "password": "test-pass-2025", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_logout_ends_the_session(official_client: Client) -> None:
    response = official_client.post("/logout/")
    assert response.status_code == 302
    assert official_client.get("/workbench/").status_code == 302


def test_logout_by_get_is_refused(official_client: Client) -> None:
    # Logging out through a link would let any page sign a user out.
    assert official_client.get("/logout/").status_code == 405
