"""In and Out schemas of the quality API."""

from __future__ import annotations

import datetime
from typing import Any

from ninja import Field, Schema

from shuzheng.quality.choices import Severity
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
