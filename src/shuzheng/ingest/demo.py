"""Seeds the demo province's aggregation: the market regulator's two nightly exports, each a
pipeline with a file source, and one run of each whose file has the problems such exports
really have (a month 13, a licence number typed twice, a row without its key), so the
quarantine has something to show; and the inspection platform's front-end database (前置库,
a SQLite file beside the uploads here), which the platform reads by itself every night
at 2:00, taking the rows changed since its last load — run once, as its schedule would.

Idempotent: once the pipelines exist nothing is done again. The runs leave the datasets'
rows as they were (every good row is already there), so the catalogue's seeder still
finds its sample tables unchanged.
"""

from __future__ import annotations

import csv
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings

from shuzheng.catalog.selectors import dataset_columns, dataset_tables, datasets_with_codes
from shuzheng.ingest import services
from shuzheng.ingest.choices import LoadMode
from shuzheng.ingest.models import Pipeline

# (dataset, pipeline, source, key, mode, keep history, broken rows by field name)
PIPELINES: tuple[tuple[str, str, str, list[str], str, bool, list[dict[str, str]]], ...] = (
    (
        "330100-000001",
        "食品经营许可证每日归集",
        "食品经营许可系统导出",
        ["licence_no"],
        LoadMode.FULL,
        True,
        [
            {"licence_no": "JY23301060099871", "operator_name": "杭州西溪小厨餐饮店", "issue_date": "2023-13-05"},
            {"licence_no": "", "operator_name": "杭州拱墅区味道面馆", "issue_date": "2024-02-18"},
        ],
    ),
    (
        "330100-000002",
        "双随机抽查结果每周归集",
        "双随机监管平台导出",
        ["task_name", "uscc"],
        LoadMode.INCREMENTAL,
        False,
        [{"task_name": "2026年食品销售者专项抽查", "uscc": "", "inspection_date": "2026-11-20"}],
    ),
)


# (dataset, pipeline, source, key, updated-at column, schedule)
FRONTEND = (
    "330100-000002",
    "双随机抽查结果前置库每晚同步",
    "双随机监管平台前置库",
    ["task_name", "uscc"],
    "更新时间",
    "0 2 * * *",
)


def demo_seed() -> int:
    """Create the pipelines and run each once on an export with problems; returns what it created."""
    return _exports_seed() + _frontend_seed()


def _frontend_seed() -> int:
    code, name, source_name, key, updated, schedule = FRONTEND
    dataset = datasets_with_codes(codes=[code]).first()
    if dataset is None or Pipeline.objects.filter(dataset=dataset, name=name).exists():
        return 0
    path = Path(settings.SHUZHENG_INGEST_DIR) / "frontend" / "inspections.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = dataset_columns(dataset=dataset)
    table = dataset_tables(datasets=[dataset]).get(dataset.pk)
    rows = table.to_pyarrow().to_pylist() if table is not None else []
    with sqlite3.connect(path) as connection:
        # Built from the catalogue's own field labels, quoted as identifiers: no outside text.
        labels = [column.label for column in columns] + [updated]
        declared = ", ".join('"' + label.replace('"', '""') + '" TEXT' for label in labels)
        connection.execute("DROP TABLE IF EXISTS inspection_result")
        connection.execute(f"CREATE TABLE inspection_result ({declared})")
        connection.executemany(
            f"INSERT INTO inspection_result VALUES ({', '.join('?' for _ in labels)})",  # noqa: S608 placeholders only
            [
                [None if row.get(column.name) is None else str(row[column.name]) for column in columns]
                + ["2026-11-28 21:30:00"]
                for row in rows
            ],
        )
    source = services.source_create(
        editor=None,
        organisation=dataset.organisation,
        name=source_name,
        kind="database",
        options={"url": f"sqlite:///{path}", "table": "inspection_result"},
    )
    pipeline = services.pipeline_create(
        editor=None,
        name=name,
        source=source,
        dataset=dataset,
        mode=LoadMode.INCREMENTAL,
        key=key,
        updated_column=updated,
        schedule=schedule,
    )
    run = services.run_start(user=None, pipeline=pipeline, background=False, scheduled=True)
    services.run_execute(run_id=run.pk)
    return 1


def _exports_seed() -> int:
    created = 0
    for code, name, source_name, key, mode, history, broken in PIPELINES:
        dataset = datasets_with_codes(codes=[code]).first()
        if dataset is None or Pipeline.objects.filter(dataset=dataset, name=name).exists():
            continue
        source = services.source_create(editor=None, organisation=dataset.organisation, name=source_name, kind="file")
        pipeline = services.pipeline_create(
            editor=None, name=name, source=source, dataset=dataset, mode=mode, key=key, keep_history=history
        )
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / f"{source_name}.csv"
            _export(dataset, path, broken, duplicate=mode == LoadMode.FULL)
            run = services.run_start(user=None, pipeline=pipeline, file_name=path.name, content=path, background=False)
        services.run_execute(run_id=run.pk)
        created += 1
    return created


def _export(dataset: Any, path: Path, broken: list[dict[str, str]], *, duplicate: bool) -> None:
    """The dataset's rows as its department's system exports them: GBK, headed by Chinese labels."""
    columns = dataset_columns(dataset=dataset)
    table = dataset_tables(datasets=[dataset]).get(dataset.pk)
    rows = table.to_pyarrow().to_pylist() if table is not None else []
    if duplicate and rows:
        rows.insert(len(rows) // 2, rows[0])  # typed twice: the later one stands, the earlier is quarantined
    rows[len(rows) // 3 : len(rows) // 3] = broken
    with path.open("w", encoding="gbk", errors="replace", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([column.label for column in columns])
        for row in rows:
            writer.writerow(["" if row.get(column.name) is None else str(row[column.name]) for column in columns])
