"""Background runs: the worker only calls the service."""

from __future__ import annotations

from celery import shared_task

from shuzheng.ingest import services


@shared_task(name="ingest.run_pipeline", acks_late=True, ignore_result=True)
def run_pipeline(run_id: int) -> None:
    services.run_execute(run_id=run_id)


@shared_task(name="ingest.run_due", ignore_result=True)
def run_due() -> None:
    services.pipelines_run_due()
