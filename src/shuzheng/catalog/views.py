"""The catalogue in the officials' workbench: the department's list, drafting with fields, submit,
review with the changes shown, version comparison, attaching files."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from shuzheng.accounts.selectors import user_can
from shuzheng.catalog import selectors, services
from shuzheng.catalog.choices import DatasetStatus
from shuzheng.catalog.forms import (
    DatasetForm,
    FieldFormSet,
    ResourceFileForm,
    ReviewForm,
    field_values,
    fields_initial,
    kept_field_forms,
)
from shuzheng.catalog.models import Dataset
from shuzheng.core.access import official_required

PAGE_SIZE = 50
MAX_UPLOAD = 50 * 1024 * 1024  # a file larger than this belongs in an ingestion pipeline


def _dataset(request: HttpRequest, code: str) -> Dataset:
    dataset = selectors.datasets_for_official(user=request.user).filter(code=code).first()
    if dataset is None:
        raise Http404
    return dataset


@official_required
def dataset_list(request: HttpRequest) -> HttpResponse:
    """The catalogue as an official sees it: the department's own entries first, any status."""
    datasets = selectors.datasets_for_official(user=request.user)
    query = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "")
    mine = request.GET.get("scope", "mine") == "mine"
    if mine:
        own: int | None = getattr(request.user, "organisation_id", None)
        datasets = datasets.filter(organisation__pk=own) if own is not None else datasets.none()
    if query:
        datasets = selectors.datasets_matching(datasets, query)
    if status in DatasetStatus.values:
        datasets = datasets.filter(status=status)
    page = Paginator(datasets, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "query": query,
        "status": status,
        "mine": mine,
        "statuses": DatasetStatus.choices,
        "can_edit": user_can(request.user, services.EDIT),
    }
    return render(request, "catalog/list.html", context)


def _refused_to_forms(exc: services.CatalogInvalid, form: forms.Form, kept: list[Any]) -> None:
    # Service problems name the API's paths ("fields.2.grade"); the page shows them where they belong.
    for path, _code, message in exc.problems:
        parts = path.split(".")
        if parts[0] == "fields" and len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(kept):
            target = kept[int(parts[1])]
            target.add_error(parts[2] if parts[2] in target.fields else None, message)
        else:
            form.add_error(path if path in form.fields else None, message)


def _edit(request: HttpRequest, dataset: Dataset | None) -> HttpResponse:
    if dataset is None:
        form = DatasetForm(request.POST or None)
        formset = FieldFormSet(request.POST or None, prefix="fields")
    else:
        form = DatasetForm(request.POST or None, initial=DatasetForm.initial_from(dataset))
        formset = FieldFormSet(request.POST or None, prefix="fields", initial=fields_initial(dataset))
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        kept = kept_field_forms(formset)
        try:
            fields = [field_values(field_form) for field_form in kept]
            if dataset is None:
                organisation = request.user.organisation  # type: ignore[union-attr]
                if organisation is None:
                    raise services.CatalogInvalid([("", "organisation", gettext("您的账号没有所属部门，不能编制目录"))])
                dataset = services.dataset_create(
                    author=request.user,
                    organisation=organisation,
                    data=form.data_for_service(),
                    fields=fields,
                    request=request,
                )
            else:
                dataset = services.dataset_update(
                    editor=request.user, dataset=dataset, data=form.data_for_service(), fields=fields, request=request
                )
        except services.CatalogForbidden:
            return render(request, "workbench/forbidden.html", status=403)
        except services.CatalogInvalid as exc:
            _refused_to_forms(exc, form, kept)
        else:
            messages.success(request, gettext("已保存为草稿"))
            return redirect("catalog:dataset", dataset.code)
    return render(request, "catalog/edit.html", {"dataset": dataset, "form": form, "formset": formset})


@official_required
def dataset_create(request: HttpRequest) -> HttpResponse:
    if not user_can(request.user, services.EDIT):
        return render(request, "workbench/forbidden.html", status=403)
    return _edit(request, None)


