"""Sharing pages: the workbench (requests, checks, answers, grants, the call log, objections) and
the portal's 我的数据使用记录."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext

from shuzheng.accounts.selectors import user_can
from shuzheng.catalog import selectors as catalog
from shuzheng.core.access import official_required
from shuzheng.sharing import selectors, services
from shuzheng.sharing.choices import GrantStatus, RequestStatus
from shuzheng.sharing.forms import AnswerForm, CheckForm, DecisionForm, GrantStatusForm, ObjectionForm, RequestForm

PAGE_SIZE = 50


def _form_errors(form: forms.Form, exc: services.SharingInvalid) -> None:
    renamed = {"fields": "columns", "row_filter": "scope_values"}
    for field, _code, message in exc.problems:
        name = renamed.get(field, field)
        form.add_error(name if name in form.fields else None, message)


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "workbench/forbidden.html", status=403)


@official_required
def home(request: HttpRequest) -> HttpResponse:
    """Everything waiting for the official, by role: the platform's checks and overdue requests,
    the department's requests to answer, its own requests, and grants both ways."""
    user = request.user
    to_check = selectors.requests_to_check(user=user)[:PAGE_SIZE]
    incoming = selectors.requests_for_provider(user=user).filter(status=RequestStatus.WITH_PROVIDER)[:PAGE_SIZE]
    context = {
        "to_check": to_check,
        "incoming": incoming,
        "mine": selectors.requests_of_consumer(user=user)[:PAGE_SIZE],
        "granted_to_us": selectors.grants_of_consumer(user=user).exclude(status=GrantStatus.REVOKED)[:PAGE_SIZE],
        "granted_by_us": selectors.grants_of_provider(user=user).exclude(status=GrantStatus.REVOKED)[:PAGE_SIZE],
        "overdue": {share.pk for share in [*to_check, *incoming] if selectors.request_overdue(share)},
        "may_check": selectors.may_check(user=user),
        "anomalies": selectors.anomalies_for(user=user)[:PAGE_SIZE],
    }
    return render(request, "sharing/home.html", context)


@official_required
def request_new(request: HttpRequest, code: str) -> HttpResponse:
    """Ask for another department's dataset."""
    dataset = catalog.dataset_published(code=code)
    if dataset is None:
        raise Http404
    choices = [(field.name, field.label) for field in dataset.fields.all()]
    form = RequestForm(request.POST or None, fields=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            share, _created = services.request_submit(
                official=request.user,
                dataset=dataset,
                fields=data["columns"],
                purpose=data["purpose"],
                scenario=data["scenario"],
                legal_basis=data["legal_basis"],
                daily_calls=data["daily_calls"],
                valid_until=data["valid_until"],
                row_filter=form.row_filter(),
                request=request,
            )
        except services.SharingForbidden:
            return _forbidden(request)
        except services.SharingInvalid as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, gettext("申请已提交，平台将在规定期限内审核"))
            return redirect("sharing:request", share.number)
    return render(request, "sharing/request_new.html", {"dataset": dataset, "form": form})


def _request_action(request: HttpRequest, share: Any, action: str) -> None:
    user = request.user
    if action in ("pass", "fail"):
        check = CheckForm(request.POST)
        check.is_valid()
        services.request_check(
            official=user,
            share=share,
            passed=action == "pass",
            note=check.cleaned_data.get("note", ""),
            needs_publishing=check.cleaned_data.get("needs_publishing", False),
            request=request,
        )
    elif action in ("approve", "refuse"):
        decision = DecisionForm(request.POST, fields=[(name, name) for name in share.fields])
        decision.is_valid()
        services.request_decide(
            official=user,
            share=share,
            approve=action == "approve",
            reason=decision.cleaned_data.get("reason", ""),
            fields=decision.cleaned_data.get("columns") or None,
            request=request,
        )
    elif action == "withdraw":
        services.request_withdraw(official=user, share=share, request=request)


