"""Reads of data aggregation: a department's sources, pipelines and runs, the quarantine, lineage."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from cronsim import CronSim
from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from shuzheng.accounts.selectors import visible_to
from shuzheng.catalog.selectors import datasets_for_official, datasets_with_codes
from shuzheng.ingest.choices import SourceKind
from shuzheng.ingest.models import Pipeline, QuarantinedRow, Run, Source
from shuzheng.ingest.services import EDIT, RUN

QUARANTINE_PAGE = 50
MASK = "******"


def _of_department(user: Any, queryset: QuerySet[Any]) -> QuerySet[Any]:
    # A data officer who may only run, or only edit, still sees the department's work.
    runs, edits = visible_to(user, queryset, RUN), visible_to(user, queryset, EDIT)
    return queryset.filter(Q(pk__in=runs.values("pk")) | Q(pk__in=edits.values("pk")))


def sources_for(*, user: Any) -> QuerySet[Source]:
    """The sources of the user's department (none for anyone without an ingest role)."""
    return _of_department(user, Source.objects.all()).select_related("organisation").order_by("name", "pk")


def pipelines_for(*, user: Any) -> QuerySet[Pipeline]:
    """The pipelines into the user's department's datasets, each with its latest run (``latest``)."""
    latest = Prefetch(
        "runs", queryset=Run.objects.select_related("started_by").order_by("-queued_at", "-pk")[:1], to_attr="latest"
    )
    return (
        _of_department(user, Pipeline.objects.all())
        .select_related("source", "dataset")
        .prefetch_related(latest)
        .order_by("dataset__code", "name", "pk")
    )


def pipeline_for(*, user: Any, pk: int) -> Pipeline | None:
    return pipelines_for(user=user).filter(pk=pk).first()


def pipeline_keys_for(*, user: Any) -> set[int]:
    """The keys of the department's pipelines, to tell whether to link to one."""
    return set(_of_department(user, Pipeline.objects.all()).values_list("pk", flat=True))


def next_runs(*, pipeline: Pipeline, count: int = 3) -> list[datetime.datetime]:
    """The pipeline's next scheduled times, so that the data officer sees what the expression means."""
    if not (pipeline.schedule and pipeline.enabled and pipeline.next_run_at):
        return []
    first = timezone.localtime(pipeline.next_run_at)
    later = CronSim(pipeline.schedule, first)
    return [first, *(next(later) for _ in range(count - 1))]


def runs_of(*, pipeline: Pipeline) -> QuerySet[Run]:
    """A pipeline's runs, newest first."""
    return pipeline.runs.select_related("started_by").order_by("-queued_at", "-pk")


def run_for(*, user: Any, pk: int) -> Run | None:
    """A run of one of the user's department's pipelines; None for anyone else's."""
    pipelines = _of_department(user, Pipeline.objects.all()).values("pk")
    return (
        Run.objects.filter(pk=pk, pipeline__in=pipelines)
        .select_related("pipeline__source", "pipeline__dataset", "started_by")
        .first()
    )


def quarantine_of(*, run: Run, status: str | None = None, page: int | str | None = 1) -> Page[QuarantinedRow]:
    """One page of a run's quarantined rows, in line order."""
    rows = QuarantinedRow.objects.filter(run=run).order_by("line", "pk")
    if status:
        rows = rows.filter(status=status)
    return Paginator(rows, QUARANTINE_PAGE).get_page(page)


def quarantined_rows(*, run: Run, pks: list[int]) -> list[QuarantinedRow]:
    """The run's quarantined rows with these keys (others' keys are ignored)."""
    return list(
        QuarantinedRow.objects.filter(run=run, pk__in=pks).select_related("run__pipeline__dataset").order_by("line")
    )


def source_options_shown(*, source: Source) -> dict[str, Any]:
    """A source's options as they may be shown back: a database password never is."""
    options = dict(source.options)
    if source.kind == SourceKind.DATABASE and options.get("url"):
        options["url"] = _masked_url(str(options["url"]))
    if isinstance(options.get("headers"), dict):
        # HTTP headers usually carry the API's key.
        options["headers"] = dict.fromkeys(options["headers"], MASK)
    return options


def _masked_url(url: str) -> str:
    import sqlalchemy as sa

    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        return MASK
    return parsed.render_as_string(hide_password=True)


# --- lineage ---------------------------------------------------------------------------------


@dataclass
class Upstream:
    pipeline: Pipeline
    source_name: str
    source_kind: str  # the kind's label
    dataset: Any = None  # for a source that is another dataset: that dataset (None if unknown)
    dataset_code: str = ""


@dataclass
class Lineage:
    upstream: list[Upstream] = field(default_factory=list)
    downstream: list[Any] = field(default_factory=list)  # datasets derived from this one

    def __bool__(self) -> bool:
        return bool(self.upstream or self.downstream)


def lineage(*, dataset: Any) -> Lineage:
    """Where a dataset's rows come from (its pipelines' sources, other datasets among them) and
    which datasets are derived from it (pipelines whose source is this dataset)."""
    pipelines = list(Pipeline.objects.filter(dataset=dataset).select_related("source").order_by("name", "pk"))
    codes = [
        str(pipeline.source.options.get("dataset", ""))
        for pipeline in pipelines
        if pipeline.source.kind == SourceKind.DATASET
    ]
    by_code = {found.code: found for found in datasets_with_codes(codes=codes)} if codes else {}
    upstream = []
    for pipeline in pipelines:
        code = str(pipeline.source.options.get("dataset", "")) if pipeline.source.kind == SourceKind.DATASET else ""
        upstream.append(
            Upstream(
                pipeline=pipeline,
                source_name=pipeline.source.name,
                source_kind=str(SourceKind(pipeline.source.kind).label),
                dataset=by_code.get(code),
                dataset_code=code,
            )
        )
    derived = Pipeline.objects.filter(source__kind=SourceKind.DATASET, source__options__dataset=dataset.code)
    downstream = {pipeline.dataset.pk: pipeline.dataset for pipeline in derived.select_related("dataset")}
    return Lineage(upstream=upstream, downstream=sorted(downstream.values(), key=lambda item: item.code))


def lineage_for(*, user: Any, dataset: Any) -> Lineage:
    """``lineage`` as an official may see it: derived datasets only when published or their own."""
    found = lineage(dataset=dataset)
    visible = set(
        datasets_for_official(user=user)
        .filter(pk__in=[item.pk for item in found.downstream])
        .values_list("pk", flat=True)
    )
    found.downstream = [item for item in found.downstream if item.pk in visible]
    return found


def target_datasets_for(*, user: Any) -> list[Any]:
    """The datasets a pipeline of the user's department may load: the department's own, any status."""
    own = getattr(user, "organisation_id", None)
    if own is None:
        return []
    return list(datasets_for_official(user=user).filter(organisation__pk=own))
