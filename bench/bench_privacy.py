"""Personal data in Chinese text: our detectors against Microsoft Presidio on the same labelled corpus.

The corpus (bench/privacy/corpus.py) is 10 000 government texts generated from a fixed seed: hotline
work orders, penalty decisions, case records, notices, application forms, citizens' complaints,
logs, entry-exit and traffic records, with the exact span of each of fifteen kinds of personal
data, and with look-alikes that are none: numbers with a wrong check digit, masked numbers, order,
work-order, invoice, case and document numbers, dates, amounts, versions, offices named after
places. Identifiers are written whole, split by spaces or dashes, in full-width digits and glued to
Chinese words, at shares meant to look like real paperwork.

Each side's findings are scored per kind against the gold spans, exactly (same kind, start and end)
and relaxed (overlapping spans of the same kind count). Then both are timed on all 10 000 texts,
alternately, three runs each; texts/s and MB/s (UTF-8) are from the medians. Presidio
(bench/privacy/peers.py) runs with regex recognizers for the same kinds and no NER model, under two
NLP engines: none at all (its NoOpNlpEngine, the fastest) and spaCy's blank Chinese pipeline
segmented by jieba (which its context words need). A third pairing times the thirteen identifier
kinds alone, without names and addresses, on both sides.

Columns: a 1 M-row register (bench/privacy/table.py, Parquet, shared with the masking benchmark)
has its columns classified from a sample of rows, ours with each detector's ``cell_confidence``,
Presidio by analysing each cell as presidio-structured does; a column is the kind most of its
sampled cells are, if any.

Adversarial: 1 MB inputs made to make regular expressions backtrack (long runs of digits, '@', '.',
':', letters, 杭州市, 姓名) go through ``detect`` once each, and through Presidio (no-op engine) in a
child process that is stopped after a time limit.

``python -m bench.bench_privacy errors [KIND]`` prints every one of our wrong or missed spans with
its context; ``python -m bench.bench_privacy adversarial NAME`` is the child process timing Presidio
on one adversarial input.

The machine may be shared with other benchmarks: read the medians, not single runs.
"""

from __future__ import annotations

import io
import json
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow.parquet as pq
from rich.console import Console
from rich.table import Table

from bench.harness import Case, Result
from bench.privacy.corpus import KINDS, Record, Span, corpus
from bench.privacy.scoring import Scores, errors, score
from bench.privacy.table import COLUMNS, people_table
from shuzheng.privacy.detect import detect, fold
from shuzheng.privacy.registry import DETECTORS

if TYPE_CHECKING:
    from bench.privacy.peers import Presidio

REPEAT = 3
SAMPLE_ROWS = 1_000
ADVERSARIAL_BYTES = 1_000_000
PRESIDIO_TIMEOUT = 60  # seconds for one adversarial input
IDENTIFIERS = tuple(kind for kind in KINDS if kind not in ("person_name", "address"))
CHECKSUMMED = ("resident_id", "uscc", "bank_card")
Findings = list[list[Span]]


@cache
def _records() -> tuple[Record, ...]:
    return corpus()


@cache
def _megabytes() -> float:
    return sum(len(record.text.encode()) for record in _records()) / 1e6


def _ours(kinds: Sequence[str] | None = None) -> Findings:
    return [[Span(f.kind, f.start, f.end) for f in detect(record.text, kinds=kinds)] for record in _records()]


@cache
def _presidio(engine: str, kinds: tuple[str, ...] = KINDS) -> Presidio:
    from bench.privacy.peers import Presidio  # the bench group's: imported only when run

    return Presidio(engine, kinds)


def _theirs(engine: str, kinds: tuple[str, ...] = KINDS) -> Findings:
    presidio = _presidio(engine, kinds)
    return [presidio.detect(record.text) for record in _records()]


class _Kept:
    """A runner that keeps what it returned the last time, for scoring the timed runs' output."""

    def __init__(self, run: Callable[[], Findings]) -> None:
        self.run = run
        self.found: Findings = []

    def __call__(self) -> Findings:
        self.found = self.run()
        return self.found


def _rate(seconds: float) -> str:
    return f"{len(_records()) / seconds:,.0f} texts/s, {_megabytes() / seconds:.2f} MB/s"


def _rendered(table: Table) -> list[str]:
    out = io.StringIO()
    Console(file=out, width=160, force_terminal=False, color_system=None).print(table)
    return out.getvalue().rstrip("\n").splitlines()


def _scores_table(title: str, sides: dict[str, Scores], kinds: Sequence[str]) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("kind")
    table.add_column("gold", justify="right")
    for side in sides:
        table.add_column(f"{side} P / R / F1", justify="right")
        table.add_column("relaxed F1", justify="right")
    for kind in (*kinds, "all"):
        gold = sides[next(iter(sides))].total() if kind == "all" else sides[next(iter(sides))].exact[kind]
        row = [kind, str(gold.gold)]
        for scores in sides.values():
            exact = scores.total() if kind == "all" else scores.exact[kind]
            relaxed = scores.total(relaxed=True) if kind == "all" else scores.relaxed[kind]
            row += [f"{exact.precision:.3f} / {exact.recall:.3f} / {exact.f1:.3f}", f"{relaxed.f1:.3f}"]
        table.add_row(*row)
    return table


