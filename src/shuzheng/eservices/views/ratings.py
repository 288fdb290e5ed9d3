"""Workbench pages of 好差评: the department's bad ratings to call back and rectify (or appeal),
the reviewer's appeals, and the statistics with the national indicator export."""

from __future__ import annotations

import csv
import datetime

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext

from shuzheng.accounts.selectors import user_can
from shuzheng.core.access import official_required
from shuzheng.core.errors import Problem
from shuzheng.eservices import selectors, services
from shuzheng.eservices.choices import RatingLevel, RectificationStatus
from shuzheng.eservices.models import Rectification
from shuzheng.eservices.views import text


@official_required
def rectifications(request: HttpRequest) -> HttpResponse:
    context = {
        "rows": selectors.rectifications_for(user=request.user)[:200],
        "appeals": selectors.appeals_to_review(user=request.user)[:200],
        "reviewer": user_can(request.user, selectors.RATING_REVIEW),
        "today": timezone.localdate(),
    }
    return render(request, "eservices/workbench/rectifications.html", context)


def _act(request: HttpRequest, rectification: Rectification) -> None:
    action, note = request.POST.get("action", ""), text(request.POST, "text", 4000)
    user = request.user
    if action == "callback":
        services.rectification_callback(official=user, rectification=rectification, note=note, request=request)
    elif action == "complete":
        services.rectification_complete(official=user, rectification=rectification, result=note, request=request)
    elif action == "appeal":
        services.rectification_appeal(official=user, rectification=rectification, reason=note, request=request)
    elif action in ("uphold", "reject"):
        services.appeal_decide(
            reviewer=user, rectification=rectification, upheld=action == "uphold", note=note, request=request
        )
    else:
        raise Problem(400, gettext("未知的操作"))


@official_required
def rectification(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.rectification_visible(user=request.user, pk=pk)
    if found is None:
        raise Http404
    if request.method == "POST":
        try:
            _act(request, found)
        except Problem as problem:
            messages.error(request, problem.detail)
        else:
            messages.success(request, gettext("已保存"))
        return redirect("eservices:rectification", pk)
    context = {
        "rectification": found,
        "rating": found.rating,
        "case": found.rating.case,
        "handles": user_can(request.user, selectors.RATING_HANDLE, found),
        "reviews": found.status == RectificationStatus.APPEALED
        and user_can(request.user, selectors.RATING_REVIEW, found),
    }
    return render(request, "eservices/workbench/rectification.html", context)


@official_required
def statistics(request: HttpRequest) -> HttpResponse:
    """Ratings of the reviewer's region by department, item, region or official; ?format=csv gives
    the national indicator table."""
    if not user_can(request.user, selectors.RATING_REVIEW):
        return render(request, "workbench/forbidden.html", status=403)
    try:
        since = datetime.date.fromisoformat(request.GET.get("since", ""))
    except ValueError:
        since = None
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="ratings.csv"'
        response.write("\ufeff")  # so that Excel reads the Chinese as UTF-8
        csv.writer(response).writerows(selectors.ratings_export_rows(user=request.user, since=since))
        return response
    by = request.GET.get("by", "organisation")
    if by not in selectors.RATING_GROUPS:
        by = "organisation"
    context = {
        "rows": selectors.rating_statistics(user=request.user, by=by, since=since),
        "by": by,
        "since": since,
        "levels": RatingLevel.choices,
        "groups": [
            ("organisation", gettext("部门")),
            ("item", gettext("事项")),
            ("region", gettext("地区")),
            ("official", gettext("经办人")),
        ],
    }
    return render(request, "eservices/workbench/rating_statistics.html", context)
