"""Writes of data quality: declaring rules on a dataset, and checking a dataset against them."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

from shuzheng.accounts.selectors import user_can
from shuzheng.catalog.selectors import dataset_tables, datasets_with_codes
from shuzheng.core.audit import audit_record
from shuzheng.quality import engine
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
        problems += [(f"params.{what}", "invalid", message) for what, message in known.validate(declared, types)]
    if known.dimension == "referential" and not problems:
        problems += _reference_problems(dataset, params)
    return problems


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
