"""Cases: drafts, materials, submission (idempotent), and the workflow that moves a case.

Every case transition is one transaction that updates the row only at the revision the actor
saw (optimistic locking), appends the case history and the audit trail, and tells the people
concerned after commit.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from jsonschema import Draft202012Validator

from shuzheng.accounts.selectors import memberships_of, officials_holding, user_can
from shuzheng.core.errors import Problem, fields_problem
from shuzheng.core.identifiers import is_valid_resident_id
from shuzheng.core.notifications import notify
from shuzheng.core.uploads import upload_check, upload_delete, upload_open, upload_store
from shuzheng.core.workdays import add_working_days, work_calendar
from shuzheng.eservices.choices import (
    CaseAction,
    CaseStatus,
    MaterialSource,
    ServiceObject,
    Stage,
    SuspensionKind,
    VersionStatus,
)
from shuzheng.eservices.models import (
    OPEN_STATUSES,
    Case,
    CaseEvent,
    CaseMaterial,
    Commitment,
    ItemVersion,
    ServiceItem,
    SubmissionKey,
)
from shuzheng.eservices.selectors import (
    case_missing_materials,
    commitment_broken_by,
    draft_of,
    stage_action,
)
from shuzheng.eservices.services.common import record_audit

# --- forms ----------------------------------------------------------------------------------

_FORM_MESSAGES = {
    "required": "必填",
    "type": "格式不正确",
    "maxLength": "内容过长",
    "minLength": "内容过短",
    "pattern": "格式不正确",
    "enum": "请从给定选项中选择",
    "format": "格式不正确",
    "minimum": "数值过小",
    "maximum": "数值过大",
    "additionalProperties": "表单中没有这一项",
}


def form_errors(version: ItemVersion, data: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """What is wrong with an application form, as (field, code, message): the server is the
    authority, whatever the browser checked."""
    spec = version.spec.form
    validator = Draft202012Validator(spec.schema_, format_checker=Draft202012Validator.FORMAT_CHECKER)
    problems = []
    for error in validator.iter_errors(dict(data)):
        field = ".".join(str(part) for part in error.absolute_path)
        if error.validator == "required":
            field = ".".join([*map(str, error.absolute_path), str(error.message.split("'")[1])])
        message = gettext(_FORM_MESSAGES.get(str(error.validator), "格式不正确"))
        problems.append((f"data.{field}" if field else "data", str(error.validator), message))
    for row in spec.layout:
        value = data.get(row.field)
        if row.widget == "id_number" and value and not is_valid_resident_id(str(value)):
            problems.append((f"data.{row.field}", "id_number", gettext("不是有效的居民身份号码")))
    return sorted(set(problems))


# --- cases: drafts, materials, submission -----------------------------------------------------


def _check_applicant(*, applicant: Any, item: ServiceItem, legal_person: Any) -> None:
    if legal_person is not None:
        if not memberships_of(user=applicant).filter(legal_person=legal_person).exists():
            raise PermissionDenied("eservices.case.apply")
        if item.service_object == ServiceObject.PERSON:
            raise fields_problem([("legal_person", "person_only", gettext("该事项只受理自然人申请"))])
    elif item.service_object == ServiceObject.ENTERPRISE:
        raise fields_problem([("legal_person", "required", gettext("该事项须以单位名义申请"))])


def case_draft_save(
    *, applicant: Any, item: ServiceItem, data: Mapping[str, Any], legal_person: Any = None, case: Case | None = None
) -> Case:
    """Keep an unfinished application so the applicant can come back to it (no validation yet).
    Without ``case``, the applicant's draft of the item is resumed, or a new one begun."""
    if case is None:
        if item.published is None:
            raise fields_problem([("item", "unpublished", gettext("该事项尚未发布"))])
        _check_applicant(applicant=applicant, item=item, legal_person=legal_person)
        case = draft_of(applicant=applicant, item=item)
    if case is None:
        try:
            with transaction.atomic():
                return Case.objects.create(
                    item=item,
                    version=item.published,  # type: ignore[misc]  # checked above
                    applicant=applicant,
                    legal_person=legal_person,
                    organisation_id=item.department_id,
                    region_id=item.region_id,
                    data=dict(data),
                )
        except IntegrityError:  # a second click began the same draft meanwhile
            case = draft_of(applicant=applicant, item=item)
            if case is None:
                raise
    if case.applicant_id != applicant.pk or case.status != CaseStatus.DRAFT:
        raise PermissionDenied("eservices.case.edit")
    case.data, case.legal_person = dict(data), legal_person
    case.save(update_fields=["data", "legal_person"])
    return case


