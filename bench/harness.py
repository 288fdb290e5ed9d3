"""What a benchmark file provides, and how the runner measures it.

A file ``bench/bench_<topic>.py`` defines ``cases() -> list[Case]``. Each case
runs our code and a named peer on the same input; the runner times both in
the same process, interleaved, and reports medians and their ratio. These
machines are small and noisy: read the medians and ratios, not single runs.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


class Seconds(float):
    """What a case's function returns when it times itself (a load run against a server): the
    seconds per operation it measured, used instead of the call's own duration."""


@dataclass(frozen=True)
class Case:
    name: str  # what is measured, e.g. "ID number validation, 10k numbers"
    ours: Callable[[], object]
    peer: Callable[[], object] | None  # None when nothing comparable exists
    peer_name: str = ""
    repeat: int = 7
    target: str = ""  # the target, e.g. "ratio ≤ 1.5"
    warm_up: bool = True  # False for runs that start a fresh process each time: nothing to warm
    details: Callable[[Result], list[str]] | None = None  # lines printed under the table


@dataclass(frozen=True)
class Result:
    case: Case
    ours_median: float
    peer_median: float | None

    @property
    def ratio(self) -> float | None:
        if self.peer_median is None or self.peer_median == 0:
            return None
        return self.ours_median / self.peer_median


def measure(case: Case) -> Result:
    """Time ours and the peer alternately so drift hits both alike."""
    ours_times: list[float] = []
    peer_times: list[float] = []
    if case.warm_up:  # warm caches once, outside the timings
        case.ours()
        if case.peer is not None:
            case.peer()
    for _ in range(case.repeat):
        ours_times.append(_time(case.ours))
        if case.peer is not None:
            peer_times.append(_time(case.peer))
    return Result(case, statistics.median(ours_times), statistics.median(peer_times) if peer_times else None)


def _time(function: Callable[[], object]) -> float:
    start = time.perf_counter()
    measured = function()
    return float(measured) if isinstance(measured, Seconds) else time.perf_counter() - start
