"""Masking in the warehouse: 1 M rows × 5 columns through the privacy engine's one projection,
against the same masking written by hand as one DuckDB SQL query.

The table is the 1 M-row register of bench/privacy/table.py (Parquet). The five treatments are the
national convention on the ID number (33**************12) and the mobile (138****1234), the name
kept to its surname and last character, the address kept to its place names, and the amount in
ranges of 1,000. Both sides read the file and build the whole result as Arrow in memory; the
benchmark first checks that both give exactly the same rows. Target: ours within 2× of the hand
query.
"""

from __future__ import annotations

import datetime

import duckdb
import ibis
import pyarrow as pa

from bench.harness import Case, Result
from bench.privacy.table import people_table
from shuzheng.privacy.masking import Applied, Treatment, mask_table

TODAY = datetime.date(2026, 11, 29)
COLUMNS = {
    "身份证号": ("mask", "resident_id", {}),
    "手机号": ("mask", "mobile", {}),
    "姓名": ("mask", "person_name", {}),
    "住址": ("region_only", "address", {}),
    "金额": ("amount_range", None, {"width": 1000}),
}


def _plan() -> dict[str, tuple[Treatment, Applied]]:
    return {
        name: (Treatment(method, params), Applied(kind=kind, today=TODAY))
        for name, (method, kind, params) in COLUMNS.items()
    }


def ours() -> pa.Table:
    connection = ibis.duckdb.connect()
    table = connection.read_parquet(str(people_table())).select(*COLUMNS)
    return mask_table(table, _plan()).to_pyarrow()


def _keep_ends(column: str, first: int, last: int) -> str:
    # Short values keep fewer characters, as the engine does, so that both agree everywhere.
    n = f"length({column})"
    return (
        f"CASE WHEN {n} <= {first + last} "
        f"THEN left({column}, least({first}, greatest({n} - 1, 0))) || repeat('*', {n} - least({first}, "
        f"greatest({n} - 1, 0))) "
        f"ELSE left({column}, {first}) || repeat('*', {n} - {first + last}) || right({column}, {last}) END"
    )


HAND = f"""
SELECT
  {_keep_ends('"身份证号"', 2, 2)} AS "身份证号",
  {_keep_ends('"手机号"', 3, 4)} AS "手机号",
  {_keep_ends('"姓名"', 1, 1)} AS "姓名",
  regexp_extract("住址", '^(.{{0,11}}[省市区县旗])', 1) || '****' AS "住址",
  CAST(floor("金额" / 1000) AS BIGINT) * 1000 || '-' || (CAST(floor("金额" / 1000) AS BIGINT) * 1000 + 1000) AS "金额"
FROM read_parquet('{{path}}')
"""


def hand() -> pa.Table:
    return duckdb.connect().sql(HAND.replace("{path}", str(people_table()))).arrow().read_all()


def _same() -> None:
    mine, theirs = ours(), hand()
    if mine.num_rows != theirs.num_rows or any(
        mine.column(name).to_pylist() != theirs.column(name).to_pylist() for name in COLUMNS
    ):
        raise AssertionError("the engine and the hand-written query disagree")


def _details(result: Result) -> list[str]:
    rows = 1_000_000
    lines = [f"  ours: {rows / result.ours_median:,.0f} rows/s × 5 columns"]
    if result.peer_median:
        lines.append(f"  hand-written DuckDB SQL: {rows / result.peer_median:,.0f} rows/s")
    return lines


def cases() -> list[Case]:
    _same()
    return [
        Case(
            "masking 1 M rows × 5 columns in the warehouse",
            ours,
            hand,
            peer_name="hand-written DuckDB SQL",
            repeat=5,
            target="ratio ≤ 2",
            details=_details,
        )
    ]
