"""`make bench`: run every bench/bench_*.py and print one table.

`python -m bench identifiers` runs only the files whose name contains
"identifiers". Benchmarks never run inside `make test`.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

import django
from rich.console import Console
from rich.table import Table

from bench.harness import Result, measure


def _seconds(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 1e-3:
        return f"{value * 1e6:.0f} µs"
    if value < 1:
        return f"{value * 1e3:.1f} ms"
    return f"{value:.2f} s"


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuzheng.settings")
    django.setup()
    console = Console(width=None if sys.stdout.isatty() else 140)
    files = sorted(Path(__file__).parent.glob("bench_*.py"))
    files = [path for path in files if not argv or any(word in path.stem for word in argv)]
    if not files:
        console.print("no benchmarks found")
        return 0
    table = Table(title="shuzheng benchmarks (medians; ratio = ours / peer, lower is better)")
    for column in ("benchmark", "ours", "peer", "peer median", "ratio", "target"):
        table.add_column(column)
    results: list[Result] = []
    for path in files:
        module = importlib.import_module(f"bench.{path.stem}")
        for case in module.cases():
            console.print(f"running {path.stem}: {case.name} …")
            result = measure(case)
            results.append(result)
            table.add_row(
                case.name,
                _seconds(result.ours_median),
                case.peer_name or "—",
                _seconds(result.peer_median),
                f"{result.ratio:.2f}" if result.ratio is not None else "—",
                case.target or "—",
            )
    console.print(table)
    for result in results:
        if result.case.details is not None:
            console.print(f"{result.case.name} — {result.case.peer_name or 'ours'}:")
            for line in result.case.details(result):
                console.print(f"  {line}", highlight=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
