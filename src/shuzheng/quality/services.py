"""Writes of data quality: declaring rules on a dataset, and checking a dataset against them."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

from shuzheng.accounts.selectors import user_can
from shuzheng.catalog.selectors import dataset_tables, datasets_with_codes
from shuzheng.core.audit import audit_record
from shuzheng.quality import engine, ruleset
from shuzheng.quality.choices import SEVERITY_WEIGHTS, RunStatus, Severity
from shuzheng.quality.models import CheckRun, QualityRule, RuleResult
from shuzheng.quality.registry import Context, Declared, rule_types

EDIT = "quality.rule.edit"
SAMPLE_SIZE = 5

logger = logging.getLogger(__name__)
Problem = tuple[str, str, str]  # (field, code, message)


class QualityInvalid(ValueError):
    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(message for _field, _code, message in self.problems))


class QualityForbidden(PermissionError):
    """The user may not declare rules on this dataset."""


def _declared(rule: QualityRule) -> Declared:
    return Declared(rule.rule_type, list(rule.fields), dict(rule.params))


def rule_problems(*, dataset: Any, rule_type: str, fields: Sequence[str], params: Mapping[str, Any]) -> list[Problem]:
    """What is wrong with a rule declaration on ``dataset`` (empty when it can be saved)."""
    known = rule_types().get(rule_type)
    if known is None:
        return [("rule_type", "unknown", gettext("没有这种规则类型：%(code)s") % {"code": rule_type})]
    types = {field.name: field.data_type for field in dataset.fields.all()}
    problems: list[Problem] = []
    if unknown := [name for name in fields if name not in types]:
        problems.append(("fields", "unknown", gettext("没有这个字段：%(names)s") % {"names": "、".join(unknown)}))
    wanted = known.fields
    if (wanted and len(fields) != wanted) or not fields:
        problems.append(("fields", "count", gettext("这种规则需要 %(count)d 个字段") % {"count": max(wanted, 1)}))
    if problems:
        return problems
    declared = Declared(rule_type, list(fields), dict(params))
    if known.validate is not None:
        problems += [(_param_path(what), "invalid", message) for what, message in known.validate(declared, types)]
    if known.dimension == "referential" and not problems:
        problems += _reference_problems(dataset, params)
    return problems


def _param_path(what: str) -> str:
    # A rule type's check may be about the fields it was given, or the parameters as a whole.
    return what if what in ("fields", "params") else f"params.{what}"


def _reference_problems(dataset: Any, params: Mapping[str, Any]) -> list[Problem]:
    # Referencing needs no sharing grant: only the other dataset's key column is read, in the engine.
    referenced = datasets_with_codes(codes=[params["dataset"]]).filter(status="published").first()
    if referenced is None:
        return [("params.dataset", "unknown", gettext("没有这个已发布的数据资源"))]
    if not referenced.fields.filter(name=params["field"]).exists():
        return [("params.field", "unknown", gettext("被引用的数据资源没有这个字段"))]
    return []


@transaction.atomic
def rule_add(
    *,
    editor: Any,
    dataset: Any,
    rule_type: str,
    fields: Sequence[str],
    params: Mapping[str, Any] | None = None,
    severity: str = Severity.MEDIUM,
    description: str = "",
    request: HttpRequest | None = None,
) -> QualityRule:
    """Declare a rule on a dataset of the editor's department."""
    rule = QualityRule(dataset=dataset, rule_type=rule_type, fields=list(fields), params=dict(params or {}))
    if not user_can(editor, EDIT, rule):
        raise QualityForbidden(EDIT)
    problems = rule_problems(dataset=dataset, rule_type=rule_type, fields=fields, params=rule.params)
    if severity not in Severity.values:
        problems.append(("severity", "invalid", gettext("严重程度应为 high、medium 或 low")))
    if problems:
        raise QualityInvalid(problems)
    rule.severity, rule.description = severity, description.strip()
    rule.save()
    audit_record(
        action="quality.rule.add",
        actor=editor,
        object_type="quality.qualityrule",
        object_id=rule.pk,
        detail={"dataset": dataset.code, "rule_type": rule_type, "fields": list(fields)},
        request=request,
    )
    return rule


def _may_edit(editor: Any, rule: QualityRule) -> None:
    if not user_can(editor, EDIT, rule):
        raise QualityForbidden(EDIT)


