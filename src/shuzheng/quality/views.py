"""Data quality in the workbench: the department's scorecard, a dataset's checks, downloads of the
failing rows, the ranking of departments, tickets and their steps, and problem reports (from the
workbench and from the open-data portal)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shuzheng.catalog.selectors import datasets_for_official, datasets_open
from shuzheng.core.access import official_required
from shuzheng.quality import exports, selectors, services
from shuzheng.quality.choices import TicketStatus
from shuzheng.quality.forms import ProblemForm, StepForm

PAGE_SIZE = 100


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "workbench/forbidden.html", status=403)


def _dataset(request: HttpRequest, code: str) -> Any:
    dataset = datasets_for_official(user=request.user).filter(code=code).first()
    if dataset is None or not selectors.scorecard_allowed(user=request.user, dataset=dataset):
        raise Http404
    return dataset


@official_required
def scorecard(request: HttpRequest) -> HttpResponse:
    """The department's scorecard; the platform's data officer picks any department in the region."""
    wanted = request.GET.get("department", "")
    own: int | None = getattr(request.user, "organisation_id", None)
    organisation = None
    if wanted.isdigit():
        organisation = selectors.organisation_get(pk=int(wanted))
    elif own is not None:
        organisation = selectors.organisation_get(pk=own)
    if organisation is None or not selectors.scorecard_department_allowed(user=request.user, organisation=organisation):
        if wanted:
            raise Http404
        return _forbidden(request)
    card = selectors.scorecard(organisation=organisation)
    services.samples_read_record(
        reader=request.user, datasets=[row.dataset for row in card.datasets if row.failing], request=request
    )
    context = {
        "card": card,
        "oversees": selectors.user_oversees(user=request.user),
        "departments": [item.organisation for item in selectors.department_scores()],
    }
    return render(request, "quality/scorecard.html", context)


@official_required
def ranking(request: HttpRequest) -> HttpResponse:
    """Every department's pooled score, best first: visible to all officials."""
    scores = selectors.department_scores(trend=True)
    counts = selectors.ticket_counts(organisations=[item.organisation for item in scores])
    rows = [(item, counts.get(item.organisation.pk, {"active": 0, "overdue": 0})) for item in scores]
    return render(request, "quality/ranking.html", {"rows": rows})


@official_required
def dataset(request: HttpRequest, code: str) -> HttpResponse:
    """A dataset's checks: the latest results with samples, the history of scores, its tickets."""
    found = _dataset(request, code)
    if request.method == "POST" and request.POST.get("action") == "recheck":
        try:
            run = services.quality_recheck(by=request.user, dataset=found, request=request)
        except services.TicketForbidden:
            return _forbidden(request)
        messages.success(request, gettext("已重新检查：%(status)s") % {"status": run.get_status_display()})
        return redirect("quality:dataset", found.code)
    latest = selectors.latest_run(dataset=found)
    results = list(latest.results.all()) if latest else []
    services.samples_read_record(reader=request.user, datasets=[found] if latest else [], request=request)
    context = {
        "dataset": found,
        "latest": latest,
        "results": results,
        "runs": list(selectors.runs_of(dataset=found)[:20]),
        "trend": selectors.dataset_trend(dataset=found),
        "tickets": list(selectors.tickets_list(user=request.user, dataset=found)[:50]),
        "can_recheck": services.recheck_allowed(user=request.user, dataset=found),
        "columns": [(field.name, field.label) for field in found.fields.all()],
    }
    return render(request, "quality/dataset.html", context)


