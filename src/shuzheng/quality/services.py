"""Writes of data quality: declaring rules on a dataset, and checking a dataset against them."""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

from shuzheng.accounts.selectors import officials_holding, user_can
from shuzheng.catalog.selectors import dataset_tables, datasets_for_official, datasets_open, datasets_with_codes
from shuzheng.catalog.services import derived_table_drop, derived_table_store
from shuzheng.core.audit import audit_record
from shuzheng.core.notifications import notify
from shuzheng.core.workdays import add_working_days
from shuzheng.quality import engine, exports, ruleset
from shuzheng.quality.choices import SEVERITY_WEIGHTS, RunStatus, Severity, TicketEvent, TicketSource, TicketStatus
from shuzheng.quality.models import CheckRun, QualityRule, RuleResult, Ticket, TicketStep
from shuzheng.quality.registry import Context, Declared, rule_types

EDIT = "quality.rule.edit"
# A department's scorecard, its failing rows and its tickets (its data officer).
VIEW = "quality.scorecard.view"
# Answering the department's tickets: acknowledge, report fixed, dispute.
HANDLE = "quality.ticket.handle"
# The platform's data officer: every department's scorecard and tickets in the role's region,
# and the decision on disputes.
OVERSEE = "quality.governance.oversee"
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
    """Check a dataset against its enabled rules, in one pass in the warehouse, and keep the results:
    counts, samples, every failing row (in the warehouse), the score; then open, reopen or close
    the tickets of its rules."""
    rules = list(dataset.quality_rules.filter(enabled=True).order_by("pk"))
    run = CheckRun(dataset=dataset, started_at=timezone.now())
    outcomes: list[engine.Outcome] = []
    try:
        checked = _run_rules(dataset, rules, now or timezone.now())
        run.failures_table, run.key_fields = _failures_store(rules, checked)
    except NoRows:
        run.status, run.error = RunStatus.FAILED, gettext("数据资源还没有载入数据")
    except Exception as exc:  # an engine error must leave a failed run, not a half-written one
        logger.exception("quality check of %s failed", dataset.code)
        run.status, run.error = RunStatus.FAILED, str(exc)[:2000]
    else:
        report = checked.report
        outcomes = report.outcomes
        run.status, run.rows = RunStatus.SUCCEEDED, report.rows
        graded = [
            (rule.severity, rule_types()[rule.rule_type].kind, outcome.failed)
            for rule, outcome in zip(rules, outcomes, strict=True)
        ]
        run.score = score(report.rows, graded)
        run.weight = sum(SEVERITY_WEIGHTS[Severity(rule.severity)] for rule in rules)
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
        if run.status == RunStatus.SUCCEEDED:
            _tickets_follow(run, rules, outcomes, by)
    _failures_prune(dataset)
    return run


def _failures_prune(dataset: Any) -> None:
    """Drop the failing-row tables of a dataset's older checks, keeping the newest and any that an
    active ticket's download still reads."""
    kept = settings.SHUZHENG_QUALITY_KEEP_FAILURES
    newest = CheckRun.objects.filter(dataset=dataset).exclude(failures_table="").order_by("-started_at", "-pk")
    ticketed = Ticket.objects.filter(dataset=dataset, status__in=TicketStatus.active()).values("run_id")
    for old in newest.exclude(pk__in=ticketed)[kept:]:
        derived_table_drop(name=old.failures_table)
        CheckRun.objects.filter(pk=old.pk).update(failures_table="")


class NoRows(LookupError):
    """The dataset has no rows in the warehouse yet."""


@dataclass(frozen=True)
class _Checked:
    table: Any
    declared: list[Declared]
    context: Context
    report: engine.Report


def _run_rules(dataset: Any, rules: Sequence[QualityRule], now: Any) -> _Checked:
    referenced = {rule.params["dataset"] for rule in rules if rule_types()[rule.rule_type].dimension == "referential"}
    others = list(datasets_with_codes(codes=sorted(referenced)))
    tables = dataset_tables(datasets=[dataset, *others])
    if dataset.pk not in tables:
        raise NoRows(dataset.code)
    context = Context(tables={other.code: tables[other.pk] for other in others if other.pk in tables}, now=now)
    declared = [_declared(rule) for rule in rules]
    report = engine.run(tables[dataset.pk], declared, context, sample_size=SAMPLE_SIZE)
    return _Checked(tables[dataset.pk], declared, context, report)


