"""Fixtures shared by every test: the personas of the Healthchecks style.

``owner`` owns things, ``stranger`` has the same role but no relation to
them, and ``outsider`` is a different kind of account altogether.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import translation


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    # Real hashing costs ~0.3 s per login; the hasher is not what tests test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    # LocaleMiddleware leaves the last request's language active in the
    # thread; every test starts from the platform's default, Chinese.
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def make_user(db: None) -> Callable[..., Any]:
    from shuzheng.accounts.models import User

    def make(username: str, *, kind: str = "natural_person", name: str = "", **extra: Any) -> Any:
        user = User(username=username, kind=kind, name=name or username, **extra)
        user.set_password("test-pass-2025")
        user.save()
        return user

    return make


@pytest.fixture
def citizen(make_user: Callable[..., Any]) -> Any:
    return make_user("citizen_a", kind="natural_person", name="王晓梅")


@pytest.fixture
def official(make_user: Callable[..., Any]) -> Any:
    return make_user("official_a", kind="official", name="李娜")


@pytest.fixture
def citizen_client(citizen: Any) -> Client:
    client = Client()
    client.force_login(citizen)
    return client


@pytest.fixture
def official_client(official: Any) -> Client:
    client = Client()
    client.force_login(official)
    return client


@pytest.fixture
def regions(db: None) -> None:
    """The province's regions; transactional tests empty tables, so reload."""
    from shuzheng.core.services import regions_sync

    regions_sync()
