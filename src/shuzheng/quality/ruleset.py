"""A dataset's rules as a YAML document, the form they take in files, the API and the command line::

    rules:
    - type: resident_id
      fields: [id_number]
      severity: high
      description: 身份证号校验
    - type: range
      fields: [amount]
      params: {min: 0, max: 100000}

``type`` is a registered rule-type code; ``fields`` the dataset's field names; ``params`` what
the type needs; ``severity`` (high, medium, low), ``description`` and ``enabled`` may be left out.
Reading checks the document's shape only; whether a rule fits the dataset is the services' job.
Problems name their place as paths (``rules.3.params.pattern``), counting rules from 0.
"""

from __future__ import annotations

import datetime
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml
from django.utils.translation import gettext

from shuzheng.quality.choices import Severity

Problem = tuple[str, str, str]  # (path, code, message)

RULE_KEYS = ("type", "fields", "params", "severity", "description", "enabled")
DESCRIPTION_LENGTH = 200  # QualityRule.description
# A document larger than this is not a rule set: refuse it before parsing.
MAX_TEXT = 512 * 1024


@dataclass(frozen=True)
class Entry:
    """One rule of a document, as written there (defaults filled in)."""

    rule_type: str
    fields: list[str]
    params: dict[str, Any] = field(default_factory=dict)
    severity: str = Severity.MEDIUM
    description: str = ""
    enabled: bool = True

    @property
    def key(self) -> str:
        return declaration_key(self.rule_type, self.fields, self.params)


def declaration_key(rule_type: str, fields: Iterable[str], params: Mapping[str, Any]) -> str:
    """What makes two rules the same rule: type, fields in order, parameters (1 and 1.0 alike)."""
    return json.dumps([rule_type, list(fields), _canonical(params)], sort_keys=True, ensure_ascii=False)


def _canonical(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {str(key): _canonical(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_canonical(item) for item in value]
    return value


def parse(text: str) -> tuple[list[Entry | None], list[Problem]]:
    """The document's rules (None where a rule is malformed) and the problems found in its shape."""
    if len(text) > MAX_TEXT:
        return [], [("", "too_large", gettext("规则文件超过 %(size)d KB") % {"size": MAX_TEXT // 1024})]
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        if mark is None:
            return [], [("", "yaml_invalid", gettext("不是合法的 YAML"))]
        where = {"line": mark.line + 1, "column": mark.column + 1}
        return [], [("", "yaml_invalid", gettext("不是合法的 YAML（第 %(line)d 行第 %(column)d 列附近）") % where)]
    if document is None:
        document = {"rules": []}
    if not isinstance(document, dict):
        return [], [("", "invalid", gettext("规则文件应以 rules: 开头，列出各条规则"))]
    problems: list[Problem] = [
        (str(key), "unknown", gettext("不认识的项：%(key)s") % {"key": key}) for key in document if key != "rules"
    ]
    rules = document.get("rules") or []
    if not isinstance(rules, list):
        return [], [*problems, ("rules", "invalid", gettext("rules 应为规则的列表"))]
    entries: list[Entry | None] = []
    for index, item in enumerate(rules):
        entry, found = _entry(item, f"rules.{index}")
        entries.append(entry)
        problems += found
    return entries, problems


def _entry(item: Any, path: str) -> tuple[Entry | None, list[Problem]]:
    if not isinstance(item, dict):
        return None, [(path, "invalid", gettext("每条规则应为含 type、fields 等项的映射"))]
    problems: list[Problem] = [
        (f"{path}.{key}", "unknown", gettext("不认识的项：%(key)s") % {"key": key})
        for key in item
        if key not in RULE_KEYS
    ]
    rule_type = item.get("type")
    if not isinstance(rule_type, str) or not rule_type:
        problems.append((f"{path}.type", "missing", gettext("请写明规则类型")))
    fields = item.get("fields")
    if isinstance(fields, str):
        fields = [fields]
    if not isinstance(fields, list) or not fields or not all(isinstance(name, str) for name in fields):
        problems.append((f"{path}.fields", "invalid", gettext("请列出规则检查的字段名")))
    params = item.get("params") or {}
    problems += _params_problems(params, f"{path}.params")
    severity = item.get("severity", Severity.MEDIUM)
    if severity not in Severity.values:
        problems.append((f"{path}.severity", "invalid", gettext("严重程度应为 high、medium 或 low")))
    description = item.get("description") or ""
    if not isinstance(description, str) or len(description) > DESCRIPTION_LENGTH:
        message = gettext("说明应为不超过 %(count)d 个字的文字") % {"count": DESCRIPTION_LENGTH}
        problems.append((f"{path}.description", "invalid", message))
    enabled = item.get("enabled", True)
    if not isinstance(enabled, bool):
        problems.append((f"{path}.enabled", "invalid", gettext("enabled 应为 true 或 false")))
    if problems:
        return None, problems
    plain = {str(key): _plain(value) for key, value in params.items()}
    names = [str(name) for name in fields or []]
    return Entry(str(rule_type), names, plain, severity, description.strip(), enabled), []


def _params_problems(params: Any, path: str) -> list[Problem]:
    # Flat values only: a parameter is a value or a list of values, never a structure, which also
    # keeps YAML aliases from growing into something huge when stored.
    if not isinstance(params, dict):
        return [(path, "invalid", gettext("params 应为“参数名: 值”的映射"))]
    problems: list[Problem] = []
    for key, value in params.items():
        values = value if isinstance(value, list) else [value]
        if not all(_scalar(item) for item in values):
            problems.append((f"{path}.{key}", "invalid", gettext("参数应为文字、数字、日期或它们的列表")))
    return problems


def _scalar(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    return value is None or isinstance(value, str | int | bool | datetime.date)


def _plain(value: Any) -> Any:
    # YAML reads 2024-01-01 as a date; rules keep dates as ISO text, as the API sends them.
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def dump(rules: Iterable[Any], *, title: str = "") -> str:
    """Rules as a document that ``parse`` reads back to the same rules."""
    items = []
    for rule in rules:
        item: dict[str, Any] = {"type": rule.rule_type, "fields": list(rule.fields)}
        if rule.params:
            item["params"] = dict(rule.params)
        item["severity"] = rule.severity
        if rule.description:
            item["description"] = rule.description
        if not rule.enabled:
            item["enabled"] = False
        items.append(item)
    body = yaml.safe_dump({"rules": items}, allow_unicode=True, sort_keys=False, default_flow_style=None, width=120)
    header = "".join(f"# {line}\n" for line in title.splitlines() if line.strip())
    return header + body
