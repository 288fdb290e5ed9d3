"""The open-data portal's pages, and the open catalogue as DCAT-AP for harvesters: all public."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from rdflib import Graph

from shuzheng.accounts.selectors import memberships_of, user_can
from shuzheng.catalog.schemas import OpenType, Theme, UpdateFrequency
from shuzheng.catalog.selectors import (
    datasets_matching,
    datasets_open,
    resource_columns,
    resource_export,
    resource_rows,
)
from shuzheng.core.access import official_required
from shuzheng.core.selectors import region_get
from shuzheng.opendata import dcat, limits, selectors, services
from shuzheng.opendata.choices import ApplicationStatus, Treatment
from shuzheng.opendata.forms import ApplicationForm, DecisionForm, ReportForm


def _rdf_response(graph: Graph, extension: str) -> HttpResponse:
    return HttpResponse(dcat.serialise(graph, extension), content_type=dcat.FORMATS[extension][1])


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(get_script_prefix())


@login_not_required
@require_safe
def catalog(request: HttpRequest, extension: str) -> HttpResponse:
    # Only what is open without conditions: restricted datasets are applied for, not harvested.
    datasets = datasets_open().prefetch_related("resources")
    return _rdf_response(dcat.catalog_graph(datasets, base_url=_base_url(request)), extension)


@login_not_required
@require_safe
def dataset(request: HttpRequest, name: str, extension: str) -> HttpResponse:
    found = get_object_or_404(datasets_open().prefetch_related("resources"), name=name)
    return _rdf_response(dcat.dataset_graph(found, base_url=_base_url(request)), extension)


# --- the portal ----------------------------------------------------------------------------------

# Facets of the search page: (query parameter, title, field of Dataset whose values it filters).
FACETS = (
    ("organisation", _("提供部门"), "organisation"),
    ("theme", _("主题"), "theme"),
    ("format", _("格式"), "resources__format"),
    ("open_type", _("开放类型"), "open_type"),
    ("region", _("空间范围"), "spatial"),
    ("frequency", _("更新频率"), "update_frequency"),
)
DOWNLOAD_FORMATS = (("csv", "CSV"), ("xlsx", "XLSX"), ("json", "JSON"))
PAGE_SIZE = 20
PREVIEW_ROWS = 20


def _portal_datasets() -> QuerySet[Any]:
    # The portal lists what may be opened, restricted entries included: their
    # metadata is public, their data is applied for.
    return datasets_open(include_restricted=True)


@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    datasets = _portal_datasets()
    theme_counts = dict(datasets.order_by().values_list("theme").annotate(count=Count("pk")))
    themes = [(value, label, theme_counts[value]) for value, label in Theme.choices if value in theme_counts]
    context = {
        "stats": {
            "datasets": datasets.count(),
            "departments": datasets.values("organisation").distinct().count(),
        },
        "themes": themes,
        "departments": organisations_with_open_datasets(),
        "latest": datasets.order_by("-published_at", "code")[:6],
        "usage": selectors.usage_totals(),
        "popular": _popular(datasets),
    }
    return render(request, "opendata/home.html", context)


def _popular(datasets: QuerySet[Any]) -> list[Any]:
    ranked = selectors.most_used(limit=6)
    found = datasets.in_bulk([pk for pk, _total in ranked])
    popular = []
    for pk, total in ranked:
        if pk in found:
            found[pk].usage_total = total
            popular.append(found[pk])
    return popular


def organisations_with_open_datasets() -> list[Any]:
    counts = dict(_portal_datasets().order_by().values_list("organisation").annotate(count=Count("pk")))
    organisations = sorted(
        {dataset.organisation for dataset in _portal_datasets().select_related("organisation")},
        key=lambda organisation: (-counts[organisation.pk], organisation.name),
    )
    for organisation in organisations:
        organisation.open_count = counts[organisation.pk]
    return organisations


@login_not_required
def search(request: HttpRequest) -> HttpResponse:
    """Search with facets: every facet narrows the results, and shows its counts within them."""
    return _search(request, fixed={}, heading=None)


def _search(request: HttpRequest, *, fixed: dict[str, str], heading: dict[str, Any] | None) -> HttpResponse:
    # ``fixed`` facets are the page's own (a department's, a theme's page): applied, not offered.
    query = request.GET.get("q", "").strip()[:100]
    chosen = {key: request.GET.get(key, "") for key, _title, _field in FACETS if request.GET.get(key)} | fixed
    datasets = _portal_datasets()
    if query:
        datasets = datasets_matching(datasets, query)
    for key, _title, field in FACETS:
        if key in chosen:
            datasets = datasets.filter(**{field: chosen[key]})
    datasets = datasets.distinct()
    facets = [
        _facet(request, datasets, key, title, field, chosen.get(key))
        for key, title, field in FACETS
        if key not in fixed
    ]
    page = Paginator(datasets.order_by("-published_at", "code"), PAGE_SIZE).get_page(request.GET.get("page"))
    kept = [(key, value) for key, value in chosen.items() if key not in fixed]
    page_query = urlencode([("q", query), *kept]) if query else urlencode(kept)
    context = {
        "query": query,
        "kept": kept,
        "facets": facets,
        "page": page,
        "page_query": page_query,
        "heading": heading,
    }
    return render(request, "opendata/search.html", context)


def _facet(
    request: HttpRequest, datasets: QuerySet[Any], key: str, title: Any, field: str, selected: str | None
) -> dict[str, Any]:
    # order_by() first: the model's default ordering would split every group.
    present = datasets.exclude(**{f"{field}__isnull": True}).order_by()
    counts = present.values_list(field).annotate(count=Count("pk", distinct=True))
    labels = _facet_labels(key, [value for value, _count in counts])
    options = []
    for value, count in sorted(counts, key=lambda item: (-item[1], str(item[0]))):
        parameters = request.GET.copy()
        parameters.pop("page", None)
        if str(value) == selected:
            parameters.pop(key, None)
        else:
            parameters[key] = str(value)
        options.append(
            {
                "label": labels.get(value, value),
                "count": count,
                "query": parameters.urlencode(),
                "selected": str(value) == selected,
            }
        )
    return {"key": key, "title": title, "options": options}


def _facet_labels(key: str, values: list[Any]) -> dict[Any, str]:
    if key == "organisation":
        return {organisation.pk: organisation.name for organisation in organisations_with_open_datasets()}
    if key == "region":
        return {value: getattr(region_get(code=value), "name", value) for value in values}
    choices = {"theme": Theme, "open_type": OpenType, "frequency": UpdateFrequency}.get(key)
    return {value: str(choices(value).label) for value in values} if choices else {}


@login_not_required
def dataset_page(request: HttpRequest, name: str) -> HttpResponse:
    found = get_object_or_404(_portal_datasets().prefetch_related("fields", "resources"), name=name)
    resource = _tabular(found)
    preview = None
    if resource is not None:
        columns = resource_columns(resource=resource)
        page = resource_rows(resource=resource, limit=PREVIEW_ROWS)
        preview = {
            "columns": columns,
            "rows": [[row[column.name] for column in columns] for row in page.rows],
            "total": page.total,
        }
    base = request.build_absolute_uri("/").rstrip("/")
    examples = {
        "package_show": f"curl '{base}/api/3/action/package_show?id={found.name}'",
        "datastore_search": f"curl '{base}/api/3/action/datastore_search?resource_id={resource.key}&limit=5'"
        if resource
        else "",
    }
    context = {
        "dataset": found,
        "fields": found.fields.all(),
        "preview": preview,
        "examples": examples,
        "download_formats": DOWNLOAD_FORMATS,
        "usage": selectors.usage_totals(dataset=found),
        "my_application": selectors.applications_of_applicant(user=request.user).filter(dataset=found).first()
        if request.user.is_authenticated
        else None,
    }
    return render(request, "opendata/dataset.html", context)


def _tabular(dataset: Any) -> Any:
    # Only unconditionally open data is previewed and downloaded; restricted data is applied for.
    if dataset.open_type != OpenType.UNCONDITIONAL:
        return None
    return next((resource for resource in dataset.resources.all() if resource.table), None)


@login_not_required
@require_safe
def download(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    found = get_object_or_404(datasets_open().prefetch_related("resources"), name=name)
    resource = _tabular(found)
    if resource is None or fmt not in dict(DOWNLOAD_FORMATS):
        raise Http404
    try:
        wait = limits.retry_after(request, limits.caller_token(request))
    except limits.InvalidKey:
        return HttpResponse(gettext("访问密钥无效或已过期"), status=403, content_type="text/plain; charset=utf-8")
    if wait is not None:
        response = render(request, "opendata/throttled.html", {"seconds": wait}, status=429)
        response["Retry-After"] = str(wait)
        return response
    services.usage_count(dataset=found, downloads=1)
    content_types = {
        "csv": "text/csv; charset=utf-8",
        "json": "application/json",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    response = HttpResponse(resource_export(resource=resource, fmt=fmt), content_type=content_types[fmt])
    filename = f"{found.code}.{fmt}"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(found.title)}.{fmt}"
    )
    return response


@login_not_required
def organisation(request: HttpRequest, pk: int) -> HttpResponse:
    """A department's page: what it opens, and how much it is used (the DCAT publisher URI resolves here)."""
    datasets = _portal_datasets().filter(organisation_id=pk)
    first = datasets.select_related("organisation").first()
    if first is None:
        raise Http404
    heading = {
        "title": first.organisation.name,
        "usage": selectors.usage_totals(datasets=datasets),
        "count": datasets.count(),
    }
    return _search(request, fixed={"organisation": str(pk)}, heading=heading)


