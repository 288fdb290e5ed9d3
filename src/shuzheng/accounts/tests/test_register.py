"""Real-name registration: verified against the register; bad input refused, nothing half-made."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from shuzheng.accounts.identity import demo_residents
from shuzheng.accounts.models import User
from shuzheng.core import crypto

pytestmark = pytest.mark.django_db
RESIDENT = demo_residents()[5]


def form(**changes: str) -> dict[str, str]:
    data = {
        "name": RESIDENT.name,
        "id_number": RESIDENT.id_number,
        "mobile": RESIDENT.mobile,
        "username": "new_citizen",
        "password": "Lantern-river-77",
    }
    data.update(changes)
    return data


def errors(response: Any) -> dict[str, list[str]]:
    return {field: list(messages) for field, messages in response.context["form"].errors.items()}


def test_registration_verifies_and_encrypts_the_id_number(client: Client) -> None:
    response = client.post("/register/", form(id_number=f" {RESIDENT.id_number[:6]} {RESIDENT.id_number[6:]} "))
    assert response["Location"] == "/account/"
    user = User.objects.get(username="new_citizen")
    assert user.real_name_verified_at is not None
    assert user.id_number_masked == RESIDENT.id_number[:6] + "********" + RESIDENT.id_number[14:]
    assert RESIDENT.id_number not in user.id_number_encrypted
    assert crypto.decrypt(user.id_number_encrypted, context="accounts.user.id_number") == RESIDENT.id_number
    page = client.get("/account/").content.decode()
    assert RESIDENT.id_number not in page
    assert user.id_number_masked in page


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"name": "张冒名"}, "name", "不一致"),
        (
            {"id_number": RESIDENT.id_number[:17] + ("0" if RESIDENT.id_number[17] != "0" else "1")},
            "id_number",
            "校验码",
        ),
        ({"id_number": "330106199001011234"[:15]}, "id_number", "15 位"),
        ({"name": "王" * 65}, "name", ""),
        ({"mobile": "12345"}, "mobile", ""),
        ({"username": "a"}, "username", ""),
        ({"password": "12345678"}, "password", ""),
    ],
)
def test_bad_input_is_refused_and_nothing_is_created(
    client: Client, changes: dict[str, str], field: str, fragment: str
) -> None:
    response = client.post("/register/", form(**changes))
    assert response.status_code == 422
    found = errors(response)
    assert field in found, found
    assert fragment in " ".join(found[field])
    assert not User.objects.filter(username="new_citizen").exists()


def test_an_id_number_registers_once(client: Client) -> None:
    client.post("/register/", form())
    response = Client().post("/register/", form(username="second_try"))
    assert "已注册" in " ".join(errors(response)["id_number"])
    assert User.objects.filter(username="second_try").count() == 0


def test_unknown_numbers_cannot_be_verified(client: Client) -> None:
    response = client.post("/register/", form(id_number="11010519491231002X"))
    assert "无法核验" in " ".join(errors(response)["id_number"])


def test_composition_rule_when_switched_on(client: Client, settings: Any) -> None:
    settings.AUTH_PASSWORD_VALIDATORS = [
        *settings.AUTH_PASSWORD_VALIDATORS,
        {"NAME": "shuzheng.accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    ]
    response = client.post("/register/", form(password="lanternriver77"))
    assert "至少 3 类" in " ".join(errors(response)["password"])
    assert client.post("/register/", form(password="Lantern-river-77"))["Location"] == "/account/"
