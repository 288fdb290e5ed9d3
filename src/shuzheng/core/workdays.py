"""Working days on the Chinese official holiday schedule.

Legal and promised time limits of government services are counted in working
days (工作日): weekends are rest days except the adjusted working weekends
(调休上班), and official holidays are rest days. The schedule comes from the
chinese-calendar library, overridden date by date by the deployment's own
``CalendarDay`` rows, which is how a year the library does not know yet is
entered.

The day a period starts from is not counted (民法典 art. 201): five working
days after a Friday acceptance ends on the next Friday.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

import chinese_calendar
from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# The library names holidays in English; these are the official names.
_HOLIDAY_NAMES: dict[str, Promise] = {
    "New Year's Day": _("元旦"),
    "Spring Festival": _("春节"),
    "Tomb-sweeping Day": _("清明节"),
    "Labour Day": _("劳动节"),
    "Dragon Boat Festival": _("端午节"),
    "National Day": _("国庆节"),
    "Mid-autumn Festival": _("中秋节"),
    "Anti-Fascist 70th Day": _("中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日"),
}
_LIBRARY_YEARS = range(
    min(chinese_calendar.holidays).year,
    max(max(chinese_calendar.holidays), max(chinese_calendar.workdays)).year + 1,
)
_LIBRARY_SPECIAL_DAYS = frozenset(chinese_calendar.holidays) | frozenset(chinese_calendar.workdays)
# A limit longer than this is a data error (a legal limit is at most months).
MAX_WORKING_DAYS = 3660


class CalendarUnknownError(LookupError):
    """The schedule of a date's year is neither in the library nor entered."""

    def __init__(self, day: datetime.date) -> None:
        self.day = day
        super().__init__(f"no official holiday schedule for {day.year}; enter it as calendar days")


@dataclass(frozen=True, slots=True)
class DayInfo:
    date: datetime.date
    is_workday: bool
    name: str  # holiday or adjusted-workday name, "" for an ordinary day
    source: str  # "override", "library" or "weekday"


@dataclass(frozen=True)
class WorkCalendar:
    """The calendar at one moment: the library plus the deployment's overrides.

    Build one with :func:`work_calendar` and reuse it for many dates; the
    module-level functions build a fresh one per call.
    """

    overrides: Mapping[datetime.date, tuple[bool, str]] = field(default_factory=dict)
    weekend_fallback: bool = True

    def day(self, day: datetime.date) -> DayInfo:
        if day in self.overrides:
            is_workday, name = self.overrides[day]
            return DayInfo(day, is_workday, name, "override")
        if day.year in _LIBRARY_YEARS:
            if day in chinese_calendar.workdays:
                return DayInfo(day, True, _adjusted_name(chinese_calendar.workdays[day]), "library")
            if day in chinese_calendar.holidays:
                return DayInfo(day, False, _holiday_name(chinese_calendar.holidays[day]), "library")
            return DayInfo(day, day.weekday() < 5, "", "library")
        if not self.weekend_fallback:
            raise CalendarUnknownError(day)
        return DayInfo(day, day.weekday() < 5, "", "weekday")

    def is_workday(self, day: datetime.date) -> bool:
        # The hot path of every deadline: plain lookups, no DayInfo built.
        entry = self.overrides.get(day)
        if entry is not None:
            return entry[0]
        if day.year in _LIBRARY_YEARS:
            if day in chinese_calendar.workdays:
                return True
            if day in chinese_calendar.holidays:
                return False
        elif not self.weekend_fallback:
            raise CalendarUnknownError(day)
        return day.weekday() < 5

    def add_working_days(self, start: datetime.date, days: int) -> datetime.date:
        """The date ``days`` working days after ``start`` (before, if negative).

        ``start`` itself is not counted, so zero days gives ``start`` back.
        """
        _check_span(days)
        step = datetime.timedelta(days=1 if days >= 0 else -1)
        remaining = abs(days)
        current = start
        try:
            while remaining:
                current += step
                if self.is_workday(current):
                    remaining -= 1
        except OverflowError:
            raise ValueError("the result lies beyond the years 1–9999") from None
        return current

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after ``start`` up to and including ``end``.

        Negative when ``end`` is before ``start``; the inverse of
        :meth:`add_working_days` whenever ``end`` is a working day. Counts
        weekdays arithmetically and corrects only the special days, so a span
        of decades costs no more than a span of weeks.
        """
        if end < start:
            return -self.working_days_between(end, start)
        if not self.weekend_fallback:
            for year in range(start.year, end.year + 1):
                if not self._year_known(year):
                    raise CalendarUnknownError(max(start, datetime.date(year, 1, 1)))
        count = _weekdays_after(start, end)
        for day in self._special_days(start, end):
            count += int(self.is_workday(day)) - int(day.weekday() < 5)
        return count

    def covers(self, first: datetime.date, last: datetime.date) -> bool:
        """Whether every year from ``first`` to ``last`` has an official schedule."""
        low, high = min(first, last), max(first, last)
        return all(self._year_known(year) for year in range(low.year, high.year + 1))

    def _year_known(self, year: int) -> bool:
        return year in _LIBRARY_YEARS or year in self._entered_years

    @cached_property
    def _entered_years(self) -> frozenset[int]:
        return frozenset(day.year for day in self.overrides)

    def _special_days(self, start: datetime.date, end: datetime.date) -> set[datetime.date]:
        """Dates in (start, end] whose status may differ from their weekday's."""
        days = {day for day in self.overrides if start < day <= end}
        if start.year <= _LIBRARY_YEARS[-1] and end.year >= _LIBRARY_YEARS[0]:
            days.update(day for day in _LIBRARY_SPECIAL_DAYS if start < day <= end)
        return days

    def known_until(self) -> datetime.date:
        """The last date of the unbroken run of official years from the library's."""
        year = _LIBRARY_YEARS[-1]
        while self._year_known(year + 1):
            year += 1
        return datetime.date(year, 12, 31)


def _weekdays_after(start: datetime.date, end: datetime.date) -> int:
    """Monday-to-Friday dates in (start, end]."""
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    weekday = start.weekday()
    for offset in range(1, rest + 1):
        if (weekday + offset) % 7 < 5:
            count += 1
    return count


def _check_span(days: int) -> None:
    if abs(days) > MAX_WORKING_DAYS:
        raise ValueError(f"a span of {days} days is beyond {MAX_WORKING_DAYS}")


def _holiday_name(library_name: str) -> str:
    return str(_HOLIDAY_NAMES.get(library_name, library_name))


def _adjusted_name(library_name: str) -> str:
    return str(_("%(holiday)s调休上班") % {"holiday": _holiday_name(library_name)})


def work_calendar() -> WorkCalendar:
    """The calendar with the deployment's current overrides (one query)."""
    from shuzheng.core.models import CalendarDay

    overrides = {row.date: (row.is_workday, row.name) for row in CalendarDay.objects.only("date", "is_workday", "name")}
    return WorkCalendar(overrides, settings.SHUZHENG_CALENDAR_WEEKEND_FALLBACK)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    return work_calendar().add_working_days(start, days)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    return work_calendar().working_days_between(start, end)


def is_workday(day: datetime.date) -> bool:
    return work_calendar().is_workday(day)