@official_required
def dataset_edit(request: HttpRequest, code: str) -> HttpResponse:
    dataset = _dataset(request, code)
    if not user_can(request.user, services.EDIT, dataset):
        raise Http404
    return _edit(request, dataset)


@official_required
def dataset_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One entry: metadata, fields, files, versions; submit, review, attach a file."""
    dataset = _dataset(request, code)
    review_form = ReviewForm(request.POST if request.POST.get("action") in ("approve", "return") else None)
    file_form = ResourceFileForm(*((request.POST, request.FILES) if request.POST.get("action") == "file" else ()))
    if request.method == "POST":
        response: HttpResponse | None = _act(request, dataset, review_form, file_form)
        if response is not None:
            return response
    versions = list(selectors.dataset_versions(dataset=dataset))
    base, changes = _latest_changes(versions)
    context = {
        "dataset": dataset,
        "fields": dataset.fields.all(),
        "resources": dataset.resources.all(),
        "versions": versions,
        "base": base,
        "changes": changes,
        "review_form": review_form,
        "file_form": file_form,
        "can_edit": user_can(request.user, services.EDIT, dataset),
        "can_review": user_can(request.user, services.REVIEW, dataset) and dataset.submitted_by_id != request.user.pk,
        "panels": selectors.dataset_panels_rendered(dataset=dataset, user=request.user),
    }
    return render(request, "catalog/detail.html", context)


def _act(
    request: HttpRequest, dataset: Dataset, review_form: ReviewForm, file_form: ResourceFileForm
) -> HttpResponse | None:
    action = request.POST.get("action")
    try:
        if action == "submit":
            services.dataset_submit(editor=request.user, dataset=dataset, request=request)
            messages.success(request, gettext("已提交审核"))
        elif action in ("approve", "return") and review_form.is_valid():
            services.dataset_review(
                reviewer=request.user,
                dataset=dataset,
                approve=action == "approve",
                note=review_form.cleaned_data["note"],
                request=request,
            )
            messages.success(request, gettext("已发布") if action == "approve" else gettext("已退回修改"))
        elif action == "file" and file_form.is_valid():
            upload = file_form.cleaned_data["file"]
            if upload.size > MAX_UPLOAD:
                file_form.add_error("file", gettext("文件超过 50 MB，请通过数据归集导入"))
                return None
            services.resource_add_file(
                editor=request.user,
                dataset=dataset,
                name=file_form.cleaned_data["name"],
                filename=upload.name,
                data=upload.read(),
                request=request,
            )
            messages.success(request, gettext("文件已载入"))
        else:
            return None
    except services.CatalogForbidden:
        return render(request, "workbench/forbidden.html", status=403)
    except services.CatalogInvalid as exc:
        target: forms.Form = file_form if action == "file" else review_form
        for path, _code, message in exc.problems:
            target.add_error(path if path in target.fields else None, message)
        return None
    return redirect("catalog:dataset", dataset.code)


def _latest_changes(versions: list[Any]) -> tuple[Any, list[dict[str, Any]]]:
    # What a reviewer needs: the newest version against the last published one. An entry never
    # published is new as a whole: the page above shows all of it.
    published = [version for version in versions[:-1] if version.status == DatasetStatus.PUBLISHED]
    if not published:
        return None, []
    return published[-1], selectors.snapshot_changes(published[-1].snapshot, versions[-1].snapshot)


@official_required
def dataset_compare(request: HttpRequest, code: str) -> HttpResponse:
    dataset = _dataset(request, code)
    versions = {version.number: version for version in selectors.dataset_versions(dataset=dataset)}
    try:
        base, other = versions[int(request.GET.get("base", ""))], versions[int(request.GET.get("other", ""))]
    except (KeyError, ValueError):
        raise Http404 from None
    changes = selectors.snapshot_changes(base.snapshot, other.snapshot)
    context = {"dataset": dataset, "base": base, "other": other, "changes": changes}
    return render(request, "catalog/compare.html", context)
