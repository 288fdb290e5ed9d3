"""Invisible marks in released extracts, and which release a leaked copy came from.

Each release is marked with its own secret (the caller derives it from a master
key and the release id; it is never stored in the file) in two ways, both keyed
with HMAC-SM3 so that nobody without the secret can find or remove them:

- **Insignificant digits** (Agrawal and Kiernan): in about one row in
  ``gamma``, chosen by the row's key, the last decimal of every marked number
  gets a keyed parity, moving it by at most one unit in its last place. Rows
  are found again by their key, so re-ordering, deleting rows or dropping
  columns leaves the other bits readable, and the digits survive CSV.
- **Honey records**: a few fake rows whose keys look real (valid ID numbers and
  USCCs of the extract's own provinces, unused integers within the key range,
  keys of the same shape) and whose other values come from real rows. Their
  keys are drawn from a keyed stream that :func:`score` redraws from the leak
  alone, so no list of them is kept.

:func:`score` turns what it finds into the probability that a table *not*
marked with the secret would score as well: each bit matches by chance with
probability 1/2, and a honey key turns up by chance as often as real keys fill
the space it was drawn from. Below :data:`IDENTIFIED_BELOW` the table counts as
identified.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import math
import unicodedata
from collections import Counter
from collections.abc import Collection, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import pyarrow as pa
import pyarrow.parquet as pq
from cryptography.hazmat.primitives import hashes, hmac
from stdnum.cn import ric
from stdnum.cn import uscc as stdnum_uscc

from shuzheng.core import identifiers, regions

DEFAULT_GAMMA = 10
# One unmarked table in a million blamed; tracing among a thousand releases stays below one in a thousand.
IDENTIFIED_BELOW = 1e-6
MAX_SCALE = 6  # more decimals than this are floating-point noise, not a scale the data is kept to
_SHARE = 0.9  # a column is numeric, a key column of a kind, when this share of its values is
_STREAM = 64  # honey keys drawn per group; integer keys, many out of range, get four times as many
_BIRTHS = (datetime.date(1950, 1, 1), 20454)  # first birth date of fake people and the days after it
_USCC_ALPHABET = identifiers.USCC_ALPHABET
Release = TypeVar("Release", bound=Hashable)  # whatever names a release to the caller: an id, a model


@dataclass(frozen=True, slots=True)
class Evidence:
    """How strongly a table carries one release's mark, and how likely that much is by chance."""

    honey_found: int
    honey_candidates: int
    bits_tested: int
    bits_matched: int
    honey_p: float
    bits_p: float
    p_value: float  # both combined (Fisher's method): the probability of blaming this release wrongly

    @property
    def identified(self) -> bool:
        return self.p_value < IDENTIFIED_BELOW


class _Keyed:
    """HMAC-SM3 under one release's secret; parts are length-prefixed so that no two inputs collide."""

    def __init__(self, secret: bytes) -> None:
        if not secret:
            raise ValueError("the release secret is empty")
        self._mac = hmac.HMAC(secret, hashes.SM3())

    def __call__(self, *parts: str | int) -> bytes:
        mac = self._mac.copy()  # four times faster than keying a new HMAC for every row
        for part in parts:
            data = str(part).encode()
            mac.update(len(data).to_bytes(4, "big") + data)
        return mac.finalize()

    def number(self, *parts: str | int) -> int:
        return int.from_bytes(self(*parts)[:8], "big")

    def stream(self, *parts: str | int) -> Iterator[int]:
        """Keyed numbers below 65536, as many as wanted (two bytes each: modulo bias stays negligible)."""
        for block in range(1 << 30):
            data = self(*parts, block)
            yield from (int.from_bytes(data[at : at + 2], "big") for at in range(0, len(data), 2))


# --- honey records ---------------------------------------------------------------------------


def _key_text(value: Any) -> str | None:
    if isinstance(value, float):
        value = int(value) if value.is_integer() else value if math.isfinite(value) else None  # Excel's 1024.0
    text = "" if value is None else unicodedata.normalize("NFKC", str(value)).strip()
    return (text.upper() if len(text) == 18 else text) or None  # the x of an ID number, typed lower-case


