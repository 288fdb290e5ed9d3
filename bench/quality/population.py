"""A synthetic population for the data-quality benchmark, generated from a fixed seed.

Resident ID numbers with their birth dates and sexes, names, Zhejiang county codes, mobiles,
employers' USCCs, amounts and dates, with about 3 % of the values wrong, each in a way one rule is
for. The rows are made and written a chunk at a time, so a file of 100 million rows needs no more
memory than one of a million; a chunk depends only on the seed and its number. Files are kept in
the temporary directory by row count, so a second run reads what the first one wrote.
"""

from __future__ import annotations

import datetime
import os
import tempfile
from functools import cache
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from shuzheng.core import regions
from shuzheng.quality.rules.identifiers import ID_CHECK, ID_WEIGHTS, USCC_ALPHABET, USCC_WEIGHTS

CACHE = Path(tempfile.gettempdir()) / "shuzheng-bench-quality"
SEED = 20261128
# Rows made at a time, and the Parquet row group: the unit DuckDB hands to each of its threads.
CHUNK_ROWS = 250_000
NOW = datetime.datetime(2026, 11, 28, tzinfo=datetime.UTC)
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华建国志红玲")
STATUSES = ["在职", "离职", "退休"]
SCHEMA = pa.schema(
    [
        ("id_number", pa.string()),
        ("name", pa.string()),
        ("sex", pa.string()),
        ("birth_date", pa.date32()),
        ("region", pa.string()),
        ("mobile", pa.string()),
        ("employer", pa.string()),
        ("amount", pa.float64()),
        ("start_date", pa.date32()),
        ("end_date", pa.date32()),
        ("status", pa.string()),
    ]
)


def population(rows: int) -> Path:
    """The Parquet file of ``rows`` rows, generated on first use."""
    path = CACHE / f"population-{rows}.parquet"
    if not path.exists():
        CACHE.mkdir(exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.partial")
        with pq.ParquetWriter(partial, SCHEMA) as writer:
            for index, start in enumerate(range(0, rows, CHUNK_ROWS)):
                writer.write_table(_chunk(index, min(CHUNK_ROWS, rows - start)), row_group_size=CHUNK_ROWS)
        partial.replace(path)  # whole or not at all: an interrupted run leaves no half file to reuse
    return path


@cache
def _counties() -> np.ndarray:
    return np.array(
        sorted(int(code) for code in regions.national_table() if code.startswith("33") and code[4:] != "00")
    )


def _pick(values: list[str], indices: np.ndarray) -> pa.Array:
    return pa.array(values, pa.string()).take(pa.array(indices))


def _chunk(index: int, rows: int) -> pa.Table:
    rng = np.random.default_rng([SEED, index])
    counties = _counties()
    county = counties[rng.integers(0, len(counties), rows)]
    born = np.datetime64("1940-01-01") + rng.integers(0, 65 * 365, rows).astype("timedelta64[D]")
    sequence = rng.integers(0, 1000, rows)
    month_start = born.astype("datetime64[M]")
    year = born.astype("datetime64[Y]").astype(np.int64) + 1970
    yyyymmdd = year * 10_000 + (month_start.astype(np.int64) % 12 + 1) * 100 + (born - month_start).astype(np.int64) + 1
    # The first 17 digits of the ID number as one integer: county, birth date, sequence.
    body = county * 10**11 + yyyymmdd * 1000 + sequence
    digits = body[:, None] // 10 ** np.arange(16, -1, -1) % 10
    check = np.array(list(ID_CHECK))[(digits @ np.array(ID_WEIGHTS)) % 11]
    uscc_values = np.concatenate(
        [np.tile([[9, 1, 3, 3, 0, 1, 0, 0]], (rows, 1)), rng.integers(0, 31, (rows, 9))], axis=1
    )
    uscc_check = (31 - (uscc_values @ np.array(USCC_WEIGHTS)) % 31) % 31
    names = [surname + given for surname in SURNAMES for given in GIVEN]
    name = rng.integers(0, len(SURNAMES), rows) * len(GIVEN) + rng.integers(0, len(GIVEN), rows)
    mobile = 13 * 10**9 + rng.integers(0, 10**9, rows)
    start = np.datetime64("2020-01-01") + rng.integers(0, 1500, rows).astype("timedelta64[D]")
    end = start + rng.integers(0, 365, rows).astype("timedelta64[D]")
    amount = np.round(rng.uniform(0, 50_000, rows), 2)
    status = rng.integers(0, len(STATUSES), rows)

    def wrong(share: float) -> np.ndarray:
        return rng.random(rows) < share

    # About 3 % of the values wrong, each in a way one rule is for.
    check = np.where(wrong(0.004), np.where(check == "0", "1", "0"), check)
    male = (sequence % 2 == 1) ^ wrong(0.003)
    blank, missing = wrong(0.002), wrong(0.002)
    mobile = np.where(wrong(0.003), 12 * 10**9 + sequence, mobile)  # 12 is no mobile network's prefix
    uscc_codes = np.array([ord(char) for char in USCC_ALPHABET], np.uint8)[
        np.concatenate([uscc_values, uscc_check[:, None]], axis=1)
    ]
    uscc_codes[wrong(0.003), 17] = ord("I")  # I is not in the alphabet
    county = np.where(wrong(0.002), 330199, county)  # a code that never existed
    amount = np.where(wrong(0.002), -amount, amount)
    end = np.where(wrong(0.002), start - np.timedelta64(1, "D"), end)
    status = np.where(wrong(0.002), len(STATUSES), status)
    copied = np.arange(rows)
    duplicate = np.flatnonzero(wrong(0.001))
    copied[duplicate] = (duplicate + 1) % rows

    id_number = pc.binary_join_element_wise(pa.array(body).cast(pa.string()), pa.array(check, pa.string()), "")
    name_text = pc.if_else(pa.array(blank), "", _pick(names, name))
    return pa.table(
        {
            "id_number": id_number.take(pa.array(copied)),
            "name": pc.if_else(pa.array(missing), pa.scalar(None, pa.string()), name_text),
            "sex": _pick(["女", "男"], male.astype(np.int64)),
            "birth_date": pa.array(born, pa.date32()),
            "region": pa.array(county).cast(pa.string()),
            "mobile": pa.array(mobile).cast(pa.string()),
            "employer": pa.array(np.ascontiguousarray(uscc_codes).view("S18").ravel(), pa.binary()).cast(pa.string()),
            "amount": pa.array(amount, pa.float64()),
            "start_date": pa.array(start, pa.date32()),
            "end_date": pa.array(end, pa.date32()),
            "status": _pick([*STATUSES, "未知"], status),
        },
        schema=SCHEMA,
    )