@official_required
def failures(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The failing rows of a check (of one rule with ?rule=) as CSV or XLSX, streamed."""
    run = selectors.run_get(pk=pk)
    if (
        run is None
        or fmt not in exports.CONTENT_TYPES
        or not selectors.scorecard_allowed(user=request.user, dataset=run.dataset)
    ):
        raise Http404
    rule = None
    if wanted := request.GET.get("rule", ""):
        rule = next(
            (result.rule for result in run.results.select_related("rule") if str(result.rule_id) == wanted), None
        )
        if rule is None:
            raise Http404
    body = services.failures_export(reader=request.user, run=run, rule=rule, fmt=fmt, request=request)
    response = StreamingHttpResponse(body, content_type=exports.CONTENT_TYPES[fmt])
    name = f"{run.dataset.code}-check-{run.pk}{f'-rule-{rule.pk}' if rule else ''}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    # official_required is typed for HttpResponse; a streamed response passes through it alike.
    return response  # type: ignore[return-value]


@official_required
def tickets(request: HttpRequest) -> HttpResponse:
    """Tickets the official may see: the department's, the region's for the platform, their own reports."""
    status = request.GET.get("status", "")
    overdue = request.GET.get("overdue") == "1"
    listed = selectors.tickets_list(
        user=request.user, status=status if status in TicketStatus.values else "", overdue=overdue
    )
    context = {
        "tickets": list(listed[:PAGE_SIZE]),
        "status": status,
        "overdue": overdue,
        "statuses": TicketStatus.choices,
    }
    return render(request, "quality/tickets.html", context)


@official_required
def ticket(request: HttpRequest, number: str) -> HttpResponse:
    """One ticket: what failed, its failing rows, its history, and the steps the official may take."""
    found = selectors.ticket_visible(user=request.user, number=number)
    if found is None:
        raise Http404
    form = StepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.ticket_transition(
                actor=request.user,
                ticket=found,
                action=request.POST.get("action", ""),
                note=form.cleaned_data["note"],
                request=request,
            )
        except services.TicketForbidden:
            return _forbidden(request)
        except services.TicketInvalid as exc:
            for field, _code, message in exc.problems:
                form.add_error("note" if field == "note" else None, message)
        else:
            messages.success(request, gettext("已处理"))
            return redirect("quality:ticket", found.number)
    context = {
        "ticket": found,
        "steps": list(found.steps.select_related("actor")),
        "actions": [(name, ACTION_LABELS[name]) for name in services.ticket_actions(user=request.user, ticket=found)],
        "form": form,
        "can_download": found.run_id is not None
        and selectors.scorecard_allowed(user=request.user, dataset=found.dataset),
    }
    return render(request, "quality/ticket.html", context)


ACTION_LABELS = {
    "acknowledge": _("确认问题"),
    "fix": _("已完成整改"),
    "dispute": _("提出异议"),
    "accept_dispute": _("异议成立，关闭工单"),
    "reject_dispute": _("异议不成立，退回整改"),
    "verify": _("确认已解决"),
}


def _report(request: HttpRequest, found: Any, template: str, back: str) -> HttpResponse:
    form = ProblemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reported = services.ticket_report(
                reporter=request.user, dataset=found, description=form.cleaned_data["description"], request=request
            )
        except services.TicketForbidden:
            raise Http404 from None
        except services.TicketInvalid as exc:
            for field, _code, message in exc.problems:
                form.add_error("description" if field == "description" else None, message)
        else:
            messages.success(
                request,
                gettext("已反馈给%(department)s，工单编号 %(number)s")
                % {"department": found.organisation.name, "number": reported.number},
            )
            return redirect(back)
    return render(request, template, {"dataset": found, "form": form})


@official_required
def report(request: HttpRequest, code: str) -> HttpResponse:
    """An official of another department reports a problem with a published dataset."""
    found = datasets_for_official(user=request.user).filter(code=code, status="published").first()
    if found is None:
        raise Http404
    return _report(request, found, "quality/report.html", "quality:tickets")


def portal_report(request: HttpRequest, name: str) -> HttpResponse:
    """A signed-in user of the open-data portal reports a problem with an open dataset."""
    found = get_object_or_404(datasets_open(include_restricted=True), name=name)
    return _report(request, found, "quality/portal_report.html", reverse("opendata:dataset", args=[found.name]))