@transaction.atomic
def case_draft_discard(*, applicant: Any, case: Case) -> None:
    """Delete an unsubmitted application and its files (after commit: a rollback keeps both)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.applicant_id != applicant.pk or case.status != CaseStatus.DRAFT:
        raise PermissionDenied("eservices.case.edit")
    paths = list(case.materials.values_list("path", flat=True))
    case.delete()

    def remove_files() -> None:
        for path in paths:
            upload_delete(path)

    transaction.on_commit(remove_files)


def material_attach(
    *, applicant: Any, case: Case, material: str, upload: Any, request: HttpRequest | None = None
) -> CaseMaterial:
    """Store a file for one of the item's materials, checked by content; it replaces the one given
    before for the same material (which stays in the record)."""
    if case.applicant_id != applicant.pk or case.status not in (CaseStatus.DRAFT, CaseStatus.CORRECTION):
        raise PermissionDenied("eservices.case.edit")
    wanted = {m.code: m for m in case.version.spec.materials if m.source != MaterialSource.GOVERNMENT}
    if material not in wanted:
        raise fields_problem([("material", "unknown", gettext("该事项没有这项材料"))])
    checked = upload_check(upload)
    path = upload_store(checked, upload, folder=f"cases/{case.uid}")
    with transaction.atomic():
        now = timezone.now()
        case.materials.filter(material=material, replaced_at__isnull=True).update(replaced_at=now)
        stored = CaseMaterial.objects.create(
            case=case,
            material=material,
            name=checked.name,
            kind=checked.kind,
            size=checked.size,
            sha256=checked.sha256,
            path=path,
            uploaded_at=now,
        )
    return stored


def material_open(*, material: CaseMaterial, reader: Any, request: HttpRequest | None = None) -> IO[bytes]:
    """The stored file, for someone the caller has found may see the case; an official's read is
    recorded, as materials hold personal data."""
    if reader.pk != material.case.applicant_id:
        record_audit("material.read", reader, material.case, request, material=material.material)
    return upload_open(material.path)


def case_read_record(*, case: Case, reader: Any, request: HttpRequest | None = None) -> None:
    """Record an official's reading of an application (it holds the applicant's personal data)."""
    record_audit("read", reader, case, request)


def _body_hash(item: ServiceItem, data: Mapping[str, Any], legal_person: Any, pledge: bool) -> str:
    body = {"item": item.pk, "data": data, "legal_person": getattr(legal_person, "pk", None), "pledge": pledge}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def case_submit(
    *,
    applicant: Any,
    item: ServiceItem,
    data: Mapping[str, Any],
    legal_person: Any = None,
    pledge: bool = False,
    idempotency_key: str = "",
    request: HttpRequest | None = None,
) -> Case:
    """Apply in one call. Under an ``Idempotency-Key`` a retry gets the same case; the same key
    with another body is refused (422), and a retry racing the first attempt is told to wait (409).
    """
    if not idempotency_key:
        return _submit_new(applicant, item, data, legal_person, pledge, request)
    body_hash = _body_hash(item, data, legal_person, pledge)
    claim = _claim(applicant, idempotency_key, body_hash)
    if claim.case_id is not None:
        return Case.objects.get(pk=claim.case_id)
    try:
        with transaction.atomic():
            case = _submit_new(applicant, item, data, legal_person, pledge, request)
            SubmissionKey.objects.filter(pk=claim.pk).update(case=case)
    except BaseException:
        # Nothing was created: free the key so the corrected request can use it.
        SubmissionKey.objects.filter(pk=claim.pk, case__isnull=True).delete()
        raise
    return case


def _claim(applicant: Any, key: str, body_hash: str) -> SubmissionKey:
    """The key's record: a new one (this request goes on), or the finished one of an earlier try."""
    stale = timezone.now() - datetime.timedelta(seconds=settings.SHUZHENG_IDEMPOTENCY_STALE_SECONDS)
    for _ in range(2):
        try:
            with transaction.atomic():
                return SubmissionKey.objects.create(applicant=applicant, key=key, body_hash=body_hash)
        except IntegrityError:
            existing = SubmissionKey.objects.filter(applicant=applicant, key=key).first()
        if existing is None:
            continue  # the other attempt failed and freed the key meanwhile
        if existing.body_hash != body_hash:
            raise fields_problem(
                [("", "idempotency_key_reused", gettext("同一个 Idempotency-Key 已用于内容不同的申请"))]
            )
        if existing.case_id is not None:
            return existing
        if existing.created_at >= stale:
            raise Problem(409, gettext("相同的申请正在提交中，请稍后重试"), retry_after=1)
        # An attempt that died half-way (its process ended): take its place.
        SubmissionKey.objects.filter(pk=existing.pk, case__isnull=True).delete()
    raise Problem(409, gettext("相同的申请正在提交中，请稍后重试"), retry_after=1)


