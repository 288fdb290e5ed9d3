"""Reads of data quality: rules, checks and their results, scores with their trend per dataset and
per department, the ranking of departments, and tickets as each person may see them."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from shuzheng.accounts.selectors import organisation_get as _organisation_get
from shuzheng.accounts.selectors import user_can, visible_to
from shuzheng.catalog.selectors import datasets_with_codes
from shuzheng.quality import ruleset
from shuzheng.quality.choices import RunStatus, TicketStatus
from shuzheng.quality.models import CheckRun, QualityRule, Ticket
from shuzheng.quality.services import EDIT, OVERSEE, VIEW

# How many points a trend shows.
TREND_POINTS = 12


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


def runs_of(*, dataset: Any) -> QuerySet[CheckRun]:
    return CheckRun.objects.filter(dataset=dataset).order_by("-started_at")


def run_get(*, pk: int) -> CheckRun | None:
    return CheckRun.objects.select_related("dataset", "dataset__organisation").filter(pk=pk).first()


# --- who sees what ---------------------------------------------------------------------------------


def scorecard_department_allowed(*, user: Any, organisation: Any) -> bool:
    """Whether ``user`` may see a department's scorecard in detail (failing rows, tickets): its own
    data officer, or the platform's within the region of the overseeing role."""
    probe = Ticket(organisation=organisation)
    return user_can(user, VIEW, probe) or user_can(user, OVERSEE, probe)


def scorecard_allowed(*, user: Any, dataset: Any) -> bool:
    """The same question for one dataset's checks."""
    return scorecard_department_allowed(user=user, organisation=dataset.organisation)


def user_oversees(*, user: Any) -> bool:
    return user_can(user, OVERSEE)


def _tickets() -> QuerySet[Ticket]:
    return Ticket.objects.select_related("dataset", "organisation", "rule", "reported_by")


def tickets_visible(*, user: Any) -> QuerySet[Ticket]:
    """Tickets of the user's department (with the role), every department's in the region of an
    overseeing role, and the ones the user reported."""
    tickets = _tickets()
    if not getattr(user, "is_authenticated", False):
        return tickets.none()
    own = visible_to(user, tickets, VIEW).values("pk")
    overseen = visible_to(user, tickets, OVERSEE).values("pk")
    return tickets.filter(Q(pk__in=own) | Q(pk__in=overseen) | Q(reported_by=user))


def ticket_visible(*, user: Any, number: str) -> Ticket | None:
    return tickets_visible(user=user).filter(number=number).first()


def tickets_list(*, user: Any, status: str = "", overdue: bool = False, dataset: Any = None) -> QuerySet[Ticket]:
    """Visible tickets, active ones first, the nearest deadline first."""
    tickets = tickets_visible(user=user)
    if status:
        tickets = tickets.filter(status=status)
    if overdue:
        tickets = tickets.filter(status__in=TicketStatus.awaiting_department(), due_on__lt=timezone.localdate())
    if dataset is not None:
        tickets = tickets.filter(dataset=dataset)
    closed_last = Case(When(status=TicketStatus.CLOSED, then=Value(1)), default=Value(0))
    return tickets.order_by(closed_last, "due_on", "-opened_at")


# --- scores --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    at: datetime.datetime
    score: Decimal


@dataclass
class DepartmentScore:
    organisation: Any
    score: Decimal | None
    datasets: int
    trend: list[Point] = field(default_factory=list)


def _succeeded() -> QuerySet[CheckRun]:
    return CheckRun.objects.filter(status=RunStatus.SUCCEEDED, score__isnull=False)


def latest_runs(*, datasets: Any = None) -> QuerySet[CheckRun]:
    """Each dataset's newest successful check (of ``datasets``, a queryset, or of all)."""
    newest = _succeeded().filter(dataset=OuterRef("dataset")).order_by("-started_at", "-pk").values("pk")[:1]
    latest = _succeeded().filter(pk=Subquery(newest))
    if datasets is not None:
        latest = latest.filter(dataset__in=datasets)
    return latest.select_related("dataset", "dataset__organisation")


def dataset_trend(*, dataset: Any, points: int = TREND_POINTS) -> list[Point]:
    """The dataset's scores over its last successful checks, oldest first."""
    runs = _succeeded().filter(dataset=dataset).order_by("-started_at", "-pk")[:points]
    return [Point(run.started_at, run.score) for run in reversed(list(runs)) if run.score is not None]


def _pooled(runs: Iterable[CheckRun]) -> Decimal | None:
    # Each run's score is 100 × Σ weight·pass / Σ weight over its rules; weighting the scores by
    # Σ weight pools every rule of the department as if checked together.
    total = weighted = Decimal(0)
    for run in runs:
        if run.score is None or not run.weight:
            continue
        total += run.weight
        weighted += run.score * run.weight
    return (weighted / total).quantize(Decimal("0.01")) if total else None


