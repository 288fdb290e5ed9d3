"""The open-data portal's pages, and the open catalogue as DCAT-AP for harvesters: all public."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from rdflib import Graph

from shuzheng.catalog.schemas import OpenType, Theme, UpdateFrequency
from shuzheng.catalog.selectors import (
    datasets_matching,
    datasets_open,
    resource_columns,
    resource_export,
    resource_rows,
)
from shuzheng.core.selectors import region_get
from shuzheng.opendata import dcat


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
    }
    return render(request, "opendata/home.html", context)


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
    query = request.GET.get("q", "").strip()[:100]
    chosen = {key: request.GET.get(key, "") for key, _title, _field in FACETS if request.GET.get(key)}
    datasets = _portal_datasets()
    if query:
        datasets = datasets_matching(datasets, query)
    for key, _title, field in FACETS:
        if key in chosen:
            datasets = datasets.filter(**{field: chosen[key]})
    datasets = datasets.distinct()
    facets = [_facet(request, datasets, key, title, field, chosen.get(key)) for key, title, field in FACETS]
    page = Paginator(datasets.order_by("-published_at", "code"), PAGE_SIZE).get_page(request.GET.get("page"))
    kept = list(chosen.items())
    page_query = urlencode([("q", query), *kept]) if query else urlencode(kept)
    context = {"query": query, "kept": kept, "facets": facets, "page": page, "page_query": page_query}
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
    """A department's page: its open datasets (the DCAT publisher URI resolves here)."""
    return redirect(f"{reverse('opendata:search')}?{urlencode({'organisation': pk})}")


@login_not_required
def developers(request: HttpRequest) -> HttpResponse:
    base = request.build_absolute_uri("/").rstrip("/")
    examples = {
        "package_search": f"curl '{base}/api/3/action/package_search?q=营业执照&rows=5'",
        "cli": f"ckanapi action package_search q=营业执照 rows=5 -r {base}",
    }
    return render(request, "opendata/developers.html", {"examples": examples})
