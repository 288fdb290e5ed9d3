"""Core API: reference data every client needs (regions, identifiers, working days)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Query, Router

from shuzheng.core import identifiers, selectors, workdays
from shuzheng.core.errors import Problem, field_problem
from shuzheng.core.models import Region
from shuzheng.core.schemas import (
    IdentifierCheckIn,
    IdentifierCheckOut,
    RegionFilter,
    RegionOut,
    WorkdayAddOut,
    WorkdayAddQuery,
    WorkdaysBetweenOut,
    WorkdaysBetweenQuery,
)

# Reference data and calculators anyone may use: public by design.
router = Router(tags=["core"], auth=None)


@router.get("/regions", response=list[RegionOut], summary="行政区划列表")
def region_list(request: HttpRequest, filters: Query[RegionFilter]) -> list[Region]:
    return list(
        selectors.region_list(parent=filters.parent, level=filters.level, include_historical=filters.include_historical)
    )


@router.get("/regions/{code}", response=RegionOut, summary="查询行政区划（含历史代码）")
def region_detail(request: HttpRequest, code: str) -> Region:
    region = selectors.region_get(code=code)
    if region is None:
        raise Problem(404, gettext("没有代码为 %(code)s 的行政区划") % {"code": code})
    return region


@router.post("/identifiers/check", response=IdentifierCheckOut, summary="校验证件号码与代码")
def identifier_check(request: HttpRequest, payload: IdentifierCheckIn) -> identifiers.CheckResult:
    return identifiers.check(payload.kind, payload.value)


@router.get("/workdays/add", response=WorkdayAddOut, summary="按工作日推算日期")
def workday_add(request: HttpRequest, query: Query[WorkdayAddQuery]) -> WorkdayAddOut:
    calendar = workdays.work_calendar()
    try:
        result = calendar.add_working_days(query.start, query.days)
    except ValueError:
        raise field_problem("days", gettext("推算结果超出日期范围"), code="out_of_range", location="query") from None
    return WorkdayAddOut(
        start=query.start, days=query.days, result=result, official=calendar.covers(query.start, result)
    )


@router.get("/workdays/between", response=WorkdaysBetweenOut, summary="计算两日期之间的工作日数")
def workdays_between(request: HttpRequest, query: Query[WorkdaysBetweenQuery]) -> WorkdaysBetweenOut:
    calendar = workdays.work_calendar()
    count = calendar.working_days_between(query.start, query.end)
    return WorkdaysBetweenOut(
        start=query.start, end=query.end, working_days=count, official=calendar.covers(query.start, query.end)
    )