@transaction.atomic
def rule_update(
    *,
    editor: Any,
    rule: QualityRule,
    fields: Sequence[str] | None = None,
    params: Mapping[str, Any] | None = None,
    severity: str | None = None,
    description: str | None = None,
    enabled: bool | None = None,
    request: HttpRequest | None = None,
) -> QualityRule:
    """Change what a rule declares, how much it weighs, its description, or whether checks run it."""
    _may_edit(editor, rule)
    fields = list(rule.fields if fields is None else fields)
    params = dict(rule.params if params is None else params)
    problems: list[Problem] = []
    if (fields, params) != (rule.fields, rule.params):
        problems = rule_problems(dataset=rule.dataset, rule_type=rule.rule_type, fields=fields, params=params)
    if severity is not None and severity not in Severity.values:
        problems.append(("severity", "invalid", gettext("严重程度应为 high、medium 或 low")))
    if problems:
        raise QualityInvalid(problems)
    changes = {
        name: value
        for name, value in (
            ("fields", fields),
            ("params", params),
            ("severity", severity),
            ("description", None if description is None else description.strip()),
            ("enabled", enabled),
        )
        if value is not None and value != getattr(rule, name)
    }
    _rule_change(editor, rule, changes, request)
    return rule


def _rule_change(editor: Any, rule: QualityRule, changes: Mapping[str, Any], request: HttpRequest | None) -> None:
    if not changes:
        return
    for name, value in changes.items():
        setattr(rule, name, value)
    rule.save(update_fields=list(changes))
    audit_record(
        action="quality.rule.update",
        actor=editor,
        object_type="quality.qualityrule",
        object_id=rule.pk,
        detail={"dataset": rule.dataset.code, "changed": sorted(changes)},
        request=request,
    )


@transaction.atomic
def rule_delete(*, editor: Any, rule: QualityRule, request: HttpRequest | None = None) -> None:
    """Remove a rule, and the results earlier checks kept for it."""
    _may_edit(editor, rule)
    _rule_remove(editor, rule, request)


def _rule_remove(editor: Any, rule: QualityRule, request: HttpRequest | None) -> None:
    audit_record(
        action="quality.rule.delete",
        actor=editor,
        object_type="quality.qualityrule",
        object_id=rule.pk,
        detail={"dataset": rule.dataset.code, "rule_type": rule.rule_type, "fields": list(rule.fields)},
        request=request,
    )
    rule.delete()


