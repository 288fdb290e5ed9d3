"""Data quality: 20 rules on a synthetic population, our engine against the same checks written by
hand as one DuckDB SQL query, in Great Expectations and in pandera.

The population (bench/quality/population.py) is generated from a fixed seed: resident ID numbers
with their birth dates and sexes, names, Zhejiang county codes, mobiles, employers' USCCs, amounts
and dates, with about 3 % of the values wrong in known ways. On 1 M rows every engine must find
exactly the same failing rows per rule before anything is timed: the hand-written query by its
counts, Great Expectations and pandera (bench/quality/peers.py) row by row.

Every time includes reading the Parquet file. Great Expectations (pandas execution engine) and
pandera validate a pandas DataFrame read from it; our engine and the hand-written query run in
DuckDB with its default threads and a memory limit, beyond which it spills to a temporary directory.
Peak resident memory is measured in a fresh process per engine: the kernel's high-water mark.

Then a larger file, 10 M rows by default (SHUZHENG_BENCH_ROWS=100000000 to run out of core): our
engine and the hand-written query each in a fresh process, timed and measured the same way. Beyond
10 M rows the hand-written query is tried once first: its windows may not fit the memory limit, and
then only our engine is timed. Great
Expectations and pandera are not run at that size: pandas holds the whole table in memory, several
GiB at 10 M rows; what their 1 M runs imply for it is printed instead. Besides, the twenty rules
together against the most expensive one alone.

``python -m bench.bench_quality ENGINE ROWS`` is the child process: it runs one engine once and
prints its counts and time as JSON.
"""

from __future__ import annotations

import json
import logging
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import ibis

from bench.harness import Case, Result
from bench.quality.population import CACHE, NOW, population
from shuzheng.core import regions
from shuzheng.quality import engine
from shuzheng.quality.registry import Context, Declared
from shuzheng.quality.rules.identifiers import ID_CHECK, ID_WEIGHTS, USCC_ALPHABET, USCC_WEIGHTS

ROWS = 1_000_000
BIG_ROWS = int(os.environ.get("SHUZHENG_BENCH_ROWS", "10000000"))
# DuckDB's own default is 80 % of the machine's memory; with this it spills to disk instead, and
# our engine's process stays under 2 GiB of resident memory on 10 M rows and on 100 M rows alike.
MEMORY_LIMIT = "1GiB"
ENGINES = ("ours", "hand", "great_expectations", "pandera")
GiB = 2**30

NAME_PATTERN = "^[一-龥·]{2,15}$"  # CJK unified ideographs, as RE2 takes them: the characters themselves
RULES = [
    Declared("not_null", ["id_number"]),
    Declared("resident_id", ["id_number"]),
    Declared("unique", ["id_number"]),
    Declared("id_agrees", ["id_number"], {"birth_date": "birth_date", "sex": "sex"}),
    Declared("not_null", ["name"]),
    Declared("not_blank", ["name"]),
    Declared("regex", ["name"], {"pattern": NAME_PATTERN}),
    Declared("enum", ["sex"], {"values": ["男", "女"]}),
    Declared("not_null", ["birth_date"]),
    Declared("range", ["birth_date"], {"min": "1900-01-01", "max": "2026-11-28"}),
    Declared("region_code", ["region"]),
    Declared("not_null", ["mobile"]),
    Declared("mobile", ["mobile"]),
    Declared("uscc", ["employer"]),
    Declared("not_null", ["amount"]),
    Declared("range", ["amount"], {"min": 0, "max": 1_000_000}),
    Declared("order", ["start_date", "end_date"]),
    Declared("range", ["end_date"], {"max": "2030-12-31"}),
    Declared("enum", ["status"], {"values": ["在职", "离职", "退休"]}),
    Declared("unique", ["id_number", "employer"]),
]


