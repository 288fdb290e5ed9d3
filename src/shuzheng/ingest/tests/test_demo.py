"""The demo province's pipelines: runs with real-looking problems in quarantine, and a second
seeding that changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from shuzheng.ingest.choices import RunStatus
from shuzheng.ingest.models import Pipeline, QuarantinedRow, Run

pytestmark = pytest.mark.django_db


def test_the_demo_has_pipelines_runs_and_quarantined_rows() -> None:
    call_command("seed_demo", stdout=StringIO())
    assert Pipeline.objects.count() == 2
    for run in Run.objects.all():
        assert run.status == RunStatus.SUCCEEDED, run.error
        assert run.rows_read == run.rows_loaded + run.rows_updated + run.rows_unchanged + run.rows_rejected
        assert run.rows_rejected
        assert run.rows_unchanged
    reasons = {reason["code"] for row in QuarantinedRow.objects.all() for reason in row.reasons}
    assert reasons == {"type", "key", "duplicate"}

    call_command("seed_demo", stdout=StringIO())
    assert (Pipeline.objects.count(), Run.objects.count()) == (2, 2)