def _usable_key(rules: Sequence[QualityRule], checked: _Checked) -> list[str]:
    """The fields that name one row each in this check, or [] when there are none.

    The catalogue declares no primary key for a dataset, but a uniqueness rule is exactly that
    declaration. Its fields serve as the key when the rule passed in this check and no row lacks
    a part of it; then the failing rows can be found again by key. Otherwise the whole failing
    row is kept: row numbers were the other choice, but they point at other rows as soon as the
    dataset is reloaded, and a key that is not unique would bring back rows that did not fail.
    """
    for rule, outcome in zip(rules, checked.report.outcomes, strict=True):
        if rule.rule_type == "unique" and outcome.failed == 0 and engine.key_complete(checked.table, rule.fields):
            return list(rule.fields)
    return []


def _failures_store(rules: Sequence[QualityRule], checked: _Checked) -> tuple[str, list[str]]:
    """Write every failing row of the check (rule id and key, or the whole row) to a warehouse
    table of its own; returns (table, key fields). No table when nothing failed row by row."""
    failing = [
        index
        for index, (rule, outcome) in enumerate(zip(rules, checked.report.outcomes, strict=True))
        if outcome.failed and rule_types()[rule.rule_type].kind == "row"
    ]
    if not failing:
        return "", []
    keys = _usable_key(rules, checked)
    expression = engine.failing_rows(
        checked.table,
        checked.declared,
        checked.context,
        rule_ids=[rule.pk for rule in rules],
        failing=failing,
        columns=keys,
    )
    name = f"qf_{uuid.uuid4().hex}"
    # The engine computes the rows and hands them over as Arrow columns (no Python objects per
    # row); with the key alone that is some tens of bytes a failing row, so millions fit.
    derived_table_store(name=name, data=expression.to_pyarrow())
    return name, keys


def _plain(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool | None) else str(value)


def _jsonable(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{key: _plain(value) for key, value in row.items()} for row in rows]


# --- problem tickets (问题反馈) ------------------------------------------------------------------


class TicketInvalid(ValueError):
    """A refused ticket change, with (field, code, message) problems; nothing changed."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(message for _field, _code, message in self.problems))


class TicketForbidden(PermissionError):
    """The user may see the ticket but not do this to it."""


def _due(today: datetime.date) -> datetime.date:
    return add_working_days(today, settings.SHUZHENG_QUALITY_TICKET_DAYS)


def _step(
    ticket: Ticket, event: str, actor: Any, before: str, note: str = "", request: HttpRequest | None = None
) -> None:
    """Keep the step in the ticket's history and in the audit trail."""
    TicketStep.objects.create(
        ticket=ticket, actor=actor, event=event, from_status=before, to_status=ticket.status, note=note
    )
    audit_record(
        action=f"quality.ticket.{event}",
        actor=actor,
        object_type="quality.ticket",
        object_id=ticket.number,
        detail={"dataset": ticket.dataset.code, "from": before, "to": ticket.status, "note": note},
        request=request,
    )
    _step_notify(ticket, event, actor, note)


# Who hears of a step: the department's ticket handlers when it is theirs to act on, the consumer
# who reported the problem when it is answered.
_TO_DEPARTMENT = {TicketEvent.OPENED, TicketEvent.REOPENED, TicketEvent.REMINDED, TicketEvent.DISPUTE_REJECTED}
_TO_REPORTER = {TicketEvent.VERIFIED, TicketEvent.DISPUTE_ACCEPTED}


def _step_notify(ticket: Ticket, event: str, actor: Any, note: str) -> None:
    recipients: list[Any] = []
    if event in _TO_DEPARTMENT:
        recipients = officials_holding(organisation_id=ticket.organisation_id, action=HANDLE)
    elif event in _TO_REPORTER and ticket.reported_by is not None:
        recipients = [ticket.reported_by]
    subject = gettext("数据质量问题工单 %(number)s：%(event)s") % {
        "number": ticket.number,
        "event": TicketEvent(event).label,
    }
    body = f"{ticket.dataset.title}。{note or ticket.description}".rstrip("。") + "。"
    if event in _TO_DEPARTMENT:
        body += gettext("整改期限 %(due)s。") % {"due": ticket.due_on.isoformat()}
    for recipient in recipients:
        if recipient == actor:
            continue  # nobody is told of their own step
        # Officials open the ticket in the workbench; a portal user who reported it has no page there.
        link = f"/workbench/quality/tickets/{ticket.number}/" if getattr(recipient, "is_official", False) else ""
        notify(recipient=recipient, subject=subject, body=body, link=link, topic=f"quality.ticket.{event}")


