"""In and Out schemas of the core API."""

from __future__ import annotations

import datetime

from ninja import Field, Schema

from shuzheng.core.choices import IdentifierKind, RegionLevel
from shuzheng.core.workdays import MAX_WORKING_DAYS


class RegionOut(Schema):
    code: str = Field(description="六位行政区划代码（GB/T 2260）")
    name: str
    level: RegionLevel
    parent: str | None = Field(None, alias="parent_id")
    valid_from: int | None = Field(None, description="启用年份")
    valid_to: int | None = Field(None, description="停用年份；为空表示现行")
    is_current: bool
    is_aggregate: bool = Field(description="统计汇总码（如“市辖区”），不是独立的行政单位")


class RegionFilter(Schema):
    parent: str | None = Field(None, pattern=r"^\d{6}$", description="上级区划代码")
    level: RegionLevel | None = None
    include_historical: bool = False


class IdentifierCheckIn(Schema):
    kind: IdentifierKind
    value: str = Field(min_length=1, max_length=64)


class IdentifierErrorOut(Schema):
    code: str
    detail: str


class IdentifierCheckOut(Schema):
    kind: IdentifierKind
    valid: bool
    normalized: str
    details: dict[str, str]
    errors: list[IdentifierErrorOut]
    warnings: list[str]


class WorkdayAddQuery(Schema):
    start: datetime.date
    days: int = Field(ge=-MAX_WORKING_DAYS, le=MAX_WORKING_DAYS, description="工作日数；负数表示向前推算")


class WorkdayAddOut(Schema):
    start: datetime.date
    days: int
    result: datetime.date
    official: bool = Field(description="所涉年份是否都有已公布（或已录入）的节假日安排；否则按周一至周五计算")


class WorkdaysBetweenQuery(Schema):
    start: datetime.date
    end: datetime.date


class WorkdaysBetweenOut(Schema):
    start: datetime.date
    end: datetime.date
    working_days: int
    official: bool = Field(description="所涉年份是否都有已公布（或已录入）的节假日安排；否则按周一至周五计算")