def _hand_written_sql(path: Path) -> str:
    """The same twenty checks as one query, as a data engineer would write them for DuckDB (code
    lists as tables: an IN list of 4 000 codes costs DuckDB 20 s a million rows)."""
    weights = " + ".join(f"TRY_CAST(substr(i, {p + 1}, 1) AS BIGINT) * {w}" for p, w in enumerate(ID_WEIGHTS))
    uscc = " + ".join(
        f"(strpos('{USCC_ALPHABET}', substr(u, {p + 1}, 1)) - 1) * {w}" for p, w in enumerate(USCC_WEIGHTS)
    )
    provinces = ", ".join(f"('{code[:2]}')" for code in regions.national_table() if code.endswith("0000"))
    codes = ", ".join(f"('{code}')" for code in sorted(regions.national_table()))
    id_check = f"substr('{ID_CHECK}', (({weights}) % 11)::INT + 1, 1)"
    id_dates = f"id_birth >= DATE '1900-01-01' AND id_birth <= DATE '{NOW.date()}'"
    # Built from this file's constants and the region table only: nothing from outside reaches it.
    return f"""
    WITH provinces(p) AS (VALUES {provinces}), codes(c) AS (VALUES {codes}), t AS (
        SELECT *, upper(trim(id_number)) AS i, upper(trim(employer)) AS u,
               TRY_CAST(substr(upper(trim(id_number)), 7, 4) || '-' || substr(upper(trim(id_number)), 11, 2)
                        || '-' || substr(upper(trim(id_number)), 13, 2) AS DATE) AS id_birth,
               count(*) FILTER (WHERE id_number IS NOT NULL) OVER (PARTITION BY id_number) AS id_copies,
               count(*) FILTER (WHERE id_number IS NOT NULL AND employer IS NOT NULL)
                   OVER (PARTITION BY id_number, employer) AS pair_copies
        FROM read_parquet('{path}')
    )
    SELECT count(*) AS rows,
      count(*) FILTER (WHERE id_number IS NULL),
      count(*) FILTER (WHERE trim(id_number) <> '' AND NOT coalesce(
          regexp_matches(i, '^\\d{{17}}[0-9X]$') AND substr(i, 18, 1) = {id_check}
          AND {id_dates} AND substr(i, 1, 2) IN (SELECT p FROM provinces), false)),
      count(*) FILTER (WHERE id_number IS NOT NULL AND id_copies > 1),
      count(*) FILTER (WHERE coalesce(regexp_matches(i, '^\\d{{17}}[0-9X]$') AND (
          (birth_date IS NOT NULL AND birth_date <> id_birth)
          OR (sex IN ('男', '1', 'M', 'm') AND TRY_CAST(substr(i, 17, 1) AS INT) % 2 <> 1)
          OR (sex IN ('女', '2', 'F', 'f') AND TRY_CAST(substr(i, 17, 1) AS INT) % 2 = 1)), false)),
      count(*) FILTER (WHERE name IS NULL),
      count(*) FILTER (WHERE name IS NULL OR trim(name) = ''),
      count(*) FILTER (WHERE trim(name) <> '' AND NOT regexp_matches(name, '{NAME_PATTERN}')),
      count(*) FILTER (WHERE trim(sex) <> '' AND sex NOT IN ('男', '女')),
      count(*) FILTER (WHERE birth_date IS NULL),
      count(*) FILTER (WHERE birth_date < DATE '1900-01-01' OR birth_date > DATE '2026-11-28'),
      count(*) FILTER (WHERE trim(region) <> '' AND trim(region) NOT IN (SELECT c FROM codes)),
      count(*) FILTER (WHERE mobile IS NULL),
      count(*) FILTER (WHERE trim(mobile) <> '' AND NOT regexp_matches(trim(mobile), '^1[3-9]\\d{{9}}$')),
      count(*) FILTER (WHERE trim(employer) <> '' AND NOT coalesce(regexp_matches(u, '^[{USCC_ALPHABET}]{{18}}$')
          AND substr(u, 18, 1) = substr('{USCC_ALPHABET}', ((31 - ({uscc}) % 31) % 31)::INT + 1, 1), false)),
      count(*) FILTER (WHERE amount IS NULL),
      count(*) FILTER (WHERE amount < 0 OR amount > 1000000),
      count(*) FILTER (WHERE end_date < start_date),
      count(*) FILTER (WHERE end_date > DATE '2030-12-31'),
      count(*) FILTER (WHERE trim(status) <> '' AND status NOT IN ('在职', '离职', '退休')),
      count(*) FILTER (WHERE id_number IS NOT NULL AND employer IS NOT NULL AND pair_copies > 1)
    FROM t
    """


