"""The English locale is complete, compiled and in step with the source."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.test import Client

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "shuzheng"
PO = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def test_every_message_is_translated() -> None:
    catalog = polib.pofile(str(PO))
    assert catalog.untranslated_entries() == []
    assert catalog.fuzzy_entries() == []


def test_compiled_catalog_matches_the_source() -> None:
    source = {(entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural for entry in polib.pofile(str(PO))}
    compiled = {(entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural for entry in polib.mofile(str(MO))}
    assert compiled == source, "run `make messages` to recompile django.mo"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed")
def test_catalog_holds_every_message_of_the_source(tmp_path: Path) -> None:
    copy = tmp_path / "shuzheng"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "tests"))
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "en", "--no-location"],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    fresh = {entry.msgid for entry in polib.pofile(str(copy / "locale/en/LC_MESSAGES/django.po"))}
    committed = {entry.msgid for entry in polib.pofile(str(PO)) if not entry.obsolete}
    assert fresh - committed == set(), "new text lacks a translation: run `make messages` and translate"
    assert committed - fresh == set(), "the catalog holds text no longer used: run `make messages`"


@pytest.mark.django_db
def test_english_pages(client: Client) -> None:
    response = client.get("/", headers={"Accept-Language": "en"})
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Sign in" in html
    assert "简体中文" in html  # the way back, in its own language
