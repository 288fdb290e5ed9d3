"""The officials' case pages (办件): the to-do list, the department's cases, overdue cases for
supervisors, one case with the actions open on it, and its materials."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext

from shuzheng.accounts.selectors import organisation_get, organisations_active, user_can
from shuzheng.core.access import official_required
from shuzheng.core.errors import Problem
from shuzheng.core.workdays import work_calendar
from shuzheng.eservices import selectors, services
from shuzheng.eservices.choices import CaseAction, CaseStatus, DeadlineWarning, MaterialSource, Stage, SuspensionKind
from shuzheng.eservices.forms import FINAL_ACTIONS, CaseActionForm, CaseFilterForm, kept_input
from shuzheng.eservices.models import Case, CaseEvent, CaseMaterial

PAGE_SIZE = 50
# The step's way forward is shown open; the other actions fold away until chosen.
PRIMARY_ACTIONS = frozenset({CaseAction.ACCEPT, CaseAction.APPROVE, CaseAction.RESUME})


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "workbench/forbidden.html", status=403)


def _step_name(case: Case, code: str | None = None) -> str:
    step = case.version.step(case.step if code is None else code)
    return step.name if step is not None else ""


@dataclass(frozen=True)
class Row:
    """A case in a list, with its step's name and its deadline warning."""

    case: Case
    step: str
    warning: DeadlineWarning


def _rows(cases: Iterable[Case], today: datetime.date) -> list[Row]:
    cases = list(cases)
    warnings = selectors.case_warnings(cases, today)
    return [Row(case, _step_name(case), warning) for case, warning in zip(cases, warnings, strict=True)]


def _tabs(request: HttpRequest) -> dict[str, Any]:
    return {"may_supervise": user_can(request.user, selectors.CASE_SUPERVISE)}


# --- lists ------------------------------------------------------------------------------------


@official_required
def todo(request: HttpRequest) -> HttpResponse:
    """我的待办: the cases waiting at a step the official may act on, the most urgent first."""
    page = Paginator(selectors.todo_of(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "rows": _rows(page, timezone.localdate()), **_tabs(request)}
    return render(request, "eservices/workbench/todo.html", context)


@official_required
def cases(request: HttpRequest) -> HttpResponse:
    """本部门办件: every case of the department, by status or by number and item name."""
    form = CaseFilterForm(request.GET)
    found = selectors.cases_for_official(user=request.user, **form.filters())
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "rows": _rows(page, timezone.localdate()), **_tabs(request)}
    return render(request, "eservices/workbench/cases.html", context)


@dataclass(frozen=True)
class OverdueRow:
    case: Case
    step: str
    days: int


