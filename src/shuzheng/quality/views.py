"""Data quality in the workbench: declaring a dataset's rules, the department's scorecard, a
dataset's checks, downloads of the failing rows, the ranking of departments, tickets and their
steps, and problem reports (from the workbench and from the open-data portal)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shuzheng.catalog.selectors import datasets_for_official, datasets_open
from shuzheng.core.access import official_required
from shuzheng.quality import exports, selectors, services
from shuzheng.quality.choices import TicketStatus
from shuzheng.quality.forms import ProblemForm, RuleForm, RulesImportForm, StepForm
from shuzheng.quality.models import QualityRule
from shuzheng.quality.registry import rule_types

# --- rule declarations: /workbench/quality/rules/<code>/ ------------------------------------------


def _rules_dataset(request: HttpRequest, code: str) -> Any:
    # Published entries for every official, drafts for their own department only (as the catalogue).
    dataset = datasets_for_official(user=request.user).filter(code=code).first()
    if dataset is None:
        raise Http404
    return dataset


def _rule_form(dataset: Any, data: Any = None) -> RuleForm:
    return RuleForm(data, dataset_fields=list(dataset.fields.all()), frequency=dataset.update_frequency)


@official_required
def rules_page(request: HttpRequest, code: str) -> HttpResponse:
    """A dataset's rules: the list, declaring, enabling, disabling and removing rules, YAML in
    and out, and a check run on the spot."""
    dataset = _rules_dataset(request, code)
    can_edit = selectors.rules_editable(user=request.user, dataset=dataset)
    action = request.POST.get("action", "")
    rule_form = _rule_form(dataset, request.POST if action == "add" else None)
    import_form = RulesImportForm(*((request.POST, request.FILES) if action == "import" else ()))
    import_problems: list[tuple[str, str]] = []
    if request.method == "POST":
        if not can_edit:
            return render(request, "workbench/forbidden.html", status=403)
        if action == "add":
            done = _add(request, dataset, rule_form)
        elif action == "import":
            done = _import(request, dataset, import_form, import_problems)
        elif action in ("enable", "disable", "delete"):
            done = _change(request, dataset, action)
        elif action == "check":
            services.quality_check_start(by=request.user, dataset=dataset, request=request)
            done = True
            messages.success(request, gettext("已提交检查，完成后刷新本页即可看到结果"))
        else:
            done = False
        if done:
            return redirect("quality:rules", dataset.code)
    context = {
        "dataset": dataset,
        "rules": _rule_rows(dataset, selectors.rules_of(dataset=dataset)),
        "run": _run_summary(dataset),
        "can_edit": can_edit,
        "rule_form": rule_form,
        "import_form": import_form,
        "import_problems": import_problems,
    }
    return render(request, "quality/rules.html", context)


def _add(request: HttpRequest, dataset: Any, form: RuleForm) -> bool:
    if not form.is_valid():
        return False
    rule_type, fields, params = form.declaration()
    if form.errors:
        return False
    try:
        services.rule_add(
            editor=request.user,
            dataset=dataset,
            rule_type=rule_type,
            fields=fields,
            params=params,
            severity=form.cleaned_data["severity"],
            description=form.cleaned_data["description"],
            request=request,
        )
    except services.QualityInvalid as exc:
        for path, _code, message in exc.problems:
            form.add_problem(path, message)
        return False
    messages.success(request, gettext("已新增规则"))
    return True


def _change(request: HttpRequest, dataset: Any, action: str) -> bool:
    try:
        rule = selectors.rule_of(dataset=dataset, pk=int(request.POST.get("rule", "")))
    except ValueError:
        rule = None
    if rule is None:
        raise Http404
    if action == "delete":
        services.rule_delete(editor=request.user, rule=rule, request=request)
        messages.success(request, gettext("已删除规则"))
    else:
        services.rule_update(editor=request.user, rule=rule, enabled=action == "enable", request=request)
        messages.success(request, gettext("已启用规则") if action == "enable" else gettext("已停用规则"))
    return True


def _import(request: HttpRequest, dataset: Any, form: RulesImportForm, problems: list[tuple[str, str]]) -> bool:
    if not form.is_valid():
        return False
    try:
        result = services.rules_import_yaml(
            editor=request.user,
            dataset=dataset,
            text=form.cleaned_data["text"],
            replace=form.cleaned_data["replace"],
            request=request,
        )
    except services.QualityInvalid as exc:
        problems += [(path, message) for path, _code, message in exc.problems]
        return False
    counts = {"created": result.created, "updated": result.updated, "removed": result.removed}
    if result.changed:
        messages.success(
            request, gettext("已导入：新增 %(created)d 条，修改 %(updated)d 条，删除 %(removed)d 条") % counts
        )
    else:
        messages.info(request, gettext("规则与文件一致，没有变化"))
    return True


@official_required
def rules_export(request: HttpRequest, code: str) -> HttpResponse:
    """The dataset's rules as a YAML file to download."""
    dataset = _rules_dataset(request, code)
    response = HttpResponse(
        selectors.rules_export_yaml(dataset=dataset), content_type="application/yaml; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{dataset.code}-quality-rules.yaml"'
    return response


def _rule_rows(dataset: Any, rules: Any) -> list[dict[str, Any]]:
    labels = {field.name: field.label for field in dataset.fields.all()}
    known = rule_types()
    return [
        {
            "rule": rule,
            "type_name": known[rule.rule_type].name if rule.rule_type in known else rule.rule_type,
            "fields": [labels.get(name, name) for name in rule.fields],
            "params": params_in_words(rule.params, labels),
        }
        for rule in rules
    ]


def params_in_words(params: dict[str, Any], labels: dict[str, str]) -> str:
    """A rule's parameters as a reader would say them: 不小于 0；不大于 100000."""
    words = []
    templates = {
        "pattern": gettext("符合 %(value)s"),
        "values": gettext("取值为 %(value)s 之一"),
        "min": gettext("不小于 %(value)s"),
        "max": gettext("不大于 %(value)s"),
        "format": gettext("格式为 %(value)s"),
        "birth_date": gettext("出生日期字段：%(value)s"),
        "sex": gettext("性别字段：%(value)s"),
        "frequency": gettext("更新频率：%(value)s"),
    }
    params = dict(params)
    if "dataset" in params and "field" in params:
        reference = {"dataset": params.pop("dataset"), "field": params.pop("field")}
        words.append(gettext("取值存在于数据资源 %(dataset)s 的字段 %(field)s 中") % reference)
    # In the templates' order, not the stored one: PostgreSQL's jsonb keeps keys sorted its own way.
    order = [*[name for name in templates if name in params], *sorted(name for name in params if name not in templates)]
    for name, value in ((name, params[name]) for name in order):
        if value is None or value == "":
            continue
        if isinstance(value, list):
            value = "、".join(str(item) for item in value)
        elif name in ("birth_date", "sex"):
            value = labels.get(value, value)
        words.append(templates[name] % {"value": value} if name in templates else f"{name}: {value}")
    return "；".join(words)


def _run_summary(dataset: Any) -> dict[str, Any] | None:
    run = selectors.latest_run(dataset=dataset)
    if run is None:
        return None
    labels = {field.name: field.label for field in dataset.fields.all()}
    known = rule_types()
    results = []
    for result in sorted(run.results.all(), key=lambda result: result.rule_id):
        rule: QualityRule = result.rule
        name = known[rule.rule_type].name if rule.rule_type in known else rule.rule_type
        fields = [labels.get(field, field) for field in rule.fields]
        table = rule.rule_type in known and known[rule.rule_type].kind == "table"
        results.append({"name": name, "fields": fields, "failed": result.failed, "table": table, "rule": rule})
    return {"run": run, "results": results}


PAGE_SIZE = 100


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "workbench/forbidden.html", status=403)


