"""Loading files into a dataset: encodings, formats, typing, quarantine, keys, history, idempotence,
and a failure half-way that leaves the dataset as it was."""

from __future__ import annotations

import datetime
import io
import json
from collections.abc import Callable
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from shuzheng.catalog.selectors import dataset_tables, warehouse_session
from shuzheng.ingest import loader, services
from shuzheng.ingest.choices import QuarantineStatus, RunStatus
from shuzheng.ingest.models import QuarantinedRow

pytestmark = pytest.mark.django_db

HEADER = "统一社会信用代码,企业名称,登记状态,注册资本（万元）,成立日期\n"
LINES = [
    "91330100MA2H3X4Y6M,杭州云栖数智科技有限公司,存续,100,2019-05-01\n",
    "91330106MA27XK8Q5B,杭州知味餐饮有限公司,存续,50.5,2020-01-01\n",
    "91330108MA2CFD9L0X,杭州钱塘新材料有限公司,注销,1000,2015-07-20\n",
]


def csv_bytes(lines: list[str], encoding: str = "utf-8", header: str = HEADER) -> bytes:
    return (header + "".join(lines)).encode(encoding)


def rows_of(dataset: Any) -> list[dict[str, Any]]:
    table = dataset_tables(datasets=[dataset])[dataset.pk]
    return sorted(table.to_pyarrow().to_pylist(), key=lambda row: row["uscc"])


def adds_up(run: Any) -> bool:
    return bool(run.rows_read == run.rows_loaded + run.rows_updated + run.rows_unchanged + run.rows_rejected)


def test_a_utf8_file_with_a_bom_lands_typed(make_pipeline: Callable[..., Any], load: Callable[..., Any]) -> None:
    run = load(make_pipeline(), "企业.csv", b"\xef\xbb\xbf" + csv_bytes(LINES))
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert (run.rows_read, run.rows_loaded, run.rows_rejected) == (3, 3, 0)
    rows = rows_of(run.pipeline.dataset)
    assert rows[0]["capital"] == 100.0
    assert rows[0]["founded"] == datetime.date(2019, 5, 1)
    assert run.pipeline.dataset.resources.get().row_count == 3


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_gbk_and_gb18030_files_are_detected(
    encoding: str, make_pipeline: Callable[..., Any], load: Callable[..., Any]
) -> None:
    lines = [*LINES, "91330110MA2GL4JX3W,杭州䶮䶮贸易有限公司,存续,10,2021-03-15\n"] if encoding == "gb18030" else LINES
    run = load(make_pipeline(), "企业.csv", csv_bytes(lines, encoding))
    assert run.status == RunStatus.SUCCEEDED, run.error
    names = {row["name"] for row in rows_of(run.pipeline.dataset)}
    assert "杭州知味餐饮有限公司" in names
    if encoding == "gb18030":  # characters outside GBK survive
        assert "杭州䶮䶮贸易有限公司" in names


def test_a_type_error_in_row_50001_quarantines_that_row_only(
    make_pipeline: Callable[..., Any], load: Callable[..., Any]
) -> None:
    lines = [f"91330100{index:010d},企业{index},存续,{index},2020-01-01\n" for index in range(60_000)]
    lines[50_000] = "91330100X000050000,企业50000,存续,五十万,2020-01-01\n"
    run = load(make_pipeline(), "企业.csv", csv_bytes(lines))
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert (run.rows_read, run.rows_loaded, run.rows_rejected) == (60_000, 59_999, 1)
    assert adds_up(run)
    quarantined = QuarantinedRow.objects.get(run=run)
    # Line 1 is the header: the 50,001st row is line 50,002 of the file.
    assert quarantined.line == 50_002
    assert quarantined.row["注册资本（万元）"] == "五十万"
    assert quarantined.reasons[0]["field"] == "capital"
    assert "五十万" in quarantined.reasons[0]["message"]
    assert len(rows_of(run.pipeline.dataset)) == 59_999


def test_a_truncated_file_quarantines_the_broken_last_row(
    make_pipeline: Callable[..., Any], load: Callable[..., Any]
) -> None:
    data = csv_bytes(LINES)
    run = load(make_pipeline(), "企业.csv", data[: data.rindex(b",2015")])
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert (run.rows_read, run.rows_loaded, run.rows_rejected) == (3, 2, 1)
    quarantined = QuarantinedRow.objects.get(run=run)
    assert quarantined.line == 4
    assert "截断" in quarantined.reasons[0]["message"]


