"""Administrative division codes (GB/T 2260), national and historical.

The national table comes from python-stdnum's ``cn/loc.dat``, which records
every code with the years each name was in use, so numbers issued under an
old code (ID numbers above all) still resolve. ``data/regions_supplement.csv``
adds what that file does not know yet (each row names its source).

This module needs no database: identifier parsing calls it on every request.
The province tree that other apps point to lives in the ``Region`` table,
filled from :func:`province_records` (see ``services.regions_sync``).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

PROVINCE, PREFECTURE, COUNTY = "province", "prefecture", "county"

# Codes such as 330101 "市辖区" group a city's districts for statistics; they
# are not administrative units a person can belong to, so pickers hide them.
_AGGREGATE_NAMES = {"市辖区", "县", "省直辖县级行政单位", "自治区直辖县级行政单位"}

_LINE = re.compile(r'^(?P<indent>\s*)(?P<code>\d+)\s+(?P<kind>province|county)="(?P<names>[^"]*)"')
_PERIOD = re.compile(r"^\[(?P<start>\d*)-(?P<end>\d*)\](?P<name>.+)$")


@dataclass(frozen=True, slots=True)
class NamePeriod:
    name: str
    valid_from: int | None  # first year in use; None = before records began
    valid_to: int | None  # last year in use; None = still in use

    def covers(self, year: int) -> bool:
        return (self.valid_from is None or year >= self.valid_from) and (self.valid_to is None or year <= self.valid_to)


@dataclass(frozen=True, slots=True)
class RegionRecord:
    """One GB/T 2260 code with every name it has carried."""

    code: str
    periods: tuple[NamePeriod, ...]

    @property
    def level(self) -> str:
        if self.code.endswith("0000"):
            return PROVINCE
        if self.code.endswith("00"):
            return PREFECTURE
        return COUNTY

    @property
    def parent_code(self) -> str | None:
        if self.level == PROVINCE:
            return None
        if self.level == PREFECTURE:
            return self.code[:2] + "0000"
        return self.code[:4] + "00"

    @property
    def name(self) -> str:
        """The most recent name."""
        return self.periods[-1].name

    @property
    def valid_from(self) -> int | None:
        return self.periods[0].valid_from

    @property
    def valid_to(self) -> int | None:
        return self.periods[-1].valid_to

    @property
    def is_current(self) -> bool:
        return self.valid_to is None

    @property
    def is_aggregate(self) -> bool:
        return self.name in _AGGREGATE_NAMES

    def name_in(self, year: int) -> str | None:
        """The name the code carried in ``year``, or None if unused then."""
        for period in reversed(self.periods):
            if period.covers(year):
                return period.name
        return None


def _parse_periods(raw: str) -> tuple[NamePeriod, ...]:
    periods = []
    for part in raw.split(","):
        match = _PERIOD.match(part)
        if match:
            start, end = match["start"], match["end"]
            periods.append(NamePeriod(match["name"], int(start) if start else None, int(end) if end else None))
        else:
            periods.append(NamePeriod(part, None, None))
    return tuple(periods)


def _read_stdnum_table() -> dict[str, RegionRecord]:
    records: dict[str, RegionRecord] = {}
    province = ""
    text = files("stdnum").joinpath("cn/loc.dat").read_text(encoding="utf-8")
    for line in text.splitlines():
        match = _LINE.match(line)
        if not match:
            continue
        if match["kind"] == "province":
            province = match["code"]
            continue
        code = province + match["code"]
        # Province rows repeat as "0000 county=…"; keep the plain name.
        records[code] = RegionRecord(code, _parse_periods(match["names"]))
    return records


def _read_supplement() -> list[RegionRecord]:
    text = files("shuzheng.core").joinpath("data/regions_supplement.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    return [
        RegionRecord(
            row["code"],
            (
                NamePeriod(
                    row["name"],
                    int(row["valid_from"]) if row["valid_from"] else None,
                    int(row["valid_to"]) if row["valid_to"] else None,
                ),
            ),
        )
        for row in rows
    ]


@cache
def national_table() -> dict[str, RegionRecord]:
    """Every known code, national and historical, keyed by six-digit code."""
    table = _read_stdnum_table()
    for record in _read_supplement():
        known = table.get(record.code)
        if known is None:
            table[record.code] = record
        else:
            # A supplement row corrects the newest period (a name or an end year).
            table[record.code] = RegionRecord(record.code, known.periods[:-1] + record.periods)
    return table


def lookup(code: str, year: int | None = None) -> RegionRecord | None:
    """The record for a six-digit code, current or historical.

    With ``year``, only a code in use that year is returned: an ID number's
    address code must have existed when it was issued, and codes have been
    reused for different places.
    """
    record = national_table().get(code)
    if record is None or year is None:
        return record
    return record if record.name_in(year) is not None else None


def province_code_known(code: str) -> bool:
    """Whether the first two digits name a province-level division."""
    return f"{code[:2]}0000" in national_table()


def full_name(code: str, year: int | None = None) -> str:
    """Province + prefecture + county names, e.g. 浙江省杭州市西湖区."""
    parts: list[str] = []
    for part_code in (code[:2] + "0000", code[:4] + "00", code):
        record = national_table().get(part_code)
        if record is None or record.is_aggregate:
            continue
        name = (record.name_in(year) if year is not None else None) or record.name
        if not parts or parts[-1] != name:
            parts.append(name)
    return "".join(parts)


def province_records(province: str) -> list[RegionRecord]:
    """All codes of one province (two digits), parents before children."""
    return sorted(
        (record for code, record in national_table().items() if code.startswith(province)),
        key=lambda record: (record.level != PROVINCE, record.level == COUNTY, record.code),
    )
