"""In and Out schemas of the quality API: checks and their failing rows, scores, tickets."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from shuzheng.quality.choices import RunStatus, Severity, TicketEvent, TicketSource, TicketStatus
from shuzheng.quality.registry import rule_types
from shuzheng.quality.ruleset import DESCRIPTION_LENGTH, MAX_TEXT

RULE_TYPES_HELP = (
    "规则类型代码：not_null、not_blank（完整性）；regex（params.pattern）、enum（params.values）、"
    "range（params.min/max）、date_format（params.format）、resident_id、uscc、region_code、mobile（有效性）；"
    "unique（唯一性，可多字段）；id_agrees（params.birth_date/sex）、order（两个字段：开始、结束）（一致性）；"
    "exists_in（params.dataset/field，引用完整性）；fresh（params.frequency，及时性）"
)


class RuleIn(Schema):
    rule_type: str = Field(min_length=1, max_length=32, description=RULE_TYPES_HELP)
    fields: list[str] = Field(min_length=1, max_length=20, description="规则检查的字段名，按规则要求的顺序")
    params: dict[str, Any] = Field(default_factory=dict, description="规则类型所需的参数")
    severity: Severity = Severity.MEDIUM
    description: str = Field("", max_length=DESCRIPTION_LENGTH)


class RulePatchIn(Schema):
    fields: list[str] | None = Field(None, min_length=1, max_length=20)
    params: dict[str, Any] | None = None
    severity: Severity | None = None
    description: str | None = Field(None, max_length=DESCRIPTION_LENGTH)
    enabled: bool | None = Field(None, description="停用的规则不参加检查")


class RuleOut(Schema):
    id: int
    rule_type: str
    rule_type_name: str = Field(description="规则类型的中文名称")
    fields: list[str]
    params: dict[str, Any]
    severity: Severity
    description: str
    enabled: bool
    created_at: datetime.datetime

    @staticmethod
    def resolve_rule_type_name(rule: Any) -> str:
        known = rule_types().get(rule.rule_type)
        return str(known.name) if known else rule.rule_type


class RulesImportIn(Schema):
    yaml: str = Field(max_length=MAX_TEXT, description="YAML 规则文件的全文（rules: 列表）")
    replace: bool = Field(False, description="为 true 时删除文件中没有的规则")


class RulesImportOut(Schema):
    created: int
    updated: int
    unchanged: int
    removed: int
    rules: list[RuleOut]


class RunOut(Schema):
    id: int
    dataset: str = Field(alias="dataset.code")
    started_at: datetime.datetime
    finished_at: datetime.datetime | None
    status: RunStatus
    rows: int
    score: Decimal | None
    error: str
    key_fields: list[str] = Field(description="按这些字段可找回不通过的记录；为空时保存了整条记录")


class ResultOut(Schema):
    rule: int
    rule_type: str
    label: str
    severity: Severity
    failed: int
    sample: list[dict[str, Any]]


class RunDetailOut(RunOut):
    results: list[ResultOut] = Field(alias="result_rows")


class FailuresQuery(Schema):
    rule: int | None = Field(None, description="只看这条规则不通过的记录")
    limit: int = Field(50, ge=1, le=1000)
    offset: int = Field(0, ge=0)


class ColumnOut(Schema):
    name: str
    label: str


class FailureRowOut(Schema):
    rule: int
    rule_label: str
    values: dict[str, Any]


class FailuresOut(Schema):
    run: int
    total: int
    offset: int
    limit: int
    columns: list[ColumnOut]
    rows: list[FailureRowOut]


class PointOut(Schema):
    at: datetime.datetime
    score: Decimal


class DepartmentScoreOut(Schema):
    organisation: int = Field(alias="organisation.pk")
    name: str = Field(alias="organisation.name")
    score: Decimal | None
    datasets: int
    trend: list[PointOut]


class DatasetScoreOut(Schema):
    code: str
    title: str
    score: Decimal | None
    checked_at: datetime.datetime | None
    trend: list[PointOut]


class ScorecardOut(Schema):
    organisation: int
    name: str
    score: Decimal | None
    trend: list[PointOut]
    datasets: list[DatasetScoreOut]
    active_tickets: int
    overdue_tickets: int


class TicketOut(Schema):
    number: str
    dataset: str = Field(alias="dataset.code")
    dataset_title: str = Field(alias="dataset.title")
    organisation: str = Field(alias="organisation.name")
    source: TicketSource
    rule: int | None = Field(None, alias="rule_id")
    run: int | None = Field(None, alias="run_id")
    failed: int
    description: str
    status: TicketStatus
    opened_at: datetime.datetime
    due_on: datetime.date
    overdue: bool = Field(alias="is_overdue")
    closed_at: datetime.datetime | None


class StepOut(Schema):
    at: datetime.datetime
    actor: str | None = Field(None, alias="actor.name")
    event: TicketEvent
    from_status: str
    to_status: TicketStatus
    note: str


class TicketDetailOut(TicketOut):
    dispute_reason: str
    reminders: int
    steps: list[StepOut] = Field(alias="history")
    actions: list[str] = Field(alias="allowed_actions", description="您现在可以进行的操作")


class TransitionIn(Schema):
    action: str = Field(
        description="acknowledge（确认）、fix（完成整改）、dispute（提出异议）、accept_dispute / reject_dispute"
        "（裁决异议）、verify（确认使用方反馈的问题已解决）"
    )
    note: str = Field("", max_length=2000, description="说明；提出异议和驳回异议时必填")


class ProblemReportIn(Schema):
    description: str = Field(max_length=2000, description="问题描述（至少 10 个字）")
