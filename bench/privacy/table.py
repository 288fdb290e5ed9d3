"""A register of people as a government system exports it, for classifying columns by their values.

One row per person: 姓名, 性别, 身份证号, 手机号, 固定电话, 电子邮箱, 住址, 银行卡号, 车牌, 工作单位代码
(the employer's USCC), 金额, 登记日期, and two columns of numbers that are no personal data (工单编号,
邮编). About 2 % of the values of each identifier column are wrong in the way typed numbers are:
a wrong check digit, a mobile number one digit short, an e-mail without its domain, a plate with
the letters I or O. Made a chunk at a time from a fixed seed with numpy, as
bench/quality/population.py makes its population, and kept in the same cache folder; the masking
benchmark reads the same file through :func:`people_table`.
"""

from __future__ import annotations

import os
import random
from functools import cache
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from bench.privacy import values
from bench.quality.population import CACHE
from shuzheng.quality.rules.identifiers import ID_CHECK, ID_WEIGHTS, USCC_ALPHABET, USCC_WEIGHTS

ROWS = 1_000_000
SEED = 20261129
CHUNK_ROWS = 250_000
WRONG = 0.02
# Each column and the kind a classifier should give it (None: no personal data).
COLUMNS: dict[str, str | None] = {
    "姓名": "person_name",
    "性别": None,
    "身份证号": "resident_id",
    "手机号": "mobile",
    "固定电话": "landline",
    "电子邮箱": "email",
    "住址": "address",
    "银行卡号": "bank_card",
    "车牌": "plate",
    "工作单位代码": "uscc",
    "金额": None,
    "登记日期": None,
    "工单编号": None,
    "邮编": None,
}
SCHEMA = pa.schema(
    [(name, pa.float64() if name == "金额" else pa.date32() if name == "登记日期" else pa.string()) for name in COLUMNS]
)


