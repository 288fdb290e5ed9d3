"""One-stop services on PostgreSQL: applications submitted and cases moved through their steps by
our services, against the same rows written plainly in the same run.

The benchmark has a database of its own, created and migrated on the first run (later runs apply
only new migrations), and measures in a process of its own on it (bench/eservices/): this process
keeps the default settings. There, Celery runs tasks in the process and no external notification
channel is configured, so nothing waits on a worker; the world is 杭州市人力资源和社会保障局, its
case officer, twenty citizens and an item that needs no upload (bench/eservices/world.py).

Submissions: 300 applications, each one ``case_submit`` call under its own Idempotency-Key, without
a pledge — the key claimed in a transaction of its own, then the form checked against the item's
JSON Schema, the case inserted and numbered, its history row, the in-site message to the
applicant, the audit record and the key's link to the case in one transaction. The peer writes the
same three rows — the case already submitted and numbered, its history row, the key — with the
same field values through the same ORM, one transaction per application, and checks nothing.

Transitions: 300 steps, 75 cases each accepted and approved three times to their end with
``case_act`` at the revision the official saw — the official's roles read and checked against the
case as the view read it, the update conditional on the revision, the history row, the message and
the audit record, in one transaction. The peer, per step, updates the case where its key and
revision match (status, step, revision and the dates or result the step sets, worked out once
beforehand) and inserts the history row, in one transaction. The issue's target: ours at least a
quarter of the peer's rate.

Both peers do the least any implementation must — the same rows with the same values, one
transaction per operation (ours takes two per submission: the key is claimed and committed first),
through the same ORM — so they are a floor, and the ratio is what validation, permission checks,
optimistic locking, the audit chain and notification cost. The table gives seconds per operation
(medians of three runs, after a warm-up run each); the lines below it give operations per second.
"""

from __future__ import annotations

import atexit
import json
import statistics
import subprocess
import sys
from collections import defaultdict
from collections.abc import Callable
from typing import IO

from bench.eservices.runs import COUNT
from bench.eservices.world import prepare
from bench.harness import Case, Result, Seconds

TARGET = 0.25  # transitions/s: ours at least this share of the peer's


class _Process:
    """The measuring process (python -m bench.eservices.runs), started once for both cases."""

    def __init__(self) -> None:
        env = prepare()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.eservices.runs"],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self._answer()

    def _answer(self) -> dict[str, float]:
        stdout: IO[str] | None = self.process.stdout
        assert stdout is not None
        line = stdout.readline()
        if not line:
            raise RuntimeError("the measuring process ended; its error is above")
        answer: dict[str, float] = json.loads(line)
        return answer

    def run(self, what: str, side: str) -> float:
        """Seconds per operation in one run."""
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"what": what, "side": side, "count": COUNT}) + "\n")
        self.process.stdin.flush()
        answer = self._answer()
        return answer["seconds"] / answer["count"]

    def stop(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=60)


_process: _Process | None = None
_runs: dict[tuple[str, str], list[float]] = defaultdict(list)


def _runner(what: str, side: str) -> Seconds:
    global _process
    if _process is None:
        _process = _Process()
        atexit.register(_process.stop)
    seconds = _process.run(what, side)
    _runs[what, side].append(seconds)
    return Seconds(seconds)


def _rates(what: str, side: str) -> list[float]:
    runs = _runs[what, side][1:]  # the first warmed the process up
    return [1 / seconds for seconds in runs]


def _details(what: str, unit: str, target: float | None) -> Callable[[Result], list[str]]:
    def lines(result: Result) -> list[str]:
        ours, peer = _rates(what, "ours"), _rates(what, "peer")
        out = [
            f"{side}: {statistics.median(rates):,.0f} {unit}/s (runs: {', '.join(f'{rate:,.0f}' for rate in rates)})"
            for side, rates in (("ours", ours), ("peer", peer))
        ]
        share = statistics.median(ours) / statistics.median(peer)
        line = f"ours/peer: {share:.2f}× the plain rate (time ratio {1 / share:.2f})"
        if target is not None:
            line += f"; target ≥ {target}× — {'met' if share >= target else 'missed'}"
        out.append(line)
        return out

    return lines


def cases() -> list[Case]:
    return [
        Case(
            f"case submissions, {COUNT} with Idempotency-Key",
            lambda: _runner("submit", "ours"),
            lambda: _runner("submit", "peer"),
            peer_name="plain inserts: case, history, key",
            repeat=3,
            details=_details("submit", "submissions", None),
        ),
        Case(
            f"step transitions, {COUNT} (accept → approve ×3)",
            lambda: _runner("act", "ours"),
            lambda: _runner("act", "peer"),
            peer_name="plain update at revision + history insert",
            repeat=3,
            target=f"ratio ≤ {1 / TARGET:.0f} (≥ {TARGET}× transitions/s)",
            details=_details("act", "transitions", TARGET),
        ),
    ]
