"""Ingestion API for a department's data officers: sources, pipelines, runs (with an upload for file
sources) and their quarantine. Another department's objects are not found."""

from __future__ import annotations

from typing import IO, Any, cast

from django.http import Http404, HttpRequest
from django.utils.translation import gettext
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status
from pydantic import Field

from shuzheng.accounts.selectors import user_can
from shuzheng.catalog.selectors import datasets_for_official
from shuzheng.core.errors import Problem, fields_problem
from shuzheng.ingest import selectors, services
from shuzheng.ingest.choices import QuarantineStatus
from shuzheng.ingest.models import Pipeline, QuarantinedRow, Run, Source
from shuzheng.ingest.schemas import (
    DiscardOut,
    PipelineChangeIn,
    PipelineIn,
    PipelineOut,
    QuarantinedRowOut,
    QuarantineFixIn,
    QuarantinePageOut,
    RowsIn,
    RunOut,
    SourceIn,
    SourceOut,
)

router = Router(tags=["ingest"])
LIST_LIMIT = 500


class QuarantineQuery(Schema):
    status: QuarantineStatus | None = None
    page: int = Field(1, ge=1)


def _refused(exc: services.IngestInvalid) -> Problem:
    return fields_problem(exc.problems)


def _forbidden() -> Problem:
    return Problem(403, gettext("您没有维护或运行本部门归集任务的权限"))


def _pipeline(request: HttpRequest, pipeline_id: int) -> Pipeline:
    pipeline = selectors.pipeline_for(user=request.user, pk=pipeline_id)
    if pipeline is None:
        raise Http404
    return pipeline


def _run(request: HttpRequest, run_id: int) -> Run:
    run = selectors.run_for(user=request.user, pk=run_id)
    if run is None:
        raise Http404
    return run


@router.get("/sources", response=list[SourceOut], summary="本部门的数据源")
def source_list(request: HttpRequest) -> list[Source]:
    return list(selectors.sources_for(user=request.user)[:LIST_LIMIT])


@router.post("/sources", response={201: SourceOut}, summary="新建数据源")
def source_create(request: HttpRequest, payload: SourceIn) -> Status[Source]:
    organisation = getattr(request.user, "organisation", None)
    if organisation is None or not user_can(request.user, services.EDIT):
        raise _forbidden()
    try:
        source = services.source_create(
            editor=request.user,
            organisation=organisation,
            name=payload.name,
            kind=payload.kind,
            options=payload.options,
            request=request,
        )
    except services.IngestForbidden:
        raise _forbidden() from None
    except services.IngestInvalid as exc:
        raise _refused(exc) from None
    return Status(201, source)


@router.get("/pipelines", response=list[PipelineOut], summary="本部门的归集任务（含最近一次运行）")
def pipeline_list(request: HttpRequest) -> list[Pipeline]:
    return list(selectors.pipelines_for(user=request.user)[:LIST_LIMIT])


@router.post("/pipelines", response={201: PipelineOut}, summary="新建归集任务")
def pipeline_create(request: HttpRequest, payload: PipelineIn) -> Status[Pipeline]:
    own = getattr(request.user, "organisation_id", None)
    if own is None or not user_can(request.user, services.EDIT):
        raise _forbidden()
    source = selectors.sources_for(user=request.user).filter(pk=payload.source).first()
    dataset = datasets_for_official(user=request.user).filter(code=payload.dataset, organisation__pk=own).first()
    unknown = []
    if source is None:
        unknown.append(("source", "unknown", gettext("本部门没有这个数据源")))
    if dataset is None:
        unknown.append(("dataset", "unknown", gettext("本部门没有这个数据资源")))
    if source is None or dataset is None:
        raise fields_problem(unknown)
    try:
        pipeline = services.pipeline_create(
            editor=request.user,
            name=payload.name,
            source=source,
            dataset=dataset,
            mapping=[entry.model_dump() for entry in payload.mapping],
            mode=payload.mode,
            key=payload.key,
            updated_column=payload.updated_column,
            keep_history=payload.keep_history,
            schedule=payload.schedule,
            request=request,
        )
    except services.IngestForbidden:
        raise _forbidden() from None
    except services.IngestInvalid as exc:
        raise _refused(exc) from None
    return Status(201, _pipeline(request, pipeline.pk))


@router.get("/pipelines/{pipeline_id}", response=PipelineOut, summary="查看归集任务")
def pipeline_detail(request: HttpRequest, pipeline_id: int) -> Pipeline:
    return _pipeline(request, pipeline_id)