def _duckdb_config() -> dict[str, str | bool | int | float | list[str]]:
    return {"memory_limit": MEMORY_LIMIT, "temp_directory": str(CACHE / "spill")}


def _ours(rows: int = ROWS) -> list[int]:
    table = ibis.duckdb.connect(**_duckdb_config()).read_parquet(population(rows))
    report = engine.run(table, RULES, Context(now=NOW), sample_size=0)
    return [report.rows, *(outcome.failed for outcome in report.outcomes)]


def _hand(rows: int = ROWS) -> list[int]:
    connection = duckdb.connect(config=_duckdb_config())
    return [int(value) for value in connection.execute(_hand_written_sql(population(rows))).fetchone() or ()]


def _our_failing_rows() -> list[set[int]]:
    """Per rule, the positions in the file of the rows our engine fails."""
    table = ibis.duckdb.connect(**_duckdb_config()).read_parquet(population(ROWS), file_row_number=True)
    marked = engine.flagged(table, RULES, Context(now=NOW))
    flags = [f"_rule_{index}" for index in range(len(RULES))]  # one per rule: all of these are row rules
    failing = marked.filter(ibis.or_(*(marked[flag] for flag in flags))).select("file_row_number", *flags)
    found = failing.to_pyarrow().to_pydict()
    return [{row for row, fails in zip(found["file_row_number"], found[flag], strict=True) if fails} for flag in flags]


def _single(rule: Declared) -> Callable[[], int]:
    def run() -> int:
        table = ibis.duckdb.connect(**_duckdb_config()).read_parquet(population(ROWS))
        return engine.run(table, [rule], Context(now=NOW), sample_size=0).outcomes[0].failed

    return run


@cache
def _peers() -> dict[str, Any]:
    from django.conf import settings

    # Great Expectations logs a few hundred informational lines while it is imported, and a module of
    # it sets its own level to log more on every context it makes.
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    from bench.quality.peers import GreatExpectations, Pandera

    logging.getLogger("great_expectations.data_context.types.base").setLevel(logging.WARNING)

    patterns = {"mobile_pattern": settings.SHUZHENG_MOBILE_PATTERN, "name_pattern": NAME_PATTERN}
    return {"great_expectations": GreatExpectations(**patterns), "pandera": Pandera(**patterns)}


def _run(engine_name: str, rows: int) -> list[int]:
    if engine_name == "ours":
        return _ours(rows)
    if engine_name == "hand":
        return _hand(rows)
    counts: list[int] = _peers()[engine_name].counts(population(rows))
    return counts


@dataclass(frozen=True)
class Measured:
    counts: list[int]
    seconds: float  # the engine's run alone, without starting the process
    peak_rss: int  # bytes


class ChildFailed(RuntimeError):
    def __init__(self, engine_name: str, rows: int, stderr: str) -> None:
        lines = stderr.strip().splitlines()
        self.reason = next((line for line in reversed(lines) if "Error" in line), lines[-1] if lines else "")
        super().__init__(f"{engine_name} on {rows:,} rows failed:\n{stderr}")