@official_required
def overdue(request: HttpRequest) -> HttpResponse:
    """超期督办: the open cases of the supervisor's region past their binding deadline."""
    if not user_can(request.user, selectors.CASE_SUPERVISE):
        return _forbidden(request)
    today = timezone.localdate()
    page = Paginator(selectors.cases_overdue(user=request.user, today=today), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    calendar = work_calendar()  # read once for the page, not once a row
    rows = [OverdueRow(case, _step_name(case), calendar.working_days_between(case.due, today)) for case in page]
    context = {"page": page, "rows": rows, **_tabs(request)}
    return render(request, "eservices/workbench/overdue.html", context)


# --- one case ---------------------------------------------------------------------------------


@official_required
def case(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    """办件详情: the application as filed, its materials and history, and the actions open now."""
    found = selectors.case_for_official(user=request.user, uid=uid)
    if found is None:
        raise Http404
    if request.method == "POST":
        return _act(request, found)
    services.case_read_record(case=found, reader=request.user, request=request)
    return _case_page(request, found)


def _transfer_targets(case: Case) -> QuerySet[Any]:
    return organisations_active(region=case.region_id, exclude=case.organisation_id)


def _act(request: HttpRequest, case: Case) -> HttpResponse:
    action = request.POST.get("action", "")
    form = CaseActionForm(request.POST, case=case, action=action, organisations=_transfer_targets(case))
    if not form.is_valid():
        return _case_page(request, case, posted=form, status=422)
    try:
        services.case_act(
            case=case,
            user=request.user,
            action=action,
            revision=form.cleaned_data["revision"],
            note=form.cleaned_data["note"],
            detail=form.detail(),
            request=request,
        )
    except PermissionDenied:
        return _forbidden(request)
    except Problem as problem:
        if problem.status == 409:
            return _conflict(request, case, action)
        form.add_problem(problem)
        return _case_page(request, case, posted=form, status=problem.status)
    messages.success(
        request,
        gettext("已办理“%(action)s”：办件 %(number)s") % {"action": _action_label(case, action), "number": case.number},
    )
    if selectors.case_for_official(user=request.user, uid=case.uid) is None:
        return redirect("eservices:todo")  # transferred away: no longer this department's
    return redirect("eservices:case", case.uid)


def _conflict(request: HttpRequest, stale: Case, action: str) -> HttpResponse:
    """Someone acted first: show the case as it is now, with what the official typed kept."""
    message = gettext("该办件已被他人处理或已更新，请刷新后再操作")
    current = selectors.case_for_official(user=request.user, uid=stale.uid)
    if current is None:
        messages.error(request, message)
        return redirect("eservices:todo")
    kept = CaseActionForm(
        case=current, action=action, organisations=_transfer_targets(current), initial=kept_input(request.POST)
    )
    return _case_page(request, current, posted=kept, page_errors=[message], status=409)


@dataclass
class ActionPanel:
    """One open action: its form, and how the page presents it."""

    action: str
    label: str
    form: CaseActionForm
    primary: bool
    final: bool
    expanded: bool = False


@dataclass
class MaterialRow:
    """One of the item's materials with what the case holds for it."""

    name: str
    required: bool
    source: str
    held_by_government: bool
    pledged: bool
    files: list[CaseMaterial] = field(default_factory=list)


@dataclass(frozen=True)
class HistoryRow:
    event: CaseEvent
    actor: str
    action: str
    step: str
    status: str
    detail: str


def _action_label(case: Case, action: str) -> str:
    """The button's words at this step: a refusal at acceptance is 不予受理, later 不予许可."""
    steps = case.version.spec.steps
    codes = [step.code for step in steps]
    index = codes.index(case.step) if case.step in codes else 0
    if action == CaseAction.REJECT:
        return gettext("不予受理") if steps[index].stage == Stage.ACCEPT else gettext("不予许可")
    if action == CaseAction.APPROVE:
        if index + 1 >= len(steps):
            return gettext("办结")
        return gettext("通过，转%(step)s") % {"step": steps[index + 1].name}
    return str(CaseAction(action).label)


def _form_rows(case: Case) -> list[tuple[str, str]]:
    """The application's fields with their titles, in the form's layout order (the rest after)."""
    form = case.version.spec.form
    properties: dict[str, Any] = form.schema_.get("properties", {})
    order = [row.field for row in form.layout]
    order += [name for name in properties if name not in order]
    return [(str(properties[name].get("title") or name), _shown(case.data.get(name))) for name in order]


def _shown(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    if isinstance(value, list):
        return "、".join(str(part) for part in value)
    return str(value)


def _material_rows(case: Case) -> list[MaterialRow]:
    spec = case.version.spec
    replaced = set(spec.pledge.materials) if case.pledged and spec.pledge else set()
    files: dict[str, list[CaseMaterial]] = {}
    for stored in selectors.case_materials(case=case):
        files.setdefault(stored.material, []).append(stored)
    return [
        MaterialRow(
            name=material.name,
            required=material.required,
            source=str(MaterialSource(material.source).label),
            held_by_government=material.source == MaterialSource.GOVERNMENT,
            pledged=material.code in replaced,
            files=files.get(material.code, []),
        )
        for material in spec.materials
    ]


def _history(case: Case) -> list[HistoryRow]:
    names = {material.code: material.name for material in case.version.spec.materials}
    rows = []
    for event in selectors.case_events(case=case):
        actor = event.actor.get_full_name() if event.actor is not None else gettext("系统")
        if event.actor_id == case.applicant_id:
            actor = gettext("申请人 %(name)s") % {"name": actor}
        detail = ""
        if event.detail.get("materials"):
            detail = gettext("需补正：%(names)s") % {
                "names": "、".join(names.get(code, code) for code in event.detail["materials"])
            }
        elif event.detail.get("kind") in SuspensionKind.values:
            detail = str(SuspensionKind(event.detail["kind"]).label)
        elif event.detail.get("organisation") and (target := organisation_get(pk=event.detail["organisation"])):
            detail = gettext("转至：%(name)s") % {"name": target.name}
        step = _step_name(case, event.step_to)
        if event.step_from and event.step_from != event.step_to:
            step = f"{_step_name(case, event.step_from)} → {step}"
        rows.append(
            HistoryRow(
                event, actor, str(CaseAction(event.action).label), step, str(CaseStatus(event.status_to).label), detail
            )
        )
    return rows


def _case_page(
    request: HttpRequest,
    case: Case,
    *,
    posted: CaseActionForm | None = None,
    page_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    open_actions = services.case_actions_open(case=case, user=request.user)
    errors = list(page_errors or [])
    if posted is not None and posted.for_action not in open_actions and posted.is_bound:
        errors += posted.all_errors()
    targets = _transfer_targets(case)
    panels = []
    # The way forward first, the actions that end the case last.
    ordered = sorted(open_actions, key=lambda action: (action not in PRIMARY_ACTIONS, action in FINAL_ACTIONS))
    for action in ordered:
        mine = posted is not None and posted.for_action == action
        form = (
            posted if posted is not None and mine else CaseActionForm(case=case, action=action, organisations=targets)
        )
        panels.append(
            ActionPanel(
                action=action,
                label=_action_label(case, action),
                form=form,
                primary=action in PRIMARY_ACTIONS,
                final=action in FINAL_ACTIONS,
                expanded=mine or action in PRIMARY_ACTIONS,
            )
        )
    spec = case.version.spec
    context = {
        "case": case,
        "spec": spec,
        "step": _step_name(case),
        "step_number": next((n for n, step in enumerate(spec.steps, 1) if step.code == case.step), 0),
        "warning": selectors.case_warning(case),
        "form_rows": _form_rows(case),
        "materials": _material_rows(case),
        "history": _history(case),
        "panels": panels,
        "page_errors": errors,
        **_tabs(request),
    }
    return render(request, "eservices/workbench/case.html", context, status=status)


@official_required
def material(request: HttpRequest, uid: uuid.UUID, material: uuid.UUID) -> HttpResponse:
    """One of a visible case's files, as an attachment; the read is on the record."""
    found = selectors.case_for_official(user=request.user, uid=uid)
    stored = selectors.case_material(case=found, uid=material) if found is not None else None
    if stored is None:
        raise Http404
    response = FileResponse(
        services.material_open(material=stored, reader=request.user, request=request),
        as_attachment=True,
        filename=stored.name,
    )
    # official_required is typed for HttpResponse; a streamed response passes through it alike.
    return response  # type: ignore[return-value]
