"""Masking methods, each written twice: for one value in Python and for a column in the warehouse.

A table is masked where it lives, as one Ibis projection, so a million rows
never pass through Python; a single record (an API answer, a page) is masked
in Python. Both must give the same output for the same treatment, which the
tests check value by value. Keyed methods (hash, token) have no engine form —
no warehouse has SM3 or SM4 — and run in Python on each Arrow batch as it
streams out.

Methods are a registry like the detectors: a new method is a new entry with
both forms. Strings are measured in characters, in Python and in the engine.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import ibis
import pyarrow as pa
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from shuzheng.privacy import keys

REDACTED = "***"
# The national convention: keep the ends that let a person recognise their own number.
MASK_DEFAULTS: dict[str, dict[str, Any]] = {
    "resident_id": {"first": 2, "last": 2},  # 33**************12
    "mobile": {"first": 3, "last": 4},  # 138****1234
    "landline": {"first": 4, "last": 4},
    "bank_card": {"first": 6, "last": 4},
    "person_name": {"first": 1, "last": 1},  # 张*, 王*明
    "email": {"first": 1, "last": 0, "keep_from": "@"},  # z****@example.com
    "plate": {"first": 2, "last": 1},
    "passport": {"first": 1, "last": 2},
    "hk_macau_permit": {"first": 1, "last": 2},
    "home_return_permit": {"first": 1, "last": 2},
    "taiwan_permit": {"first": 1, "last": 2},
}
_REGION_PREFIX = r"^(.{0,11}[省市区县旗])"
_EIGHT_DIGITS = re.compile("[0-9]{8}")


@dataclass(frozen=True)
class Applied:
    """Where a treatment is applied: the field's kind of personal data, the domain of keyed methods
    (pseudonyms of one release do not match another's) and the day ages are counted to."""

    kind: str | None = None
    domain: str = ""
    today: datetime.date = field(default_factory=datetime.date.today)


@dataclass(frozen=True)
class Treatment:
    """One method with its parameters, as a policy names it for a kind of data."""

    method: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def python(self, value: Any, applied: Applied) -> Any:
        if value is None or self.method == "keep":
            return value
        return METHODS[self.method].python(value, self.params, applied)


@dataclass(frozen=True)
class Method:
    name: str
    label: str | Promise
    python: Callable[[Any, Mapping[str, Any], Applied], Any]
    # None: the method runs in Python on each batch (keys the warehouse does not hold).
    engine: Callable[[Any, Mapping[str, Any], Applied], Any] | None


METHODS: dict[str, Method] = {}


def method_register(method: Method) -> Method:
    METHODS[method.name] = method
    return method


def _mask_params(params: Mapping[str, Any], applied: Applied) -> tuple[int, int, str | None]:
    merged = {**MASK_DEFAULTS.get(applied.kind or "", {"first": 1, "last": 1}), **params}
    return int(merged["first"]), int(merged["last"]), merged.get("keep_from")


def _mask_python(value: Any, params: Mapping[str, Any], applied: Applied) -> str:
    first, last, keep_from = _mask_params(params, applied)
    text, rest = str(value), ""
    if keep_from and (at := text.find(keep_from)) >= 0:
        text, rest = text[:at], text[at:]
    n = len(text)
    if n <= first + last:
        keep = min(first, max(n - 1, 0))
        return text[:keep] + "*" * (n - keep) + rest
    return text[:first] + "*" * (n - first - last) + text[n - last :] + rest


def _mask_engine(column: Any, params: Mapping[str, Any], applied: Applied) -> Any:
    first, last, keep_from = _mask_params(params, applied)
    text, rest = column.cast("string"), ibis.literal("")
    if keep_from:
        at = text.find(keep_from)
        text, rest = ibis.ifelse(at >= 0, text.substr(0, at), text), ibis.ifelse(at >= 0, text.substr(at), "")
    n = text.length()
    star = ibis.literal("*")
    keep = ibis.least(first, ibis.greatest(n - 1, 0))
    short = text.substr(0, keep) + star.repeat(n - keep)
    tail = text.right(last) if last else ibis.literal("")
    return ibis.ifelse(n <= first + last, short, text.substr(0, first) + star.repeat(n - first - last) + tail) + rest


def _redact_python(value: Any, params: Mapping[str, Any], applied: Applied) -> str:
    return REDACTED


def _redact_engine(column: Any, params: Mapping[str, Any], applied: Applied) -> Any:
    return ibis.ifelse(column.isnull(), ibis.null("string"), ibis.literal(REDACTED))


def _region_python(value: Any, params: Mapping[str, Any], applied: Applied) -> str:
    match = re.match(_REGION_PREFIX, str(value))
    return (match[1] if match else "") + "****"


def _region_engine(column: Any, params: Mapping[str, Any], applied: Applied) -> Any:
    return column.cast("string").re_extract(_REGION_PREFIX, 1) + "****"


# --- generalisation: from a date, or from the birth date inside an ID number ---------------------


def _ymd_python(value: Any, applied: Applied) -> tuple[int, int, int] | None:
    if isinstance(value, datetime.date):
        return value.year, value.month, value.day
    text = str(value)
    digits = text[6:14] if applied.kind == "resident_id" else text.replace("-", "").replace("/", "")[:8]
    if not _EIGHT_DIGITS.fullmatch(digits):
        return None
    return int(digits[:4]), int(digits[4:6]), int(digits[6:8])


def _ymd_engine(column: Any, applied: Applied) -> tuple[Any, Any, Any]:
    if column.type().is_temporal():
        return column.year(), column.month(), column.day()
    text = column.cast("string")
    bare = text.replace("-", "").replace("/", "")
    digits = text.substr(6, 8) if applied.kind == "resident_id" else bare.substr(0, 8)
    digits = ibis.ifelse(digits.re_search(r"^[0-9]{8}$"), digits, ibis.null("string"))
    return (digits.substr(0, 4).cast("int64"), digits.substr(4, 2).cast("int64"), digits.substr(6, 2).cast("int64"))


def _birth_year_python(value: Any, params: Mapping[str, Any], applied: Applied) -> str | None:
    ymd = _ymd_python(value, applied)
    return None if ymd is None else f"{ymd[0]:04d}"


def _birth_year_engine(column: Any, params: Mapping[str, Any], applied: Applied) -> Any:
    year, _month, _day = _ymd_engine(column, applied)
    return year.cast("string").lpad(4, "0")


def _band(low: Any, width: int) -> Any:
    return low.cast("string") + "-" + (low + width - 1).cast("string")


def _age_band_python(value: Any, params: Mapping[str, Any], applied: Applied) -> str | None:
    ymd = _ymd_python(value, applied)
    if ymd is None:
        return None
    width, today = int(params.get("width", 10)), applied.today
    age = max(today.year - ymd[0] - (1 if (ymd[1], ymd[2]) > (today.month, today.day) else 0), 0)
    low = age // width * width
    return f"{low}-{low + width - 1}"


def _age_band_engine(column: Any, params: Mapping[str, Any], applied: Applied) -> Any:
    year, month, day = _ymd_engine(column, applied)
    width, today = int(params.get("width", 10)), applied.today
    later = ibis.ifelse(month * 100 + day > today.month * 100 + today.day, 1, 0)
    age = today.year - year - later
    age = ibis.ifelse(age < 0, 0, age)  # not greatest(), which would turn a missing age into 0
    return _band((age // width) * width, width)


def _region_city_python(value: Any, params: Mapping[str, Any], applied: Applied) -> str:
    text = str(value)
    if applied.kind == "resident_id":
        return text[:4] + "00"
    return text[:4] + "0" * max(len(text) - 4, 0)


def _region_city_engine(column: Any, params: Mapping[str, Any], applied: Applied) -> Any:
    text = column.cast("string")
    if applied.kind == "resident_id":
        return text.substr(0, 4) + "00"
    return text.substr(0, 4) + ibis.literal("0").repeat(ibis.greatest(text.length() - 4, 0))


def _amount_range_python(value: Any, params: Mapping[str, Any], applied: Applied) -> str:
    # Division in floating point, as the warehouse divides integers and decimals.
    width = int(params.get("width", 1000))
    low = math.floor(float(value) / width) * width
    return f"{low}-{low + width}"


def _amount_range_engine(column: Any, params: Mapping[str, Any], applied: Applied) -> Any:
    width = int(params.get("width", 1000))
    low = (column.cast("float64") / width).floor().cast("int64") * width
    return low.cast("string") + "-" + (low + width).cast("string")


def _month_python(value: Any, params: Mapping[str, Any], applied: Applied) -> str:
    if isinstance(value, datetime.date):
        return f"{value.year:04d}-{value.month:02d}"
    return str(value)[:7]


def _month_engine(column: Any, params: Mapping[str, Any], applied: Applied) -> Any:
    if column.type().is_temporal():
        return column.strftime("%Y-%m")
    return column.cast("string").substr(0, 7)


def _hash_python(value: Any, params: Mapping[str, Any], applied: Applied) -> str:
    return keys.keyed_hash(str(value), domain=applied.domain, key_id=params.get("key"))


def _token_python(value: Any, params: Mapping[str, Any], applied: Applied) -> str:
    return keys.tokenize(str(value), domain=applied.domain, key_id=params.get("key"))


for _method in (
    Method("keep", _("原样"), lambda value, params, applied: value, lambda column, params, applied: column),
    Method("mask", _("部分遮盖"), _mask_python, _mask_engine),
    Method("redact", _("整体隐去"), _redact_python, _redact_engine),
    Method("region_only", _("地址只留到区县"), _region_python, _region_engine),
    Method("birth_year", _("只留出生年份"), _birth_year_python, _birth_year_engine),
    Method("age_band", _("年龄段"), _age_band_python, _age_band_engine),
    Method("region_city", _("行政区划到地市"), _region_city_python, _region_city_engine),
    Method("amount_range", _("金额区间"), _amount_range_python, _amount_range_engine),
    Method("month", _("日期到月"), _month_python, _month_engine),
    Method("hash", _("密钥散列（HMAC-SM3，可关联不可还原）"), _hash_python, None),
    Method("token", _("可逆令牌（SM4）"), _token_python, None),
    # Suppression leaves the field out altogether; the callers below drop the column.
    Method("suppress", _("不提供"), lambda value, params, applied: None, None),
):
    method_register(_method)

SUPPRESS = "suppress"

# --- applying treatments to a record and to a table ----------------------------------------------

Plan = Mapping[str, tuple[Treatment, Applied]]  # column → how, and in which setting


def mask_record(record: Mapping[str, Any], plan: Plan) -> dict[str, Any]:
    """One record with each planned column treated; suppressed columns are left out, others pass."""
    masked: dict[str, Any] = {}
    for name, value in record.items():
        how = plan.get(name)
        if how is None:
            masked[name] = value
        elif how[0].method != SUPPRESS:
            masked[name] = how[0].python(value, how[1])
    return masked


def mask_table(table: Any, plan: Plan) -> Any:
    """The engine part of masking ``table``: one projection; keyed columns still hold raw values."""
    columns = []
    for name in table.columns:
        how = plan.get(name)
        if how is None:
            columns.append(table[name])
        elif how[0].method != SUPPRESS:
            engine = METHODS[how[0].method].engine
            column = table[name] if engine is None else engine(table[name], how[0].params, how[1])
            columns.append(column.name(name))
    return table.select(columns)


def mask_batches(table: Any, plan: Plan, *, chunk_size: int = 100_000) -> Iterator[pa.RecordBatch]:
    """``table`` masked, as Arrow batches: the engine projection, then keyed methods per batch."""
    keyed = {
        name: how for name, how in plan.items() if how[0].method != SUPPRESS and METHODS[how[0].method].engine is None
    }
    for batch in mask_table(table, plan).to_pyarrow_batches(chunk_size=chunk_size):
        if not keyed:
            yield batch
            continue
        arrays = []
        for name in batch.schema.names:
            column = batch.column(name)
            if name in keyed:
                treatment, applied = keyed[name]
                column = pa.array([treatment.python(value, applied) for value in column.to_pylist()], pa.string())
            arrays.append(column)
        yield pa.RecordBatch.from_arrays(arrays, names=batch.schema.names)
