"""Workbench pages of 告知承诺: the department's promises to check, nearest deadline first, and the
check of one (true; untrue with a deadline to put it right; still untrue, the approval revoked)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext

from shuzheng.core.access import official_required
from shuzheng.core.errors import Problem
from shuzheng.eservices import selectors, services
from shuzheng.eservices.views import text


@official_required
def commitments(request: HttpRequest) -> HttpResponse:
    rows = selectors.commitments_to_check(user=request.user)[:200]
    return render(request, "eservices/workbench/commitments.html", {"rows": rows, "today": timezone.localdate()})


@official_required
def commitment(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.commitment_visible(user=request.user, pk=pk)
    if found is None:
        raise Http404
    if request.method == "POST":
        try:
            services.commitment_check(
                official=request.user,
                commitment=found,
                passed=request.POST.get("result") == "true",
                note=text(request.POST, "note", 4000),
                request=request,
            )
        except Problem as problem:
            messages.error(request, problem.detail)
        else:
            messages.success(request, gettext("核查结果已记录"))
        return redirect("eservices:commitment", pk)
    return render(request, "eservices/workbench/commitment.html", {"commitment": found, "case": found.case})
