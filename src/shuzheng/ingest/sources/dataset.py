"""Another dataset of the platform, optionally filtered: a derived dataset (a topic or theme
library built from departments' data) whose lineage the catalogue shows."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shuzheng.catalog.selectors import dataset_tables, datasets_with_codes
from shuzheng.ingest.sources import Reading, Record, Request, SourceKindSpec, SourceRefused, source_kind_register


def read(request: Request) -> Reading:
    dataset = datasets_with_codes(codes=[request.options.get("dataset", "")]).filter(status="published").first()
    if dataset is None:
        raise SourceRefused(gettext("来源数据资源不存在或未发布"))
    table = dataset_tables(datasets=[dataset]).get(dataset.pk)
    if table is None:
        raise SourceRefused(gettext("来源数据资源还没有数据"))
    for column, value in dict(request.options.get("filter") or {}).items():
        if column not in table.columns:
            raise SourceRefused(gettext("来源数据资源没有字段 %(name)s") % {"name": column})
        table = table.filter(table[column] == value)
    total = int(table.count().execute())

    def records() -> Iterator[Record]:
        line = 0
        for batch in table.to_pyarrow_batches(chunk_size=10_000):
            for row in batch.to_pylist():
                line += 1
                yield Record(line, row)

    return Reading(columns=list(table.columns), records=records(), total=total)


def validate(options: Mapping[str, Any]) -> list[tuple[str, str]]:
    if not datasets_with_codes(codes=[str(options.get("dataset", ""))]).filter(status="published").exists():
        return [("dataset", gettext("来源数据资源不存在或未发布"))]
    if not isinstance(options.get("filter", {}), dict):
        return [("filter", gettext("筛选条件应为“字段: 值”"))]
    return []


def upstream(options: Mapping[str, Any]) -> str:
    """The code of the dataset this source derives from (for lineage)."""
    return str(options.get("dataset", ""))


DATASET = source_kind_register(SourceKindSpec("dataset", _("平台数据资源"), read, validate))
