"""In and Out schemas of the catalog API."""

from __future__ import annotations

import datetime

from ninja import Field, Schema

from shuzheng.catalog.choices import (
    DatasetStatus,
    FieldType,
    Grade,
    NationalLevel,
    OpenType,
    ResourceFormat,
    ShareType,
    Theme,
    UpdateFrequency,
)


class FieldIn(Schema):
    name: str = Field(min_length=1, max_length=64, description="字段名：小写字母开头，字母、数字、下划线")
    label: str = Field(min_length=1, max_length=64)
    data_type: FieldType
    unit: str = Field("", max_length=16)
    data_element: str = Field("", max_length=64, description="标准数据元标识")
    identifies_person: bool = False
    grade: Grade


class DatasetIn(Schema):
    title: str = Field(min_length=2, max_length=128)
    description: str = Field(min_length=1, max_length=4000)
    theme: Theme
    keywords: list[str] = Field(default_factory=list, max_length=20)
    update_frequency: UpdateFrequency
    spatial: str = Field(pattern=r"^\d{6}$", description="空间范围的行政区划代码")
    temporal_start: datetime.date | None = None
    temporal_end: datetime.date | None = None
    contact_name: str = Field(min_length=1, max_length=64)
    contact_phone: str = Field("", max_length=32)
    contact_email: str = Field("", max_length=254)
    legal_basis: str = Field("", max_length=2000)
    grade: Grade
    national_level: NationalLevel = NationalLevel.GENERAL
    share_type: ShareType
    share_basis: str = Field("", max_length=2000)
    share_refusal_reason: str = Field("", max_length=2000)
    open_type: OpenType
    fields: list[FieldIn] = Field(min_length=1, max_length=300)


class ReviewIn(Schema):
    approve: bool
    note: str = Field("", max_length=2000)


class FieldOut(Schema):
    name: str
    label: str
    data_type: FieldType
    unit: str
    data_element: str
    identifies_person: bool
    grade: Grade


class DatasetOut(Schema):
    code: str
    name: str
    organisation: str = Field(alias="organisation.name")
    title: str
    description: str
    theme: Theme
    keywords: list[str]
    update_frequency: UpdateFrequency
    spatial: str = Field(alias="spatial_id")
    temporal_start: datetime.date | None
    temporal_end: datetime.date | None
    grade: Grade
    national_level: NationalLevel
    share_type: ShareType
    open_type: OpenType
    status: DatasetStatus
    version: int
    updated_at: datetime.datetime
    published_at: datetime.datetime | None
    review_note: str
    fields: list[FieldOut]


class DatasetSummaryOut(Schema):
    code: str
    title: str
    organisation: str = Field(alias="organisation.name")
    grade: Grade
    share_type: ShareType
    open_type: OpenType
    status: DatasetStatus
    version: int
    updated_at: datetime.datetime


class VersionOut(Schema):
    number: int
    status: DatasetStatus
    changed_by: str | None = Field(None, alias="changed_by.username")
    changed_at: datetime.datetime
    note: str


class ChangeOut(Schema):
    path: str
    before: object | None
    after: object | None


class ResourceOut(Schema):
    key: str
    name: str
    format: ResourceFormat
    size: int | None
    checksum: str
    row_count: int | None