def _ticket_create(
    *, dataset: Any, source: str, description: str, rule: Any = None, run: Any = None, failed: int = 0, by: Any = None
) -> Ticket:
    now = timezone.now()
    ticket = Ticket.objects.create(
        number=f"tmp-{uuid.uuid4().hex[:16]}",
        dataset=dataset,
        organisation_id=dataset.organisation_id,
        source=source,
        rule=rule,
        run=run,
        failed=failed,
        description=description,
        reported_by=by if source == TicketSource.CONSUMER else None,
        opened_at=now,
        due_on=_due(timezone.localdate(now)),
    )
    ticket.number = f"ZL{now:%Y}{ticket.pk:08d}"
    ticket.save(update_fields=["number"])
    _step(ticket, TicketEvent.OPENED, by, "", description)
    return ticket


def rule_label(rule: QualityRule) -> str:
    """A rule as people read it: its type's name and fields, or its own description."""
    known = rule_types().get(rule.rule_type)
    name = str(known.name) if known is not None else rule.rule_type
    return rule.description or f"{name}（{'、'.join(rule.fields)}）"


def _tickets_follow(run: CheckRun, rules: Sequence[QualityRule], outcomes: Sequence[engine.Outcome], by: Any) -> None:
    """After a check: a failing rule without an active ticket opens one; a fixed ticket whose rule
    still fails goes back to the department; a rule that passes closes its ticket."""
    active = {
        ticket.rule_id: ticket
        for ticket in Ticket.objects.select_for_update()
        .select_related("dataset")
        .filter(rule__in=rules, status__in=TicketStatus.active())
    }
    today = timezone.localdate()
    for rule, outcome in zip(rules, outcomes, strict=True):
        ticket = active.get(rule.pk)
        if outcome.failed and ticket is None:
            description = gettext("%(rule)s：%(count)d 条数据不通过") % {
                "rule": rule_label(rule),
                "count": outcome.failed,
            }
            if rule_types()[rule.rule_type].kind == "table":
                description = gettext("%(rule)s：数据资源整体不通过") % {"rule": rule_label(rule)}
            _ticket_create(
                dataset=run.dataset,
                source=TicketSource.CHECK,
                description=description,
                rule=rule,
                run=run,
                failed=outcome.failed,
            )
        elif outcome.failed and ticket is not None:
            before = ticket.status
            ticket.run, ticket.failed = run, outcome.failed
            if before == TicketStatus.FIXED:
                ticket.status, ticket.due_on = TicketStatus.OPEN, _due(today)
            ticket.save(update_fields=["run", "failed", "status", "due_on"])
            if before == TicketStatus.FIXED:
                note = gettext("复查仍有 %(count)d 条数据不通过") % {"count": outcome.failed}
                _step(ticket, TicketEvent.REOPENED, by, before, note)
        elif ticket is not None:
            # The rule passes: whatever the ticket's state, there is nothing left to correct or dispute.
            before = ticket.status
            ticket.status, ticket.run, ticket.failed, ticket.closed_at = TicketStatus.CLOSED, run, 0, timezone.now()
            ticket.save(update_fields=["status", "run", "failed", "closed_at"])
            _step(ticket, TicketEvent.VERIFIED, by, before, gettext("复查通过"))


@dataclass(frozen=True)
class Transition:
    action: str  # the permission it needs
    before: tuple[str, ...]
    after: str
    event: str
    needs_note: bool = False


TRANSITIONS = {
    "acknowledge": Transition(HANDLE, (TicketStatus.OPEN,), TicketStatus.ACKNOWLEDGED, TicketEvent.ACKNOWLEDGED),
    "fix": Transition(HANDLE, TicketStatus.awaiting_department(), TicketStatus.FIXED, TicketEvent.FIXED),
    "dispute": Transition(
        HANDLE, TicketStatus.awaiting_department(), TicketStatus.DISPUTED, TicketEvent.DISPUTED, needs_note=True
    ),
    "accept_dispute": Transition(OVERSEE, (TicketStatus.DISPUTED,), TicketStatus.CLOSED, TicketEvent.DISPUTE_ACCEPTED),
    "reject_dispute": Transition(
        OVERSEE, (TicketStatus.DISPUTED,), TicketStatus.OPEN, TicketEvent.DISPUTE_REJECTED, needs_note=True
    ),
    # A consumer's report has no rule to re-check: its reporter or the platform confirms the fix.
    "verify": Transition(OVERSEE, (TicketStatus.FIXED,), TicketStatus.CLOSED, TicketEvent.VERIFIED),
}


