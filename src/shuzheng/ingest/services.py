"""Writes of data aggregation: sources, pipelines, runs and the quarantine.

A run is queued in the web request and executed by a worker (``tasks.py``),
or at once by the command line; either way ``run_execute`` does the work, so
there is one path to test. A run either succeeds or leaves the dataset and
the quarantine as they were.
"""

from __future__ import annotations

import datetime
import logging
import re
import shutil
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from cronsim import CronSim, CronSimError
from django.conf import settings
from django.db import transaction
from django.dispatch import Signal
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

from shuzheng.accounts.selectors import officials_holding, user_can
from shuzheng.catalog.selectors import dataset_columns, warehouse_session
from shuzheng.catalog.services import resource_table_loaded, resource_tabular
from shuzheng.core.audit import audit_record
from shuzheng.core.crypto import sm3_stream
from shuzheng.core.notifications import notify
from shuzheng.ingest import loader
from shuzheng.ingest.choices import LoadMode, QuarantineStatus, RunStatus
from shuzheng.ingest.models import Pipeline, QuarantinedRow, Run, Source
from shuzheng.ingest.sources import Reading, Record, Request, SourceRefused, source_kind, source_kinds

RUN = "ingest.pipeline.run"
EDIT = "ingest.pipeline.edit"
RESOURCE_NAME = "归集数据"

logger = logging.getLogger(__name__)
Problem = tuple[str, str, str]  # (field, code, message)
_SAFE_NAME = re.compile(r"[^\w.\-]+")

# Sent once a run's load has committed: ``run`` and ``written`` (whether the dataset changed).
# Quality checks listen to it, so that a night's loads are followed by the night's checks.
run_succeeded = Signal()


class IngestInvalid(ValueError):
    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(message for _field, _code, message in self.problems))


class IngestForbidden(PermissionError):
    """The user may not do this to the department's sources or pipelines."""


def _check(user: Any, action: str, obj: Any) -> None:
    if not user_can(user, action, obj):
        raise IngestForbidden(action)


# --- sources and pipelines -----------------------------------------------------------------