def department_trend(*, organisation: Any, points: int = TREND_POINTS) -> list[Point]:
    """The department's pooled score after each day with checks, over its last ``points`` such days."""
    runs = _succeeded().filter(dataset__organisation=organisation).order_by("started_at", "pk")
    latest: dict[int, CheckRun] = {}
    by_day: dict[datetime.date, Point] = {}
    for run in runs.only("pk", "dataset_id", "started_at", "score", "weight"):
        latest[run.dataset_id] = run
        pooled = _pooled(latest.values())
        if pooled is not None:
            by_day[timezone.localdate(run.started_at)] = Point(run.started_at, pooled)
    return list(by_day.values())[-points:]


def department_scores(*, organisations: Sequence[Any] | None = None, trend: bool = False) -> list[DepartmentScore]:
    """Departments with checked datasets, best score first (the ranking across departments)."""
    latest = latest_runs()
    if organisations is not None:
        latest = latest.filter(dataset__organisation__in=organisations)
    grouped: dict[int, list[CheckRun]] = {}
    owners: dict[int, Any] = {}
    for run in latest:
        grouped.setdefault(run.dataset.organisation_id, []).append(run)
        owners[run.dataset.organisation_id] = run.dataset.organisation
    scores = [
        DepartmentScore(
            owners[pk], _pooled(runs), len(runs), department_trend(organisation=owners[pk]) if trend else []
        )
        for pk, runs in grouped.items()
    ]
    return sorted(scores, key=lambda item: (-(item.score or Decimal(-1)), item.organisation.name))


def ticket_counts(*, organisations: Sequence[Any]) -> dict[int, dict[str, int]]:
    """Active and overdue tickets per department."""
    today = timezone.localdate()
    rows = (
        Ticket.objects.filter(organisation__in=organisations, status__in=TicketStatus.active())
        .values("organisation")
        .annotate(
            active=Count("pk"),
            overdue=Count("pk", filter=Q(status__in=TicketStatus.awaiting_department(), due_on__lt=today)),
        )
    )
    return {row["organisation"]: {"active": row["active"], "overdue": row["overdue"]} for row in rows}


def datasets_checked(*, organisation: Any) -> QuerySet[Any]:
    """The department's datasets that have rules or checks, for its scorecard."""
    codes = (
        QualityRule.objects.filter(dataset__organisation=organisation)
        .values_list("dataset__code", flat=True)
        .distinct()
    )
    return datasets_with_codes(codes=list(codes)).prefetch_related("fields")


def organisation_get(*, pk: int) -> Any:
    return _organisation_get(pk=pk)


@dataclass
class DatasetCard:
    dataset: Any
    run: CheckRun | None  # the newest successful check
    trend: list[Point]
    failing: list[Any]  # that check's results with failing rows, most failing first
    tickets: list[Ticket]


@dataclass
class Scorecard:
    organisation: Any
    score: Decimal | None
    trend: list[Point]
    datasets: list[DatasetCard]
    tickets: list[Ticket]  # active ones, nearest deadline first
    active_tickets: int = 0
    overdue_tickets: int = 0


def scorecard(*, organisation: Any) -> Scorecard:
    """A department's scorecard: its datasets with their latest score, trend and failing rules, the
    pooled score and its trend, and the active tickets (overdue ones counted)."""
    datasets = list(datasets_checked(organisation=organisation))
    runs = _succeeded().filter(dataset__in=datasets).order_by("started_at", "pk")
    history: dict[int, list[CheckRun]] = {}
    for checked in runs.only("pk", "dataset_id", "started_at", "score", "weight"):
        history.setdefault(checked.dataset_id, []).append(checked)
    newest = {checks[-1].pk for checks in history.values()}
    latest = {
        run.dataset_id: run
        for run in CheckRun.objects.filter(pk__in=newest).prefetch_related("results__rule").select_related("dataset")
    }
    tickets = list(
        _tickets().filter(organisation=organisation, status__in=TicketStatus.active()).order_by("due_on", "-opened_at")
    )
    cards = []
    for dataset in datasets:
        run = latest.get(dataset.pk)
        failing = sorted(
            (result for result in (run.results.all() if run else []) if result.failed),
            key=lambda result: -result.failed,
        )
        trend = [
            Point(item.started_at, item.score) for item in history.get(dataset.pk, [])[-TREND_POINTS:] if item.score
        ]
        own = [ticket for ticket in tickets if ticket.dataset_id == dataset.pk]
        cards.append(DatasetCard(dataset, run, trend, failing, own))
    card = Scorecard(
        organisation=organisation,
        score=_pooled(latest.values()),
        trend=department_trend(organisation=organisation),
        datasets=cards,
        tickets=tickets,
    )
    card.active_tickets = len(tickets)
    card.overdue_tickets = sum(ticket.is_overdue for ticket in tickets)
    return card
