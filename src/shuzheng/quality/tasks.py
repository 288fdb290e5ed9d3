"""Background checks: the worker only calls the service."""

from __future__ import annotations

from celery import shared_task

from shuzheng.quality import services


@shared_task(name="quality.check_dataset", acks_late=True, ignore_result=True)
def check_dataset(code: str, user_id: int | None) -> None:
    services.quality_check_queued(code=code, user_id=user_id)


@shared_task(name="quality.remind", ignore_result=True)
def remind() -> None:
    services.tickets_remind()