@official_required
def request_page(request: HttpRequest, number: str) -> HttpResponse:
    """One request, with what its reader may do next."""
    share = selectors.request_visible(user=request.user, number=number)
    if share is None:
        raise Http404
    labels = {field.name: field.label for field in share.dataset.fields.all()}
    if request.method == "POST":
        try:
            _request_action(request, share, request.POST.get("action", ""))
        except services.SharingForbidden:
            return _forbidden(request)
        except services.SharingInvalid as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, gettext("已处理"))
        return redirect("sharing:request", number)
    context = {
        "share": share,
        "labels": [labels.get(name, name) for name in share.fields],
        "overdue": selectors.request_overdue(share),
        "can_check": share.status == RequestStatus.CHECKING and user_can(request.user, services.CHECK, share),
        "can_decide": share.status == RequestStatus.WITH_PROVIDER and user_can(request.user, services.DECIDE, share),
        "can_withdraw": share.is_open and share.consumer_id == getattr(request.user, "organisation_id", None),
        "check_form": CheckForm(),
        "decision_form": DecisionForm(fields=[(name, labels.get(name, name)) for name in share.fields]),
        "grant": getattr(share, "grant", None),
    }
    return render(request, "sharing/request.html", context)


@official_required
def grant_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One grant: its scope, its recent calls, and (for the owner or the platform) suspend, resume, revoke."""
    grant = selectors.grant_visible(user=request.user, pk=pk)
    if grant is None:
        raise Http404
    form = GrantStatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.grant_set_status(
                official=request.user,
                grant=grant,
                status=request.POST.get("status", ""),
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except services.SharingForbidden:
            return _forbidden(request)
        except services.SharingInvalid as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, gettext("授权状态已更新"))
        return redirect("sharing:grant", pk)
    context = {
        "grant": grant,
        "form": form,
        "calls": grant.calls.select_related("consumer", "dataset")[:20],
        "anomalies": grant.anomalies.all()[:20],
        "may_manage": selectors.may_manage_grant(user=request.user, grant=grant),
    }
    return render(request, "sharing/grant.html", context)


@official_required
def calls_page(request: HttpRequest) -> HttpResponse:
    """The department's call log; the platform's authority may verify the whole chain."""
    verification = None
    if request.method == "POST" and selectors.may_check(user=request.user):
        services.calls_seal()
        verification = selectors.calls_verify()
    calls = selectors.calls_for_department(user=request.user).order_by("-at", "-pk")
    page = Paginator(calls, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "verification": verification, "may_check": selectors.may_check(user=request.user)}
    return render(request, "sharing/calls.html", context)


@official_required
def objections_page(request: HttpRequest) -> HttpResponse:
    """Objections raised by people about calls, for the platform's data authority to answer."""
    if not selectors.may_check(user=request.user):
        return _forbidden(request)
    found = selectors.objections_to_answer(user=request.user)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        objection = found.filter(pk=form.cleaned_data["objection"]).first()
        if objection is None:
            raise Http404
        try:
            services.objection_answer(
                official=request.user, objection=objection, answer=form.cleaned_data["answer"], request=request
            )
        except services.SharingInvalid as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, gettext("已答复"))
        return redirect("sharing:objections")
    return render(request, "sharing/objections.html", {"objections": found[:PAGE_SIZE]})


def my_data_use(request: HttpRequest) -> HttpResponse:
    """我的数据使用记录: every sharing call that touched the user's records (or their enterprises'),
    and an objection to any of them."""
    calls = selectors.calls_about(user=request.user).order_by("-at", "-pk")
    form = ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        call = calls.filter(pk=form.cleaned_data["call"]).first()
        if call is None:
            raise Http404
        try:
            services.objection_raise(
                person=request.user,
                call=call,
                text=form.cleaned_data["text"],
                request=request,
            )
        except services.SharingInvalid as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, gettext("异议已提交，平台数据主管部门将尽快核查答复"))
        return redirect("sharing:my-data-use")
    page = Paginator(calls.select_related("grant"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "objections": selectors.objections_of(user=request.user)[:PAGE_SIZE]}
    return render(request, "sharing/my_data_use.html", context)


def dataset_sharing_panel(dataset: Any, user: Any) -> str:
    """On a dataset's workbench page: how it is shared, and a link to ask for it."""
    if dataset.status != "published" or dataset.organisation_id == user.organisation_id:
        return ""
    may_request = dataset.share_type != catalog.ShareType.NONE and user_can(user, services.SUBMIT)
    return render_to_string("sharing/_dataset_panel.html", {"dataset": dataset, "may_request": may_request})
