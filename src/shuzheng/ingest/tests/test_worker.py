"""A run started from the web goes through a real broker (Redis) to a real Celery worker, and
the run page's numbers move while it works."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.db import OperationalError

from shuzheng.celery_app import app
from shuzheng.ingest import services
from shuzheng.ingest.choices import RunStatus

REDIS = "redis://127.0.0.1:6379/14"


@pytest.fixture
def worker() -> Iterator[None]:
    try:
        redis.Redis.from_url(REDIS).ping()
    except redis.ConnectionError:
        pytest.skip("no Redis server at 127.0.0.1:6379")
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=REDIS, task_always_eager=False)
    _forget_connections()
    redis.Redis.from_url(REDIS).flushdb()  # tasks of an earlier, interrupted run must not be picked up
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        app.conf.update(saved)
        _forget_connections()


def _forget_connections() -> None:
    # The app keeps the broker connection pools it made first; after a change of broker they
    # would still send to the old one.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.mark.django_db(transaction=True)
def test_a_run_queued_on_commit_is_done_by_the_worker(
    worker: None, make_pipeline: Callable[..., Any], people: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "企业.csv"
    lines = [f"91330100{index:010d},企业{index},存续,{index},2020-01-01\n" for index in range(30_000)]
    path.write_text("统一社会信用代码,企业名称,登记状态,注册资本（万元）,成立日期\n" + "".join(lines), encoding="utf-8")
    run = services.run_start(user=people["officer"], pipeline=make_pipeline(), file_name=path.name, content=path)
    seen = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        time.sleep(0.05)
        try:
            run.refresh_from_db()
        except OperationalError:
            # SQLite's in-memory test database is shared between this thread and the worker's, and
            # a read that meets the worker's write is refused at once rather than made to wait (a
            # worker process on a database file waits its turn): look again next time.
            continue
        seen.add((run.status, run.progress))
        if run.status in {RunStatus.SUCCEEDED, RunStatus.FAILED}:
            break
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert (run.rows_read, run.rows_loaded) == (30_000, 30_000)
    assert run.started_at is not None
    assert run.finished_at is not None
    # Progress was reported while the worker read, not only at the end.
    assert any(status == RunStatus.RUNNING and 0 < progress < 30_000 for status, progress in seen), seen
