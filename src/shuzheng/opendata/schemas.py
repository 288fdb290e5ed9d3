"""In and Out schemas of the open-data API (restricted-opening applications and data)."""

from __future__ import annotations

import datetime
from typing import Any

from ninja import Field, Schema

from shuzheng.opendata.choices import ApplicationStatus, Treatment


class ApplicationIn(Schema):
    dataset: str = Field(min_length=1, max_length=64, description="数据资源的英文标识（name）")
    purpose: str = Field(max_length=2000, description="使用目的")
    scenario: str = Field(max_length=2000, description="应用场景")
    security_measures: str = Field(max_length=2000, description="数据安全保障措施")
    fields: list[str] = Field(default_factory=list, max_length=200, description="申请的字段名；空表示全部可申请字段")
    days: int = Field(ge=1, le=3660, description="申请使用期限（天）")
    agreed: bool = Field(description="已阅读并同意数据使用协议")
    signed_name: str = Field(max_length=64, description="签署人姓名，须与账号实名一致")
    legal_person: int | None = Field(None, description="代表单位申请时，单位的编号")


class DecisionIn(Schema):
    approve: bool
    reason: str = Field("", max_length=2000)


class TerminateIn(Schema):
    reason: str = Field(max_length=2000)


class ReportIn(Schema):
    summary: str = Field(max_length=5000, description="使用情况")
    outcomes: str = Field("", max_length=5000, description="应用成果")


class ReportOut(Schema):
    submitted_at: datetime.datetime
    summary: str
    outcomes: str


class ApplicationOut(Schema):
    number: str
    dataset: str = Field(alias="dataset.name")
    dataset_title: str = Field(alias="dataset.title")
    organisation: str = Field(alias="organisation.name")
    applicant: str = Field(alias="applicant.name")
    purpose: str
    scenario: str
    security_measures: str
    fields: list[str]
    days: int
    agreement_version: str
    signed_at: datetime.datetime
    status: ApplicationStatus
    submitted_at: datetime.datetime
    due_on: datetime.date
    decided_at: datetime.datetime | None
    decision_reason: str
    valid_until: datetime.datetime | None


class KeyOut(Schema):
    key: str = Field(description="访问密钥，仅显示这一次")
    expires_at: datetime.datetime


class ColumnOut(Schema):
    name: str
    label: str
    type: str
    treatment: Treatment


class RowsOut(Schema):
    dataset: str
    application: str
    total: int
    offset: int
    limit: int
    columns: list[ColumnOut]
    rows: list[dict[str, Any]]


class RowsQuery(Schema):
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0)