def test_an_extra_column_is_ignored_and_named(make_pipeline: Callable[..., Any], load: Callable[..., Any]) -> None:
    header = HEADER.rstrip("\n") + ",备注\n"
    lines = [line.rstrip("\n") + ",无\n" for line in LINES]
    run = load(make_pipeline(), "企业.csv", csv_bytes(lines, header=header))
    assert (run.status, run.rows_loaded, run.rows_rejected) == (RunStatus.SUCCEEDED, 3, 0)
    assert "备注" in run.warnings[0]
    # A row with more cells than the header is quarantined, not silently cut.
    run = load(make_pipeline(mode="full"), "多列.csv", csv_bytes([*LINES, LINES[0].rstrip("\n") + ",多余\n"]))
    assert run.rows_rejected == 1
    assert adds_up(run)


def test_full_width_digits_and_value_maps(make_pipeline: Callable[..., Any], load: Callable[..., Any]) -> None:
    mapping = [
        {"field": "uscc", "column": "统一社会信用代码"},
        {"field": "name", "column": "企业名称"},
        {"field": "status", "column": "登记状态", "values": {"在业": "存续"}},
        {"field": "capital", "column": "注册资本（万元）"},
        {"field": "founded", "column": "成立日期"},
    ]
    line = "91330100MA2H3X4Y6M,杭州云栖数智科技有限公司,在业,１２０．５,２０１９-０５-０１\n"
    run = load(make_pipeline(mapping=mapping), "企业.csv", csv_bytes([line]))
    assert run.rows_loaded == 1, run.error
    row = rows_of(run.pipeline.dataset)[0]
    assert (row["status"], row["capital"], row["founded"]) == ("存续", 120.5, datetime.date(2019, 5, 1))


def test_a_rerun_of_the_same_file_changes_nothing(make_pipeline: Callable[..., Any], load: Callable[..., Any]) -> None:
    pipeline = make_pipeline(keep_history=True)
    first = load(pipeline, "企业.csv", csv_bytes(LINES))
    table = first.pipeline.dataset.resources.get().table
    with warehouse_session() as session:
        before = session.table(table).to_pyarrow()
        history_before = session.table(loader.history_table(table)).count().execute()
    again = load(pipeline, "企业.csv", csv_bytes(LINES))
    assert (again.rows_read, again.rows_unchanged, again.rows_loaded, again.rows_updated) == (3, 3, 0, 0)
    assert again.checksum == first.checksum
    with warehouse_session() as session:
        assert session.table(table).to_pyarrow().equals(before)
        assert session.table(loader.history_table(table)).count().execute() == history_before


def test_a_new_full_load_supersedes_the_quarantine_of_the_last(
    make_pipeline: Callable[..., Any], load: Callable[..., Any]
) -> None:
    pipeline = make_pipeline()
    bad = "91330102MA2J0BNX9R,杭州新开张有限公司,存续,一百,2026-11-01\n"
    first = load(pipeline, "企业.csv", csv_bytes([*LINES, bad]))
    second = load(pipeline, "企业.csv", csv_bytes([*LINES, bad]))
    assert QuarantinedRow.objects.get(run=first).status == QuarantineStatus.SUPERSEDED
    assert QuarantinedRow.objects.get(run=second).status == QuarantineStatus.OPEN


def test_full_loads_update_delete_and_keep_history(make_pipeline: Callable[..., Any], load: Callable[..., Any]) -> None:
    pipeline = make_pipeline(keep_history=True)
    load(pipeline, "企业.csv", csv_bytes(LINES))
    changed = [LINES[0].replace("存续", "吊销"), LINES[1]]  # one changed, one as it was, one gone
    run = load(pipeline, "企业.csv", csv_bytes([*changed, "91330102MA2J0BNX9R,杭州新开张有限公司,存续,1,2026-11-01\n"]))
    assert (run.rows_loaded, run.rows_updated, run.rows_unchanged, run.rows_deleted) == (1, 1, 1, 1)
    assert adds_up(run)
    rows = {row["uscc"]: row for row in rows_of(run.pipeline.dataset)}
    assert rows["91330100MA2H3X4Y6M"]["status"] == "吊销"
    assert "91330108MA2CFD9L0X" not in rows
    with warehouse_session() as session:
        history = session.table(loader.history_table(pipeline.dataset.resources.get().table)).to_pyarrow().to_pylist()
    versions = sorted((row for row in history if row["uscc"] == "91330100MA2H3X4Y6M"), key=lambda row: row["_run"])
    assert [row["status"] for row in versions] == ["存续", "吊销"]
    assert versions[0]["_valid_to"] == versions[1]["_valid_from"]
    assert versions[1]["_valid_to"] is None
    gone = [row for row in history if row["uscc"] == "91330108MA2CFD9L0X"]
    assert len(gone) == 1
    assert gone[0]["_valid_to"] is not None