def _targets(scores: Scores) -> list[str]:
    lines = []
    for kind in CHECKSUMMED:
        tally = scores.exact[kind]
        met = tally.precision >= 0.99 and tally.recall >= 0.99
        lines.append(
            f"target {kind}: precision and recall ≥ 0.99 — {tally.precision:.3f} / {tally.recall:.3f}: "
            f"{'met' if met else 'MISSED'}"
        )
    for kind in ("person_name", "address"):
        exact, relaxed = scores.exact[kind], scores.relaxed[kind]
        lines.append(
            f"target {kind}: F1 ≥ 0.9 — exact {exact.f1:.3f} ({'met' if exact.f1 >= 0.9 else 'MISSED'}), "
            f"relaxed {relaxed.f1:.3f}"
        )
    return lines


def _detection_cases() -> list[Case]:
    ours, ours_ids = _Kept(_ours), _Kept(lambda: _ours(IDENTIFIERS))
    noop, jieba = _Kept(lambda: _theirs("no-op")), _Kept(lambda: _theirs("jieba"))
    noop_ids = _Kept(lambda: _theirs("no-op", IDENTIFIERS))
    records = _records()
    count = f"{len(records):,} texts, {_megabytes():.1f} MB"

    def speeds(result: Result) -> list[str]:
        peer = result.peer_median or 0
        return [
            f"ours: {_rate(result.ours_median)}; Presidio: {_rate(peer)}",
            f"texts/s ours / Presidio: {peer / result.ours_median:.1f}×",
        ]

    def first(result: Result) -> list[str]:
        scores = {"ours": score(records, ours.found), "Presidio no-op": score(records, noop.found)}
        title = "per kind, exact spans (relaxed: overlapping spans of the same kind count)"
        return [*speeds(result), *_rendered(_scores_table(title, scores, KINDS)), *_targets(scores["ours"])]

    def second(result: Result) -> list[str]:
        scores = {"ours": score(records, ours.found), "Presidio jieba": score(records, jieba.found)}
        title = "per kind, with Presidio's context words working (jieba tokens)"
        return [*speeds(result), *_rendered(_scores_table(title, scores, KINDS))]

    def third(result: Result) -> list[str]:
        scores = {"ours": score(records, ours_ids.found), "Presidio no-op": score(records, noop_ids.found)}
        total = {side: found.total(kinds=IDENTIFIERS) for side, found in scores.items()}
        return [
            *speeds(result),
            "identifier kinds together, exact P / R / F1: "
            + "; ".join(f"{side} {t.precision:.3f} / {t.recall:.3f} / {t.f1:.3f}" for side, t in total.items()),
        ]

    target = "ratio ≤ 0.02 (≥ 50× texts/s)"
    return [
        Case(
            f"PII detection, {count}",
            ours,
            noop,
            "Presidio 2.2, regex recognizers, no-op NLP",
            REPEAT,
            target,
            details=first,
        ),
        Case(
            f"PII detection, {count}", ours, jieba, "Presidio, spaCy blank zh + jieba", REPEAT, target, details=second
        ),
        Case(
            f"identifier kinds only, {count}",
            ours_ids,
            noop_ids,
            "Presidio, no-op NLP, same 13 kinds",
            REPEAT,
            target,
            details=third,
        ),
    ]


# --- columns ------------------------------------------------------------------------------------------


@cache
def _sample() -> dict[str, list[str]]:
    """SAMPLE_ROWS rows spread evenly over the 1 M-row table, each value as text."""
    table = pq.read_table(people_table())
    step = table.num_rows // SAMPLE_ROWS
    rows = table.take(list(range(0, table.num_rows, step))[:SAMPLE_ROWS])
    return {name: [str(value) for value in rows[name].to_pylist() if value is not None] for name in COLUMNS}


def _majority(kinds: list[str | None]) -> str | None:
    found = Counter(kind for kind in kinds if kind is not None).most_common(1)
    return found[0][0] if found and found[0][1] * 2 >= len(kinds) else None


def _cell_kind(value: str) -> str | None:
    folded = fold(value)
    best: tuple[float, int, str] | None = None
    for kind, detector in DETECTORS.items():
        confidence = detector.cell_confidence(folded)
        if confidence is not None and confidence >= 0.5:
            candidate = (confidence, detector.priority, kind)
            best = candidate if best is None or candidate > best else best
    return None if best is None else best[2]


def _classify_ours() -> dict[str, str | None]:
    return {name: _majority([_cell_kind(value) for value in cells]) for name, cells in _sample().items()}


def _classify_theirs() -> dict[str, str | None]:
    presidio = _presidio("no-op")

    def kind(value: str) -> str | None:
        found = presidio.detect(value)
        return max(found, key=lambda span: span.end - span.start).kind if found else None

    return {name: _majority([kind(value) for value in cells]) for name, cells in _sample().items()}


