"""Reads of the open-data portal: applications as their applicant and their department see them,
and the usage statistics."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Case, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from shuzheng.accounts.selectors import visible_to
from shuzheng.opendata.choices import ApplicationStatus
from shuzheng.opendata.models import AccessApplication, UsageDaily
from shuzheng.opendata.services import VIEW
from shuzheng.privacy import selectors as privacy


def _applications() -> QuerySet[AccessApplication]:
    return AccessApplication.objects.select_related("dataset", "organisation", "applicant", "legal_person", "token")


def applications_of_applicant(*, user: Any) -> QuerySet[AccessApplication]:
    """The user's own applications, newest first."""
    return _applications().filter(applicant=user)


def applications_for_department(*, user: Any, status: str = "") -> QuerySet[AccessApplication]:
    """Applications to the official's department, pending first and the oldest deadline first."""
    applications = visible_to(user, _applications(), VIEW)
    if status:
        applications = applications.filter(status=status)
    pending_first = Case(When(status=ApplicationStatus.SUBMITTED, then=Value(0)), default=Value(1))
    return applications.order_by(pending_first, "due_on", "-submitted_at")


def application_visible(*, user: Any, number: str) -> AccessApplication | None:
    """One application, for its applicant or an official of its department with the right role."""
    applications = _applications().filter(number=number)
    return (applications.filter(applicant=user) | visible_to(user, applications, VIEW)).first()


def application_for_key(*, token: Any, dataset_name: str) -> AccessApplication | None:
    """The active application a key was issued for, if it is for this dataset."""
    application = _applications().filter(token=token, dataset__name=dataset_name).first()
    return application if application is not None and application.is_active else None


def application_overdue(application: AccessApplication) -> bool:
    return application.status == ApplicationStatus.SUBMITTED and application.due_on < timezone.localdate()


def application_awaits_release_check(application: AccessApplication) -> bool:
    """Whether the application cannot be approved yet: its dataset holds fields about persons and
    has no passing release check (the officer's page says so before anyone clicks 批准)."""
    return application.status == ApplicationStatus.SUBMITTED and privacy.release_check_missing(
        dataset=application.dataset
    )


def usage_totals(*, dataset: Any = None, datasets: Any = None, days: int | None = None) -> dict[str, int]:
    """Downloads and API calls of one dataset, of some (a queryset) or of all, over the last ``days`` or ever."""
    usage = UsageDaily.objects.all()
    if dataset is not None:
        usage = usage.filter(dataset=dataset)
    if datasets is not None:
        usage = usage.filter(dataset__in=datasets.values("pk"))
    if days is not None:
        usage = usage.filter(day__gt=timezone.localdate() - datetime.timedelta(days=days))
    totals = usage.aggregate(downloads=Sum("downloads"), api_calls=Sum("api_calls"))
    return {key: int(value or 0) for key, value in totals.items()}


def most_used(*, limit: int = 5) -> list[tuple[int, int]]:
    """(dataset id, downloads + API calls) of the most used datasets."""
    rows = (
        UsageDaily.objects.values("dataset")
        .annotate(total=Sum("downloads") + Sum("api_calls"))
        .filter(~Q(total=0))
        .order_by("-total")[:limit]
    )
    return [(row["dataset"], row["total"]) for row in rows]