def _is_resident_id(key: str) -> bool:
    return len(key) == 18 and key.isascii() and key[:17].isdecimal() and ric.calc_check_digit(key) == key[17]


def _is_uscc(key: str) -> bool:
    valid = len(key) == 18 and set(key) <= set(_USCC_ALPHABET) and key[2:8].isdecimal()
    return valid and stdnum_uscc.calc_check_digit(key) == key[17]


def _shape(key: str) -> str:
    return "".join("0" if c.isascii() and c.isdigit() else "A" if c.isascii() and c.isalpha() else c for c in key)


@dataclass(frozen=True)
class _Space:
    """Where honey keys come from, read off the key column alone: a leak of it gives the same answer."""

    kind: str  # resident_id | uscc | integer | string
    groups: tuple[str, ...] = ("",)  # resident_id: provinces; uscc: kind and province of registration
    base: int = 0  # integer: drawn from base to base + size - 1
    size: int = 1
    alphabets: tuple[str, ...] = ()  # string: the characters seen at each position

    def stem(self, key: str) -> str:
        # Check characters follow from the rest; matching without them is the same test, and cheaper.
        return {"resident_id": key[:17], "uscc": key[:16]}.get(self.kind, key)

    def group(self, stem: str) -> str:
        return {"resident_id": stem[:2], "uscc": stem[:4]}.get(self.kind, "")


