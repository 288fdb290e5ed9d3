from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command

from shuzheng.accounts.models import User
from shuzheng.accounts.services import DEMO_PERSONAS, demo_personas_seed

pytestmark = pytest.mark.django_db


def test_demo_personas_are_created_once() -> None:
    assert demo_personas_seed() == len(DEMO_PERSONAS)
    assert demo_personas_seed() == 0
    clerk = User.objects.get(username="clerk")
    assert clerk.is_official
    assert clerk.check_password("demo-pass-2025")
    assert not User.objects.get(username="citizen").is_official


def test_demo_personas_are_repaired() -> None:
    demo_personas_seed()
    User.objects.filter(username="clerk").update(kind="natural_person")
    assert demo_personas_seed() == 1
    assert User.objects.get(username="clerk").is_official


def test_seed_demo_is_idempotent(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("seed_demo")
    call_command("seed_demo")
    assert "(0 rows changed)" in capsys.readouterr().out.splitlines()[-1]


def test_seed_demo_refuses_production(settings: Any) -> None:
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo")
    assert not User.objects.filter(username="citizen").exists()
