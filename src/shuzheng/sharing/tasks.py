"""Background work: the worker only calls the service."""

from __future__ import annotations

from celery import shared_task

from shuzheng.sharing import services


@shared_task(name="sharing.seal", ignore_result=True)
def seal() -> None:
    services.calls_seal()


@shared_task(name="sharing.escalate", ignore_result=True)
def escalate() -> None:
    services.requests_escalate_overdue()
