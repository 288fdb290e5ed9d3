"""The demo province's pipelines: runs with real-looking problems in quarantine, a front-end
database read on a nightly schedule, and a second seeding that changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from shuzheng.ingest.choices import RunStatus
from shuzheng.ingest.models import Pipeline, QuarantinedRow, Run

pytestmark = pytest.mark.django_db


def test_the_demo_has_pipelines_runs_and_quarantined_rows() -> None:
    call_command("seed_demo", stdout=StringIO())
    assert Pipeline.objects.count() == 3
    for run in Run.objects.all():
        assert run.status == RunStatus.SUCCEEDED, run.error
        assert run.rows_read == run.rows_loaded + run.rows_updated + run.rows_unchanged + run.rows_rejected
        assert run.rows_unchanged
    exports = Run.objects.filter(pipeline__source__kind="file")
    assert all(run.rows_rejected for run in exports)
    nightly = Run.objects.get(scheduled=True)
    assert (nightly.pipeline.schedule, nightly.pipeline.source.kind) == ("0 2 * * *", "database")
    assert nightly.rows_unchanged == nightly.rows_read > 0  # the front-end holds what the platform has
    assert nightly.pipeline.next_run_at is not None
    reasons = {reason["code"] for row in QuarantinedRow.objects.all() for reason in row.reasons}
    assert reasons == {"type", "key", "duplicate"}

    call_command("seed_demo", stdout=StringIO())
    assert (Pipeline.objects.count(), Run.objects.count()) == (3, 3)
