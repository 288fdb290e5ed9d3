"""好差评: ratings of finished cases, and the rectification of bad ones."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

from shuzheng.accounts.selectors import user_can
from shuzheng.core.errors import Problem, fields_problem
from shuzheng.core.notifications import notify
from shuzheng.core.workdays import add_working_days
from shuzheng.eservices.choices import (
    BAD_RATING,
    CaseStatus,
    RatingDimension,
    RatingLevel,
    RectificationStatus,
)
from shuzheng.eservices.models import (
    Case,
    Rating,
    Rectification,
)
from shuzheng.eservices.selectors import (
    RATING_HANDLE,
    RATING_REVIEW,
)
from shuzheng.eservices.services.cases import last_official
from shuzheng.eservices.services.common import record_audit

# --- 好差评 ---------------------------------------------------------------------------------

RATEABLE = (CaseStatus.COMPLETED, CaseStatus.REJECTED)


@transaction.atomic
def rating_give(
    *,
    applicant: Any,
    case: Case,
    level: int,
    dimensions: Mapping[str, int] | None = None,
    text: str = "",
    request: HttpRequest | None = None,
) -> Rating:
    """Rate a finished case, once (一事一评). A bad rating opens a rectification for the handling
    department with a working-day deadline."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.applicant_id != applicant.pk:
        raise PermissionDenied("eservices.case.rate")
    if case.status not in RATEABLE:
        raise fields_problem([("", "not_finished", gettext("办件办结后才能评价"))])
    if Rating.objects.filter(case=case).exists():
        raise Problem(409, gettext("该办件已评价，每件只能评价一次"))
    if level not in RatingLevel.values:
        raise fields_problem([("level", "invalid", gettext("请选择评价等级"))])
    scores = dict(dimensions or {})
    if bad := [
        key for key, value in scores.items() if key not in RatingDimension.values or value not in RatingLevel.values
    ]:
        raise fields_problem([(f"dimensions.{key}", "invalid", gettext("请选择评价等级")) for key in bad])
    if level <= BAD_RATING and not text.strip():
        raise fields_problem([("text", "required", gettext("请写明不满意的原因，以便部门整改"))])
    official = last_official(case)
    rating = Rating.objects.create(
        case=case,
        level=level,
        dimensions=scores,
        text=text.strip(),
        item_id=case.item_id,
        organisation_id=case.organisation_id,
        region_id=case.region_id,
        official=official,
    )
    if rating.is_bad:
        Rectification.objects.create(
            rating=rating,
            organisation_id=case.organisation_id,
            region_id=case.region_id,
            due=add_working_days(timezone.localdate(), settings.SHUZHENG_RATING_RECTIFY_DAYS),
        )
    record_audit("rate", applicant, case, request, level=level)
    return rating


def _rectification(rectification: Rectification, user: Any, action: str) -> Rectification:
    locked = Rectification.objects.select_for_update().select_related("rating__case").get(pk=rectification.pk)
    if not user_can(user, action, locked):
        raise PermissionDenied(action)
    return locked


@transaction.atomic
def rectification_callback(
    *, official: Any, rectification: Rectification, note: str, request: HttpRequest | None = None
) -> Rectification:
    """Record the call-back to the applicant (every real-name bad rating gets one)."""
    rectification = _rectification(rectification, official, RATING_HANDLE)
    if not note.strip():
        raise fields_problem([("note", "required", gettext("请填写回访情况"))])
    rectification.called_back_at, rectification.callback_note = timezone.now(), note.strip()
    rectification.save(update_fields=["called_back_at", "callback_note"])
    record_audit("rectification.callback", official, rectification.rating.case, request)
    return rectification


@transaction.atomic
def rectification_complete(
    *, official: Any, rectification: Rectification, result: str, request: HttpRequest | None = None
) -> Rectification:
    """Close the rectification with its result, which the applicant then sees."""
    rectification = _rectification(rectification, official, RATING_HANDLE)
    if rectification.status != RectificationStatus.OPEN:
        raise fields_problem([("", "not_open", gettext("该整改不在待整改状态"))])
    if rectification.called_back_at is None:
        raise fields_problem([("note", "callback_first", gettext("请先回访申请人，再办结整改"))])
    if not result.strip():
        raise fields_problem([("result", "required", gettext("请填写整改结果"))])
    rectification.status, rectification.result = RectificationStatus.DONE, result.strip()
    rectification.done_at, rectification.done_by = timezone.now(), official
    rectification.save()
    case = rectification.rating.case
    record_audit("rectification.done", official, case, request)
    notify(
        recipient=case.applicant,
        subject=gettext("您对办件%(number)s的评价已整改") % {"number": case.number},
        body=rectification.result,
        link=f"/my/cases/{case.uid}/",
        topic="eservices.rating.rectified",
    )
    return rectification


@transaction.atomic
def rectification_appeal(
    *, official: Any, rectification: Rectification, reason: str, request: HttpRequest | None = None
) -> Rectification:
    """The department holds the rating mistaken or malicious and asks a reviewer to set it aside."""
    rectification = _rectification(rectification, official, RATING_HANDLE)
    if rectification.status != RectificationStatus.OPEN:
        raise fields_problem([("", "not_open", gettext("该整改不在待整改状态"))])
    if not reason.strip():
        raise fields_problem([("reason", "required", gettext("请写明申诉理由"))])
    rectification.status, rectification.appeal_reason = RectificationStatus.APPEALED, reason.strip()
    rectification.save(update_fields=["status", "appeal_reason"])
    record_audit("rectification.appeal", official, rectification.rating.case, request)
    return rectification


@transaction.atomic
def appeal_decide(
    *, reviewer: Any, rectification: Rectification, upheld: bool, note: str, request: HttpRequest | None = None
) -> Rectification:
    """A reviewer of the region upholds the appeal (the rating leaves the statistics) or rejects it
    (the department must rectify)."""
    rectification = _rectification(rectification, reviewer, RATING_REVIEW)
    if rectification.status != RectificationStatus.APPEALED:
        raise fields_problem([("", "not_appealed", gettext("该差评没有申诉"))])
    if not note.strip():
        raise fields_problem([("note", "required", gettext("请填写复核意见"))])
    rectification.reviewed_by, rectification.appeal_note = reviewer, note.strip()
    rectification.status = RectificationStatus.UPHELD if upheld else RectificationStatus.OPEN
    rectification.save(update_fields=["reviewed_by", "appeal_note", "status"])
    if upheld:
        Rating.objects.filter(pk=rectification.rating_id).update(excluded=True)
    record_audit("rectification.review", reviewer, rectification.rating.case, request, upheld=upheld)
    return rectification
