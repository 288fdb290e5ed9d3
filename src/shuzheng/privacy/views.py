"""Workbench pages: the masking policies with a tester for sample values, and a dataset's personal
data — the classifier's proposals and the checks before release."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shuzheng.catalog.selectors import datasets_for_official
from shuzheng.core.access import official_required
from shuzheng.privacy import selectors, services
from shuzheng.privacy.forms import PolicyForm, ReleaseCheckForm, TryForm


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "workbench/forbidden.html", status=403)


@official_required
def policies_page(request: HttpRequest) -> HttpResponse:
    """Every channel's treatment of each grade; anyone may try sample values, the keeper edits."""
    can_edit = selectors.may_edit_policies(user=request.user)
    action = request.POST.get("action", "")
    trial = TryForm(request.POST if action == "try" else None)
    policy_form = PolicyForm(request.POST if action == "save" else None)
    result = None
    if action == "try" and trial.is_valid():
        data = trial.cleaned_data
        masked, findings = selectors.mask_text(
            data["text"], channel=data["channel"], grade=data["grade"], purpose=data["purpose"]
        )
        labels = dict(selectors.kind_labels())
        result = {"text": masked, "findings": [(labels[f.kind], f.confidence) for f in findings]}
    if action == "save":
        if not can_edit:
            return _forbidden(request)
        if policy_form.is_valid():
            try:
                services.policy_save(user=request.user, **policy_form.cleaned_data)
            except services.PrivacyInvalid as invalid:
                for _field, _code, message in invalid.problems:
                    policy_form.add_error("treatments", message)
            else:
                messages.success(request, gettext("脱敏策略已保存"))
                return redirect("privacy:policies")
    context = {
        "policies": [
            {**row, "treatments_json": json.dumps(row["treatments"], ensure_ascii=False)}
            for row in selectors.policies_effective()
        ],
        "kinds": selectors.kind_labels(),
        "methods": selectors.method_labels(),
        "trial": trial,
        "result": result,
        "policy_form": policy_form,
        "can_edit": can_edit,
        "can_review": selectors.may_review(user=request.user),
    }
    return render(request, "privacy/policies.html", context)


REVIEW_HEADINGS = (
    _("编码"),
    _("数据资源"),
    _("提供部门"),
    _("安全级别"),
    _("个人信息所需级别"),
    _("个人信息字段"),
    _("级别偏低的字段"),
    _("已识别"),
    _("待确认建议"),
    _("开放类型"),
    _("最近发布核查"),
    _("带水印提供"),
    _("问题数"),
)


@official_required
def review_page(request: HttpRequest) -> HttpResponse:
    """Every dataset the user answers for, as a security assessment reads it, the most findings
    first; ``?format=csv`` for the assessment file."""
    if not selectors.may_review(user=request.user):
        return _forbidden(request)
    reviews = selectors.security_review(user=request.user)
    if request.GET.get("format") == "csv":
        return _review_csv(reviews)
    labels = dict(selectors.kind_labels())
    rows = [(review, [(name, labels.get(kind, kind)) for name, kind in review.personal.items()]) for review in reviews]
    context = {
        "rows": rows,
        "total": len(reviews),
        "classified": sum(1 for review in reviews if review.classified),
        "flagged": sum(1 for review in reviews if review.findings),
        "headings": REVIEW_HEADINGS,
    }
    return render(request, "privacy/review.html", context)


def _review_csv(reviews: list[selectors.DatasetReview]) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(heading) for heading in REVIEW_HEADINGS])
    yes, no = gettext("是"), gettext("否")
    for review in reviews:
        dataset, check = review.dataset, review.check
        outcome = "" if check is None else (gettext("通过") if check.passed else gettext("未通过"))
        writer.writerow(
            [
                dataset.code,
                dataset.title,
                dataset.organisation.name,
                dataset.grade,
                review.implied,
                "、".join(f"{name}（{kind}）" for name, kind in review.personal.items()),
                "、".join(review.under_graded),
                yes if review.classified else no,
                review.pending,
                dataset.get_open_type_display(),
                f"{check.checked_at:%Y-%m-%d} {outcome}" if check is not None else "",
                review.releases,
                review.findings,
            ]
        )
    # With a byte-order mark: the spreadsheet programs used in offices read the file as UTF-8 then.
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="security-review.csv"'
    return response


def _dataset(request: HttpRequest, code: str) -> Any:
    dataset = datasets_for_official(user=request.user).filter(code=code).first()
    if dataset is None:
        raise Http404
    return dataset


@official_required
def dataset_page(request: HttpRequest, code: str) -> HttpResponse:
    """A dataset's personal data: what the classifier proposes per field, and release checks."""
    dataset = _dataset(request, code)
    can_act = selectors.may_classify(user=request.user, dataset=dataset)
    fields = [(field.name, f"{field.label}（{field.name}）") for field in dataset.fields.all()]
    action = request.POST.get("action", "")
    check_form = ReleaseCheckForm(
        request.POST if action == "check" else None,
        fields=fields,
        k=settings.SHUZHENG_PRIVACY_K,
        l_diversity=settings.SHUZHENG_PRIVACY_L,
    )
    if request.method == "POST":
        if not can_act:
            return _forbidden(request)
        if _act(request, dataset, action, check_form):
            return redirect("privacy:dataset", dataset.code)
    checks = list(selectors.release_checks_for(dataset=dataset)[:5])
    labels = dict(selectors.kind_labels())
    context = {
        "dataset": dataset,
        "proposals": [(p, labels.get(p.kind, "")) for p in selectors.proposals_for(dataset=dataset)],
        "checks": checks,
        "check_form": check_form,
        "can_act": can_act,
    }
    return render(request, "privacy/dataset.html", context)


def _act(request: HttpRequest, dataset: Any, action: str, check_form: ReleaseCheckForm) -> bool:
    try:
        if action == "classify":
            services.dataset_classify(user=request.user, dataset=dataset)
            messages.success(request, gettext("已按抽样数据重新识别各字段"))
        elif action in ("accept", "reject"):
            proposal = selectors.proposals_for(dataset=dataset).filter(pk=request.POST.get("proposal") or 0).first()
            if proposal is None:
                raise Http404
            services.proposal_decide(user=request.user, proposal=proposal, accept=action == "accept")
        elif action == "check":
            if not check_form.is_valid():
                return False
            services.release_check(user=request.user, dataset=dataset, **check_form.cleaned_data)
        elif action == "apply":
            previous = selectors.release_checks_for(dataset=dataset).filter(pk=request.POST.get("check") or 0).first()
            if previous is None or "suggestion" not in previous.report:
                raise Http404
            services.release_check(
                user=request.user,
                dataset=dataset,
                quasi_identifiers=previous.quasi_identifiers,
                sensitive=previous.sensitive,
                generalisations=previous.report["suggestion"]["generalisations"],
                k=previous.k,
                l_diversity=previous.l_diversity,
            )
        else:
            return False
    except services.PrivacyInvalid as invalid:
        for _field, _code, message in invalid.problems:
            messages.error(request, message)
        return action != "check"
    return True


def dataset_privacy_panel(dataset: Any, user: Any) -> SafeString:
    """The catalogue's dataset page shows the personal data found in it and the latest release check."""
    labels = dict(selectors.kind_labels())
    found = [p for p in selectors.proposals_for(dataset=dataset) if p.kind and p.status != "rejected"]
    context = {
        "dataset": dataset,
        "found": [(proposal, labels[proposal.kind]) for proposal in found],
        "check": selectors.release_checks_for(dataset=dataset).first(),
    }
    return SafeString(render_to_string("privacy/_panel.html", context))
