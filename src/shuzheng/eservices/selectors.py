"""Reads of the e-services app: the catalogue as the portal shows it, cases as their applicant
and their officials see them, deadlines and warnings."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import Case as Switch
from django.db.models import Count, Q, QuerySet, Value, When
from django.utils import timezone

from shuzheng.accounts.selectors import memberships_of, user_can, visible_to
from shuzheng.core.workdays import WorkCalendar, work_calendar
from shuzheng.eservices.choices import (
    BAD_RATING,
    CaseAction,
    CaseStatus,
    CommitmentStatus,
    DeadlineWarning,
    RatingDimension,
    RatingLevel,
    RectificationStatus,
    Stage,
    VersionStatus,
)
from shuzheng.eservices.models import (
    OPEN_STATUSES,
    Case,
    CaseEvent,
    CaseMaterial,
    Commitment,
    ItemVersion,
    Rating,
    Rectification,
    ServiceItem,
)

# Role actions. An official acts on a case at a step of some stage only with that stage's action,
# and only in a case of their own organisation.
ITEM_EDIT = "eservices.item.edit"
ITEM_REVIEW = "eservices.item.review"
CASE_VIEW = "eservices.case.view"
CASE_SUPERVISE = "eservices.case.supervise"
PLEDGE_VERIFY = "eservices.pledge.verify"
RATING_HANDLE = "eservices.rating.handle"
RATING_REVIEW = "eservices.rating.review"
STAGE_ACTIONS = {stage: f"eservices.case.{stage.value}" for stage in Stage}


def stage_action(stage: str) -> str:
    return STAGE_ACTIONS[Stage(stage)]


# --- the catalogue --------------------------------------------------------------------------


def items_published(*, search: str = "", department: int | None = None, region: str = "") -> QuerySet[ServiceItem]:
    items = ServiceItem.objects.filter(published__isnull=False).select_related("department", "region", "published")
    if search:
        items = items.filter(Q(name__icontains=search) | Q(department__name__icontains=search))
    if department:
        items = items.filter(department_id=department)
    if region:
        items = items.filter(region_id=region)
    return items.order_by("department__name", "name")


def items_for_region(*, region: str, search: str = "") -> list[ServiceItem]:
    """Each item once, in the implementation of the applicant's region: the most local of the
    implementations whose region contains it (a district's own, else its city's, else the
    province's)."""
    ancestors = {region, region[:4] + "00", region[:2] + "0000"}
    chosen: dict[str, ServiceItem] = {}
    for item in items_published(search=search).filter(region_id__in=ancestors):
        current = chosen.get(item.basic_code)
        if current is None or _depth(item.region_id) > _depth(current.region_id):
            chosen[item.basic_code] = item
    return sorted(chosen.values(), key=lambda item: (item.department.name, item.name))


def _depth(code: str) -> int:
    return 0 if code.endswith("0000") else 1 if code.endswith("00") else 2


def item_get(*, pk: int) -> ServiceItem | None:
    return ServiceItem.objects.select_related("department", "region", "published").filter(pk=pk).first()


def item_by_code(*, implementation_code: str) -> ServiceItem | None:
    return (
        ServiceItem.objects.select_related("department", "region", "published")
        .filter(implementation_code=implementation_code)
        .first()
    )


def item_versions(*, item: ServiceItem) -> QuerySet[ItemVersion]:
    return item.versions.select_related("created_by", "reviewed_by").order_by("-number")


def items_editable(*, user: Any) -> QuerySet[ServiceItem]:
    """The items of the official's own department, for drafting and review."""
    if not (user_can(user, ITEM_EDIT) or user_can(user, ITEM_REVIEW)):
        return ServiceItem.objects.none()
    return (
        ServiceItem.objects.filter(department_id=user.organisation_id)
        .select_related("published", "region", "department")
        .order_by("name", "pk")
    )


def item_editable(*, user: Any, pk: int | None = None, code: str = "") -> ServiceItem | None:
    """One item of the official's department, by key or by implementation code."""
    items = items_editable(user=user)
    return (items.filter(pk=pk) if pk is not None else items.filter(implementation_code=code)).first()


def version_open(*, item: ServiceItem) -> ItemVersion | None:
    """The draft or version in review, if any."""
    return item.versions.filter(status__in=[VersionStatus.DRAFT, VersionStatus.REVIEW]).first()


# --- cases ----------------------------------------------------------------------------------


def _cases() -> QuerySet[Case]:
    return Case.objects.select_related("item", "version", "organisation", "applicant", "legal_person")


def cases_of_applicant(*, user: Any, status: str = "") -> QuerySet[Case]:
    """The person's own cases and those of the enterprises they act for."""
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    cases = _cases().filter(Q(applicant=user) | Q(legal_person__in=memberships_of(user=user).values("legal_person")))
    if status:
        cases = cases.filter(status=status)
    return cases.order_by("-created_at", "-pk")


def case_of_applicant(*, user: Any, uid: Any) -> Case | None:
    return cases_of_applicant(user=user).filter(uid=uid).first()


def draft_of(*, applicant: Any, item: ServiceItem) -> Case | None:
    """The applicant's unfinished application for the item, if any."""
    return Case.objects.filter(applicant=applicant, item=item, status=CaseStatus.DRAFT).first()


def cases_for_official(*, user: Any, status: str = "", search: str = "") -> QuerySet[Case]:
    """The cases of the official's organisation, not drafts."""
    cases = visible_to(user, _cases(), CASE_VIEW).exclude(status=CaseStatus.DRAFT)
    if status:
        cases = cases.filter(status=status)
    if search:
        cases = cases.filter(Q(number__icontains=search) | Q(item__name__icontains=search))
    return cases


def case_for_official(*, user: Any, uid: Any) -> Case | None:
    return cases_for_official(user=user).filter(uid=uid).first()


def todo_of(*, user: Any) -> list[Case]:
    """The official's to-do list: open cases waiting at a step the official may act on, the most
    urgent first (no deadline yet — not accepted — counts as due on submission)."""
    stages = [stage for stage, action in STAGE_ACTIONS.items() if user_can(user, action)]
    cases = [
        case
        for case in cases_for_official(user=user).filter(
            status__in=[CaseStatus.SUBMITTED, CaseStatus.PROCESSING, CaseStatus.SUSPENDED]
        )
        if (step := case.version.step(case.step)) is not None and step.stage in stages
    ]
    return sorted(cases, key=_urgency)


def _urgency(case: Case) -> tuple[datetime.date, datetime.datetime]:
    submitted = case.submitted_at or case.created_at
    return (case.due or timezone.localtime(submitted).date(), submitted)


def cases_overdue(*, user: Any, today: datetime.date | None = None) -> QuerySet[Case]:
    """Open cases past their binding deadline in the supervisor's region, the longest overdue first."""
    today = today or timezone.localdate()
    cases = visible_to(user, _cases(), CASE_SUPERVISE).filter(status__in=OPEN_STATUSES, paused_on__isnull=True)
    return cases.filter(Q(promised_due__lt=today) | Q(legal_due__lt=today)).order_by("promised_due", "legal_due")


def case_warnings(cases: Iterable[Case], today: datetime.date | None = None) -> list[DeadlineWarning]:
    """Each case's warning: red once past the binding deadline, yellow within the configured
    working days of it (the calendar is read once for the lot)."""
    today = today or timezone.localdate()
    calendar = work_calendar()
    return [_warning(case, today, calendar) for case in cases]


def case_warning(case: Case, today: datetime.date | None = None) -> DeadlineWarning:
    return case_warnings([case], today)[0]


def _warning(case: Case, today: datetime.date, calendar: WorkCalendar) -> DeadlineWarning:
    due = case.due
    if due is None or not case.is_open or case.paused_on is not None:
        return DeadlineWarning.NONE
    if today > due:
        return DeadlineWarning.RED
    if calendar.working_days_between(today, due) <= settings.SHUZHENG_CASE_YELLOW_DAYS:
        return DeadlineWarning.YELLOW
    return DeadlineWarning.NONE


def case_events(*, case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor").order_by("at", "pk")


def correction_asked(*, case: Case) -> CaseEvent | None:
    """The newest request for a correction: what the applicant is asked to put right."""
    return case_events(case=case).filter(action=CaseAction.CORRECTION_REQUEST).last()


def case_materials(*, case: Case, current: bool = True) -> QuerySet[CaseMaterial]:
    materials = case.materials.all()
    return materials.filter(replaced_at__isnull=True) if current else materials


def case_material(*, case: Case, uid: Any) -> CaseMaterial | None:
    return case.materials.filter(uid=uid).first()


def case_missing_materials(*, case: Case) -> list[str]:
    """Codes of required materials the applicant must upload and has not (a pledge replaces some)."""
    spec = case.version.spec
    replaced = set(spec.pledge.materials) if case.pledged and spec.pledge else set()
    present = set(case_materials(case=case).values_list("material", flat=True)) if case.pk else set()
    return [
        material.code
        for material in spec.materials
        if material.required and material.source == "applicant" and material.code not in replaced | present
    ]


# --- 好差评 ---------------------------------------------------------------------------------

RATING_GROUPS = {
    "organisation": ("organisation__name",),
    "item": ("item__name", "organisation__name"),
    "region": ("region__name",),
    "official": ("official__name", "organisation__name"),
}


def rating_of(*, case: Case) -> Rating | None:
    return Rating.objects.filter(case=case).select_related("rectification").first()


def rectifications_for(*, user: Any, status: str = "") -> QuerySet[Rectification]:
    """The bad ratings of the official's department, those still to rectify first."""
    rows = visible_to(user, Rectification.objects.select_related("rating__case__item"), RATING_HANDLE)
    if status:
        rows = rows.filter(status=status)
    open_first = Switch(When(status=RectificationStatus.OPEN, then=Value(0)), default=Value(1))
    return rows.order_by(open_first, "due", "pk")


def appeals_to_review(*, user: Any) -> QuerySet[Rectification]:
    rows = Rectification.objects.filter(status=RectificationStatus.APPEALED).select_related(
        "rating__case__item", "organisation"
    )
    return visible_to(user, rows, RATING_REVIEW).order_by("pk")


def rectification_visible(*, user: Any, pk: int) -> Rectification | None:
    """A rectification the official handles or, under appeal, reviews."""
    found = rectifications_for(user=user).filter(pk=pk).first()
    return found or appeals_to_review(user=user).filter(pk=pk).first()


def ratings_in_scope(*, user: Any, since: datetime.date | None = None) -> QuerySet[Rating]:
    """Ratings the reviewer's region covers, without those set aside on appeal."""
    ratings = visible_to(user, Rating.objects.filter(excluded=False), RATING_REVIEW)
    return ratings.filter(created_at__date__gte=since) if since else ratings


def rating_statistics(*, user: Any, by: str, since: datetime.date | None = None) -> list[dict[str, Any]]:
    """Counts per level, bad ratings and the satisfaction rate (满意率: the share rated 基本满意
    or better) per department, item, region or official."""
    columns = RATING_GROUPS[by]
    counts = {f"level_{level}": Count("pk", filter=Q(level=level)) for level in RatingLevel.values}
    rows = (
        ratings_in_scope(user=user, since=since)
        .values(*columns)
        .annotate(total=Count("pk"), bad=Count("pk", filter=Q(level__lte=BAD_RATING)), **counts)
        .order_by(*columns)
    )
    return [
        {**row, "name": row[columns[0]] or "—", "satisfaction": 1 - row["bad"] / row["total"] if row["total"] else None}
        for row in rows
    ]


def ratings_export_rows(*, user: Any, since: datetime.date | None = None) -> list[list[Any]]:
    """The ratings as the national indicator table: one row per rating, each indicator's level."""
    header = [
        "办件编号",
        "事项实施编码",
        "事项名称",
        "办理部门",
        "行政区划代码",
        "评价时间",
        "整体满意度",
        *[str(dimension.label) for dimension in RatingDimension],
        "评价内容",
        "差评整改状态",
    ]
    rows: list[list[Any]] = [header]
    ratings = ratings_in_scope(user=user, since=since).select_related("case", "item", "organisation", "rectification")
    for rating in ratings.order_by("created_at", "pk"):
        rectification = getattr(rating, "rectification", None)
        rows.append(
            [
                rating.case.number,
                rating.item.implementation_code,
                rating.item.name,
                rating.organisation.name,
                rating.region_id,
                timezone.localtime(rating.created_at).strftime("%Y-%m-%d %H:%M:%S"),
                rating.level,
                *[rating.dimensions.get(dimension.value, "") for dimension in RatingDimension],
                rating.text,
                rectification.get_status_display() if rectification else "",
            ]
        )
    return rows


# --- 告知承诺 -------------------------------------------------------------------------------


def commitments_to_check(*, user: Any) -> QuerySet[Commitment]:
    """The department's promises still to check, the nearest deadline first."""
    rows = Commitment.objects.filter(status__in=[CommitmentStatus.PENDING, CommitmentStatus.CORRECTION])
    return visible_to(user, rows.select_related("case__item", "case__applicant"), PLEDGE_VERIFY).order_by(
        "verify_due", "pk"
    )


def commitment_visible(*, user: Any, pk: int) -> Commitment | None:
    rows = Commitment.objects.select_related("case__item", "case__applicant", "case__version")
    return visible_to(user, rows, PLEDGE_VERIFY).filter(pk=pk).first()


def commitment_broken_by(*, applicant: Any) -> bool:
    """Whether the applicant made a promise found false (it excludes them from the pledge)."""
    return Commitment.objects.filter(case__applicant=applicant, status=CommitmentStatus.REVOKED).exists()


def commitments_broken(*, since: datetime.datetime | None = None) -> QuerySet[Commitment]:
    """False promises whose approval was revoked: what the credit centre records."""
    rows = Commitment.objects.filter(status=CommitmentStatus.REVOKED).select_related("case__applicant", "case__item")
    return rows.filter(checked_at__gte=since) if since else rows