@login_not_required
def theme(request: HttpRequest, code: str) -> HttpResponse:
    """A theme's page: the open datasets of every department on one subject."""
    if code not in Theme.values:
        raise Http404
    datasets = _portal_datasets().filter(theme=code)
    heading = {
        "title": Theme(code).label,
        "usage": selectors.usage_totals(datasets=datasets),
        "count": datasets.count(),
    }
    return _search(request, fixed={"theme": code}, heading=heading)


@login_not_required
def developers(request: HttpRequest) -> HttpResponse:
    base = request.build_absolute_uri("/").rstrip("/")
    examples = {
        "package_search": f"curl '{base}/api/3/action/package_search?q=营业执照&rows=5'",
        "cli": f"ckanapi action package_search q=营业执照 rows=5 -r {base}",
        "restricted": f"curl -H 'Authorization: Bearer <密钥>' '{base}/api/v1/opendata/restricted/<数据集标识>/rows'",
    }
    rates = {"anonymous": settings.SHUZHENG_OPEN_RATE_ANONYMOUS, "keyed": settings.SHUZHENG_OPEN_RATE_KEY}
    return render(request, "opendata/developers.html", {"examples": examples, "rates": rates})


# --- restricted opening (受限开放) ------------------------------------------------------------


def _form_errors(form: forms.Form, exc: services.OpenDataInvalid, renamed: dict[str, str] | None = None) -> None:
    for field, _code, message in exc.problems:
        name = (renamed or {}).get(field, field)
        form.add_error(name if name in form.fields else None, message)