def _submit_new(
    applicant: Any, item: ServiceItem, data: Mapping[str, Any], legal_person: Any, pledge: bool, request: Any
) -> Case:
    if item.published is None:
        raise fields_problem([("item", "unpublished", gettext("该事项尚未发布"))])
    _check_applicant(applicant=applicant, item=item, legal_person=legal_person)
    case = Case(
        item=item,
        version=item.published,
        applicant=applicant,
        legal_person=legal_person,
        organisation_id=item.department_id,
        region_id=item.region_id,
        data=dict(data),
    )
    with transaction.atomic():
        return _submit(case, applicant, pledge, request)


@transaction.atomic
def case_draft_submit(*, applicant: Any, case: Case, pledge: bool = False, request: HttpRequest | None = None) -> Case:
    """Submit a draft: the form and the required materials are checked, the case gets its number
    and waits at the first step. Submitting a case already submitted changes nothing."""
    case = Case.objects.select_for_update().select_related("version", "item").get(pk=case.pk)
    if case.applicant_id != applicant.pk:
        raise PermissionDenied("eservices.case.edit")
    if case.status != CaseStatus.DRAFT:
        return case
    if case.version.status != VersionStatus.PUBLISHED and case.item.published is not None:
        # The item changed since the draft was begun: the draft follows the version in force.
        case.version = case.item.published
    return _submit(case, applicant, pledge, request)


def _submit(case: Case, applicant: Any, pledge: bool, request: HttpRequest | None) -> Case:
    spec = case.version.spec
    if pledge and spec.pledge is None:
        raise fields_problem([("pledge", "not_allowed", gettext("该事项不适用告知承诺"))])
    if pledge and commitment_broken_by(applicant=applicant):
        # 国办发〔2020〕42号: an earlier false commitment excludes the applicant from the pledge.
        raise fields_problem([("pledge", "excluded", gettext("您有虚假承诺记录，暂不适用告知承诺，请提交证明材料"))])
    case.pledged = pledge
    problems = form_errors(case.version, case.data)
    problems += [
        (f"materials.{code}", "required", gettext("请上传：%(name)s") % {"name": _material_name(case, code)})
        for code in case_missing_materials(case=case)
    ]
    if problems:
        raise fields_problem(problems)
    now = timezone.now()
    case.status, case.step, case.submitted_at = CaseStatus.SUBMITTED, spec.steps[0].code, now
    case.save()
    # The number shows the region and the day, and the row's own key keeps it unique without a
    # counter every submission would queue on.
    case.number = f"{case.region_id}{timezone.localtime(now):%Y%m%d}{case.pk:010d}"
    case.save(update_fields=["number"])
    event_record(case, applicant, CaseAction.SUBMIT, "", CaseStatus.DRAFT, note="", detail={"pledge": pledge})
    record_audit("submit", applicant, case, request, item=case.item.implementation_code)
    if pledge:
        _approve_on_pledge(case)
    return case