def ticket_actions(*, user: Any, ticket: Ticket) -> list[str]:
    """The transitions ``user`` may make on ``ticket`` now (for the buttons a page shows)."""
    return [name for name in TRANSITIONS if not _transition_problems(user, ticket, name)]


def _transition_problems(user: Any, ticket: Ticket, name: str) -> list[Problem]:
    transition = TRANSITIONS[name]
    allowed = user_can(user, transition.action, ticket)
    if name == "verify":
        if ticket.rule_id is not None:
            return [("action", "by_check", gettext("由规则发现的问题在复查通过后自动关闭"))]
        allowed = allowed or (ticket.reported_by_id is not None and ticket.reported_by_id == getattr(user, "pk", None))
    if not allowed:
        return [("action", "forbidden", "")]
    if transition.action == OVERSEE and name != "verify" and user.organisation_id == ticket.organisation_id:
        return [("action", "own_department", gettext("不能裁决本部门提出的异议"))]
    if ticket.status not in transition.before:
        return [("action", "state", gettext("工单当前状态不能进行该操作"))]
    return []


@transaction.atomic
def ticket_transition(
    *, actor: Any, ticket: Ticket, action: str, note: str = "", request: HttpRequest | None = None
) -> Ticket:
    """Move a ticket along: acknowledge, fix, dispute (department); accept or reject a dispute,
    verify a consumer's report (platform). Kept in the ticket's history and audited."""
    if action not in TRANSITIONS:
        raise TicketInvalid([("action", "unknown", gettext("没有这种操作"))])
    ticket = Ticket.objects.select_for_update().select_related("dataset", "organisation").get(pk=ticket.pk)
    problems = _transition_problems(actor, ticket, action)
    if problems and problems[0][1] == "forbidden":
        raise TicketForbidden(TRANSITIONS[action].action)
    transition = TRANSITIONS[action]
    note = note.strip()
    if transition.needs_note and not note:
        problems.append(("note", "required", gettext("请写明理由")))
    if problems:
        raise TicketInvalid(problems)
    before = ticket.status
    ticket.status = transition.after
    changed = ["status"]
    if transition.event == TicketEvent.DISPUTED:
        ticket.dispute_reason = note
        changed.append("dispute_reason")
    if ticket.status == TicketStatus.OPEN:
        # Back with the department: a fresh deadline, counted from today.
        ticket.due_on = _due(timezone.localdate())
        changed.append("due_on")
    if ticket.status == TicketStatus.CLOSED:
        ticket.closed_at = timezone.now()
        changed.append("closed_at")
    ticket.save(update_fields=changed)
    _step(ticket, transition.event, actor, before, note, request)
    return ticket


@transaction.atomic
def ticket_report(*, reporter: Any, dataset: Any, description: str, request: HttpRequest | None = None) -> Ticket:
    """A consumer of a dataset reports a problem with it to the owning department: an official of
    another department on any published dataset, a portal user on an open one."""
    if getattr(reporter, "is_official", False):
        usable = datasets_for_official(user=reporter).filter(pk=dataset.pk, status="published").exists()
        if reporter.organisation_id == dataset.organisation_id:
            raise TicketInvalid([("dataset", "own", gettext("本部门的数据问题请直接整改，无需反馈"))])
    else:
        usable = datasets_open(include_restricted=True).filter(pk=dataset.pk).exists()
    if not reporter.is_authenticated or not usable:
        raise TicketForbidden("report")
    description = description.strip()
    if len(description) < 10:
        raise TicketInvalid([("description", "too_short", gettext("请具体描述问题（至少 10 个字）"))])
    return _ticket_create(dataset=dataset, source=TicketSource.CONSUMER, description=description[:2000], by=reporter)


def tickets_remind(*, today: datetime.date | None = None) -> list[Ticket]:
    """Remind departments of tickets due within SHUZHENG_QUALITY_REMIND_DAYS working days or
    overdue: each such ticket once a day, kept in its history and the audit trail."""
    today = today or timezone.localdate()
    horizon = add_working_days(today, settings.SHUZHENG_QUALITY_REMIND_DAYS)
    reminded = []
    due = Ticket.objects.filter(status__in=TicketStatus.awaiting_department(), due_on__lte=horizon).exclude(
        last_reminded_on__gte=today
    )
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            ticket = Ticket.objects.select_for_update().select_related("dataset").get(pk=pk)
            if ticket.last_reminded_on is not None and ticket.last_reminded_on >= today:
                continue
            ticket.last_reminded_on, ticket.reminders = today, ticket.reminders + 1
            ticket.save(update_fields=["last_reminded_on", "reminders"])
            overdue = ticket.due_on < today
            note = (gettext("已超过整改期限 %(due)s") if overdue else gettext("整改期限 %(due)s 即将到期")) % {
                "due": ticket.due_on.isoformat()
            }
            _step(ticket, TicketEvent.REMINDED, None, ticket.status, note)
            logger.info("quality ticket %s reminded (%s)", ticket.number, note)
            reminded.append(ticket)
    return reminded