def people_table(rows: int = ROWS) -> Path:
    """The Parquet file of ``rows`` rows, generated on first use."""
    path = CACHE / f"people-{rows}.parquet"
    if not path.exists():
        CACHE.mkdir(exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.partial")
        with pq.ParquetWriter(partial, SCHEMA) as writer:
            for index, start in enumerate(range(0, rows, CHUNK_ROWS)):
                writer.write_table(_chunk(index, min(CHUNK_ROWS, rows - start)), row_group_size=CHUNK_ROWS)
        partial.replace(path)  # whole or not at all
    return path


def _strings(codes: np.ndarray) -> pa.Array:
    """Rows of ASCII codes (uint8) as strings."""
    width = codes.shape[1]
    return pa.array(np.ascontiguousarray(codes, np.uint8).view(f"S{width}").ravel(), pa.binary()).cast(pa.string())


def _digits_text(digits: np.ndarray) -> pa.Array:
    return _strings(digits + ord("0"))


def _join(*parts: pa.Array | str) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _pick(rng: np.random.Generator, choices: list[str], rows: int) -> pa.Array:
    return pa.array(choices, pa.string()).take(pa.array(rng.integers(0, len(choices), rows)))


@cache
def _pools() -> dict[str, list[str]]:
    """Names and address pieces, drawn once with the corpus's own generators."""
    rng = random.Random(SEED)
    places = values._zhejiang_places()
    return {
        "names": sorted({values.person_name(rng) for _ in range(30_000)}),
        "regions": sorted({f"{prefecture}{county}" for _, prefecture, county in places} | {p for *_, p in places}),
        "roads": list(values.ROADS),
        "estates": list(values.ESTATES),
        "mail_locals": sorted(
            {values.email(rng).split("@")[0] for _ in range(20_000)} - {""},
        ),
    }


def _luhn_check(body: np.ndarray) -> np.ndarray:
    """The Luhn check digit of each row of digits."""
    doubled = body[:, ::-1].astype(np.int64)
    doubled[:, ::2] *= 2  # from the right, the first digit of the body is doubled
    doubled = np.where(doubled > 9, doubled - 9, doubled)
    check: np.ndarray = (10 - doubled.sum(axis=1) % 10) % 10
    return check


def _wrong(rng: np.random.Generator, rows: int) -> np.ndarray:
    return rng.random(rows) < WRONG


def _resident_ids(rng: np.random.Generator, rows: int) -> pa.Array:
    zhejiang, _ = values._county_codes()
    counties = np.array([int(code) for code in zhejiang])
    county = counties[rng.integers(0, len(counties), rows)]
    born = np.datetime64("1940-01-01") + rng.integers(0, 68 * 365, rows).astype("timedelta64[D]")
    month_start = born.astype("datetime64[M]")
    year = born.astype("datetime64[Y]").astype(np.int64) + 1970
    yyyymmdd = year * 10_000 + (month_start.astype(np.int64) % 12 + 1) * 100 + (born - month_start).astype(np.int64) + 1
    body = county * 10**11 + yyyymmdd * 1000 + rng.integers(0, 1000, rows)
    digits = body[:, None] // 10 ** np.arange(16, -1, -1) % 10
    check = (digits @ np.array(ID_WEIGHTS)) % 11
    check = np.where(_wrong(rng, rows), (check + rng.integers(1, 11, rows)) % 11, check)
    codes = np.concatenate([digits + ord("0"), np.frombuffer(ID_CHECK.encode(), np.uint8)[check][:, None]], axis=1)
    return _strings(codes)


def _usccs(rng: np.random.Generator, rows: int) -> pa.Array:
    zhejiang, _ = values._county_codes()
    region = np.array([[int(char) for char in code] for code in zhejiang])[rng.integers(0, len(zhejiang), rows)]
    head = np.tile([9, 1], (rows, 1))
    org = rng.integers(0, 31, (rows, 9))
    body = np.concatenate([head, region, org], axis=1)
    check = (31 - (body @ np.array(USCC_WEIGHTS)) % 31) % 31
    check = np.where(_wrong(rng, rows), (check + rng.integers(1, 31, rows)) % 31, check)
    alphabet = np.frombuffer(USCC_ALPHABET.encode(), np.uint8)
    return _strings(alphabet[np.concatenate([body, check[:, None]], axis=1)])


def _bank_cards(rng: np.random.Generator, rows: int) -> pa.Array:
    numbers = []
    for length, share in ((19, 0.7), (16, 0.3)):
        bins = [prefix for prefix, size in values.CARD_BINS if size == length]
        prefix = np.array([[int(char) for char in code] for code in bins])[rng.integers(0, len(bins), rows)]
        body = np.concatenate([prefix, rng.integers(0, 10, (rows, length - 7))], axis=1)
        check = _luhn_check(body)
        check = np.where(_wrong(rng, rows), (check + rng.integers(1, 10, rows)) % 10, check)
        numbers.append((_digits_text(np.concatenate([body, check[:, None]], axis=1)), share))
    return pc.if_else(pa.array(rng.random(rows) < numbers[0][1]), numbers[0][0], numbers[1][0])


def _mobiles(rng: np.random.Generator, rows: int) -> pa.Array:
    prefixes = [int(prefix) for prefix in values.MOBILE_PREFIXES]
    number = np.array(prefixes)[rng.integers(0, len(prefixes), rows)] * 10**8 + rng.integers(0, 10**8, rows)
    number = np.where(_wrong(rng, rows), number // 10, number)  # a digit short
    return pa.array(number).cast(pa.string())


def _landlines(rng: np.random.Generator, rows: int) -> pa.Array:
    areas = [area for area, length in values.AREA_CODES if length == 8]
    subscriber = rng.integers(2 * 10**7, 9 * 10**7, rows)
    subscriber = np.where(_wrong(rng, rows), subscriber // 100, subscriber)  # two digits short
    return _join(_pick(rng, areas, rows), "-", pa.array(subscriber).cast(pa.string()))


def _emails(rng: np.random.Generator, rows: int) -> pa.Array:
    domains = pa.array(values.MAIL_DOMAINS, pa.string()).take(pa.array(rng.integers(0, len(values.MAIL_DOMAINS), rows)))
    domains = pc.if_else(pa.array(_wrong(rng, rows)), pc.utf8_slice_codeunits(domains, 0, 3), domains)  # 163.com → 163
    return _join(_pick(rng, _pools()["mail_locals"], rows), "@", domains)


def _plates(rng: np.random.Generator, rows: int) -> pa.Array:
    letters = np.frombuffer(b"ABCDEFGHJKLMNPQRSTUVWXYZ", np.uint8)
    chars = rng.integers(0, 10, (rows, 5)) + ord("0")
    lettered = rng.random((rows, 5)) < 0.12
    chars = np.where(lettered, letters[rng.integers(0, len(letters), (rows, 5))], chars)
    wrong = _wrong(rng, rows)
    chars[wrong, 2] = np.frombuffer(b"IO", np.uint8)[rng.integers(0, 2, int(wrong.sum()))]
    province = _pick(rng, ["浙"] * 7 + list(values.PROVINCE_ABBREVIATIONS[:3]), rows)
    return _join(province, _pick(rng, list("ABCDEFGHJKL"), rows), _strings(chars))


def _addresses(rng: np.random.Generator, rows: int) -> pa.Array:
    pools = _pools()

    def number(low: int, high: int) -> pa.Array:
        return pa.array(rng.integers(low, high, rows)).cast(pa.string())

    room = _join(number(1, 29), pc.utf8_lpad(number(1, 5), 2, "0"), "室")
    on_road = _join(_pick(rng, pools["roads"], rows), number(1, 999), "号", number(1, 30), "幢", room)
    in_estate = _join(_pick(rng, pools["estates"], rows), number(1, 40), "幢", number(1, 6), "单元", room)
    street = pc.if_else(pa.array(rng.random(rows) < 0.55), on_road, in_estate)
    return _join(_pick(rng, pools["regions"], rows), street)


def _chunk(index: int, rows: int) -> pa.Table:
    rng = np.random.default_rng([SEED, index])
    registered = np.datetime64("2018-01-01") + rng.integers(0, 3000, rows).astype("timedelta64[D]")
    tickets = _join(
        pa.array(registered.astype("datetime64[D]").astype(str)).cast(pa.string()),
        pc.utf8_lpad(pa.array(rng.integers(0, 10**8, rows)).cast(pa.string()), 8, "0"),
    )
    columns = {
        "姓名": _pick(rng, _pools()["names"], rows),
        "性别": _pick(rng, ["男", "女"], rows),
        "身份证号": _resident_ids(rng, rows),
        "手机号": _mobiles(rng, rows),
        "固定电话": _landlines(rng, rows),
        "电子邮箱": _emails(rng, rows),
        "住址": _addresses(rng, rows),
        "银行卡号": _bank_cards(rng, rows),
        "车牌": _plates(rng, rows),
        "工作单位代码": _usccs(rng, rows),
        "金额": pa.array(np.round(rng.uniform(0, 50_000, rows), 2), pa.float64()),
        "登记日期": pa.array(registered, pa.date32()),
        "工单编号": pc.replace_substring(tickets, "-", ""),
        "邮编": pa.array(310000 + rng.integers(0, 30000, rows)).cast(pa.string()),
    }
    return pa.table(columns, schema=SCHEMA)