def _approve_on_pledge(case: Case) -> None:
    """告知承诺: the signed promise replaces the proofs, the decision is made at once, and the
    department checks the promise afterwards by the configured deadline."""
    spec, today = case.version.spec, timezone.localdate()
    pledge = spec.pledge
    assert pledge is not None  # checked by the caller
    Commitment.objects.create(
        case=case,
        text=pledge.text,
        text_version=f"v{case.version.number}:{hashlib.sha256(pledge.text.encode()).hexdigest()[:16]}",
        organisation_id=case.organisation_id,
        region_id=case.region_id,
        verify_due=add_working_days(today, settings.SHUZHENG_PLEDGE_VERIFY_DAYS),
    )
    case.accepted_on = today
    case.legal_due = add_working_days(today, spec.legal_days) if spec.legal_days else None
    case.promised_due = today
    case.status, case.step, case.finished_at = CaseStatus.COMPLETED, spec.steps[-1].code, timezone.now()
    case.result = spec.result_name
    case.revision += 1
    case.save()
    event_record(
        case,
        None,
        CaseAction.APPROVE,
        spec.steps[0].code,
        CaseStatus.SUBMITTED,
        note=gettext("告知承诺，当场办结"),
        detail={},
    )


def _material_name(case: Case, code: str) -> str:
    return next((m.name for m in case.version.spec.materials if m.code == code), code)


# --- cases: the workflow --------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    """Who may take an action, from which states, and what it changes."""

    by_applicant: bool
    from_statuses: frozenset[str]
    effect: Callable[[Case, datetime.date, Mapping[str, Any]], dict[str, Any]]
    needs_note: bool = False


def _steps(case: Case) -> list[str]:
    return [step.code for step in case.version.spec.steps]


def _next_step(case: Case, today: datetime.date, result: str = "") -> dict[str, Any]:
    steps = _steps(case)
    index = steps.index(case.step)
    if index + 1 < len(steps):
        return {"status": CaseStatus.PROCESSING, "step": steps[index + 1]}
    return {"status": CaseStatus.COMPLETED, "finished_at": timezone.now(), "result": result}


def _accept(case: Case, today: datetime.date, detail: Mapping[str, Any]) -> dict[str, Any]:
    spec, calendar = case.version.spec, work_calendar()
    changes = {
        "accepted_on": today,
        "legal_due": calendar.add_working_days(today, spec.legal_days) if spec.legal_days else None,
        "promised_due": calendar.add_working_days(today, spec.promised_days),
    }
    return changes | _next_step(case, today, spec.result_name)


def _approve(case: Case, today: datetime.date, detail: Mapping[str, Any]) -> dict[str, Any]:
    return _next_step(case, today, str(detail.get("result") or case.version.spec.result_name))


def _pause(case: Case, today: datetime.date, status: str) -> dict[str, Any]:
    # The clock runs only once the case is accepted.
    return {"status": status, "resume_status": case.status, "paused_on": today if case.accepted_on else None}