def recheck_allowed(*, user: Any, dataset: Any) -> bool:
    return user_can(user, HANDLE, Ticket(organisation=dataset.organisation))


@transaction.atomic
def quality_check_start(*, by: Any, dataset: Any, request: HttpRequest | None = None) -> None:
    """Queue a check of the dataset for the worker (a large dataset takes longer than a web request
    may): after declaring rules, or after correcting the data — fixed tickets are then verified.
    The department's rule editors and ticket handlers may."""
    if not (user_can(by, EDIT, QualityRule(dataset=dataset)) or recheck_allowed(user=by, dataset=dataset)):
        raise TicketForbidden(HANDLE)
    audit_record(
        action="quality.check.start", actor=by, object_type="catalog.dataset", object_id=dataset.code, request=request
    )
    from shuzheng.quality.tasks import check_dataset

    user_id = getattr(by, "pk", None)
    transaction.on_commit(lambda: check_dataset.delay(dataset.code, user_id))


def quality_check_after_load(*, run: Any, written: bool, **signal: Any) -> None:
    """Queue a check of a dataset with rules whose load changed it (ingest's ``run_succeeded``):
    the night's loads are followed by the night's checks, so the morning's scorecard is of the data
    as loaded, and a ticket fixed by a new load is verified without anyone asking."""
    dataset = run.pipeline.dataset
    if not written or not dataset.quality_rules.filter(enabled=True).exists():
        return
    from shuzheng.quality.tasks import check_dataset

    check_dataset.delay(dataset.code, None)


def quality_check_queued(*, code: str, user_id: int | None) -> CheckRun | None:
    """The worker's half of ``quality_check_start``."""
    dataset = datasets_with_codes(codes=[code]).first()
    if dataset is None:
        return None
    by = get_user_model().objects.filter(pk=user_id).first() if user_id is not None else None
    return quality_check(dataset=dataset, by=by)


# --- reading failing rows (audited when they concern people) -------------------------------------


def _personal(dataset: Any) -> bool:
    return any(field.identifies_person for field in dataset.fields.all())


def samples_read_record(*, reader: Any, datasets: Sequence[Any], request: HttpRequest | None = None) -> None:
    """Record that ``reader`` was shown sample failing rows of these datasets, where they concern people."""
    personal = [dataset.code for dataset in datasets if _personal(dataset)]
    if personal:
        audit_record(
            action="quality.samples.read",
            actor=reader,
            object_type="catalog.dataset",
            object_id=personal[0] if len(personal) == 1 else "",
            detail={"datasets": personal},
            request=request,
        )


def _failures_read_record(
    reader: Any, run: CheckRun, rule: QualityRule | None, request: HttpRequest | None, **detail: Any
) -> None:
    if _personal(run.dataset):
        audit_record(
            action="quality.failures.read",
            actor=reader,
            object_type="catalog.dataset",
            object_id=run.dataset.code,
            detail={"run": run.pk, "rule": rule.pk if rule else None, **detail},
            request=request,
        )


def failures_page_read(
    *, reader: Any, run: CheckRun, rule: QualityRule | None, limit: int, offset: int, request: HttpRequest | None = None
) -> exports.FailurePage:
    """A page of a check's failing rows (of one rule, or all); audited when the dataset names people."""
    found = exports.failures(run=run, rule=rule, labels=_labels(run))
    if found is None:
        return exports.FailurePage(columns=[], total=0, rows=[])
    page = exports.page(found, limit=limit, offset=offset)
    _failures_read_record(reader, run, rule, request, offset=offset, rows=len(page.rows))
    return page


def failures_export(
    *, reader: Any, run: CheckRun, rule: QualityRule | None, fmt: str, request: HttpRequest | None = None
) -> Iterator[bytes]:
    """A check's failing rows as CSV (UTF-8 with BOM) or XLSX, produced batch by batch; audited
    when the dataset names people."""
    found = exports.failures(run=run, rule=rule, labels=_labels(run))
    _failures_read_record(reader, run, rule, request, format=fmt)
    return exports.stream(found, fmt)


def _labels(run: CheckRun) -> dict[int, str]:
    return {result.rule_id: rule_label(result.rule) for result in run.results.select_related("rule")}