@dataclass(frozen=True)
class RulesImported:
    """What an import changed: rules added, changed (severity, description, enabled), kept as they were, removed."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed)


@transaction.atomic
def rules_import_yaml(
    *, editor: Any, dataset: Any, text: str, replace: bool = False, request: HttpRequest | None = None
) -> RulesImported:
    """Declare a dataset's rules from a YAML document (see quality.ruleset), all or nothing.

    A rule already declared with the same type, fields and parameters is the same rule: importing
    a document twice adds nothing. With ``replace`` the dataset's other rules are removed. Every
    rule is checked before anything is saved, and problems name the rule (``rules.3.params.pattern``).
    ``editor=None`` is a trusted caller (the command line, the demo loader): no permission check.
    """
    if editor is not None:
        _may_edit(editor, QualityRule(dataset=dataset))
    entries, problems = ruleset.parse(text)
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        if entry is None:
            continue
        path = f"rules.{index}"
        found = rule_problems(dataset=dataset, rule_type=entry.rule_type, fields=entry.fields, params=entry.params)
        problems += [(f"{path}.{_yaml_name(where)}", code, message) for where, code, message in found]
        if not found and entry.key in seen:
            message = gettext("与第 %(number)d 条规则相同") % {"number": seen[entry.key] + 1}
            problems.append((path, "duplicate", message))
        seen.setdefault(entry.key, index)
    if problems:
        raise QualityInvalid(problems)
    existing: dict[str, list[QualityRule]] = {}
    for rule in dataset.quality_rules.order_by("pk"):
        existing.setdefault(ruleset.declaration_key(rule.rule_type, rule.fields, rule.params), []).append(rule)
    created = updated = unchanged = 0
    for entry in (entry for entry in entries if entry is not None):  # all of them, without problems
        matches = existing.get(entry.key)
        if not matches:
            _rule_save(editor, dataset, entry, request)
            created += 1
            continue
        rule = matches.pop(0)
        wanted = {"severity": entry.severity, "description": entry.description, "enabled": entry.enabled}
        changes = {name: value for name, value in wanted.items() if getattr(rule, name) != value}
        _rule_change(editor, rule, changes, request)
        updated, unchanged = updated + bool(changes), unchanged + (not changes)
    left = [rule for rules in existing.values() for rule in rules]
    if replace:
        for rule in left:
            _rule_remove(editor, rule, request)
    result = RulesImported(created, updated, unchanged, len(left) if replace else 0)
    if result.changed:
        audit_record(
            action="quality.rules.import",
            actor=editor,
            object_type="catalog.dataset",
            object_id=dataset.code,
            detail={"replace": replace, **asdict(result)},
            request=request,
        )
    return result


def _yaml_name(where: str) -> str:
    # The document calls the rule type "type"; the other paths are the same in both.
    return "type" if where == "rule_type" else where


def _rule_save(editor: Any, dataset: Any, entry: ruleset.Entry, request: HttpRequest | None) -> QualityRule:
    rule = QualityRule.objects.create(
        dataset=dataset,
        rule_type=entry.rule_type,
        fields=entry.fields,
        params=entry.params,
        severity=entry.severity,
        description=entry.description,
        enabled=entry.enabled,
    )
    audit_record(
        action="quality.rule.add",
        actor=editor,
        object_type="quality.qualityrule",
        object_id=rule.pk,
        detail={"dataset": dataset.code, "rule_type": rule.rule_type, "fields": list(rule.fields)},
        request=request,
    )
    return rule


def score(rows: int, outcomes: Sequence[tuple[str, str, int]]) -> Decimal | None:
    """100 × the severity-weighted share of passing rows over (severity, kind, failed) outcomes."""
    if not outcomes:
        return None
    total = weighted = 0.0
    for severity, kind, failed in outcomes:
        weight = SEVERITY_WEIGHTS[Severity(severity)]
        passing = (1 - failed) if kind == "table" else (1 - failed / rows if rows else 1)
        total += weight
        weighted += weight * passing
    return Decimal(round(100 * weighted / total, 2)).quantize(Decimal("0.01"))


def quality_check(*, dataset: Any, by: Any = None, now: Any = None) -> CheckRun:
    """Check a dataset against its enabled rules, in one pass in the warehouse, and keep the results."""
    rules = list(dataset.quality_rules.filter(enabled=True).order_by("pk"))
    run = CheckRun(dataset=dataset, started_at=timezone.now())
    outcomes: list[engine.Outcome] = []
    try:
        report = _run_rules(dataset, rules, now or timezone.now())
    except NoRows:
        run.status, run.error = RunStatus.FAILED, gettext("数据资源还没有载入数据")
    except Exception as exc:  # an engine error must leave a failed run, not a half-written one
        logger.exception("quality check of %s failed", dataset.code)
        run.status, run.error = RunStatus.FAILED, str(exc)[:2000]
    else:
        outcomes = report.outcomes
        run.status, run.rows = RunStatus.SUCCEEDED, report.rows
        graded = [
            (rule.severity, rule_types()[rule.rule_type].kind, outcome.failed)
            for rule, outcome in zip(rules, outcomes, strict=True)
        ]
        run.score = score(report.rows, graded)
    run.finished_at = timezone.now()
    with transaction.atomic():
        run.save()
        RuleResult.objects.bulk_create(
            RuleResult(run=run, rule=rule, failed=outcome.failed, sample=_jsonable(outcome.sample))
            for rule, outcome in zip(rules, outcomes, strict=False)
        )
        audit_record(
            action="quality.check",
            actor=by,
            object_type="catalog.dataset",
            object_id=dataset.code,
            detail={"status": run.status, "rows": run.rows, "score": str(run.score)},
        )
    return run


class NoRows(LookupError):
    """The dataset has no rows in the warehouse yet."""


def _run_rules(dataset: Any, rules: Sequence[QualityRule], now: Any) -> engine.Report:
    referenced = {rule.params["dataset"] for rule in rules if rule_types()[rule.rule_type].dimension == "referential"}
    others = list(datasets_with_codes(codes=sorted(referenced)))
    tables = dataset_tables(datasets=[dataset, *others])
    if dataset.pk not in tables:
        raise NoRows(dataset.code)
    context = Context(tables={other.code: tables[other.pk] for other in others if other.pk in tables}, now=now)
    declared = [_declared(rule) for rule in rules]
    return engine.run(tables[dataset.pk], declared, context, sample_size=SAMPLE_SIZE)


def _plain(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool | None) else str(value)


def _jsonable(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{key: _plain(value) for key, value in row.items()} for row in rows]