def _resume(case: Case, today: datetime.date, detail: Mapping[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = {"status": case.resume_status or CaseStatus.PROCESSING, "resume_status": ""}
    if case.paused_on is not None:
        calendar = work_calendar()
        stopped = max(calendar.working_days_between(case.paused_on, today), 0)
        for name in ("legal_due", "promised_due"):
            due = getattr(case, name)
            changes[name] = calendar.add_working_days(due, stopped) if due and stopped else due
        changes["paused_on"] = None
    return changes


def _return(case: Case, today: datetime.date, detail: Mapping[str, Any]) -> dict[str, Any]:
    if not _can_return(case):
        raise fields_problem([("", "first_step", gettext("已是第一个办理环节，无法退回"))])
    return {"step": _steps(case)[_steps(case).index(case.step) - 1]}


def _transfer(case: Case, today: datetime.date, detail: Mapping[str, Any]) -> dict[str, Any]:
    target = detail.get("organisation")
    if target is None or getattr(target, "pk", None) == case.organisation_id or not target.is_active:
        raise fields_problem([("organisation", "invalid", gettext("请选择另一个办理部门"))])
    return {"organisation_id": target.pk}


def _suspend(case: Case, today: datetime.date, detail: Mapping[str, Any]) -> dict[str, Any]:
    if detail.get("kind") not in SuspensionKind.values:
        raise fields_problem([("kind", "required", gettext("请选择特别程序的种类"))])
    return _pause(case, today, CaseStatus.SUSPENDED)


def _finish(status: str) -> Callable[[Case, datetime.date, Mapping[str, Any]], dict[str, Any]]:
    def effect(case: Case, today: datetime.date, detail: Mapping[str, Any]) -> dict[str, Any]:
        return {"status": status, "finished_at": timezone.now(), "result": str(detail.get("note", ""))}

    return effect


_WAITING = frozenset({CaseStatus.SUBMITTED, CaseStatus.PROCESSING})
TRANSITIONS: dict[str, Transition] = {
    CaseAction.ACCEPT: Transition(False, frozenset({CaseStatus.SUBMITTED}), _accept),
    CaseAction.CORRECTION_REQUEST: Transition(
        False, _WAITING, lambda case, today, detail: _pause(case, today, CaseStatus.CORRECTION), needs_note=True
    ),
    CaseAction.CORRECTION_SUBMIT: Transition(True, frozenset({CaseStatus.CORRECTION}), _resume),
    CaseAction.APPROVE: Transition(False, frozenset({CaseStatus.PROCESSING}), _approve),
    CaseAction.REJECT: Transition(False, _WAITING, _finish(CaseStatus.REJECTED), needs_note=True),
    CaseAction.RETURN: Transition(False, frozenset({CaseStatus.PROCESSING}), _return, needs_note=True),
    CaseAction.TRANSFER: Transition(False, _WAITING, _transfer, needs_note=True),
    CaseAction.SUSPEND: Transition(False, frozenset({CaseStatus.PROCESSING}), _suspend, needs_note=True),
    CaseAction.RESUME: Transition(False, frozenset({CaseStatus.SUSPENDED}), _resume),
    CaseAction.WITHDRAW: Transition(
        True,
        frozenset({CaseStatus.SUBMITTED, CaseStatus.CORRECTION, CaseStatus.PROCESSING, CaseStatus.SUSPENDED}),
        _finish(CaseStatus.WITHDRAWN),
    ),
}


def case_actions_open(*, case: Case, user: Any) -> list[str]:
    """The actions the user may take on the case now (for the buttons of its page)."""
    return [action for action in TRANSITIONS if _may(case, user, action, offered=True)]


def _may(case: Case, user: Any, action: str, *, offered: bool = False) -> bool:
    """Whether the user may take the action now; ``offered``: also whether it can succeed (no
    button for a return to the acceptance, which the action itself refuses with its reason)."""
    transition = TRANSITIONS[action]
    if case.status not in transition.from_statuses:
        return False
    if transition.by_applicant:
        return bool(case.applicant_id == getattr(user, "pk", None))
    # A submitted case waits at its first step (受理); a case in progress at a later one. The step's
    # stage names the role action needed, in the case's own organisation.
    step = case.version.step(case.step)
    if step is None or (offered and action == CaseAction.RETURN and not _can_return(case)):
        return False
    return user_can(user, stage_action(step.stage), case)


def _can_return(case: Case) -> bool:
    """A case goes back one step, never back to its acceptance."""
    steps = case.version.spec.steps
    index = _steps(case).index(case.step)
    return index >= 1 and steps[index - 1].stage != Stage.ACCEPT


def case_act(
    *,
    case: Case,
    user: Any,
    action: str,
    revision: int,
    note: str = "",
    detail: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> Case:
    """Take one workflow action on the case as it was at ``revision``; if anyone changed it since,
    nothing happens and the caller gets 409 to reload.

    The case the caller read is used as it is when it is at that revision: every change of an open
    case raises the revision, and the update below applies only while it is unchanged, so checks
    made on that copy hold for the row changed (one read fewer on every action)."""
    if action not in TRANSITIONS:
        raise fields_problem([("action", "unknown", gettext("未知的办理动作"))])
    transition = TRANSITIONS[action]
    detail = dict(detail or {})
    with transaction.atomic():
        current = case
        if current.revision != revision:
            current = Case.objects.select_related("version", "item", "applicant").get(pk=case.pk)
        if current.revision != revision:
            raise _conflict()
        if not _may(current, user, action):
            if current.status not in transition.from_statuses:
                raise fields_problem([("action", "not_allowed", gettext("办件当前状态不能进行此操作"))])
            raise PermissionDenied(action)
        if transition.needs_note and not note.strip():
            raise fields_problem([("note", "required", gettext("请填写意见或理由"))])
        if data is not None and (problems := form_errors(current.version, data)):
            raise fields_problem(problems)
        today = timezone.localdate()
        changes = transition.effect(current, today, {**detail, "note": note.strip()})
        if data is not None:
            changes["data"] = dict(data)
        if action == CaseAction.CORRECTION_SUBMIT and (missing := case_missing_materials(case=current)):
            raise fields_problem(
                (f"materials.{code}", "required", gettext("请上传：%(name)s") % {"name": _material_name(current, code)})
                for code in missing
            )
        updated = Case.objects.filter(pk=current.pk, revision=revision).update(revision=F("revision") + 1, **changes)
        if not updated:
            raise _conflict()
        status_from, step_from = current.status, current.step
        for name, value in changes.items():
            setattr(current, name, value)
        current.revision = revision + 1
        if "organisation_id" in changes:
            current.organisation = detail["organisation"]
        event_record(current, user, action, step_from, status_from, note=note.strip(), detail=_detail_json(detail))
        record_audit(action, user, current, request, status=current.status)
    return current


def _conflict() -> Problem:
    return Problem(409, gettext("该办件已被他人处理或已更新，请刷新后再操作"), code="stale_revision")


def _detail_json(detail: Mapping[str, Any]) -> dict[str, Any]:
    return {key: getattr(value, "pk", value) for key, value in detail.items() if key != "note"}


def event_record(
    case: Case, actor: Any, action: str, step_from: str, status_from: str, *, note: str, detail: dict[str, Any]
) -> CaseEvent:
    event = CaseEvent.objects.create(
        case=case,
        actor=actor,
        action=action,
        step_from=step_from,
        step_to=case.step,
        status_from=status_from,
        status_to=case.status,
        note=note,
        detail=detail,
    )
    _notify(case, event)
    return event


def _notify(case: Case, event: CaseEvent) -> None:
    """Tell the applicant what an official changed (and that the application was received); tell
    the official who last handled the case when the applicant corrects or withdraws it."""
    subject = gettext("办件%(number)s：%(action)s") % {"number": case.number, "action": CaseAction(event.action).label}
    body = gettext("%(item)s，当前状态：%(status)s。%(note)s") % {
        "item": case.item.name,
        "status": CaseStatus(case.status).label,
        "note": event.note,
    }
    topic = f"eservices.case.{event.action}"
    if event.actor_id != case.applicant_id or event.action == CaseAction.SUBMIT:
        # A move between internal steps (审查 → 决定) is not news to the applicant; a new status
        # or a new department is.
        if event.status_to != event.status_from or event.action == CaseAction.TRANSFER:
            notify(recipient=case.applicant, subject=subject, body=body, link=f"/my/cases/{case.uid}/", topic=topic)
        return
    if (handler := last_official(case)) is not None:
        notify(recipient=handler, subject=subject, body=body, link=f"/workbench/cases/{case.uid}/", topic=topic)


def last_official(case: Case) -> Any:
    """The official who last acted on the case, if any has."""
    event = case.events.exclude(actor_id=case.applicant_id).exclude(actor__isnull=True).order_by("-at", "-pk").first()
    return event.actor if event else None


def cases_remind(*, today: datetime.date | None = None) -> list[Case]:
    """Remind the handlers of open cases due within SHUZHENG_CASE_YELLOW_DAYS working days, or
    overdue: the official who last acted on each, else the department's officials who may act at
    its step; once a day per case (cron runs ``shuzheng eservices remind``)."""
    today = today or timezone.localdate()
    calendar = work_calendar()
    horizon = calendar.add_working_days(today, settings.SHUZHENG_CASE_YELLOW_DAYS)
    due = (
        Case.objects.filter(status__in=OPEN_STATUSES, paused_on__isnull=True, promised_due__lte=horizon)
        .exclude(reminded_on__gte=today)
        .select_related("item", "version")
    )
    reminded = []
    for case in due:
        with transaction.atomic():
            if not Case.objects.filter(pk=case.pk).exclude(reminded_on__gte=today).update(reminded_on=today):
                continue  # another run took it
            step = case.version.step(case.step)
            recipients = [handler] if (handler := last_official(case)) is not None else []
            if not recipients and step is not None:
                recipients = officials_holding(organisation_id=case.organisation_id, action=stage_action(step.stage))
            overdue = case.due is not None and case.due < today
            template = (
                gettext("办件%(number)s已超过办结期限 %(due)s")
                if overdue
                else gettext("办件%(number)s将于 %(due)s 到期")
            )
            subject = template % {"number": case.number, "due": case.due}
            for official in recipients:
                notify(
                    recipient=official,
                    subject=subject,
                    body=case.item.name,
                    link=f"/workbench/cases/{case.uid}/",
                    topic="eservices.case.remind",
                )
            reminded.append(case)
    return reminded