def _in_child(engine_name: str, rows: int) -> Measured:
    """One run of an engine in a fresh process."""
    command = [sys.executable, "-m", "bench.bench_quality", engine_name, str(rows)]
    root = Path(__file__).parents[1]
    done = subprocess.run(command, capture_output=True, text=True, cwd=root, check=False)
    if done.returncode:
        raise ChildFailed(engine_name, rows, done.stderr)
    answer = json.loads(done.stdout.splitlines()[-1])
    return Measured(answer["counts"], answer["seconds"], answer["peak_rss"])


def _peak_rss() -> int:
    """This process's peak resident memory in bytes. The kernel's high-water mark of its address
    space, VmHWM: getrusage's ru_maxrss would also count the parent's memory from before exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024  # in kB
    raise LookupError("no VmHWM in /proc/self/status")


def _rows_per_second(rows: int, seconds: float) -> str:
    return f"{rows / seconds:,.0f} rows/s"


def _memory(size: int) -> str:
    return f"{size / GiB:.2f} GiB"


def _check(expected: list[int], found: list[int], engine_name: str) -> None:
    assert found == expected, f"{engine_name} disagrees with our engine: {found} vs {expected}"


def _verify() -> dict[str, Measured]:
    """Every engine finds the same failing rows on 1 M rows; each one's run in a process of its own."""
    ours = _ours()
    _check(ours, _hand(), "the hand-written query")
    wrong = sum(ours[1:])
    assert 0.02 * ROWS < wrong < 0.05 * ROWS, wrong  # the planted ~3 %, give or take overlaps
    failing = _our_failing_rows()
    assert [len(rows) for rows in failing] == ours[1:]
    for name, peer in _peers().items():
        _check(ours, _run(name, ROWS), name)
        assert peer.failing_rows(population(ROWS)) == failing, f"{name} fails other rows than our engine"
    alone = {name: _in_child(name, ROWS) for name in ENGINES}
    for name, measured in alone.items():
        _check(ours, measured.counts, f"{name} in its own process")
    return alone


class _BigRuns:
    """Runs on the large file, a fresh process each, kept for their engine-only times and peak memory."""

    def __init__(self) -> None:
        self.runs: dict[str, list[Measured]] = {"ours": [], "hand": []}
        self.hand_failure = ""

    def runner(self, engine_name: str) -> Callable[[], None]:
        def run() -> None:
            measured = _in_child(engine_name, BIG_ROWS)
            earlier = self.runs["ours"] + self.runs["hand"]
            if earlier:
                _check(earlier[0].counts, measured.counts, f"{engine_name} on {BIG_ROWS:,} rows")
            self.runs[engine_name].append(measured)

        return run

    def try_hand(self) -> bool:
        """Whether the hand-written query completes at this size: beyond 10 M rows its windows may need
        more than the memory limit. Its run counts as one of its timings."""
        try:
            self.runner("hand")()
        except ChildFailed as failure:
            self.hand_failure = failure.reason
            return False
        return True

    def seconds(self, engine_name: str) -> float:
        return statistics.median(measured.seconds for measured in self.runs[engine_name])

    def details(self, alone: dict[str, Measured]) -> Callable[[Result], list[str]]:
        def lines(result: Result) -> list[str]:
            found = []
            for name, label in (("ours", "our engine"), ("hand", "hand-written query")):
                if not self.runs[name]:
                    found.append(f"{label}: did not complete — {self.hand_failure}")
                    continue
                seconds, peak = self.seconds(name), max(measured.peak_rss for measured in self.runs[name])
                found.append(
                    f"{label}: {seconds:.1f} s without starting the process, "
                    f"{_rows_per_second(BIG_ROWS, seconds)}, peak RSS {_memory(peak)}"
                )
            if self.runs["hand"]:
                ratio = self.seconds("ours") / self.seconds("hand")
                found.append(f"ratio without starting the processes: {ratio:.2f}")
            scale = BIG_ROWS / ROWS
            ge, pandera = alone["great_expectations"], alone["pandera"]
            found.append(
                f"Great Expectations and pandera not run on {BIG_ROWS:,} rows: pandas holds the whole table in "
                f"memory, {_memory(ge.peak_rss)} and {_memory(pandera.peak_rss)} at their peaks on {ROWS:,} rows, "
                f"so about {_memory(int(ge.peak_rss * scale))} and {_memory(int(pandera.peak_rss * scale))} here, "
                f"and about {ge.seconds * scale:.0f} s and {pandera.seconds * scale:.0f} s a run (both estimated)"
            )
            return found

        return lines