@transaction.atomic
def source_create(
    *,
    editor: Any,
    organisation: Any,
    name: str,
    kind: str,
    options: Mapping[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> Source:
    """Declare where a department's data comes from; the options are checked by the source's kind."""
    source = Source(organisation=organisation, name=name.strip(), kind=kind, options=dict(options or {}))
    if editor is not None:  # None: the platform itself (the demo, a migration script)
        _check(editor, EDIT, source)
    problems: list[Problem] = []
    if not source.name:
        problems.append(("name", "required", gettext("请填写名称")))
    if kind not in source_kinds():
        problems.append(("kind", "unknown", gettext("没有这种数据源类型：%(kind)s") % {"kind": kind}))
    else:
        problems += [
            (f"options.{what}", "invalid", message) for what, message in source_kind(kind).validate(source.options)
        ]
    if problems:
        raise IngestInvalid(problems)
    source.save()
    audit_record(
        action="ingest.source.create",
        actor=editor,
        object_type="ingest.source",
        object_id=source.pk,
        detail={"name": source.name, "kind": kind},
        request=request,
    )
    return source


def _mapping_problems(dataset: Any, mapping: Sequence[Mapping[str, Any]], key: Sequence[str]) -> list[Problem]:
    fields = {column.name for column in dataset_columns(dataset=dataset)}
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, entry in enumerate(mapping):
        name, column, values = entry.get("field"), entry.get("column"), entry.get("values", {})
        if name not in fields:
            problems.append((f"mapping.{index}.field", "unknown", gettext("目标数据资源没有这个字段")))
        elif name in seen:
            problems.append((f"mapping.{index}.field", "duplicate", gettext("这个字段已经映射过")))
        seen.add(str(name))
        if not isinstance(column, str) or not column.strip():
            problems.append((f"mapping.{index}.column", "required", gettext("请填写来源列名")))
        if not isinstance(values, dict):
            problems.append((f"mapping.{index}.values", "invalid", gettext("值映射应为“原值: 新值”")))
    for index, name in enumerate(key):
        if name not in fields:
            problems.append((f"key.{index}", "unknown", gettext("目标数据资源没有这个字段")))
        elif mapping and name not in seen:
            problems.append((f"key.{index}", "unmapped", gettext("主键字段必须有来源列")))
    return problems


@transaction.atomic
def pipeline_create(
    *,
    editor: Any,
    name: str,
    source: Source,
    dataset: Any,
    mapping: Sequence[Mapping[str, Any]] = (),
    mode: str = LoadMode.FULL,
    key: Sequence[str] = (),
    updated_column: str = "",
    keep_history: bool = False,
    schedule: str = "",
    request: HttpRequest | None = None,
) -> Pipeline:
    """A pipeline from one of the department's sources into one of its datasets.

    An empty mapping takes each field from the source column with its name or
    Chinese label; a ``schedule`` (cron) has the platform run it by itself."""
    pipeline = Pipeline(
        name=name.strip(),
        source=source,
        dataset=dataset,
        mapping=[dict(entry) for entry in mapping],
        mode=mode,
        key=list(key),
        updated_column=updated_column.strip(),
        keep_history=keep_history,
        schedule=" ".join(schedule.split()),
    )
    if editor is not None:
        _check(editor, EDIT, pipeline)
    problems: list[Problem] = []
    if not pipeline.name:
        problems.append(("name", "required", gettext("请填写名称")))
    if source.organisation_id != dataset.organisation_id:
        problems.append(("source", "organisation", gettext("数据源和目标数据资源应属于同一部门")))
    if mode not in LoadMode.values:
        problems.append(("mode", "invalid", gettext("载入方式应为 full 或 incremental")))
    elif mode == LoadMode.INCREMENTAL and not key:
        problems.append(("key", "required", gettext("增量载入需要主键字段")))
    if keep_history and not key:
        problems.append(("key", "required", gettext("保留历史版本需要主键字段")))
    problems += _mapping_problems(dataset, pipeline.mapping, pipeline.key)
    problems += _schedule_problems(schedule=pipeline.schedule, source=source)
    if problems:
        raise IngestInvalid(problems)
    pipeline.next_run_at = _next_run(pipeline.schedule, timezone.now())
    pipeline.save()
    audit_record(
        action="ingest.pipeline.create",
        actor=editor,
        object_type="ingest.pipeline",
        object_id=pipeline.pk,
        detail={"dataset": dataset.code, "source": source.pk, "mode": mode, "schedule": pipeline.schedule},
        request=request,
    )
    return pipeline


@transaction.atomic
def pipeline_enable(*, editor: Any, pipeline: Pipeline, enabled: bool, request: HttpRequest | None = None) -> Pipeline:
    """Stop a pipeline from running (a source being replaced, a dataset withdrawn), or start it again."""
    _check(editor, EDIT, pipeline)
    if pipeline.enabled != enabled:
        pipeline.enabled = enabled
        # Started again, it waits for its next time rather than catching up on the ones it missed.
        pipeline.next_run_at = _next_run(pipeline.schedule, timezone.now())
        pipeline.save(update_fields=["enabled", "next_run_at"])
        audit_record(
            action="ingest.pipeline.enable" if enabled else "ingest.pipeline.disable",
            actor=editor,
            object_type="ingest.pipeline",
            object_id=pipeline.pk,
            detail={"dataset": pipeline.dataset.code},
            request=request,
        )
    return pipeline


def _schedule_problems(*, schedule: str, source: Source) -> list[Problem]:
    """What is wrong with a pipeline's schedule: five cron fields, for a source read unattended."""
    if not schedule:
        return []
    if source_kind(source.kind).needs_file:
        return [("schedule", "needs_file", gettext("上传文件的数据源不能定时运行"))]
    problem = ("schedule", "invalid", gettext("应为五段 cron 表达式（分 时 日 月 周），如 0 2 * * * 表示每天 2:00"))
    if len(schedule.split()) != 5:  # cronsim also reads a sixth field, of seconds
        return [problem]
    try:
        CronSim(schedule, timezone.localtime())
    except CronSimError:
        return [problem]
    return []


def _next_run(schedule: str, after: datetime.datetime) -> datetime.datetime | None:
    """The first time after ``after`` that ``schedule`` names, read in the platform's time zone."""
    return next(CronSim(schedule, timezone.localtime(after))) if schedule else None


@transaction.atomic
def pipeline_schedule(
    *, editor: Any, pipeline: Pipeline, schedule: str, request: HttpRequest | None = None
) -> Pipeline:
    """Have the platform run the pipeline at the times a cron expression names, or (empty) only by hand."""
    _check(editor, EDIT, pipeline)
    schedule = " ".join(schedule.split())
    if problems := _schedule_problems(schedule=schedule, source=pipeline.source):
        raise IngestInvalid(problems)
    if schedule != pipeline.schedule:
        pipeline.schedule, pipeline.next_run_at = schedule, _next_run(schedule, timezone.now())
        pipeline.save(update_fields=["schedule", "next_run_at"])
        audit_record(
            action="ingest.pipeline.schedule",
            actor=editor,
            object_type="ingest.pipeline",
            object_id=pipeline.pk,
            detail={"dataset": pipeline.dataset.code, "schedule": schedule},
            request=request,
        )
    return pipeline


def pipelines_run_due(*, now: datetime.datetime | None = None) -> list[Run]:
    """Queue a run of every enabled pipeline whose scheduled time has come (the worker's beat calls
    this every minute). Each due time starts one run however many schedulers call at once: the
    run goes to whoever moves the pipeline's next time on. A pipeline still loading skips the time;
    one whose times passed while nothing was running runs once, not once per time missed."""
    now = now or timezone.now()
    due = Pipeline.objects.filter(enabled=True, next_run_at__lte=now).exclude(schedule="")
    started = []
    for pk, planned in due.values_list("pk", "next_run_at"):
        with transaction.atomic():
            pipeline = Pipeline.objects.select_related("source", "dataset").filter(pk=pk).first()
            if pipeline is None:
                continue
            following = _next_run(pipeline.schedule, now)
            if not Pipeline.objects.filter(pk=pk, next_run_at=planned).update(next_run_at=following):
                continue
            _lost_runs_fail(pipeline, now)
            if Run.objects.filter(pipeline=pipeline, status__in=(RunStatus.QUEUED, RunStatus.RUNNING)).exists():
                logger.warning("pipeline %s still loading at its scheduled time %s: skipped", pk, planned)
                audit_record(
                    action="ingest.run.skip",
                    actor=None,
                    object_type="ingest.pipeline",
                    object_id=pk,
                    detail={"planned": str(planned), "reason": "busy"},
                )
                continue
            started.append(run_start(user=None, pipeline=pipeline, scheduled=True))
    return started


def _lost_runs_fail(pipeline: Pipeline, now: datetime.datetime) -> None:
    """Fail the pipeline's runs queued longer than SHUZHENG_INGEST_RUN_HOURS ago and not finished."""
    limit = now - datetime.timedelta(hours=settings.SHUZHENG_INGEST_RUN_HOURS)
    unfinished = (RunStatus.QUEUED, RunStatus.RUNNING)
    for run in Run.objects.filter(pipeline=pipeline, status__in=unfinished, queued_at__lt=limit):
        run.status, run.finished_at = RunStatus.FAILED, now
        run.error = gettext("运行超过 %(hours)d 小时仍未结束，视为中断（执行它的后台进程已不在）") % {
            "hours": settings.SHUZHENG_INGEST_RUN_HOURS
        }
        run.save(update_fields=["status", "finished_at", "error"])
        audit_record(
            action="ingest.run.fail", actor=None, object_type="ingest.run", object_id=run.pk, detail={"lost": True}
        )


# --- runs ---------------------------------------------------------------------------------


def _upload_dir() -> Path:
    path = Path(settings.SHUZHENG_INGEST_DIR) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _keep_upload(run: Run, file_name: str, content: IO[bytes] | Path) -> None:
    """Store the upload outside the web root, named by its run; its SM3 checksum goes on the run."""
    safe = _SAFE_NAME.sub("_", Path(file_name).name)[-100:] or "upload"
    target = _upload_dir() / f"{run.pk}-{safe}"
    if isinstance(content, Path):
        shutil.copyfile(content, target)
    else:
        with target.open("wb") as out:
            shutil.copyfileobj(content, out, 1 << 20)
    with target.open("rb") as stored:
        run.checksum = sm3_stream(iter(lambda: stored.read(1 << 20), b""))
    run.file_name, run.file_path = Path(file_name).name, str(target)


@transaction.atomic
def run_start(
    *,
    user: Any,
    pipeline: Pipeline,
    file_name: str = "",
    content: IO[bytes] | Path | None = None,
    background: bool = True,
    scheduled: bool = False,
    request: HttpRequest | None = None,
) -> Run:
    """Queue a load of the pipeline (with the uploaded file for file sources).

    In the background the worker picks it up once this transaction commits.
    ``user`` None is the platform itself (the command line on the server, a
    schedule: ``scheduled``); every web path passes the signed-in user."""
    if user is not None:
        _check(user, RUN, pipeline)
    needs_file = source_kind(pipeline.source.kind).needs_file
    if needs_file and content is None:
        raise IngestInvalid([("file", "required", gettext("请选择要载入的文件"))])
    if not pipeline.enabled:
        raise IngestInvalid([("pipeline", "disabled", gettext("归集任务已停用"))])
    run = Run.objects.create(
        pipeline=pipeline, started_by=user if getattr(user, "pk", None) else None, scheduled=scheduled
    )
    if content is not None and needs_file:
        _keep_upload(run, file_name, content)
        run.save(update_fields=["file_name", "file_path", "checksum"])
    audit_record(
        action="ingest.run.start",
        actor=user,
        object_type="ingest.run",
        object_id=run.pk,
        detail={
            "pipeline": pipeline.pk,
            "dataset": pipeline.dataset.code,
            "file": run.file_name,
            "scheduled": scheduled,
        },
        request=request,
    )
    if background:
        from shuzheng.ingest.tasks import run_pipeline

        transaction.on_commit(lambda: run_pipeline.delay(run.pk))
    return run


def _plan(pipeline: Pipeline, run: Run, reading: Reading, resource: Any, *, incremental: bool) -> loader.Plan:
    columns = dataset_columns(dataset=pipeline.dataset)
    mapping = [
        loader.Mapped(entry["field"], entry["column"], dict(entry.get("values") or {})) for entry in pipeline.mapping
    ]
    return loader.Plan(
        table=resource.table,
        columns=columns,
        mapping=mapping or loader.mapping_default(columns, reading.columns),
        key=list(pipeline.key),
        incremental=incremental,
        history=pipeline.keep_history,
        run=run.pk,
        now=timezone.now(),
    )


def _reading(pipeline: Pipeline, run: Run) -> Reading:
    if run.replay:
        return _replay_reading(run)
    incremental = pipeline.mode == LoadMode.INCREMENTAL
    return source_kind(pipeline.source.kind).read(
        Request(
            options=pipeline.source.options,
            path=Path(run.file_path) if run.file_path else None,
            file_name=run.file_name,
            updated_column=pipeline.updated_column,
            since=pipeline.watermark if incremental else "",
        )
    )


def _replay_reading(run: Run) -> Reading:
    rows = QuarantinedRow.objects.filter(replayed_in=run).order_by("pk")
    # The rows keep their source columns, so the default mapping finds them as it did in the file.
    columns = list(dict.fromkeys(name for row in rows.values_list("row", flat=True) for name in row))
    return Reading(columns=columns, records=(Record(row.line, row.row) for row in rows.iterator()))


def _quarantine(run: Run) -> Callable[[list[loader.Rejected]], None]:
    def keep(rejected: list[loader.Rejected]) -> None:
        QuarantinedRow.objects.bulk_create(
            QuarantinedRow(run=run, line=item.line, row=dict(item.row), reasons=item.reasons) for item in rejected
        )

    return keep


def _progress(run: Run) -> Callable[[int], None]:
    def report(read: int) -> None:
        Run.objects.filter(pk=run.pk).update(progress=read)

    return report


def run_execute(*, run_id: int, on_progress: Callable[[Run], None] | None = None) -> Run:
    """Do a queued run: read the source, load the dataset, quarantine what does not fit.

    On any error the run fails and the dataset and the quarantine stay as they were."""
    claimed = Run.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=timezone.now()
    )
    run = Run.objects.select_related("pipeline__source", "pipeline__dataset__organisation").get(pk=run_id)
    if not claimed:  # another worker has it, or it is done: running it twice would count twice
        return run
    pipeline = run.pipeline
    resource = resource_tabular(dataset=pipeline.dataset, name=RESOURCE_NAME)
    report = _progress(run)

    def progress(read: int) -> None:
        report(read)
        if on_progress is not None:
            run.progress = read
            on_progress(run)

    try:
        reading = _reading(pipeline, run)
        run.progress_total = reading.total
        Run.objects.filter(pk=run.pk).update(progress_total=reading.total)
        incremental = run.replay or pipeline.mode == LoadMode.INCREMENTAL
        plan = _plan(pipeline, run, reading, resource, incremental=incremental)
        unmapped = [column for column in reading.columns if column not in {m.column for m in plan.mapping}]
        with warehouse_session() as session:
            counts = loader.load(session, reading.records, plan, reject=_quarantine(run), progress=progress)
    except Exception as exc:  # any failure: the run says why; nothing it staged or quarantined stays
        if not isinstance(exc, SourceRefused):
            logger.exception("ingest run %s failed", run.pk)
        QuarantinedRow.objects.filter(run=run).delete()
        run.status, run.error, run.finished_at = RunStatus.FAILED, str(exc)[:2000], timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        audit_record(
            action="ingest.run.fail",
            actor=None,
            object_type="ingest.run",
            object_id=run.pk,
            detail={"error": run.error[:200]},
        )
        _unattended_notify(run, gettext("归集任务“%(name)s”定时运行失败"))
        return run
    _finish(run, pipeline, resource, reading, counts, unmapped)
    return run


@transaction.atomic
def _finish(
    run: Run, pipeline: Pipeline, resource: Any, reading: Reading, counts: loader.Counts, unmapped: list[str]
) -> None:
    run.rows_read, run.rows_loaded, run.rows_updated = counts.read, counts.loaded, counts.updated
    run.rows_unchanged, run.rows_rejected, run.rows_deleted = counts.unchanged, counts.rejected, counts.deleted
    run.progress = counts.read
    if unmapped:
        run.warnings = [gettext("未使用的来源列：%(columns)s") % {"columns": "、".join(unmapped[:20])}]
    run.status, run.finished_at = RunStatus.SUCCEEDED, timezone.now()
    run.save()
    if counts.written or resource.pk is None:
        resource_table_loaded(resource=resource, rows=counts.rows, checksum=run.checksum)
    if reading.watermark and reading.watermark > pipeline.watermark:
        pipeline.watermark = reading.watermark
        pipeline.save(update_fields=["watermark"])
    written = bool(counts.written)
    transaction.on_commit(lambda: run_succeeded.send(sender=Run, run=run, written=written))
    if run.replay:
        # The replayed rows that fail again are in this run's own quarantine now.
        QuarantinedRow.objects.filter(replayed_in=run).update(status=QuarantineStatus.REPLAYED)
    elif pipeline.mode == LoadMode.FULL:
        # The dataset is now this file: rows rejected from earlier files no longer wait for a fix.
        QuarantinedRow.objects.filter(run__pipeline=pipeline, run__pk__lt=run.pk, status=QuarantineStatus.OPEN).update(
            status=QuarantineStatus.SUPERSEDED
        )
    if counts.rejected:
        _unattended_notify(run, gettext("归集任务“%(name)s”定时运行完成，%(count)d 行数据被隔离"))
    audit_record(
        action="ingest.run.finish",
        actor=None,
        object_type="ingest.run",
        object_id=run.pk,
        detail={
            "dataset": pipeline.dataset.code,
            "read": counts.read,
            "loaded": counts.loaded,
            "updated": counts.updated,
            "unchanged": counts.unchanged,
            "rejected": counts.rejected,
            "deleted": counts.deleted,
        },
    )


def _unattended_notify(run: Run, subject: str) -> None:
    """Tell the department's pipeline editors how a scheduled run went wrong: nobody watched it, and
    the night's load is what tomorrow's work stands on. The message names the run, not the error,
    which may quote the source and goes by SMS or e-mail too."""
    if not run.scheduled:
        return
    pipeline = run.pipeline
    text = subject % {"name": pipeline.name, "count": run.rows_rejected}
    for official in officials_holding(organisation_id=pipeline.source.organisation_id, action=EDIT):
        notify(
            recipient=official,
            subject=text,
            body=gettext("目标数据资源 %(code)s %(title)s，运行 #%(run)d。")
            % {"code": pipeline.dataset.code, "title": pipeline.dataset.title, "run": run.pk},
            link=f"/workbench/ingest/runs/{run.pk}/",
            topic="ingest.run.unattended",
        )


# --- quarantine -------------------------------------------------------------------------------


@transaction.atomic
def quarantine_fix(
    *, user: Any, row: QuarantinedRow, values: Mapping[str, Any], request: HttpRequest | None = None
) -> QuarantinedRow:
    """Correct a quarantined row's source values, for a replay."""
    _check(user, RUN, row.run.pipeline)
    if row.status != QuarantineStatus.OPEN:
        raise IngestInvalid([("status", "closed", gettext("这一行已经处理过"))])
    row.row = {str(key): value for key, value in values.items()}
    row.save(update_fields=["row"])
    audit_record(
        action="ingest.quarantine.fix",
        actor=user,
        object_type="ingest.quarantinedrow",
        object_id=row.pk,
        detail={"run": row.run_id, "line": row.line},
        request=request,
    )
    return row


@transaction.atomic
def quarantine_replay(
    *,
    user: Any,
    pipeline: Pipeline,
    rows: Sequence[QuarantinedRow],
    background: bool = True,
    request: HttpRequest | None = None,
) -> Run:
    """Load quarantined rows (as corrected) into the dataset, merged by key with what is there."""
    _check(user, RUN, pipeline)
    rows = [row for row in rows if row.status == QuarantineStatus.OPEN and row.run.pipeline_id == pipeline.pk]
    if not rows:
        raise IngestInvalid([("rows", "required", gettext("没有可重新载入的隔离数据"))])
    if pipeline.mode == LoadMode.FULL and not pipeline.key:
        # Without a key a replayed row cannot be merged; it could only replace the whole table.
        raise IngestInvalid([("pipeline", "key", gettext("没有主键的归集任务不能单独重新载入隔离数据"))])
    run = Run.objects.create(pipeline=pipeline, started_by=user, replay=True)
    QuarantinedRow.objects.filter(pk__in=[row.pk for row in rows]).update(replayed_in=run)
    audit_record(
        action="ingest.quarantine.replay",
        actor=user,
        object_type="ingest.run",
        object_id=run.pk,
        detail={"pipeline": pipeline.pk, "rows": len(rows)},
        request=request,
    )
    if background:
        from shuzheng.ingest.tasks import run_pipeline

        transaction.on_commit(lambda: run_pipeline.delay(run.pk))
    return run


@transaction.atomic
def quarantine_discard(*, user: Any, rows: Sequence[QuarantinedRow], request: HttpRequest | None = None) -> int:
    """Give up on quarantined rows (they stay listed, marked discarded)."""
    for row in rows:
        _check(user, RUN, row.run.pipeline)
    count = QuarantinedRow.objects.filter(pk__in=[row.pk for row in rows], status=QuarantineStatus.OPEN).update(
        status=QuarantineStatus.DISCARDED
    )
    audit_record(
        action="ingest.quarantine.discard",
        actor=user,
        object_type="ingest.quarantinedrow",
        object_id=",".join(str(row.pk) for row in rows)[:64],
        detail={"rows": count},
        request=request,
    )
    return count
