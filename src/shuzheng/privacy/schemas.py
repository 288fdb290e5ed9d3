"""In and Out schemas of the privacy API. Out schemas never echo the text that was sent."""

from __future__ import annotations

import datetime
from typing import Any

from ninja import Field, Schema

from shuzheng.privacy.choices import Channel

GRADES = "安全级别 L1–L4：按该级别的脱敏策略处理"


class DetectIn(Schema):
    text: str = Field(description="待识别的文本（不会被记录到日志或审计）")
    kinds: list[str] | None = Field(None, max_length=20, description="只识别这些类型；不填则全部")
    min_confidence: float = Field(0.5, ge=0, le=1)


class FindingOut(Schema):
    kind: str
    label: str
    start: int = Field(description="在原文中的起始位置（按字符计）")
    end: int
    confidence: float


class DetectOut(Schema):
    findings: list[FindingOut]
    counts: dict[str, int]


class MaskIn(Schema):
    text: str | None = Field(None, description="待脱敏的文本；与 records 二选一")
    records: list[dict[str, Any]] | None = Field(None, max_length=1000, description="待脱敏的记录")
    kinds: dict[str, str] = Field(default_factory=dict, description="records 中各字段的个人信息类型")
    channel: Channel = Channel.DISPLAY
    grade: str = Field("L3", pattern="^L[1-4]$", description=GRADES)
    purpose: str = Field("", max_length=64)


class MaskOut(Schema):
    text: str | None = None
    records: list[dict[str, Any]] | None = None
    counts: dict[str, int] = Field(default_factory=dict)


class KindOut(Schema):
    kind: str
    label: str
    grade: str
    personal: bool


class ReleaseCheckBriefOut(Schema):
    checked_at: datetime.datetime
    passed: bool
    k: int


class DatasetReviewOut(Schema):
    """One dataset as a security assessment reads it (数据安全核查)."""

    code: str = Field(alias="dataset.code")
    title: str = Field(alias="dataset.title")
    organisation: str = Field(alias="dataset.organisation.name")
    grade: str = Field(alias="dataset.grade", description="声明的安全级别")
    implied: str = Field(description="所含个人信息要求的安全级别")
    personal: dict[str, str] = Field(description="字段 → 个人信息类型")
    under_graded: list[str] = Field(description="安全级别低于所含个人信息要求的字段")
    dataset_under_graded: bool
    classified: bool = Field(description="是否已做个人信息识别")
    pending: int = Field(description="待确认的识别建议")
    open_type: str = Field(alias="dataset.open_type")
    check: ReleaseCheckBriefOut | None = Field(None, description="最近一次发布核查")
    check_wanted: bool = Field(description="开放含个人信息的数据而最近核查未通过或没有核查")
    releases: int = Field(description="带水印提供的次数")
    findings: int = Field(description="待处理的问题数")
