"""Portal pages of one-stop services: the catalogue, the guide (办事指南), applying, and the
applicant's own cases with their timeline, corrections and results.

Starting an application makes (or resumes) one draft per item, so leaving and coming back finds
the answers and files given so far, and a second click on "submit" finds the case already made.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from shuzheng.core.errors import Problem
from shuzheng.core.uploads import UploadRejected
from shuzheng.eservices import selectors, services
from shuzheng.eservices.choices import (
    CaseAction,
    CaseStatus,
    MaterialForm,
    MaterialSource,
)
from shuzheng.eservices.forms import RatingForm
from shuzheng.eservices.formschema import application_form, form_values
from shuzheng.eservices.models import Case, ServiceItem
from shuzheng.eservices.views import text

PAGE_SIZE = 20


@login_not_required
def items(request: HttpRequest) -> HttpResponse:
    """The catalogue, searchable, each item in the implementation for the chosen region."""
    search = text(request.GET, "q", 50)
    region = request.GET.get("region", "")
    found = (
        selectors.items_for_region(region=region, search=search)
        if len(region) == 6 and region.isdigit()
        else list(selectors.items_published(search=search))
    )
    departments: dict[str, list[ServiceItem]] = {}
    for item in found:
        departments.setdefault(item.department.name, []).append(item)
    return render(
        request,
        "eservices/portal/items.html",
        {"departments": departments, "count": len(found), "search": search, "region": region},
    )


def _published(code: str) -> ServiceItem:
    item = selectors.item_by_code(implementation_code=code)
    if item is None or item.published is None:
        raise Http404
    return item


@login_not_required
def guide(request: HttpRequest, code: str) -> HttpResponse:
    """办事指南: everything one must know before applying, in plain words."""
    item = _published(code)
    spec = item.published.spec  # type: ignore[union-attr]
    draft = selectors.draft_of(applicant=request.user, item=item) if request.user.is_authenticated else None
    context = {
        "item": item,
        "spec": spec,
        "draft": draft,
        "online_depth": settings.SHUZHENG_ONLINE_DEPTHS.get(spec.online_depth, spec.online_depth),
        "materials": [(m, MaterialForm(m.form).label, MaterialSource(m.source).label) for m in spec.materials],
    }
    return render(request, "eservices/portal/guide.html", context)


def apply(request: HttpRequest, code: str) -> HttpResponse:
    """Begin (or resume) the draft of an application and go to its form."""
    item = _published(code)
    if request.method != "POST":
        draft = selectors.draft_of(applicant=request.user, item=item)
        return redirect("eservices:edit", draft.uid) if draft else redirect("eservices:guide", code)
    try:
        draft = selectors.draft_of(applicant=request.user, item=item) or services.case_draft_save(
            applicant=request.user, item=item, data={}
        )
    except Problem as problem:
        messages.error(request, problem.detail)
        return redirect("eservices:guide", code)
    return redirect("eservices:edit", draft.uid)


def _own(request: HttpRequest, uid: uuid.UUID) -> Case:
    case = selectors.case_of_applicant(user=request.user, uid=uid)
    if case is None:
        raise Http404
    return case


def _uploads(request: HttpRequest, case: Case, errors: dict[str, str]) -> None:
    for material in case.version.spec.materials:
        upload = request.FILES.get(f"material-{material.code}")
        if upload is None:
            continue
        try:
            services.material_attach(applicant=request.user, case=case, material=material.code, upload=upload)
        except UploadRejected as rejected:
            errors[material.code] = str(rejected)


def _apply_problem(form: forms.Form, problem: Problem, material_errors: dict[str, str]) -> None:
    for error in problem.errors:
        field = str(error["field"])
        if field.startswith("data.") and field[5:] in form.fields:
            form.add_error(field[5:], str(error["detail"]))
        elif field.startswith("materials."):
            material_errors[field[10:]] = str(error["detail"])
        else:
            form.add_error(None, str(error["detail"]))


def edit(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    """The application form of a draft, or of a case sent back for correction (补正)."""
    case = _own(request, uid)
    if case.status not in (CaseStatus.DRAFT, CaseStatus.CORRECTION):
        return redirect("eservices:my-case", case.uid)
    spec = case.version.spec
    intent = request.POST.get("intent", "save")
    draft = request.method == "POST" and intent == "save"
    form = application_form(spec.form, data=request.POST or None, initial=case.data, draft=draft)
    material_errors: dict[str, str] = {}
    if request.method == "POST":
        _uploads(request, case, material_errors)
        if not form.is_valid() and intent == "submit":
            # Say everything that is missing at once, not the form first and the files after.
            case.pledged = request.POST.get("pledge") == "on"
            for code in selectors.case_missing_materials(case=case):
                material_errors.setdefault(code, gettext("请上传此项材料"))
        if form.is_valid() and not material_errors:
            try:
                case = _save(request, case, form_values(form), intent)
            except Problem as problem:
                if problem.status == 409:
                    messages.error(request, problem.detail)
                    return redirect("eservices:my-case", case.uid)
                _apply_problem(form, problem, material_errors)
            else:
                return redirect("eservices:my-case" if intent != "save" else "eservices:edit", case.uid)
    context = {
        "case": case,
        "spec": spec,
        "form": form,
        "materials": _material_rows(case, material_errors),
        "correction": selectors.correction_asked(case=case) if case.status == CaseStatus.CORRECTION else None,
    }
    status = 422 if request.method == "POST" else 200
    return render(request, "eservices/portal/edit.html", context, status=status)


def _save(request: HttpRequest, case: Case, values: dict[str, Any], intent: str) -> Case:
    if case.status == CaseStatus.CORRECTION:
        case = services.case_act(
            case=case,
            user=request.user,
            action=CaseAction.CORRECTION_SUBMIT,
            revision=int(request.POST.get("revision") or 0),
            data=values,
            request=request,
        )
        messages.success(request, gettext("补正材料已提交"))
        return case
    case = services.case_draft_save(applicant=request.user, item=case.item, data=values, case=case)
    if intent == "submit":
        case = services.case_draft_submit(
            applicant=request.user, case=case, pledge=request.POST.get("pledge") == "on", request=request
        )
        messages.success(request, gettext("申请已提交，办件编号 %(number)s") % {"number": case.number})
    else:
        messages.success(request, gettext("已保存草稿，可以随时回来继续填写"))
    return case


def _material_rows(case: Case, errors: dict[str, str]) -> list[dict[str, Any]]:
    current = {material.material: material for material in selectors.case_materials(case=case)}
    return [
        {
            "spec": material,
            "held": material.source == MaterialSource.GOVERNMENT,
            "file": current.get(material.code),
            "error": errors.get(material.code, ""),
        }
        for material in case.version.spec.materials
    ]


def my_cases(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    cases = selectors.cases_of_applicant(user=request.user, status=status if status in CaseStatus.values else "")
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "eservices/portal/my_cases.html", {"page": page, "status": status, "statuses": CaseStatus.choices}
    )


def my_case(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    """One case: where it stands, its history, its result, and what the applicant may do now."""
    case = _own(request, uid)
    if request.method == "POST":
        return _act(request, case)
    return render(request, "eservices/portal/my_case.html", _case_context(request, case))


def _case_context(request: HttpRequest, case: Case, rating_form: RatingForm | None = None) -> dict[str, Any]:
    rating = selectors.rating_of(case=case)
    if rating_form is None and rating is None and case.status in services.RATEABLE:
        rating_form = RatingForm()
    return {
        "case": case,
        "spec": case.version.spec,
        "events": selectors.case_events(case=case),
        "materials": _material_rows(case, {}),
        "actions": services.case_actions_open(case=case, user=request.user),
        "step": case.version.step(case.step),
        "rating": rating,
        "rating_form": rating_form if rating is None else None,
    }


def _rate(request: HttpRequest, case: Case) -> HttpResponse:
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.rating_give(
                applicant=request.user,
                case=case,
                level=form.cleaned_data["level"],
                dimensions=form.dimensions(),
                text=form.cleaned_data["text"],
                request=request,
            )
        except Problem as problem:
            for error in problem.errors or [{"field": "", "detail": problem.detail}]:
                field = str(error["field"])
                form.add_error(field if field in form.fields else None, str(error["detail"]))
        else:
            messages.success(request, gettext("感谢您的评价"))
            return redirect("eservices:my-case", case.uid)
    return render(request, "eservices/portal/my_case.html", _case_context(request, case, form), status=422)


def _act(request: HttpRequest, case: Case) -> HttpResponse:
    action = request.POST.get("action", "")
    if action == "rate":
        return _rate(request, case)
    if action != CaseAction.WITHDRAW:
        raise PermissionDenied(action)
    try:
        services.case_act(
            case=case,
            user=request.user,
            action=action,
            revision=int(request.POST.get("revision") or 0),
            note=text(request.POST, "note", 1000),
            request=request,
        )
    except Problem as problem:
        messages.error(request, problem.detail)
    else:
        messages.success(request, gettext("申请已撤回"))
    return redirect("eservices:my-case", case.uid)


@require_POST
def draft_discard(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    case = _own(request, uid)
    services.case_draft_discard(applicant=request.user, case=case)
    messages.success(request, gettext("草稿已删除"))
    return redirect("eservices:my-cases")


def my_material(request: HttpRequest, uid: uuid.UUID, material: uuid.UUID) -> FileResponse:
    case = _own(request, uid)
    found = selectors.case_material(case=case, uid=material)
    if found is None:
        raise Http404
    opened = services.material_open(material=found, reader=request.user, request=request)
    return FileResponse(opened, as_attachment=True, filename=found.name)