def test_incremental_loads_merge_by_key(make_pipeline: Callable[..., Any], load: Callable[..., Any]) -> None:
    pipeline = make_pipeline(mode="incremental")
    load(pipeline, "企业.csv", csv_bytes(LINES))
    run = load(pipeline, "变更.csv", csv_bytes([LINES[2].replace("1000", "2000")]))
    assert (run.rows_read, run.rows_updated, run.rows_deleted) == (1, 1, 0)
    rows = rows_of(run.pipeline.dataset)
    assert (len(rows) == 3 and rows[-1]["capital"] == 2000.0) or any(row["capital"] == 2000.0 for row in rows)


def test_duplicate_keys_keep_the_last_row(make_pipeline: Callable[..., Any], load: Callable[..., Any]) -> None:
    run = load(make_pipeline(), "企业.csv", csv_bytes([*LINES, LINES[0].replace("100,", "300,")]))
    assert (run.rows_read, run.rows_loaded, run.rows_rejected) == (4, 3, 1)
    assert adds_up(run)
    quarantined = QuarantinedRow.objects.get(run=run)
    assert quarantined.line == 2
    assert quarantined.reasons[0]["code"] == "duplicate"
    assert next(row for row in rows_of(run.pipeline.dataset) if row["uscc"] == "91330100MA2H3X4Y6M")["capital"] == 300.0


def test_a_blank_key_is_quarantined(make_pipeline: Callable[..., Any], load: Callable[..., Any]) -> None:
    run = load(make_pipeline(), "企业.csv", csv_bytes([*LINES, ",无名企业,存续,1,2020-01-01\n"]))
    assert run.rows_rejected == 1
    assert QuarantinedRow.objects.get(run=run).reasons[0]["code"] == "key"


def test_a_failure_half_way_leaves_the_previous_version(
    make_pipeline: Callable[..., Any], load: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    pipeline = make_pipeline(keep_history=True)
    load(pipeline, "企业.csv", csv_bytes(LINES))
    before = rows_of(pipeline.dataset)

    def broken(self: Any, tables: Any) -> None:
        # Both new tables are written, then the disk fills before they are swapped in.
        for name, data in tables.items():
            self._backend.write(self.connection, name, data)
        raise OSError("No space left on device")

    monkeypatch.setattr("shuzheng.catalog.warehouse.Session.replace", broken)
    run = load(
        pipeline,
        "企业.csv",
        csv_bytes([LINES[0].replace("存续", "吊销"), "91330102MA2J0BNX9R,新,存续,1,2026-11-01\n", "bad,row\n"]),
    )
    assert run.status == RunStatus.FAILED
    assert "No space" in run.error
    assert rows_of(pipeline.dataset) == before
    assert not QuarantinedRow.objects.filter(run=run).exists()
    assert pipeline.dataset.resources.get().row_count == 3


def test_a_file_that_breaks_past_its_sample_fails_the_run(
    make_pipeline: Callable[..., Any], load: Callable[..., Any]
) -> None:
    pipeline = make_pipeline()
    load(pipeline, "企业.csv", csv_bytes(LINES))
    before = rows_of(pipeline.dataset)
    # UTF-8 for the first megabyte and more, then bytes that are not: loading the part before the
    # break would delete the rest of the dataset in a full load.
    lines = [f"91330100{index:010d},杭州第{index}号企业有限公司,存续,{index},2020-01-01\n" for index in range(25_000)]
    run = load(pipeline, "企业.csv", csv_bytes(lines) + "91330100X,坏,存续,1,2020-01-01\n".encode("gbk"))
    assert run.status == RunStatus.FAILED
    assert "无法读取" in run.error
    assert rows_of(pipeline.dataset) == before


def test_excel_with_merged_header_cells_is_refused_clearly(
    make_pipeline: Callable[..., Any], load: Callable[..., Any]
) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["企业信息", None, "登记状态", "注册资本（万元）", "成立日期"])
    sheet.append(["统一社会信用代码", "企业名称", None, None, None])
    sheet.merge_cells("A1:B1")
    sheet.append(["91330100MA2H3X4Y6M", "杭州云栖数智科技有限公司", "存续", 100, "2019-05-01"])
    binary = io.BytesIO()
    workbook.save(binary)
    pipeline = make_pipeline()
    run = load(pipeline, "企业.xlsx", binary.getvalue())
    assert run.status == RunStatus.FAILED
    assert "合并单元格（A1:B1）" in run.error
    assert not pipeline.dataset.resources.exists()