def apply(request: HttpRequest, name: str) -> HttpResponse:
    """Apply for a restricted dataset: purpose, scenario, security measures, the signed agreement."""
    dataset = get_object_or_404(
        datasets_open(include_restricted=True).filter(open_type=OpenType.RESTRICTED).select_related("organisation"),
        name=name,
    )
    choices = [(field.name, field.label) for field in services.requestable_fields(dataset)]
    memberships = memberships_of(user=request.user)
    legal_persons = [(membership.legal_person.pk, membership.legal_person.name) for membership in memberships]
    form = ApplicationForm(request.POST or None, fields=choices, legal_persons=legal_persons)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        chosen = data.pop("legal_person", None)
        data["fields"] = data.pop("columns")
        legal_person = next((m.legal_person for m in memberships if m.legal_person.pk == chosen), None)
        try:
            application, _created = services.application_submit(
                applicant=request.user, dataset=dataset, legal_person=legal_person, request=request, **data
            )
        except services.OpenDataInvalid as exc:
            _form_errors(form, exc, {"fields": "columns"})
        else:
            messages.success(request, gettext("申请已提交，提供部门将在规定期限内答复"))
            return redirect("opendata:application", application.number)
    context = {"dataset": dataset, "form": form, "agreement": services.agreement_text()}
    return render(request, "opendata/apply.html", context)


