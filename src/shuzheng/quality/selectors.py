"""Reads of data quality: a dataset's rules and its latest check."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from shuzheng.accounts.selectors import user_can
from shuzheng.quality import ruleset
from shuzheng.quality.models import CheckRun, QualityRule
from shuzheng.quality.services import EDIT


def rules_of(*, dataset: Any) -> QuerySet[QualityRule]:
    return QualityRule.objects.filter(dataset=dataset).order_by("pk")


def latest_run(*, dataset: Any) -> CheckRun | None:
    return CheckRun.objects.filter(dataset=dataset).prefetch_related("results__rule").order_by("-started_at").first()


def rule_of(*, dataset: Any, pk: int) -> QualityRule | None:
    return QualityRule.objects.filter(dataset=dataset, pk=pk).select_related("dataset").first()


def rules_editable(*, user: Any, dataset: Any) -> bool:
    """May ``user`` declare, change and remove the rules of ``dataset``?"""
    return user_can(user, EDIT, QualityRule(dataset=dataset))


def rules_export_yaml(*, dataset: Any) -> str:
    """The dataset's rules as a YAML document that ``services.rules_import_yaml`` reads back."""
    return ruleset.dump(rules_of(dataset=dataset), title=f"{dataset.code} {dataset.title}")
