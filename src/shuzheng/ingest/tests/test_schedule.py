"""Pipelines the platform runs by itself: the schedule as a cron expression, the beat's call that
starts what is due (once per time, however often it calls), skipping a pipeline still loading,
stopping and starting; the page and the API that set it, as owner, stranger and outsider."""

from __future__ import annotations

import datetime
import json
import sqlite3
import threading
import zoneinfo
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test import Client

from shuzheng.celery_app import app
from shuzheng.core.selectors import audit_events, messages_of
from shuzheng.ingest import selectors, services
from shuzheng.ingest.choices import RunStatus
from shuzheng.ingest.models import Run

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NIGHTLY = "0 2 * * *"


def at(year: int, month: int, day: int, hour: int, minute: int, second: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


@pytest.fixture
def database_source(people: dict[str, Any], organisation: Any, register: Path) -> Any:
    return services.source_create(
        editor=people["officer"],
        organisation=organisation,
        name="市场主体登记库",
        kind="database",
        options={"url": f"sqlite:///{register}", "table": "company"},
    )


@pytest.fixture
def nightly(people: dict[str, Any], database_source: Any, enterprises: Any) -> Any:
    return services.pipeline_create(
        editor=people["officer"],
        name="登记库每晚全量",
        source=database_source,
        dataset=enterprises,
        key=["uscc"],
        schedule=NIGHTLY,
    )


def due_at(pipeline: Any, when: datetime.datetime) -> Any:
    pipeline.next_run_at = when
    pipeline.save(update_fields=["next_run_at"])
    return pipeline


def test_a_new_pipeline_is_due_at_the_next_time_its_expression_names(nightly: Any) -> None:
    next_run = nightly.next_run_at.astimezone(SHANGHAI)
    assert (next_run.hour, next_run.minute) == (2, 0)  # 2:00 in the platform's time zone, not UTC
    assert selectors.next_runs(pipeline=nightly) == [next_run + datetime.timedelta(days=day) for day in range(3)]


@pytest.mark.parametrize(
    "schedule",
    [
        "61 2 * * *",  # no such minute
        "0 2 * * * *",  # six fields: read as seconds first, not what a data officer means
        "@daily",
        "0 2 30 2 *",  # 30 February never comes
        "每天两点",
    ],
)
def test_a_schedule_that_is_not_five_cron_fields_is_refused(
    people: dict[str, Any], nightly: Any, schedule: str
) -> None:
    with pytest.raises(services.IngestInvalid) as refused:
        services.pipeline_schedule(editor=people["officer"], pipeline=nightly, schedule=schedule)
    assert [(field, code) for field, code, _message in refused.value.problems] == [("schedule", "invalid")]
    nightly.refresh_from_db()
    assert nightly.schedule == NIGHTLY


def test_an_upload_source_cannot_be_scheduled(
    people: dict[str, Any], file_source: Any, enterprises: Any, make_pipeline: Callable[..., Any]
) -> None:
    with pytest.raises(services.IngestInvalid) as refused:
        make_pipeline(schedule=NIGHTLY)
    assert refused.value.problems[0][:2] == ("schedule", "needs_file")
    with pytest.raises(services.IngestInvalid):
        services.pipeline_schedule(editor=people["officer"], pipeline=make_pipeline(), schedule=NIGHTLY)


def test_only_the_departments_editors_set_a_schedule(people: dict[str, Any], nightly: Any) -> None:
    for stranger in (people["elsewhere"], people["bystander"]):
        with pytest.raises(services.IngestForbidden):
            services.pipeline_schedule(editor=stranger, pipeline=nightly, schedule="30 1 * * 1")
    services.pipeline_schedule(editor=people["colleague"], pipeline=nightly, schedule=" 30  1 * * 1 ")
    nightly.refresh_from_db()
    assert nightly.schedule == "30 1 * * 1"
    assert nightly.next_run_at.astimezone(SHANGHAI).weekday() == 0  # a Monday
    event = audit_events(action="ingest.pipeline.schedule").get()
    assert (event.actor_id, event.detail["schedule"]) == (people["colleague"].pk, "30 1 * * 1")
    services.pipeline_schedule(editor=people["officer"], pipeline=nightly, schedule="")
    nightly.refresh_from_db()
    assert (nightly.schedule, nightly.next_run_at) == ("", None)


def test_a_due_pipeline_runs_once_however_often_the_beat_calls(nightly: Any) -> None:
    due_at(nightly, at(2026, 11, 29, 2, 0))
    now = at(2026, 11, 29, 2, 0, 30)
    [run] = services.pipelines_run_due(now=now)
    assert (run.pipeline, run.scheduled, run.started_by, run.status) == (nightly, True, None, RunStatus.QUEUED)
    assert services.pipelines_run_due(now=now) == []
    assert services.pipelines_run_due(now=now + datetime.timedelta(minutes=5)) == []
    nightly.refresh_from_db()
    assert nightly.next_run_at == at(2026, 11, 30, 2, 0)
    assert audit_events(action="ingest.run.start").get().detail["scheduled"] is True


def test_the_due_run_loads_the_source_in_the_worker(
    nightly: Any, enterprises: Any, django_capture_on_commit_callbacks: Any
) -> None:
    due_at(nightly, at(2026, 11, 29, 2, 0))
    with django_capture_on_commit_callbacks(execute=True):
        [run] = services.pipelines_run_due(now=at(2026, 11, 29, 2, 1))
    run.refresh_from_db()
    assert (run.status, run.rows_read, run.rows_loaded) == (RunStatus.SUCCEEDED, 3, 3), run.error


@pytest.mark.django_db(transaction=True)
def test_schedulers_calling_at_once_start_one_run(nightly: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite lets one writer in at a time, so nothing races there")
    due_at(nightly, at(2026, 11, 29, 2, 0))
    barrier = threading.Barrier(8)

    def beat(_n: int) -> int:
        try:
            barrier.wait()
            return len(services.pipelines_run_due(now=at(2026, 11, 29, 2, 0, 5)))
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert sorted(pool.map(beat, range(8))) == [0] * 7 + [1]
    assert Run.objects.filter(pipeline=nightly).count() == 1


def test_an_unattended_failure_or_quarantine_is_told_to_the_departments_editors(
    people: dict[str, Any], nightly: Any, register: Path, django_capture_on_commit_callbacks: Any
) -> None:
    register.unlink()  # the front-end database is gone tonight
    due_at(nightly, at(2026, 11, 29, 2, 0))
    with django_capture_on_commit_callbacks(execute=True):
        [run] = services.pipelines_run_due(now=at(2026, 11, 29, 2, 1))
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    [message] = messages_of(user=people["officer"])
    assert message.subject == "归集任务“登记库每晚全量”定时运行失败"
    assert message.link == f"/workbench/ingest/runs/{run.pk}/"
    assert "sqlite" not in message.body  # the run page has the error; a message may go by SMS
    assert messages_of(user=people["colleague"]).count() == 1
    assert not messages_of(user=people["elsewhere"]).exists()
    assert not messages_of(user=people["bystander"]).exists()


def test_rows_quarantined_overnight_are_told_too(
    people: dict[str, Any], nightly: Any, register: Path, django_capture_on_commit_callbacks: Any
) -> None:
    with sqlite3.connect(register) as connection:
        connection.execute("INSERT INTO company VALUES ('91330100MA2H3X4Y6M', '重复的公司', '存续', '五十万', '', '')")
    due_at(nightly, at(2026, 11, 29, 2, 0))
    with django_capture_on_commit_callbacks(execute=True):
        [run] = services.pipelines_run_due(now=at(2026, 11, 29, 2, 1))
    run.refresh_from_db()
    assert (run.status, run.rows_rejected) == (RunStatus.SUCCEEDED, 1)
    [message] = messages_of(user=people["officer"])
    assert message.subject == "归集任务“登记库每晚全量”定时运行完成，1 行数据被隔离"


def test_a_run_started_by_hand_that_fails_is_told_on_its_page_only(
    people: dict[str, Any], nightly: Any, register: Path
) -> None:
    register.unlink()
    run = services.run_execute(run_id=services.run_start(user=people["officer"], pipeline=nightly, background=False).pk)
    assert run.status == RunStatus.FAILED
    assert not messages_of(user=people["officer"]).exists()


def test_times_missed_while_nothing_ran_give_one_run(nightly: Any) -> None:
    due_at(nightly, at(2026, 11, 26, 2, 0))
    assert len(services.pipelines_run_due(now=at(2026, 11, 29, 9, 15))) == 1
    nightly.refresh_from_db()
    assert nightly.next_run_at == at(2026, 11, 30, 2, 0)


def test_a_pipeline_still_loading_skips_its_time(nightly: Any) -> None:
    Run.objects.create(pipeline=nightly, status=RunStatus.RUNNING)
    due_at(nightly, at(2026, 11, 29, 2, 0))
    assert services.pipelines_run_due(now=at(2026, 11, 29, 2, 0)) == []
    assert Run.objects.filter(pipeline=nightly).count() == 1
    nightly.refresh_from_db()
    assert nightly.next_run_at == at(2026, 11, 30, 2, 0)
    assert audit_events(action="ingest.run.skip").get().detail["reason"] == "busy"


def test_a_run_lost_with_its_worker_does_not_hold_the_schedule_for_ever(nightly: Any) -> None:
    lost = Run.objects.create(pipeline=nightly, status=RunStatus.RUNNING, queued_at=at(2026, 11, 28, 2, 0))
    due_at(nightly, at(2026, 11, 29, 2, 0))
    assert len(services.pipelines_run_due(now=at(2026, 11, 29, 2, 0))) == 1  # 24 hours on: it was lost
    lost.refresh_from_db()
    assert lost.status == RunStatus.FAILED
    assert "12 小时" in lost.error
    recent = Run.objects.create(pipeline=nightly, status=RunStatus.RUNNING, queued_at=at(2026, 11, 29, 20, 0))
    due_at(nightly, at(2026, 11, 30, 2, 0))
    assert services.pipelines_run_due(now=at(2026, 11, 30, 2, 0)) == []  # six hours: still loading
    recent.refresh_from_db()
    assert recent.status == RunStatus.RUNNING


def test_a_stopped_pipeline_waits_and_started_again_keeps_its_next_time(people: dict[str, Any], nightly: Any) -> None:
    services.pipeline_enable(editor=people["officer"], pipeline=nightly, enabled=False)
    due_at(nightly, at(2026, 11, 20, 2, 0))
    assert services.pipelines_run_due(now=at(2026, 11, 29, 2, 0)) == []
    assert selectors.next_runs(pipeline=nightly) == []
    services.pipeline_enable(editor=people["officer"], pipeline=nightly, enabled=True)
    nightly.refresh_from_db()
    assert nightly.next_run_at > datetime.datetime.now(SHANGHAI)  # no catching up on the missed ones


def test_the_beat_calls_tasks_the_worker_knows() -> None:
    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks


# --- the page and the API -----------------------------------------------------------------------


def test_the_page_sets_the_schedule_for_the_departments_editors(
    people: dict[str, Any], nightly: Any, signed_in: Callable[[Any], Client], client: Client, citizen: Any
) -> None:
    url = f"/workbench/ingest/pipelines/{nightly.pk}/"
    officer = signed_in(people["officer"])
    page = officer.get(url).content.decode()
    assert 'data-testid="schedule-form"' in page
    assert "0 2 * * *" in page
    assert "02:00" in page
    refused = officer.post(url, {"action": "schedule", "schedule": "25 * *"}).content.decode()
    assert "五段 cron 表达式" in refused
    assert signed_in(people["elsewhere"]).post(url, {"action": "schedule", "schedule": ""}).status_code == 404
    assert signed_in(people["bystander"]).post(url, {"action": "schedule", "schedule": ""}).status_code == 404
    assert signed_in(citizen).post(url, {"action": "schedule", "schedule": ""}).status_code == 403
    assert client.post(url, {"action": "schedule", "schedule": ""}).status_code == 302  # to the sign-in
    nightly.refresh_from_db()
    assert nightly.schedule == NIGHTLY
    assert officer.post(url, {"action": "schedule", "schedule": "0 3 1 * *"}).status_code == 302
    nightly.refresh_from_db()
    assert nightly.schedule == "0 3 1 * *"
    listing = officer.get("/workbench/ingest/").content.decode()
    assert nightly.next_run_at.astimezone(SHANGHAI).strftime("%Y-%m-%d 03:00") in listing


def test_an_upload_pipeline_page_offers_no_schedule(
    people: dict[str, Any], make_pipeline: Callable[..., Any], signed_in: Callable[[Any], Client]
) -> None:
    page = signed_in(people["officer"]).get(f"/workbench/ingest/pipelines/{make_pipeline().pk}/").content.decode()
    assert 'data-testid="schedule-form"' not in page
    assert "手动运行" in page


def test_the_api_changes_the_schedule_and_stops_the_pipeline(
    people: dict[str, Any], nightly: Any, signed_in: Callable[[Any], Client], client: Client
) -> None:
    url = f"/api/v1/ingest/pipelines/{nightly.pk}"

    def patch(as_client: Client, body: dict[str, Any]) -> Any:
        return as_client.patch(url, json.dumps(body), content_type="application/json")

    officer = signed_in(people["officer"])
    shown = officer.get(url).json()
    assert shown["schedule"] == NIGHTLY
    assert shown["next_run_at"] is not None
    refused = patch(officer, {"schedule": "0 25 * * *", "enabled": False})
    assert refused.status_code == 422
    assert [error["field"] for error in refused.json()["errors"]] == ["schedule"]
    assert patch(signed_in(people["elsewhere"]), {"enabled": False}).status_code == 404
    assert patch(signed_in(people["bystander"]), {"enabled": False}).status_code == 404
    assert patch(client, {"enabled": False}).status_code in (401, 403)
    nightly.refresh_from_db()
    assert (nightly.schedule, nightly.enabled) == (NIGHTLY, True)  # nothing changed by the refusals
    changed = patch(officer, {"schedule": "0 1 * * *", "enabled": False})
    assert changed.status_code == 200, changed.content
    assert (changed.json()["schedule"], changed.json()["enabled"], changed.json()["next_run_at"]) == (
        "0 1 * * *",
        False,
        None,
    )


def test_the_command_line_lists_the_next_scheduled_time(nightly: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("ingest", "list", stdout=out)
    assert nightly.next_run_at.astimezone(SHANGHAI).strftime("%Y-%m-%d 02:00") in out.getvalue()