@router.patch("/pipelines/{pipeline_id}", response=PipelineOut, summary="停用、启用归集任务或修改定时运行")
def pipeline_change(request: HttpRequest, pipeline_id: int, payload: PipelineChangeIn) -> Pipeline:
    pipeline, editor = _pipeline(request, pipeline_id), request.user
    try:  # both need the same permission, and a schedule is checked before anything changes
        if payload.schedule is not None:
            services.pipeline_schedule(editor=editor, pipeline=pipeline, schedule=payload.schedule, request=request)
        if payload.enabled is not None:
            services.pipeline_enable(editor=editor, pipeline=pipeline, enabled=payload.enabled, request=request)
    except services.IngestForbidden:
        raise _forbidden() from None
    except services.IngestInvalid as exc:
        raise _refused(exc) from None
    return _pipeline(request, pipeline_id)


@router.get("/pipelines/{pipeline_id}/runs", response=list[RunOut], summary="归集任务的运行记录（最近的在前）")
def run_list(request: HttpRequest, pipeline_id: int) -> list[Run]:
    return list(selectors.runs_of(pipeline=_pipeline(request, pipeline_id))[:LIST_LIMIT])


@router.post(
    "/pipelines/{pipeline_id}/runs",
    response={202: RunOut},
    summary="运行归集任务（文件类数据源随请求上传文件，multipart/form-data）",
)
def run_start(request: HttpRequest, pipeline_id: int, file: File[UploadedFile | None] = None) -> Status[Run]:
    pipeline = _pipeline(request, pipeline_id)
    try:
        run = services.run_start(
            user=request.user,
            pipeline=pipeline,
            file_name=(file.name or "") if file is not None else "",
            content=cast(IO[bytes], file) if file is not None else None,
            background=True,
            request=request,
        )
    except services.IngestForbidden:
        raise _forbidden() from None
    except services.IngestInvalid as exc:
        raise _refused(exc) from None
    return Status(202, run)


@router.get("/runs/{run_id}", response=RunOut, summary="查看运行（状态、进度和计数，可轮询）")
def run_detail(request: HttpRequest, run_id: int) -> Run:
    return _run(request, run_id)


@router.get("/runs/{run_id}/quarantine", response=QuarantinePageOut, summary="运行的隔离数据（分页）")
def quarantine_list(request: HttpRequest, run_id: int, query: Query[QuarantineQuery]) -> dict[str, Any]:
    page = selectors.quarantine_of(run=_run(request, run_id), status=query.status, page=query.page)
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "items": list(page.object_list),
    }


def _row(run: Run, row_id: int) -> QuarantinedRow:
    rows = selectors.quarantined_rows(run=run, pks=[row_id])
    if not rows:
        raise Http404
    return rows[0]


@router.put("/runs/{run_id}/quarantine/{row_id}", response=QuarantinedRowOut, summary="改正一行隔离数据")
def quarantine_fix(request: HttpRequest, run_id: int, row_id: int, payload: QuarantineFixIn) -> QuarantinedRow:
    row = _row(_run(request, run_id), row_id)
    try:
        return services.quarantine_fix(user=request.user, row=row, values=payload.values, request=request)
    except services.IngestForbidden:
        raise _forbidden() from None
    except services.IngestInvalid as exc:
        raise _refused(exc) from None


@router.post("/runs/{run_id}/replay", response={202: RunOut}, summary="重新载入所选隔离数据")
def quarantine_replay(request: HttpRequest, run_id: int, payload: RowsIn) -> Status[Run]:
    run = _run(request, run_id)
    rows = selectors.quarantined_rows(run=run, pks=payload.rows)
    try:
        replay = services.quarantine_replay(
            user=request.user, pipeline=run.pipeline, rows=rows, background=True, request=request
        )
    except services.IngestForbidden:
        raise _forbidden() from None
    except services.IngestInvalid as exc:
        raise _refused(exc) from None
    return Status(202, replay)


@router.post("/runs/{run_id}/discard", response=DiscardOut, summary="舍弃所选隔离数据")
def quarantine_discard(request: HttpRequest, run_id: int, payload: RowsIn) -> dict[str, int]:
    run = _run(request, run_id)
    rows = selectors.quarantined_rows(run=run, pks=payload.rows)
    if not rows:
        raise fields_problem([("rows", "unknown", gettext("这次运行没有这些隔离数据"))])
    try:
        return {"discarded": services.quarantine_discard(user=request.user, rows=rows, request=request)}
    except services.IngestForbidden:
        raise _forbidden() from None
