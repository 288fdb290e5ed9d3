"""Deadline arithmetic: our calendar against chinese-calendar's own search.

Input: 2 000 working-day start dates in 2024–2026 and a 20-working-day
limit (the 行政许可法 art. 42 default). For a start that is itself a working
day, ``find_workday(20, start)`` and our ``add_working_days(start, 20)`` name
the same date, which the benchmark checks before timing.
"""

from __future__ import annotations

import datetime
import random

import chinese_calendar

from bench.harness import Case
from shuzheng.core.workdays import WorkCalendar

LIMIT = 20


def _starts(count: int) -> list[datetime.date]:
    rng = random.Random(2350)
    first = datetime.date(2024, 1, 1)
    starts: list[datetime.date] = []
    while len(starts) < count:
        day = first + datetime.timedelta(days=rng.randrange(0, 3 * 365 - 40))
        if chinese_calendar.is_workday(day):
            starts.append(day)
    return starts


def cases() -> list[Case]:
    starts = _starts(2_000)
    calendar = WorkCalendar()
    ours = [calendar.add_working_days(day, LIMIT) for day in starts]
    peer = [chinese_calendar.find_workday(LIMIT, day) for day in starts]
    if ours != peer:
        raise AssertionError("add_working_days disagrees with chinese_calendar.find_workday")
    return [
        Case(
            name="20-working-day deadline, 2k starts",
            ours=lambda: [calendar.add_working_days(day, LIMIT) for day in starts],
            peer=lambda: [chinese_calendar.find_workday(LIMIT, day) for day in starts],
            peer_name="chinese-calendar find_workday",
            target="ratio ≤ 1.5",
        )
    ]