def cases() -> list[Case]:
    alone = _verify()
    heaviest, heaviest_seconds = _heaviest()
    population(BIG_ROWS)  # generated before the timings, not during the first one
    big = _BigRuns()
    hand_completes = BIG_ROWS <= 10 * ROWS or big.try_hand()

    def against_hand(result: Result) -> list[str]:
        return [
            f"our engine: {_rows_per_second(ROWS, result.ours_median)}, peak RSS {_memory(alone['ours'].peak_rss)}",
            f"hand-written query: {_rows_per_second(ROWS, result.peer_median or 0)}, "
            f"peak RSS {_memory(alone['hand'].peak_rss)}",
        ]

    def against(name: str) -> Callable[[Result], list[str]]:
        return lambda result: [
            f"{_rows_per_second(ROWS, result.peer_median or 0)}, peak RSS {_memory(alone[name].peak_rss)}; "
            f"ours is {1 / (result.ratio or 1):.1f}× as fast"
        ]

    return [
        Case(
            f"20 quality rules, {ROWS:,} rows, one pass",
            _ours,
            _hand,
            peer_name="the same checks as one hand-written DuckDB query",
            repeat=5,
            target="ratio ≤ 1.5",
            details=against_hand,
        ),
        Case(
            f"20 quality rules, {ROWS:,} rows",
            _ours,
            lambda: _run("great_expectations", ROWS),
            peer_name="Great Expectations 1.x (pandas)",
            repeat=3,
            target="ratio ≤ 0.1",
            details=against("great_expectations"),
        ),
        Case(
            f"20 quality rules, {ROWS:,} rows",
            _ours,
            lambda: _run("pandera", ROWS),
            peer_name="pandera (pandas, lazy)",
            repeat=3,
            target="ratio ≤ 0.1",
            details=against("pandera"),
        ),
        Case(
            f"20 rules vs the heaviest alone ({ROWS:,} rows)",
            _ours,
            _single(heaviest),
            peer_name=f"{heaviest.rule_type} on {', '.join(heaviest.fields)} alone",
            repeat=5,
            target="ratio ≤ 4",
            details=lambda result: [f"the heaviest, each rule timed alone once beforehand ({heaviest_seconds:.2f} s)"],
        ),
        Case(
            f"20 quality rules, {BIG_ROWS:,} rows, a fresh process per run",
            big.runner("ours"),
            big.runner("hand") if hand_completes else None,
            peer_name="the hand-written query" if hand_completes else "",
            repeat=3 if BIG_ROWS <= 10 * ROWS else 1,
            target="ratio ≤ 1.5, peak RSS < 2 GiB",
            warm_up=False,
            details=big.details(alone),
        ),
    ]


def _heaviest() -> tuple[Declared, float]:
    """The rule that takes longest alone, and its time."""
    seconds = {}
    for index, rule in enumerate(RULES):
        start = time.perf_counter()
        _single(rule)()
        seconds[index] = time.perf_counter() - start
    slowest = max(seconds, key=lambda index: seconds[index])
    return RULES[slowest], seconds[slowest]


def _child(engine_name: str, rows: int) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuzheng.settings")
    django.setup()
    if engine_name in ("great_expectations", "pandera"):
        _peers()  # building the suite or schema is not part of the run
    start = time.perf_counter()
    counts = _run(engine_name, rows)
    print(json.dumps({"counts": counts, "seconds": time.perf_counter() - start, "peak_rss": _peak_rss()}))


if __name__ == "__main__":
    _child(sys.argv[1], int(sys.argv[2]))
