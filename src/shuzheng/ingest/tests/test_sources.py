"""The other kinds of source: a database table (incremental by updated-at), a paged HTTP API,
another dataset; the command line; and the same load on a DuckDB-file warehouse."""

from __future__ import annotations

import http.server
import io
import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from shuzheng.catalog import services as catalog
from shuzheng.catalog.selectors import dataset_tables
from shuzheng.ingest import services
from shuzheng.ingest.choices import RunStatus
from shuzheng.ingest.tests.conftest import COMPANIES, FIELDS, dataset_payload

pytestmark = pytest.mark.django_db


def execute(people: dict[str, Any], pipeline: Any) -> Any:
    queued = services.run_start(user=people["officer"], pipeline=pipeline, background=False)
    return services.run_execute(run_id=queued.pk)


def rows_of(dataset: Any) -> list[dict[str, Any]]:
    return sorted(dataset_tables(datasets=[dataset])[dataset.pk].to_pyarrow().to_pylist(), key=lambda r: r["uscc"])


def test_a_database_table_loads_incrementally_by_updated_at(
    register: Path, people: dict[str, Any], organisation: Any, enterprises: Any
) -> None:
    source = services.source_create(
        editor=people["officer"],
        organisation=organisation,
        name="市场主体登记库",
        kind="database",
        options={"url": f"sqlite:///{register}", "table": "company"},
    )
    pipeline = services.pipeline_create(
        editor=people["officer"],
        name="登记库增量",
        source=source,
        dataset=enterprises,
        mode="incremental",
        key=["uscc"],
        updated_column="changed",
    )
    first = execute(people, pipeline)
    assert (first.status, first.rows_read, first.rows_loaded) == (RunStatus.SUCCEEDED, 3, 3), first.error
    pipeline.refresh_from_db()
    assert pipeline.watermark == "2026-11-03 08:00:00"
    assert "changed" in first.warnings[0]  # a source column the dataset does not take

    with sqlite3.connect(register) as connection:
        connection.execute("UPDATE company SET status = '吊销', changed = '2026-11-05 09:00:00' WHERE capital = 50.5")
    second = execute(people, pipeline)
    # Only the changed row is asked for, and it updates its record.
    assert (second.rows_read, second.rows_updated, second.rows_deleted) == (1, 1, 0)
    assert [row["status"] for row in rows_of(enterprises)] == ["存续", "吊销", "注销"]


def test_database_options_are_checked(people: dict[str, Any], organisation: Any) -> None:
    with pytest.raises(services.IngestInvalid) as refused:
        services.source_create(
            editor=people["officer"],
            organisation=organisation,
            name="坏连接",
            kind="database",
            options={"url": "not a url", "table": "company; drop table x"},
        )
    assert {field for field, _code, _message in refused.value.problems} == {"options.url", "options.table"}


class _Pages(http.server.BaseHTTPRequestHandler):
    records: list[dict[str, Any]] = []

    def do_GET(self) -> None:
        query = parse_qs(urlsplit(self.path).query)
        page, size = int(query["page"][0]), int(query["size"][0])
        body = {"code": 0, "data": {"items": self.records[(page - 1) * size : page * size]}}
        content = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def api_server() -> Iterator[str]:
    _Pages.records = [
        {"uscc": uscc, "name": name, "status": status, "capital": capital, "founded": founded}
        for uscc, name, status, capital, founded, _changed in COMPANIES * 1
    ] + [{"uscc": f"91330100{index:010d}", "name": f"企业{index}", "capital": "abc"} for index in range(2)]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/companies"
    server.shutdown()


def test_a_paged_http_api_is_read_to_its_last_page(
    api_server: str, people: dict[str, Any], organisation: Any, enterprises: Any
) -> None:
    source = services.source_create(
        editor=people["officer"],
        organisation=organisation,
        name="登记系统接口",
        kind="http",
        options={"url": api_server, "paging": "page", "page_size": 2, "records": "data.items"},
    )
    pipeline = services.pipeline_create(
        editor=people["officer"], name="接口归集", source=source, dataset=enterprises, key=["uscc"]
    )
    run = execute(people, pipeline)
    # Five records on three pages of two; the two with a capital of "abc" are quarantined.
    assert (run.status, run.rows_read, run.rows_loaded, run.rows_rejected) == (RunStatus.SUCCEEDED, 5, 3, 2)


