"""In and Out schemas of the sharing API. Keys travel in request bodies, never in URLs, so that
access logs hold no ID numbers."""

from __future__ import annotations

import datetime
from typing import Any

from ninja import Field, Schema


class LookupIn(Schema):
    field: str = Field(max_length=64, description="按哪个字段查询（须在授权字段内），如 id_number")
    value: str = Field(min_length=1, max_length=64, description="键值，如身份证号码或统一社会信用代码")


class BatchIn(Schema):
    field: str = Field(max_length=64)
    values: list[str] = Field(min_length=1, description="键值列表，全部有权才返回，否则整批拒绝")


class QueryIn(Schema):
    filters: dict[str, str] = Field(default_factory=dict, description="字段 = 取值，均须在授权字段和数据范围内")
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(20, ge=1)


class VerifyIn(Schema):
    values: dict[str, str] = Field(min_length=1, description="待核验的字段和取值，如姓名和身份证号码")


class RecordsOut(Schema):
    records: list[dict[str, Any]]


class PageOut(Schema):
    total: int
    page: int
    records: list[dict[str, Any]]


class VerifyOut(Schema):
    match: bool = Field(description="是否有一条记录与提交的全部取值一致；不返回任何数据")


class KeyOut(Schema):
    algorithm: str
    key_id: str
    public_key: str


class GrantOut(Schema):
    id: int
    dataset: str = Field(alias="dataset.code")
    title: str = Field(alias="dataset.title")
    fields: list[str]
    row_filter: dict[str, list[str]]
    purpose: str
    valid_from: datetime.date
    valid_until: datetime.date
    rate_per_minute: int
    daily_quota: int
    status: str
