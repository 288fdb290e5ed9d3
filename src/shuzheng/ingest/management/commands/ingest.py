"""`shuzheng ingest run PIPELINE [--file F]` loads a pipeline now, with a progress bar and a
summary table; `shuzheng ingest list` shows the pipelines and their last runs."""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from shuzheng.ingest import services
from shuzheng.ingest.models import Pipeline, QuarantinedRow, Run


class Command(BaseCommand):
    help = "Run ingestion pipelines from the command line."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{run,list}")
        run = actions.add_parser("run", help="load a pipeline now (by id or name)")
        run.add_argument("pipeline", metavar="PIPELINE")
        run.add_argument("--file", type=Path, help="the file to load, for file sources")
        actions.add_parser("list", help="the pipelines and their last runs")

    def handle(self, *args: Any, **options: Any) -> None:
        # OutputWrapper passes write and flush through to the stream, which is all rich needs.
        console = Console(file=cast(IO[str], self.stdout), width=120)
        if options["action"] == "list":
            console.print(_pipelines())
            return
        pipeline = _pipeline(options["pipeline"])
        path: Path | None = options["file"]
        if path is not None and not path.is_file():
            raise CommandError(f"no such file: {path}")
        try:
            queued = services.run_start(
                user=None, pipeline=pipeline, file_name=path.name if path else "", content=path, background=False
            )
        except services.IngestInvalid as exc:
            raise CommandError(str(exc)) from None
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress:
            task = progress.add_task(pipeline.name, total=None)

            def show(run: Run) -> None:
                progress.update(task, completed=run.progress, total=run.progress_total)

            run = services.run_execute(run_id=queued.pk, on_progress=show)
        console.print(_summary(run))
        if run.status != "succeeded":
            raise CommandError(run.error)


def _pipeline(name: str) -> Pipeline:
    found = Pipeline.objects.filter(pk=int(name)) if name.isdigit() else Pipeline.objects.filter(name=name)
    pipeline = found.select_related("source", "dataset").first()
    if pipeline is None:
        raise CommandError(f"no such pipeline: {name}")
    return pipeline


def _summary(run: Run) -> Table:
    duration = f"{run.duration:.1f} s" if run.duration is not None else "—"
    table = Table(title=f"{run.pipeline.name} #{run.pk} — {run.get_status_display()}，{duration}", title_justify="left")
    for column in ("读取", "新增", "更新", "未变", "隔离", "删除"):
        table.add_column(column, justify="right")
    counts = (run.rows_read, run.rows_loaded, run.rows_updated, run.rows_unchanged, run.rows_rejected, run.rows_deleted)
    table.add_row(*(f"{count:,}" for count in counts))
    notes = list(run.warnings)
    if run.rows_rejected:
        first = QuarantinedRow.objects.filter(run=run).order_by("line")[:5]
        notes += [f"第 {row.line} 行：{row.reasons[0]['message']}" for row in first]
    table.caption = "\n".join(notes) or None
    return table


def _pipelines() -> Table:
    table = Table(title="归集任务", title_justify="left")
    for column in ("编号", "名称", "数据资源", "方式", "下次定时", "最近一次", "读取", "隔离"):
        table.add_column(column)
    for pipeline in Pipeline.objects.select_related("dataset").order_by("pk"):
        last = pipeline.runs.order_by("-queued_at").first()
        scheduled = pipeline.enabled and pipeline.schedule and pipeline.next_run_at
        table.add_row(
            str(pipeline.pk),
            pipeline.name,
            pipeline.dataset.code,
            pipeline.get_mode_display(),
            f"{timezone.localtime(pipeline.next_run_at):%Y-%m-%d %H:%M}" if scheduled else "—",
            last.get_status_display() if last else "—",
            f"{last.rows_read:,}" if last else "",
            f"{last.rows_rejected:,}" if last else "",
        )
    return table
