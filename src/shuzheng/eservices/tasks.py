"""Background work: the worker only calls the service."""

from __future__ import annotations

from celery import shared_task

from shuzheng.eservices import services


@shared_task(name="eservices.remind", ignore_result=True)
def remind() -> None:
    services.cases_remind()
