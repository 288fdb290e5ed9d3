from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shuzheng.core import services, workdays
from shuzheng.core.workdays import CalendarUnknownError, WorkCalendar

D = datetime.date
KNOWN = WorkCalendar()


def test_national_day_2026_is_skipped() -> None:
    # 2026: Oct 1–7 off; Sat Oct 10 is an adjusted working day.
    assert KNOWN.add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert KNOWN.add_working_days(D(2026, 10, 9), 1) == D(2026, 10, 10)
    assert KNOWN.day(D(2026, 10, 10)).name == "国庆节调休上班"
    assert KNOWN.day(D(2026, 10, 1)).name == "国庆节"


def test_start_day_is_not_counted() -> None:
    friday = D(2026, 11, 27)
    assert KNOWN.add_working_days(friday, 0) == friday
    assert KNOWN.add_working_days(friday, 5) == D(2026, 12, 4)
    assert KNOWN.working_days_between(friday, D(2026, 12, 4)) == 5


def test_counting_backwards() -> None:
    assert KNOWN.add_working_days(D(2026, 10, 8), -1) == D(2026, 9, 30)
    assert KNOWN.working_days_between(D(2026, 10, 8), D(2026, 9, 30)) == -1


@settings(max_examples=300, deadline=None)
@given(
    start=st.dates(min_value=D(2004, 1, 1), max_value=D(2026, 6, 30)),
    days=st.integers(min_value=0, max_value=120),
)
def test_between_is_the_inverse_of_add(start: datetime.date, days: int) -> None:
    end = KNOWN.add_working_days(start, days)
    assert KNOWN.working_days_between(start, end) == days
    if days:
        assert KNOWN.is_workday(end)


def test_unknown_year_falls_back_to_weekdays_or_refuses() -> None:
    monday_2027 = D(2027, 3, 1)
    assert KNOWN.is_workday(monday_2027)
    assert KNOWN.day(monday_2027).source == "weekday"
    strict = WorkCalendar(weekend_fallback=False)
    with pytest.raises(CalendarUnknownError):
        strict.is_workday(monday_2027)
    with pytest.raises(CalendarUnknownError):
        strict.add_working_days(D(2026, 12, 30), 5)


def test_overrides_win_over_the_library() -> None:
    calendar = WorkCalendar({D(2026, 11, 30): (False, "地方调休")})
    assert not calendar.is_workday(D(2026, 11, 30))
    assert calendar.day(D(2026, 11, 30)).source == "override"


def test_spans_beyond_ten_years_are_refused() -> None:
    with pytest.raises(ValueError, match="beyond"):
        KNOWN.add_working_days(D(2020, 1, 1), 10_000)


def test_known_until_grows_with_entered_years() -> None:
    assert KNOWN.known_until() == D(2026, 12, 31)
    entered = WorkCalendar({D(2027, 1, 1): (False, "元旦")})
    assert entered.known_until() == D(2027, 12, 31)


@pytest.mark.django_db
def test_database_overrides_apply() -> None:
    services.calendar_day_set(date=D(2027, 1, 1), is_workday=False, name="元旦")
    assert not workdays.is_workday(D(2027, 1, 1))
    assert workdays.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    services.calendar_day_delete(date=D(2027, 1, 1))
    assert workdays.is_workday(D(2027, 1, 1))


@pytest.mark.django_db
def test_calendar_import_accepts_gb18030_and_chinese_headers() -> None:
    data = "日期,是否工作日,说明\n2027-02-08,否,春节\n2027-02-20,上班,春节调休上班\n".encode("gb18030")
    assert services.calendar_import(data=data) == 2
    assert not workdays.is_workday(D(2027, 2, 8))  # a Monday
    assert workdays.work_calendar().day(D(2027, 2, 20)).name == "春节调休上班"


@pytest.mark.django_db
def test_calendar_import_is_all_or_nothing() -> None:
    data = b"date,is_workday,name\n2027-05-01,0,labour\n2027-13-01,0,bad\n2027-05-02,maybe,\n"
    with pytest.raises(services.CalendarImportError) as caught:
        services.calendar_import(data=data)
    assert len(caught.value.problems) == 2
    assert "line 3" in caught.value.problems[0]
    assert "line 4" in caught.value.problems[1]
    assert workdays.is_workday(D(2027, 5, 3))
    assert not workdays.work_calendar().overrides


@pytest.mark.django_db
def test_calendar_import_refuses_a_wrong_header_and_binary() -> None:
    with pytest.raises(services.CalendarImportError, match="header"):
        services.calendar_import(data=b"day,off\n2027-01-01,1\n")
    with pytest.raises(services.CalendarImportError, match="UTF-8"):
        services.calendar_import(data=b"\xff\xfe\x00\x81\x30\xff")


@settings(max_examples=300, deadline=None)
@given(
    start=st.dates(min_value=D(2000, 1, 1), max_value=D(2030, 12, 31)),
    span=st.integers(min_value=-800, max_value=800),
)
def test_arithmetic_count_agrees_with_walking_day_by_day(start: datetime.date, span: int) -> None:
    calendar = WorkCalendar({D(2027, 1, 1): (False, "元旦"), D(2027, 2, 20): (True, "调休")})
    end = start + datetime.timedelta(days=span)
    low, high = min(start, end), max(start, end)
    walked = sum(calendar.is_workday(low + datetime.timedelta(days=i)) for i in range(1, (high - low).days + 1))
    assert calendar.working_days_between(start, end) == (walked if end >= start else -walked)


def test_covers_only_years_with_a_schedule() -> None:
    assert KNOWN.covers(D(2004, 1, 1), D(2026, 12, 31))
    assert not KNOWN.covers(D(2003, 12, 31), D(2026, 1, 1))
    assert not KNOWN.covers(D(2026, 12, 1), D(2027, 1, 4))
    assert WorkCalendar({D(2027, 1, 1): (False, "元旦")}).covers(D(2026, 12, 1), D(2027, 1, 4))