def _dataset(request: HttpRequest, code: str) -> Any:
    dataset = datasets_for_official(user=request.user).filter(code=code).first()
    if dataset is None or not selectors.scorecard_allowed(user=request.user, dataset=dataset):
        raise Http404
    return dataset


@official_required
def scorecard(request: HttpRequest) -> HttpResponse:
    """The department's scorecard; the platform's data officer picks any department in the region."""
    wanted = request.GET.get("department", "")
    own: int | None = getattr(request.user, "organisation_id", None)
    organisation = None
    if wanted.isdigit():
        organisation = selectors.organisation_get(pk=int(wanted))
    elif own is not None:
        organisation = selectors.organisation_get(pk=own)
    if organisation is None or not selectors.scorecard_department_allowed(user=request.user, organisation=organisation):
        if wanted:
            raise Http404
        return _forbidden(request)
    card = selectors.scorecard(organisation=organisation)
    services.samples_read_record(
        reader=request.user, datasets=[row.dataset for row in card.datasets if row.failing], request=request
    )
    context = {
        "card": card,
        "oversees": selectors.user_oversees(user=request.user),
        "departments": [item.organisation for item in selectors.department_scores()],
    }
    return render(request, "quality/scorecard.html", context)


@official_required
def ranking(request: HttpRequest) -> HttpResponse:
    """Every department's pooled score, best first: visible to all officials."""
    scores = selectors.department_scores(trend=True)
    counts = selectors.ticket_counts(organisations=[item.organisation for item in scores])
    rows = [(item, counts.get(item.organisation.pk, {"active": 0, "overdue": 0})) for item in scores]
    return render(request, "quality/ranking.html", {"rows": rows})


