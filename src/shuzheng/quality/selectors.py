"""Reads of data quality: a dataset's rules and its latest check."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from shuzheng.quality.models import CheckRun, QualityRule


def rules_of(*, dataset: Any) -> QuerySet[QualityRule]:
    return QualityRule.objects.filter(dataset=dataset).order_by("pk")


def latest_run(*, dataset: Any) -> CheckRun | None:
    return CheckRun.objects.filter(dataset=dataset).prefetch_related("results__rule").order_by("-started_at").first()