def _space(keys: Collection[str]) -> _Space | None:
    if not keys:
        return None
    for kind, test in (("resident_id", _is_resident_id), ("uscc", _is_uscc)):
        valid = [key for key in keys if test(key)]
        if len(valid) >= _SHARE * len(keys):
            groups = {_Space(kind).group(key) for key in valid}
            return _Space(kind, tuple(sorted(group for group in groups if _province_counties(group[-2:]))))
    numbers = sorted(int(key) for key in keys if key.isascii() and key.isdecimal() and key[0] != "0")
    if len(numbers) >= _SHARE * len(keys):
        low, high = str(numbers[0]), str(numbers[-1])
        if len(low) != len(high):
            return _Space("integer", size=10 ** len(high))
        # Keys that share leading digits are drawn under that prefix, where most draws fall in range.
        free = len(low) - next((at for at, (a, b) in enumerate(zip(low, high, strict=True)) if a != b), len(low))
        return _Space("integer", base=numbers[0] // 10**free * 10**free, size=10**free)
    shapes = Counter(map(_shape, keys))
    common = max(shapes, key=lambda shape: (shapes[shape], shape))
    alike = [key for key in keys if _shape(key) == common]
    if len(alike) < _SHARE * len(keys):
        # No shape holds most keys (hashes, tokens): every place of the commonest length draws from
        # all the characters those keys use, a set that half of them still show in full.
        lengths = Counter(map(len, keys))
        length = max(lengths, key=lambda size: (lengths[size], size))
        alphabet = "".join(sorted({char for key in keys if len(key) == length for char in key}))
        return _Space("string", alphabets=(alphabet,) * length)
    positions = zip(*alike, strict=True)
    return _Space("string", alphabets=tuple("".join(sorted(set(chars))) for chars in positions))


@cache
def _province_counties(province: str) -> tuple[regions.RegionRecord, ...]:
    records = regions.province_records(province)
    return tuple(r for r in records if r.level == regions.COUNTY and not r.is_aggregate)


@cache
def _counties(province: str, year: int | None) -> tuple[str, ...]:
    """County codes of a province in use in ``year`` (today when None), else the current ones."""
    records = _province_counties(province)
    used = [r.code for r in records if (r.is_current if year is None else r.name_in(year) is not None)]
    return tuple(used) or tuple(r.code for r in records if r.is_current)


def _space_size(space: _Space, group: str) -> int:
    """How many keys the draws of a group spread over (uniformly, or more thinly)."""
    if space.kind == "resident_id":
        years = range(_BIRTHS[0].year, _BIRTHS[0].year + _BIRTHS[1] // 365)
        return _BIRTHS[1] * min(len(_counties(group, year)) for year in years) * 999
    if space.kind == "uscc":
        return len(_counties(group[2:], None)) * 31**6
    return space.size if space.kind == "integer" else math.prod(map(len, space.alphabets))


def _candidates(keyed: _Keyed, space: _Space, group: str) -> list[str]:
    """The honey stems of one group, in the order embedding takes them."""
    stems = []
    for index in range(_STREAM * 4 if space.kind == "integer" else _STREAM):
        draw = keyed.stream("honey", space.kind, group, index)
        if space.kind == "resident_id":
            born = _BIRTHS[0] + datetime.timedelta(days=(next(draw) << 16 | next(draw)) % _BIRTHS[1])
            counties = _counties(group, born.year)
            stems.append(f"{counties[next(draw) % len(counties)]}{born:%Y%m%d}{1 + next(draw) % 999:03d}")
        elif space.kind == "uscc":
            counties = _counties(group[2:], None)
            # Codes assigned since 2015 start with M and the register's letter (A 工商, B 机构编制, J 民政).
            register = {"1": "MB", "5": "MJ"}.get(group[0], "MA")
            body = register + "".join(_USCC_ALPHABET[next(draw) % 31] for _ in range(6))
            stems.append(f"{group[:2]}{counties[next(draw) % len(counties)]}{body}")
        elif space.kind == "integer":
            stems.append(str(space.base + (next(draw) << 32 | next(draw) << 16 | next(draw)) % space.size))
        else:
            stems.append("".join(alphabet[next(draw) % len(alphabet)] for alphabet in space.alphabets))
    return stems


def _complete(space: _Space, stem: str) -> str:
    """A whole key from a stem: the check characters its standard asks for."""
    if space.kind == "resident_id":
        return stem + ric.calc_check_digit(stem + "?")  # stdnum reads all but the last character
    if space.kind == "uscc":
        org_code = next(stem[8:] + c for c in "0123456789X" if _is_org_code(stem[8:] + c))
        return stem[:8] + org_code + stdnum_uscc.calc_check_digit(stem[:8] + org_code)
    return stem


def _is_org_code(code: str) -> bool:
    try:
        identifiers.validate_org_code(code)
    except identifiers.InvalidIdentifier:
        return False
    return True


def _honey_keys(keyed: _Keyed, keys: list[str | None], count: int) -> list[str]:
    """``count`` fake keys, or fewer when the space runs out (integer keys with few gaps)."""
    real = [key for key in keys if key is not None]
    space = _space(set(real))
    if space is None or not space.groups:
        return []
    used = {space.stem(key) for key in real}
    numbers = [int(key) for key in real if key.isdecimal()]
    streams = {group: iter(_candidates(keyed, space, group)) for group in space.groups}
    fakes: list[str] = []
    for index in range(count):
        # A fake person or company belongs to the province of a random real row: as often as real ones do.
        group = space.group(space.stem(keys[keyed.number("group", index) % len(keys)] or ""))
        for stem in streams.get(group, streams[space.groups[0]]):
            if stem not in used and (space.kind != "integer" or min(numbers) <= int(stem) <= max(numbers)):
                used.add(stem)
                fakes.append(_complete(space, stem))
                break
    return fakes


def _honey_evidence(keyed: _Keyed, space: _Space | None, keys: Collection[str]) -> tuple[int, int, float]:
    """Honey keys found, honey keys looked for, and the chance of finding that many in an unmarked table."""
    if space is None:
        return 0, 0, 1.0
    stems = {space.stem(key) for key in keys}
    per_group = Counter(map(space.group, stems))
    found = looked_for = 0
    chance = 0.0
    for group in space.groups:
        drawn = set(_candidates(keyed, space, group))
        looked_for += len(drawn)
        found += len(drawn & stems)
        # The draws do not depend on the table: each hits one of its keys as often as they fill the space.
        chance = max(chance, per_group[group] / _space_size(space, group))
    return found, looked_for, _binomial_tail(looked_for, found, min(chance, 1.0))


# --- insignificant digits ----------------------------------------------------------------------


def _number(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    # A float as its shortest round-tripping text: what CSV writers and spreadsheets write.
    text = repr(value) if isinstance(value, float) else unicodedata.normalize("NFKC", str(value)).replace(",", "")
    try:
        number = value if isinstance(value, Decimal) else Decimal(text.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _marked_columns(table: pa.Table, key: str, names: Iterable[str], *, integers: bool) -> list[tuple[str, int]]:
    """The columns that carry bits, each with its scale: the decimals it is kept to."""
    marked = []
    for name in names:
        data_type = table.schema.field(name).type
        if name == key or pa.types.is_temporal(data_type) or pa.types.is_boolean(data_type):
            continue  # dates, times and flags carry no bits
        present = [value for value in table.column(name).to_pylist() if value is not None]
        if sum(_number(value) is not None for value in present[:100]) < _SHARE * len(present[:100]):
            continue  # a column of names or addresses shows it in its first rows: no need to parse them all
        numbers = [number for number in map(_number, present) if number is not None]
        if not numbers or len(numbers) < _SHARE * len(present):
            continue
        scale = max(-int(number.as_tuple().exponent) for number in numbers)  # finite: the exponent is a number
        if (0 if integers else 1) <= scale <= MAX_SCALE:
            marked.append((name, scale))
    return marked


def _units(value: Any, scale: int) -> int | None:
    number = _number(value)
    units = None if number is None else number.scaleb(scale)
    return int(units) if units is not None and units == units.to_integral_value() else None


def _selected(keyed: _Keyed, keys: list[str | None], gamma: int) -> list[bool]:
    return [key is not None and keyed.number("row", key) % gamma == 0 for key in keys]


def _bit(keyed: _Keyed, column: str, key: str) -> tuple[int, bool]:
    """The parity a marked value must have, and whether to move up to reach it."""
    byte = keyed("bit", column, key)[0]
    return byte & 1, bool(byte & 2)


def _perturb(table: pa.Table, keyed: _Keyed, key: str, gamma: int, marked: list[tuple[str, int]]) -> pa.Table:
    keys = [_key_text(value) for value in table.column(key).to_pylist()]
    selected = _selected(keyed, keys, gamma)
    for name, scale in marked:
        field = table.schema.field(name)
        values = table.column(name).to_pylist()
        for row, row_key in enumerate(keys):
            units = _units(values[row], scale) if selected[row] and row_key is not None else None
            if not units or row_key is None:  # zero stays zero: an amount of nothing means something
                continue
            bit, upwards = _bit(keyed, name, row_key)
            if units & 1 != bit:
                step = 1 if upwards else -1
                units += -step if units + step == 0 else step
                number = Decimal(units).scaleb(-scale)
                values[row] = (
                    float(number) if pa.types.is_floating(field.type) else int(number) if scale == 0 else number
                )
        table = table.set_column(table.schema.get_field_index(name), field, pa.array(values, type=field.type))
    return table


# --- the interface -----------------------------------------------------------------------------


def embed(
    table: pa.Table,
    *,
    secret: bytes,
    key: str,
    gamma: int = DEFAULT_GAMMA,
    honey: int | None = None,
    columns: Collection[str] | None = None,
) -> pa.Table:
    """The table marked for one release: ``honey`` fake rows at keyed places (default one per
    thousand rows, at least 8 and at most 50), then keyed parities in about one row in ``gamma``
    of every float and decimal column with decimals, or of exactly ``columns`` (which may name
    integer columns). Keys, dates, texts and integer codes never change."""
    if gamma < 1:
        raise ValueError("gamma must be at least 1")
    keyed = _Keyed(secret)
    numeric = [
        field.name
        for field in table.schema
        if pa.types.is_floating(field.type)
        or pa.types.is_decimal(field.type)
        or (columns is not None and pa.types.is_integer(field.type))
    ]
    if columns is not None and not set(columns) <= set(numeric):
        raise ValueError(f"only numeric columns can be marked, not {sorted(set(columns) - set(numeric))}")
    marked = _marked_columns(table, key, numeric if columns is None else columns, integers=columns is not None)
    count = min(max(table.num_rows // 1000, 8), 50) if honey is None else honey
    keys = [_key_text(value) for value in table.column(key).to_pylist()]
    fakes = _honey_keys(keyed, keys, count) if table.num_rows else []
    if fakes:
        rows = table.num_rows
        key_type = table.schema.field(key).type
        fake_rows = {
            name: table.column(name).take([keyed.number("value", at, name) % rows for at in range(len(fakes))])
            for name in table.column_names
        }
        fake_rows[key] = pa.array([int(k) if pa.types.is_integer(key_type) else k for k in fakes], type=key_type)
        order: list[int] = []
        start = 0
        for place, at in sorted((keyed.number("place", at) % (rows + 1), at) for at in range(len(fakes))):
            order += [*range(start, place), rows + at]
            start = place
        table = pa.concat_tables([table, pa.table(fake_rows, schema=table.schema)]).take([*order, *range(start, rows)])
    return _perturb(table, keyed, key, gamma, marked)


def score(
    table: pa.Table,
    *,
    secret: bytes,
    key: str,
    gamma: int = DEFAULT_GAMMA,
    columns: Collection[str] | None = None,
) -> Evidence:
    """How strongly ``table`` carries the mark of the release with ``secret``, whatever its row order,
    missing rows and columns, or types (a leaked file read as text will do). Bits are read from every
    column with decimals, or from exactly ``columns`` when the release marked integer columns."""
    return _evaluate(_Leak.read(table, key=key, columns=columns), _Keyed(secret), gamma)


def trace(
    table: pa.Table,
    candidates: Mapping[Release, bytes],
    *,
    key: str | None = None,
    gamma: int = DEFAULT_GAMMA,
    columns: Collection[str] | None = None,
) -> list[tuple[Release, Evidence]]:
    """Every candidate release with its evidence, the likeliest source first. Without ``key``, or when
    the leak renamed it, the key is the column :func:`guess_key` finds."""
    if key is None or key not in table.column_names:
        key = guess_key(table, candidates.values())
    leak = _Leak.read(table, key=key, columns=columns)
    found = [(release, _evaluate(leak, _Keyed(secret), gamma)) for release, secret in candidates.items()]
    return sorted(found, key=lambda item: (item[1].p_value, item[1].honey_p, item[1].bits_p))


def guess_key(table: pa.Table, secrets: Iterable[bytes]) -> str:
    """Of the columns with (nearly) unique values, the one where some release's honey keys are least
    likely to be chance; on a tie, the most unique."""
    keyed = [_Keyed(secret) for secret in secrets]
    ranked: list[tuple[float, float, str]] = []
    for name in table.column_names:
        keys = [text for text in map(_key_text, table.column(name).to_pylist()) if text is not None]
        distinct = set(keys)
        if keys and len(distinct) >= _SHARE * len(keys):
            space = _space(distinct)
            chance = min((_honey_evidence(each, space, distinct)[2] for each in keyed), default=1.0)
            ranked.append((chance, -len(distinct) / len(keys), name))
    if not ranked:
        raise ValueError("no column has unique values to serve as the key")
    return min(ranked)[2]


@dataclass(frozen=True)
class _Leak:
    """What scoring needs of a table, read once for all the releases it is scored against."""

    keys: list[str | None]
    distinct: set[str]
    space: _Space | None
    units: dict[str, list[int | None]]  # each bit-carrying column, in units of its last decimal place

    @classmethod
    def read(cls, table: pa.Table, *, key: str, columns: Collection[str] | None) -> _Leak:
        keys = [_key_text(value) for value in table.column(key).to_pylist()]
        distinct = {key for key in keys if key is not None}
        names = table.column_names if columns is None else [name for name in columns if name in table.column_names]
        units = {
            name: [_units(value, scale) for value in table.column(name).to_pylist()]
            for name, scale in _marked_columns(table, key, names, integers=columns is not None)
        }
        return cls(keys, distinct, _space(distinct), units)


def _evaluate(leak: _Leak, keyed: _Keyed, gamma: int) -> Evidence:
    honey_found, honey_candidates, honey_p = _honey_evidence(keyed, leak.space, leak.distinct)
    selected = _selected(keyed, leak.keys, gamma)
    tested = matched = 0
    for name, units in leak.units.items():
        seen: set[str] = set()
        for value, row_key, chosen in zip(units, leak.keys, selected, strict=True):
            if chosen and value and row_key is not None and row_key not in seen:
                seen.add(row_key)  # a duplicated row is one bit, not two
                tested += 1
                matched += value & 1 == _bit(keyed, name, row_key)[0]
    bits_p = _binomial_tail(tested, matched, 0.5)
    both = honey_p * bits_p
    p_value = min(1.0, both * (1 - math.log(both))) if both > 0 else 0.0  # Fisher's method, two tests
    return Evidence(honey_found, honey_candidates, tested, matched, honey_p, bits_p, p_value)


def _binomial_tail(trials: int, successes: int, chance: float) -> float:
    """P(X ≥ successes) for X ~ Binomial(trials, chance), summed in logarithms so that nothing overflows."""
    if successes <= 0 or chance >= 1:
        return 1.0
    if successes > trials or chance <= 0:
        return 0.0
    log_p, log_q, log_n = math.log(chance), math.log1p(-chance), math.lgamma(trials + 1)
    terms = [
        log_n - math.lgamma(k + 1) - math.lgamma(trials - k + 1) + k * log_p + (trials - k) * log_q
        for k in range(successes, trials + 1)
    ]
    top = max(terms)
    return min(1.0, math.exp(top) * math.fsum(math.exp(term - top) for term in terms))


# --- leaked files ------------------------------------------------------------------------------


def read_extract(path: str | Path) -> pa.Table:
    """A leaked file as a table: CSV (UTF-8 with or without BOM, GBK, GB18030), XLSX, JSON (an array,
    or an object a line) or Parquet. Every value but Parquet's is read as text."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return pq.read_table(path)
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True, data_only=True)
        rows = [list(row) for row in workbook.active.iter_rows(values_only=True)] if workbook.active else []
        workbook.close()
        return _text_table(rows)
    if suffix not in {".csv", ".tsv", ".txt", ".json", ".jsonl", ".ndjson"}:
        raise ValueError(f"{path.name}: only CSV, XLSX, JSON and Parquet files are read")
    from shuzheng.catalog.selectors import text_encoding  # the catalogue's one reading of encodings

    data = path.read_bytes()
    encoding = text_encoding(data)
    if encoding is None:
        raise ValueError(f"{path.name}: the text encoding is not recognised")
    text = data.decode(encoding)
    if suffix.startswith((".csv", ".tsv", ".txt")):
        try:
            dialect: Any = csv.Sniffer().sniff(text[:65536], delimiters=",\t;|")
        except csv.Error:
            dialect = csv.excel
        return _text_table(list(csv.reader(io.StringIO(text), dialect)))
    lines = text.splitlines()
    records = json.loads(text) if text.lstrip().startswith("[") else [json.loads(ln) for ln in lines if ln.strip()]
    header = list(dict.fromkeys(name for record in records for name in record))
    return _text_table([header, *([record.get(name) for name in header] for record in records)])


def _cell_text(value: Any) -> str | None:
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        value = value.date()  # a spreadsheet's dates are midnights
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return None if value is None or value == "" else str(value)


def _text_table(rows: list[list[Any]]) -> pa.Table:
    header = [str(name or "").strip() or f"column_{at + 1}" for at, name in enumerate(rows[0] if rows else [])]
    return pa.table(
        {
            name: pa.array([_cell_text(row[at] if at < len(row) else None) for row in rows[1:]], pa.string())
            for at, name in enumerate(header)
        }
    )