def test_excel_json_lines_and_parquet(make_pipeline: Callable[..., Any], load: Callable[..., Any]) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER.strip().split(","))
    sheet.append(["91330100MA2H3X4Y6M", "杭州云栖数智科技有限公司", "存续", 100, datetime.datetime(2019, 5, 1)])
    binary = io.BytesIO()
    workbook.save(binary)
    pipeline = make_pipeline(mode="incremental")
    assert load(pipeline, "企业.xlsx", binary.getvalue()).rows_loaded == 1

    lines = [
        json.dumps({"uscc": "91330106MA27XK8Q5B", "name": "杭州知味餐饮有限公司", "capital": 50}, ensure_ascii=False),
        "{broken",
    ]
    run = load(pipeline, "企业.jsonl", "\n".join(lines).encode())
    assert (run.rows_loaded, run.rows_rejected) == (1, 1)
    assert adds_up(run)

    parquet = io.BytesIO()
    pq.write_table(pa.table({"uscc": ["91330108MA2CFD9L0X"], "name": ["杭州钱塘新材料有限公司"]}), parquet)
    assert load(pipeline, "企业.parquet", parquet.getvalue()).rows_loaded == 1
    assert len(rows_of(pipeline.dataset)) == 3


def test_quarantined_rows_can_be_fixed_and_replayed(
    make_pipeline: Callable[..., Any], load: Callable[..., Any], people: dict[str, Any]
) -> None:
    pipeline = make_pipeline()
    run = load(
        pipeline, "企业.csv", csv_bytes([*LINES, "91330102MA2J0BNX9R,杭州新开张有限公司,存续,一百,2026-11-01\n"])
    )
    bad = QuarantinedRow.objects.get(run=run)
    with pytest.raises(services.IngestForbidden):
        services.quarantine_fix(user=people["elsewhere"], row=bad, values={})
    services.quarantine_fix(user=people["officer"], row=bad, values=bad.row | {"注册资本（万元）": "100"})
    replay = services.quarantine_replay(user=people["officer"], pipeline=pipeline, rows=[bad], background=False)
    replay = services.run_execute(run_id=replay.pk)
    assert (replay.rows_read, replay.rows_loaded, replay.rows_rejected) == (1, 1, 0), replay.error
    bad.refresh_from_db()
    assert bad.status == QuarantineStatus.REPLAYED
    assert bad.replayed_in == replay
    assert len(rows_of(pipeline.dataset)) == 4  # the replay merged; the full load's rows stay


def test_counts_add_up_with_everything_at_once(make_pipeline: Callable[..., Any], load: Callable[..., Any]) -> None:
    pipeline = make_pipeline()
    load(pipeline, "企业.csv", csv_bytes(LINES))
    lines = [
        LINES[0],  # unchanged
        LINES[1].replace("50.5", "60"),  # updated
        "91330102MA2J0BNX9R,杭州新开张有限公司,存续,1,2026-11-01\n",  # loaded
        "91330103MA2J0BNX9R,坏日期,存续,1,2026-13-01\n",  # rejected: no 13th month
        LINES[1].replace("50.5", "70"),  # supersedes the updated row: the earlier one is rejected
    ]
    run = load(pipeline, "企业.csv", csv_bytes(lines))
    assert (run.rows_read, run.rows_loaded, run.rows_updated, run.rows_unchanged, run.rows_rejected) == (5, 1, 1, 1, 2)
    assert run.rows_deleted == 1
    assert adds_up(run)
