"""The sharing API under load, against a bare endpoint doing the same point query.

gunicorn (2 processes × 4 threads) serves the platform on PostgreSQL with Redis for the rate
counters, and a Celery worker seals the call log; the warehouse holds a million people
(bench/sharing/world.py). wrk, from a process of its own, keeps 8 connections busy for 10 s per
run; runs alternate between our operation and the bare endpoint, five each after a warm-up. The
table's times are seconds per request (1 / req/s); the lines below it give req/s and the
50th/95th/99th percentile latencies.

The bare endpoint (bench/sharing/urls.py) is a django-ninja operation with no authentication that
looks the key up through the same warehouse index and returns every field. The governed lookup
adds the token, the grant (fields, rows, period, rate and daily quota), masking by the privacy
engine and the call record: one INSERT, committed before the answer so that no record is ever
lost, then chained and signed in batches by the worker, off the request's path (each server
process queues the sealing at most once a second, without asking anyone). wrk closes one
connection in twenty (bench/sharing/load.py) so that the two server processes share the load.
"""

from __future__ import annotations

import atexit
import statistics
from collections import defaultdict

from bench.harness import Case, Result, Seconds
from bench.sharing.load import Run, Server

SECONDS = 10
_server: Server | None = None
_runs: dict[str, list[Run]] = defaultdict(list)


def _started() -> Server:
    global _server
    if _server is None:
        _server = Server()
        atexit.register(_server.stop)
    return _server


def _runner(operation: str, against: str = "") -> Seconds:
    """One load run; the bare endpoint's runs are kept per case they were compared in."""
    kept = f"bare for {against}" if against else operation
    run = _started().load(operation, SECONDS, warming=not _runs[kept])
    _runs[kept].append(run)
    return Seconds(1 / run.rate)


def _summary(operation: str) -> tuple[float, float, float, float]:
    runs = _runs[operation][1:] or _runs[operation]  # the first run of each warmed the caches
    return (
        statistics.median(run.rate for run in runs),
        statistics.median(run.p50 for run in runs),
        statistics.median(run.p95 for run in runs),
        statistics.median(run.p99 for run in runs),
    )


def _details(operation: str) -> object:
    def lines(result: Result) -> list[str]:
        ours, bare = _summary(operation), _summary(f"bare for {operation}")
        out = [
            f"{name}: {rate:,.0f} req/s, p50 {p50 * 1e3:.1f} ms, p95 {p95 * 1e3:.1f} ms, p99 {p99 * 1e3:.1f} ms"
            for name, (rate, p50, p95, p99) in ((operation, ours), ("bare", bare))
        ]
        rate, p99 = ours[0] / bare[0], ours[3] / bare[3]
        out.append(f"req/s ratio {rate:.2f} (target ≥ 0.7 for lookup); p99 ratio {p99:.2f} (target ≤ 1.5)")
        return out

    return lines


def cases() -> list[Case]:
    return [
        Case(
            f"sharing {operation} over HTTP, 8 connections",
            lambda operation=operation: _runner(operation),  # type: ignore[misc]
            lambda operation=operation: _runner("bare", against=operation),  # type: ignore[misc]
            peer_name="bare ninja endpoint, same lookup",
            repeat=5,
            target=target,
            details=_details(operation),  # type: ignore[arg-type]
        )
        for operation, target in (("lookup", "ratio ≤ 1.43 (≥ 0.7× req/s), p99 ≤ 1.5×"), ("verify", ""), ("batch", ""))
    ]