def applications(request: HttpRequest) -> HttpResponse:
    """The signed-in user's applications."""
    return render(
        request,
        "opendata/applications.html",
        {"applications": selectors.applications_of_applicant(user=request.user)[:200]},
    )


def application(request: HttpRequest, number: str) -> HttpResponse:
    """One application as its applicant sees it: status, the key once approved, use reports."""
    found = selectors.application_visible(user=request.user, number=number)
    if found is None or found.applicant_id != request.user.pk:
        raise Http404
    report_form = ReportForm(request.POST if request.POST.get("action") == "report" else None)
    issued = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "key":
                issued = services.application_key_issue(applicant=request.user, application=found, request=request)
            elif action == "withdraw":
                services.application_withdraw(applicant=request.user, application=found, request=request)
                return redirect("opendata:application", number)
            elif action == "report" and report_form.is_valid():
                services.report_submit(
                    applicant=request.user, application=found, request=request, **report_form.cleaned_data
                )
                messages.success(request, gettext("使用情况已报告"))
                return redirect("opendata:application", number)
        except services.OpenDataInvalid as exc:
            if action == "report":
                _form_errors(report_form, exc)
            else:
                messages.error(request, str(exc))
        found = selectors.application_visible(user=request.user, number=number) or found
    base = request.build_absolute_uri("/").rstrip("/")
    context = {
        "application": found,
        "report_form": report_form,
        "issued": issued,
        "example": f"curl -H 'Authorization: Bearer <密钥>' '{base}{_rows_path(found.dataset.name)}?limit=10'",
        "treatments": _treatments(found),
    }
    # The key is shown once: the page that shows it must not be cached anywhere.
    response = render(request, "opendata/application.html", context)
    response["Cache-Control"] = "no-store"
    return response


def _rows_path(name: str) -> str:
    return reverse("api:restricted_rows", args=[name])


def _treatments(application: Any) -> list[tuple[Any, Any]]:
    labels = dict(Treatment.choices)
    return [(field, labels[how]) for field, how in services.field_treatments(application=application)]


@official_required
def department_applications(request: HttpRequest) -> HttpResponse:
    """The department's inbox: pending applications first, by deadline."""
    status = request.GET.get("status", "")
    found = selectors.applications_for_department(user=request.user, status=status)
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    overdue = {item.pk for item in page if selectors.application_overdue(item)}
    context = {"page": page, "overdue": overdue, "status": status, "statuses": ApplicationStatus.choices}
    return render(request, "opendata/department_applications.html", context)


@official_required
def department_application(request: HttpRequest, number: str) -> HttpResponse:
    """Decide on one application, or end an approved use."""
    found = selectors.application_visible(user=request.user, number=number)
    if found is None:
        raise Http404
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action")
        reason = form.cleaned_data["reason"]
        try:
            if action in ("approve", "refuse"):
                services.application_decide(
                    official=request.user,
                    application=found,
                    approve=action == "approve",
                    reason=reason,
                    request=request,
                )
            elif action == "terminate":
                services.application_terminate(official=request.user, application=found, reason=reason, request=request)
        except services.OpenDataForbidden:
            return render(request, "workbench/forbidden.html", status=403)
        except services.OpenDataInvalid as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, gettext("已处理"))
            return redirect("opendata:department-application", number)
    context = {
        "application": found,
        "form": form,
        "overdue": selectors.application_overdue(found),
        "can_decide": user_can(request.user, services.DECIDE, found),
        "treatments": _treatments(found),
        "reports": found.reports.all(),
        "release_check_missing": selectors.application_awaits_release_check(found),
    }
    return render(request, "opendata/department_application.html", context)