@official_required
def dataset(request: HttpRequest, code: str) -> HttpResponse:
    """A dataset's checks: the latest results with samples, the history of scores, its tickets."""
    found = _dataset(request, code)
    if request.method == "POST" and request.POST.get("action") == "recheck":
        try:
            services.quality_check_start(by=request.user, dataset=found, request=request)
        except services.TicketForbidden:
            return _forbidden(request)
        messages.success(request, gettext("已提交检查，完成后刷新本页即可看到结果"))
        return redirect("quality:dataset", found.code)
    latest = selectors.latest_run(dataset=found)
    results = list(latest.results.all()) if latest else []
    services.samples_read_record(reader=request.user, datasets=[found] if latest else [], request=request)
    context = {
        "dataset": found,
        "latest": latest,
        "results": results,
        "runs": list(selectors.runs_of(dataset=found)[:20]),
        "trend": selectors.dataset_trend(dataset=found),
        "tickets": list(selectors.tickets_list(user=request.user, dataset=found)[:50]),
        "can_recheck": services.recheck_allowed(user=request.user, dataset=found),
        "columns": [(field.name, field.label) for field in found.fields.all()],
    }
    return render(request, "quality/dataset.html", context)


@official_required
def failures(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The failing rows of a check (of one rule with ?rule=) as CSV or XLSX, streamed."""
    run = selectors.run_get(pk=pk)
    if (
        run is None
        or fmt not in exports.CONTENT_TYPES
        or not selectors.scorecard_allowed(user=request.user, dataset=run.dataset)
    ):
        raise Http404
    rule = None
    if wanted := request.GET.get("rule", ""):
        rule = next(
            (result.rule for result in run.results.select_related("rule") if str(result.rule_id) == wanted), None
        )
        if rule is None:
            raise Http404
    body = services.failures_export(reader=request.user, run=run, rule=rule, fmt=fmt, request=request)
    response = StreamingHttpResponse(body, content_type=exports.CONTENT_TYPES[fmt])
    name = f"{run.dataset.code}-check-{run.pk}{f'-rule-{rule.pk}' if rule else ''}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    # official_required is typed for HttpResponse; a streamed response passes through it alike.
    return response  # type: ignore[return-value]


@official_required
def tickets(request: HttpRequest) -> HttpResponse:
    """Tickets the official may see: the department's, the region's for the platform, their own reports."""
    status = request.GET.get("status", "")
    overdue = request.GET.get("overdue") == "1"
    listed = selectors.tickets_list(
        user=request.user, status=status if status in TicketStatus.values else "", overdue=overdue
    )
    context = {
        "tickets": list(listed[:PAGE_SIZE]),
        "status": status,
        "overdue": overdue,
        "statuses": TicketStatus.choices,
    }
    return render(request, "quality/tickets.html", context)


@official_required
def ticket(request: HttpRequest, number: str) -> HttpResponse:
    """One ticket: what failed, its failing rows, its history, and the steps the official may take."""
    found = selectors.ticket_visible(user=request.user, number=number)
    if found is None:
        raise Http404
    form = StepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.ticket_transition(
                actor=request.user,
                ticket=found,
                action=request.POST.get("action", ""),
                note=form.cleaned_data["note"],
                request=request,
            )
        except services.TicketForbidden:
            return _forbidden(request)
        except services.TicketInvalid as exc:
            for field, _code, message in exc.problems:
                form.add_error("note" if field == "note" else None, message)
        else:
            messages.success(request, gettext("已处理"))
            return redirect("quality:ticket", found.number)
    context = {
        "ticket": found,
        "steps": list(found.steps.select_related("actor")),
        "actions": [(name, ACTION_LABELS[name]) for name in services.ticket_actions(user=request.user, ticket=found)],
        "form": form,
        "can_download": found.run_id is not None
        and selectors.scorecard_allowed(user=request.user, dataset=found.dataset),
    }
    return render(request, "quality/ticket.html", context)


ACTION_LABELS = {
    "acknowledge": _("确认问题"),
    "fix": _("已完成整改"),
    "dispute": _("提出异议"),
    "accept_dispute": _("异议成立，关闭工单"),
    "reject_dispute": _("异议不成立，退回整改"),
    "verify": _("确认已解决"),
}


def _report(request: HttpRequest, found: Any, template: str, back: str) -> HttpResponse:
    form = ProblemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reported = services.ticket_report(
                reporter=request.user, dataset=found, description=form.cleaned_data["description"], request=request
            )
        except services.TicketForbidden:
            raise Http404 from None
        except services.TicketInvalid as exc:
            for field, _code, message in exc.problems:
                form.add_error("description" if field == "description" else None, message)
        else:
            messages.success(
                request,
                gettext("已反馈给%(department)s，工单编号 %(number)s")
                % {"department": found.organisation.name, "number": reported.number},
            )
            return redirect(back)
    return render(request, template, {"dataset": found, "form": form})


@official_required
def report(request: HttpRequest, code: str) -> HttpResponse:
    """An official of another department reports a problem with a published dataset."""
    found = datasets_for_official(user=request.user).filter(code=code, status="published").first()
    if found is None:
        raise Http404
    return _report(request, found, "quality/report.html", "quality:tickets")


def portal_report(request: HttpRequest, name: str) -> HttpResponse:
    """A signed-in user of the open-data portal reports a problem with an open dataset."""
    found = get_object_or_404(datasets_open(include_restricted=True), name=name)
    return _report(request, found, "quality/portal_report.html", reverse("opendata:dataset", args=[found.name]))
