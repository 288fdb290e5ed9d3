"""Data aggregation in the officials' workbench: the department's pipelines and sources, creating
them, running a pipeline on an upload, a run's progress and its quarantine (fix, replay, discard)."""

from __future__ import annotations

from typing import IO, Any, cast

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from shuzheng.accounts.selectors import user_can
from shuzheng.core.access import official_required
from shuzheng.ingest import selectors, services
from shuzheng.ingest.choices import QuarantineStatus, RunStatus
from shuzheng.ingest.forms import (
    DatasetChoiceForm,
    MappingForm,
    PipelineForm,
    RunForm,
    ScheduleForm,
    SourceForm,
    mapping_formset,
    pairs_text,
)
from shuzheng.ingest.models import Pipeline, Run
from shuzheng.ingest.sources import source_kind

PAGE_SIZE = 50
# While a run is queued or running its page reloads itself this often (seconds).
REFRESH_SECONDS = 2


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "workbench/forbidden.html", status=403)


def _problems_to_form(exc: services.IngestInvalid, form: forms.Form, field_for: Any = None) -> None:
    for path, _code, message in exc.problems:
        name = field_for(path) if field_for else (path if path in form.fields else None)
        form.add_error(name if name in form.fields else None, message)


@official_required
def pipeline_list(request: HttpRequest) -> HttpResponse:
    """The department's pipelines, with how each last ran."""
    page = Paginator(selectors.pipelines_for(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "can_edit": user_can(request.user, services.EDIT)}
    return render(request, "ingest/pipelines.html", context)


@official_required
def source_list(request: HttpRequest) -> HttpResponse:
    sources = Paginator(selectors.sources_for(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    for source in sources:
        source.shown = selectors.source_options_shown(source=source)  # type: ignore[attr-defined]
    context = {"page": sources, "can_edit": user_can(request.user, services.EDIT)}
    return render(request, "ingest/sources.html", context)


@official_required
def source_create(request: HttpRequest) -> HttpResponse:
    organisation = getattr(request.user, "organisation", None)
    if organisation is None or not user_can(request.user, services.EDIT):
        return _forbidden(request)
    form = SourceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        options = form.options()
        if form.is_valid():  # the options may have added an error (a filter line that is not a pair)
            try:
                services.source_create(
                    editor=request.user,
                    organisation=organisation,
                    name=form.cleaned_data["name"],
                    kind=form.cleaned_data["kind"],
                    options=options,
                    request=request,
                )
            except services.IngestForbidden:
                return _forbidden(request)
            except services.IngestInvalid as exc:
                _problems_to_form(exc, form, form.field_for)
            else:
                messages.success(request, gettext("数据源已保存"))
                return redirect("ingest:sources")
    return render(request, "ingest/source_new.html", {"form": form})


@official_required
def pipeline_create(request: HttpRequest) -> HttpResponse:
    """Choose the target dataset first (its fields are the mapping's choices), then the pipeline."""
    if not user_can(request.user, services.EDIT):
        return _forbidden(request)
    datasets = selectors.target_datasets_for(user=request.user)
    code = request.POST.get("dataset") or request.GET.get("dataset", "")
    dataset = next((found for found in datasets if found.code == code), None)
    if dataset is None:
        choice = DatasetChoiceForm(datasets=datasets)
        return render(request, "ingest/pipeline_new.html", {"choice": choice, "datasets": datasets})
    fields = [(field.name, f"{field.label}（{field.name}）") for field in dataset.fields.all()]
    sources = list(selectors.sources_for(user=request.user))
    data = request.POST if request.method == "POST" else None
    form = PipelineForm(data, sources=sources, fields=fields)
    formset = mapping_formset(len(fields))(data, prefix="mapping", form_kwargs={"fields": fields})
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        rows = [(row, row.entry()) for row in formset.forms]
        kept = [(row, entry) for row, entry in rows if entry is not None]
        try:
            pipeline = services.pipeline_create(
                editor=request.user,
                name=form.cleaned_data["name"],
                source=form.sources[form.cleaned_data["source"]],
                dataset=dataset,
                mapping=[entry for _row, entry in kept],
                mode=form.cleaned_data["mode"],
                key=form.cleaned_data["key"],
                updated_column=form.cleaned_data["updated_column"],
                keep_history=form.cleaned_data["keep_history"],
                schedule=form.cleaned_data["schedule"],
                request=request,
            )
        except services.IngestForbidden:
            return _forbidden(request)
        except services.IngestInvalid as exc:
            _pipeline_problems(exc, form, [row for row, _entry in kept])
        else:
            messages.success(request, gettext("归集任务已保存"))
            return redirect("ingest:pipeline", pipeline.pk)
    context = {"dataset": dataset, "form": form, "formset": formset}
    return render(request, "ingest/pipeline_new.html", context)


def _pipeline_problems(exc: services.IngestInvalid, form: forms.Form, kept: list[MappingForm]) -> None:
    # The service names the API's paths ("mapping.2.column", "key.0"); the page shows them in place.
    for path, _code, message in exc.problems:
        parts = path.split(".")
        if parts[0] == "mapping" and len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(kept):
            row = kept[int(parts[1])]
            row.add_error(parts[2] if parts[2] in row.fields else None, message)
        elif parts[0] in form.fields:
            form.add_error(parts[0], message)
        else:
            form.add_error(None, message)


def _pipeline(request: HttpRequest, pk: int) -> Pipeline:
    pipeline = selectors.pipeline_for(user=request.user, pk=pk)
    if pipeline is None:
        raise Http404
    return pipeline


@official_required
def pipeline_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A pipeline's settings and runs, and a form to run it now."""
    pipeline = _pipeline(request, pk)
    needs_file = source_kind(pipeline.source.kind).needs_file
    if request.method == "POST" and request.POST.get("action") in ("enable", "disable"):
        try:
            services.pipeline_enable(
                editor=request.user, pipeline=pipeline, enabled=request.POST["action"] == "enable", request=request
            )
        except services.IngestForbidden:
            return _forbidden(request)
        return redirect("ingest:pipeline", pipeline.pk)
    action = request.POST.get("action", "run") if request.method == "POST" else None
    schedule_form = ScheduleForm(
        request.POST if action == "schedule" else None, initial={"schedule": pipeline.schedule}
    )
    if action == "schedule" and schedule_form.is_valid():
        try:
            services.pipeline_schedule(
                editor=request.user, pipeline=pipeline, schedule=schedule_form.cleaned_data["schedule"], request=request
            )
        except services.IngestForbidden:
            return _forbidden(request)
        except services.IngestInvalid as exc:
            _problems_to_form(exc, schedule_form)
        else:
            messages.success(request, gettext("定时运行已保存"))
            return redirect("ingest:pipeline", pipeline.pk)
    form = RunForm(request.POST, request.FILES) if action == "run" else RunForm()
    if action == "run" and form.is_valid():
        upload = form.cleaned_data.get("file")
        try:
            run = services.run_start(
                user=request.user,
                pipeline=pipeline,
                file_name=upload.name if upload else "",
                content=cast(IO[bytes], upload) if upload else None,
                background=True,
                request=request,
            )
        except services.IngestForbidden:
            return _forbidden(request)
        except services.IngestInvalid as exc:
            _problems_to_form(exc, form)
        else:
            return redirect("ingest:run", run.pk)
    runs = Paginator(selectors.runs_of(pipeline=pipeline), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "pipeline": pipeline,
        "mapping": [{**entry, "values": pairs_text(entry.get("values") or {})} for entry in pipeline.mapping],
        "runs": runs,
        "form": form,
        "schedule_form": schedule_form,
        "next_runs": selectors.next_runs(pipeline=pipeline),
        "needs_file": needs_file,
        "can_run": user_can(request.user, services.RUN, pipeline),
        "can_edit": user_can(request.user, services.EDIT, pipeline),
    }
    return render(request, "ingest/pipeline.html", context)


def _run(request: HttpRequest, pk: int) -> Run:
    run = selectors.run_for(user=request.user, pk=pk)
    if run is None:
        raise Http404
    return run


@official_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A run's progress and counts, and its quarantine: correct rows, load them again, or give up on them."""
    run = _run(request, pk)
    if request.method == "POST":
        try:
            response = _quarantine_act(request, run)
        except services.IngestForbidden:
            return _forbidden(request)
        except services.IngestInvalid as exc:
            for _path, _code, message in exc.problems:
                messages.error(request, message)
            response = None
        return response or redirect(f"{request.path}?{request.GET.urlencode()}")
    status = request.GET.get("status", QuarantineStatus.OPEN)
    status = status if status in QuarantineStatus.values else ""
    quarantine = selectors.quarantine_of(run=run, status=status, page=request.GET.get("page"))
    active = run.status in (RunStatus.QUEUED, RunStatus.RUNNING)
    context = {
        "run": run,
        "pipeline": run.pipeline,
        "quarantine": quarantine,
        "status": status,
        "statuses": QuarantineStatus.choices,
        "status_query": f"status={status}&",
        "refresh": REFRESH_SECONDS if active else None,
        "can_run": user_can(request.user, services.RUN, run.pipeline),
    }
    return render(request, "ingest/run.html", context)


def _quarantine_act(request: HttpRequest, run: Run) -> HttpResponse | None:
    action = request.POST.get("action")
    if action == "fix":
        rows = selectors.quarantined_rows(run=run, pks=_ints([request.POST.get("row", "")]))
        if not rows:
            raise Http404
        values = dict(zip(request.POST.getlist("column"), request.POST.getlist("value"), strict=False))
        services.quarantine_fix(user=request.user, row=rows[0], values=values, request=request)
        messages.success(request, gettext("第 %(line)d 行已修改") % {"line": rows[0].line})
        return None
    rows = selectors.quarantined_rows(run=run, pks=_ints(request.POST.getlist("rows")))
    if action == "replay":
        replay = services.quarantine_replay(
            user=request.user, pipeline=run.pipeline, rows=rows, background=True, request=request
        )
        messages.success(request, gettext("已提交重新载入"))
        return redirect("ingest:run", replay.pk)
    if action == "discard":
        if not rows:
            raise services.IngestInvalid([("rows", "required", gettext("请选择要舍弃的行"))])
        count = services.quarantine_discard(user=request.user, rows=rows, request=request)
        messages.success(request, gettext("已舍弃 %(count)d 行") % {"count": count})
        return None
    return None


def _ints(values: list[str]) -> list[int]:
    return [int(value) for value in values if value.isdigit()]


def dataset_lineage_panel(dataset: Any, user: Any) -> SafeString:
    """The catalogue's dataset page shows where the dataset's rows come from and what derives from it."""
    found = selectors.lineage_for(user=user, dataset=dataset)
    visible = selectors.pipeline_keys_for(user=user) if found.upstream else set()
    return SafeString(
        render_to_string("ingest/_lineage.html", {"dataset": dataset, "lineage": found, "own_pipelines": visible})
    )