def _column_case() -> Case:
    path = people_table()
    ours, theirs = _classify_ours(), _classify_theirs()

    def details(result: Result) -> list[str]:
        table = Table(
            title=f"{path.name}: {pq.read_metadata(path).num_rows:,} rows, {path.stat().st_size / 1e6:.0f} MB"
        )
        for column in ("column", "expected", "ours", "Presidio"):
            table.add_column(column)
        for name, expected in COLUMNS.items():
            table.add_row(name, str(expected), str(ours[name]), str(theirs[name]))
        right = {
            side: sum(found[name] == kind for name, kind in COLUMNS.items())
            for side, found in (("ours", ours), ("Presidio", theirs))
        }
        cells = sum(len(values) for values in _sample().values())
        return [
            f"{cells:,} cells; ours {cells / result.ours_median:,.0f} cells/s, "
            f"Presidio {cells / (result.peer_median or 1):,.0f} cells/s",
            *_rendered(table),
            f"columns right: ours {right['ours']}/{len(COLUMNS)}, Presidio {right['Presidio']}/{len(COLUMNS)}",
        ]

    return Case(
        f"classify {len(COLUMNS)} columns, {SAMPLE_ROWS:,} sampled rows of 1 M",
        _classify_ours,
        _classify_theirs,
        "Presidio, each cell analysed (no-op NLP)",
        REPEAT,
        details=details,
    )


# --- adversarial input --------------------------------------------------------------------------------


def adversarial() -> dict[str, str]:
    """Inputs of about 1 MB (UTF-8) each, made to make patterns try and fail at every position."""

    def fill(piece: str) -> str:
        return piece * (ADVERSARIAL_BYTES // len(piece.encode()))

    return {
        "digits": fill("1234567890"),
        "@": fill("@"),
        ".": fill("."),
        ":": fill(":"),
        "letters": fill("abcdefABCDEF"),
        "1.": fill("1."),
        "a@": fill("a@b."),
        "杭州市": fill("杭州市"),
        "浙江省杭州市西湖区": fill("浙江省杭州市西湖区文三路"),
        "姓名": fill("姓名："),
        "王先生": fill("王先生"),
        "mixed": fill("身份证号1234567890123 住址杭州市西湖区 a@b.c 1.2.3 ::1: 姓名王"),
    }


def _presidio_adversarial(name: str) -> float | None:
    """Presidio on one input in a child process; None if it did not finish in time."""
    command = [sys.executable, "-m", "bench.bench_privacy", "adversarial", name]
    root = Path(__file__).parents[1]
    try:
        done = subprocess.run(command, capture_output=True, text=True, cwd=root, check=True, timeout=PRESIDIO_TIMEOUT)
    except subprocess.TimeoutExpired:
        return None
    seconds: float = json.loads(done.stdout.splitlines()[-1])["seconds"]
    return seconds


def _adversarial_case() -> Case:
    inputs = adversarial()
    ours: dict[str, list[float]] = {name: [] for name in inputs}

    def run() -> None:
        for name, text in inputs.items():
            start = time.perf_counter()
            detect(text)
            ours[name].append(time.perf_counter() - start)

    def details(result: Result) -> list[str]:
        table = Table(
            title=f"one input of {ADVERSARIAL_BYTES / 1e6:.0f} MB at a time; Presidio stopped after "
            f"{PRESIDIO_TIMEOUT} s"
        )
        for column in ("input", "ours (median)", "Presidio no-op (once)"):
            table.add_column(column)
        for name in inputs:
            theirs = _presidio_adversarial(name)
            table.add_row(
                name,
                f"{statistics.median(ours[name]):.2f} s",
                f"> {PRESIDIO_TIMEOUT} s" if theirs is None else f"{theirs:.2f} s",
            )
        return _rendered(table)

    return Case(f"adversarial inputs, {len(inputs)} × 1 MB", run, None, repeat=REPEAT, details=details)


def cases() -> list[Case]:
    return [*_detection_cases(), _column_case(), _adversarial_case()]


# --- child processes ----------------------------------------------------------------------------------


def _print_errors(kind: str | None) -> None:
    records = _records()
    for error in errors(records, _ours()):
        if kind is None or error.kind == kind:
            found = "nothing" if error.found is None else f"{error.found_kind} {error.found!r}"
            print(f"{error.kind}\texpected {error.expected!r}\tfound {found}\t{error.snippet}")


def _child(argv: list[str]) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuzheng.settings")
    django.setup()
    if argv[0] == "errors":
        _print_errors(argv[1] if len(argv) > 1 else None)
        return
    text = adversarial()[argv[1]]
    presidio = _presidio("no-op")
    start = time.perf_counter()
    presidio.detect(text)
    print(json.dumps({"seconds": time.perf_counter() - start}))


if __name__ == "__main__":
    _child(sys.argv[1:])
