"""Fixtures shared by every test: the personas of the Healthchecks style.

``owner`` owns things, ``stranger`` has the same role but no relation to
them, and ``outsider`` is a different kind of account altogether. Officials
sign in with a second factor; ``signed_in`` gives a client whose session has
passed both steps, as the real sign-in would leave it.
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


@pytest.fixture(autouse=True)
def _files_in_tmp(settings: Any, tmp_path: Any) -> None:
    # Audit checkpoints, warehouse tables and uploads live outside the database; never write them into the checkout.
    settings.SHUZHENG_AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.log"
    settings.SHUZHENG_WAREHOUSE_DIR = tmp_path / "warehouse"
    settings.SHUZHENG_INGEST_DIR = tmp_path / "ingest"
    settings.SHUZHENG_UPLOAD_ROOT = tmp_path / "uploads"


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings: Any) -> Iterator[None]:
    # Every test client calls from the same address; tests of the limits set their own.
    from django.core.cache import cache

    settings.SHUZHENG_OPEN_RATE_ANONYMOUS = settings.SHUZHENG_OPEN_RATE_KEY = "100000/m"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def signing_key() -> str:
    """An RSA key for signing ID tokens, made once per test run."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@pytest.fixture(autouse=True)
def _signing_key_setting(settings: Any, signing_key: str) -> None:
    # Without this the demo profile would generate its key in DATA_DIR, inside
    # the checkout. Assigning OAUTH2_PROVIDER sends setting_changed, on which
    # django-oauth-toolkit drops its cached settings; the fixture's undo sends it again.
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_RSA_PRIVATE_KEY": signing_key}


@pytest.fixture
def organisation(regions: None) -> Any:
    """杭州市市场监督管理局, in the city of Hangzhou."""
    from shuzheng.accounts.models import Organisation

    organisation, _ = Organisation.objects.get_or_create(
        name="杭州市市场监督管理局", region_id="330100", defaults={"kind": "department"}
    )
    return organisation


@pytest.fixture
def make_organisation(regions: None) -> Callable[..., Any]:
    """Another government body: ``make_organisation("杭州市数据资源管理局", "330100")``."""
    from shuzheng.accounts.models import Organisation

    def make(name: str, region: str, kind: str = "department") -> Any:
        return Organisation.objects.get_or_create(name=name, region_id=region, defaults={"kind": kind})[0]

    return make


@pytest.fixture
def grant(db: None) -> Callable[..., Any]:
    """Give an official a role holding ``actions`` within ``scope``: ``grant(user, "app.thing.verb")``."""
    from shuzheng.accounts.models import Role, RoleAssignment

    def give(user: Any, *actions: str, scope: str = "330100") -> Any:
        code = "role-" + "-".join(sorted(action.replace(".", "_") for action in actions))
        role, _ = Role.objects.get_or_create(code=code[:64], defaults={"name": code[:64], "actions": list(actions)})
        return RoleAssignment.objects.create(user=user, role=role, scope_id=scope)

    return give


@pytest.fixture
def make_user(db: None, organisation: Any) -> Callable[..., Any]:
    """A user of a kind; officials belong to ``organisation`` unless told otherwise and
    have a confirmed TOTP device."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from shuzheng.accounts.models import User

    def make(username: str, *, kind: str = "natural_person", name: str = "", **extra: Any) -> Any:
        if kind == "official":
            extra.setdefault("organisation", organisation)
        user = User(username=username, kind=kind, name=name or username, **extra)
        user.set_password("test-pass-2025")
        user.save()
        if kind == "official":
            TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        return user

    return make


@pytest.fixture
def signed_in() -> Callable[[Any], Client]:
    """A client signed in as ``user``, second factor included where one is required."""
    from django_otp import DEVICE_ID_SESSION_KEY

    def sign_in(user: Any) -> Client:
        client = Client()
        client.force_login(user, backend="shuzheng.accounts.backends.PlatformBackend")
        device = user.totpdevice_set.filter(confirmed=True).first()
        if device is not None:
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return client

    return sign_in


@pytest.fixture
def citizen(make_user: Callable[..., Any]) -> Any:
    return make_user("citizen_a", kind="natural_person", name="王晓梅")


@pytest.fixture
def official(make_user: Callable[..., Any]) -> Any:
    return make_user("official_a", kind="official", name="李娜")


@pytest.fixture
def citizen_client(citizen: Any, signed_in: Callable[[Any], Client]) -> Client:
    return signed_in(citizen)


@pytest.fixture
def official_client(official: Any, signed_in: Callable[[Any], Client]) -> Client:
    return signed_in(official)


@pytest.fixture
def regions(db: None) -> None:
    """The province's regions; transactional tests empty tables, so reload."""
    from shuzheng.core.services import regions_sync

    regions_sync()


@pytest.fixture
def assert_access(signed_in: Callable[[Any], Client]) -> Callable[..., None]:
    """Run one request as each persona and check the status each gets.

    ``assert_access("get", url, owner=(alice, 200), stranger=(bob, 404), outsider=(carol, 404))``;
    ``anonymous=302`` (or 401 for the API) checks the signed-out caller too.
    """

    def check(method: str, url: str, *, anonymous: int | None = None, **personas: tuple[Any, int]) -> None:
        for label, (user, expected) in personas.items():
            response = getattr(signed_in(user), method)(url)
            assert response.status_code == expected, f"{label} got {response.status_code}, expected {expected}"
        if anonymous is not None:
            status = getattr(Client(), method)(url).status_code
            assert status == anonymous, f"anonymous got {status}, expected {anonymous}"

    return check


@pytest.fixture
def postgres_warehouse(settings: Any) -> str:
    """The warehouse in the test database itself, through Ibis's PostgreSQL backend — when the
    suite runs on PostgreSQL (the other run covers the Parquet directory)."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("the PostgreSQL warehouse is tested when the suite runs on PostgreSQL")
    port = database.get("PORT") or 5432
    url = f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:{port}/{database['NAME']}"
    settings.SHUZHENG_WAREHOUSE_URL = url
    return url
