"""System checks that tell an operator what the platform cannot know by itself."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Tags, Warning, register
from django.db import DatabaseError
from django.utils import timezone

# Warn this long before the calendar runs out: time limits of 60 working days
# reach about three months ahead.
CALENDAR_HORIZON = datetime.timedelta(days=90)


@register(Tags.database)
def calendar_horizon_check(
    app_configs: Sequence[AppConfig] | None = None, databases: Sequence[str] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """Warn when deadlines soon fall in a year whose holidays nobody entered."""
    if not databases:
        return []
    from shuzheng.core.workdays import work_calendar

    try:
        known_until = work_calendar().known_until()
    except DatabaseError:  # not migrated yet; migrate runs checks before it
        return []
    horizon = timezone.localdate() + CALENDAR_HORIZON
    if known_until >= horizon:
        return []
    return [
        Warning(
            f"The official holiday schedule is known only until {known_until}; working days after it "
            "count Monday to Friday.",
            hint="Enter the next year's schedule as calendar days (admin, or `shuzheng calendar-import FILE`).",
            id="shuzheng.W001",
        )
    ]