def test_an_api_that_is_down_fails_the_run_and_changes_nothing(
    people: dict[str, Any], organisation: Any, enterprises: Any
) -> None:
    source = services.source_create(
        editor=people["officer"],
        organisation=organisation,
        name="停机的接口",
        kind="http",
        options={"url": "http://127.0.0.1:9/none", "page_size": 10, "timeout": 2},
    )
    pipeline = services.pipeline_create(
        editor=people["officer"], name="接口归集", source=source, dataset=enterprises, key=["uscc"]
    )
    run = execute(people, pipeline)
    assert run.status == RunStatus.FAILED
    assert "第 1 页" in run.error
    assert not enterprises.resources.exists()


def test_a_derived_dataset_reads_another(
    people: dict[str, Any], organisation: Any, enterprises: Any, load: Callable[..., Any], make_pipeline: Any
) -> None:
    header = "统一社会信用代码,企业名称,登记状态,注册资本（万元）,成立日期\n"
    lines = "".join(
        f"{uscc},{name},{status},{capital},{founded}\n" for uscc, name, status, capital, founded, _ in COMPANIES
    )
    load(make_pipeline(), "企业.csv", (header + lines).encode())
    active, _ = catalog.dataset_import_published(
        organisation=organisation, data=dataset_payload("存续企业名录"), fields=FIELDS, code="330100-000102"
    )
    source = services.source_create(
        editor=people["officer"],
        organisation=organisation,
        name="企业登记信息（存续）",
        kind="dataset",
        options={"dataset": enterprises.code, "filter": {"status": "存续"}},
    )
    pipeline = services.pipeline_create(
        editor=people["officer"], name="存续企业", source=source, dataset=active, key=["uscc"]
    )
    run = execute(people, pipeline)
    assert (run.rows_read, run.rows_loaded) == (2, 2), run.error


def test_the_command_line_loads_a_file_and_prints_a_summary(make_pipeline: Callable[..., Any], tmp_path: Path) -> None:
    pipeline = make_pipeline()
    path = tmp_path / "企业.csv"
    path.write_text(
        "统一社会信用代码,企业名称,登记状态,注册资本（万元）,成立日期\n"
        "91330100MA2H3X4Y6M,杭州云栖数智科技有限公司,存续,100,2019-05-01\n"
        "91330106MA27XK8Q5B,杭州知味餐饮有限公司,存续,五十,2020-01-01\n",
        encoding="gbk",
    )
    out = io.StringIO()
    call_command("ingest", "run", pipeline.name, "--file", str(path), stdout=out)
    text = out.getvalue()
    assert "完成" in text
    assert "第 3 行" in text
    assert "五十" in text
    call_command("ingest", "list", stdout=out)
    with pytest.raises(CommandError):
        call_command("ingest", "run", "no-such-pipeline", stdout=out)


@pytest.fixture(params=["duckdb", "postgres"])
def warehouse_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A DuckDB file, and — when the tests run on PostgreSQL — the test database itself."""
    if request.param == "duckdb":
        return f"duckdb:///{tmp_path / 'warehouse.duckdb'}"
    return str(request.getfixturevalue("postgres_warehouse"))


def test_the_same_load_on_an_ibis_backend_warehouse(
    warehouse_url: str, settings: Any, tmp_path: Path, make_pipeline: Callable[..., Any], load: Callable[..., Any]
) -> None:
    settings.SHUZHENG_WAREHOUSE_URL = warehouse_url
    pipeline = make_pipeline(keep_history=True)
    header = "统一社会信用代码,企业名称,登记状态,注册资本（万元）,成立日期\n"
    lines = [f"{uscc},{name},{status},{capital},{founded}\n" for uscc, name, status, capital, founded, _ in COMPANIES]
    assert load(pipeline, "企业.csv", (header + "".join(lines)).encode()).rows_loaded == 3
    again = load(pipeline, "企业.csv", (header + lines[0].replace("存续", "吊销") + lines[1]).encode())
    assert (again.rows_updated, again.rows_unchanged, again.rows_deleted) == (1, 1, 1), again.error
    assert [row["status"] for row in rows_of(pipeline.dataset)] == ["吊销", "存续"]
    same = load(pipeline, "企业.csv", (header + lines[0].replace("存续", "吊销") + lines[1]).encode())
    assert (same.rows_unchanged, same.rows_updated) == (2, 0)
    assert not (tmp_path / "warehouse").exists()  # nothing went to the Parquet directory
