"""The settings, as a deployment sees them: environment variables only."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from shuzheng.settings import oidc_demo_signing_key

PRODUCTION_ENV = {
    "SHUZHENG_ENV": "production",
    "SECRET_KEY": "k8Qz-production-secret-that-is-long-and-random-0123456789abcdefXYZ",
    "SHUZHENG_DATA_KEY": "b2b3-separate-data-key-for-personal-data-0123456789",
    "ALLOWED_HOSTS": "zwfw.example.gov.cn",
    "DATABASE_URL": "sqlite:///:memory:",
}


def run_shuzheng(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    inherited = {"DEBUG", "SECRET_KEY", "SHUZHENG_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {key: value for key, value in os.environ.items() if key not in inherited}
    return subprocess.run(  # noqa: S603  (our own command, fixed arguments)
        [sys.executable, "-m", "shuzheng.cli", *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deploy_check(tmp_path: Path) -> None:
    key_file = tmp_path / "oidc-signing-key.pem"
    oidc_demo_signing_key(key_file)  # any RSA key will do: production refuses to start without one
    env = {**PRODUCTION_ENV, "OIDC_RSA_PRIVATE_KEY_FILE": str(key_file)}
    result = run_shuzheng("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_demo_settings_fail_the_deploy_check() -> None:
    # The demo is meant for a laptop; the deploy check must say so.
    result = run_shuzheng("check", "--deploy", "--fail-level", "WARNING", env={"DATABASE_URL": "sqlite:///:memory:"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr or "SECURE_" in result.stderr


def test_production_refuses_to_start_without_a_secret_key() -> None:
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "SECRET_KEY"}
    result = run_shuzheng("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_debug() -> None:
    result = run_shuzheng("check", env={**PRODUCTION_ENV, "DEBUG": "true"})
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [("DEBUG", "perhaps", "must be a boolean"), ("DATABASE_CONN_MAX_AGE", "ten", "must be an integer")],
)
def test_bad_values_are_named(name: str, value: str, message: str) -> None:
    result = run_shuzheng("check", env={name: value, "DATABASE_URL": "sqlite:///:memory:"})
    assert result.returncode != 0
    assert name in result.stderr
    assert message in result.stderr


def test_production_headers(client: object) -> None:
    from django.test import Client

    response = Client().get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
