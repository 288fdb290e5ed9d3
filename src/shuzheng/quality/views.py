"""Data quality in the officials' workbench."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from shuzheng.catalog.selectors import datasets_for_official
from shuzheng.core.access import official_required
from shuzheng.quality import selectors, services
from shuzheng.quality.forms import RuleForm, RulesImportForm
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
            run = services.quality_check(dataset=dataset, by=request.user)
            done = True
            if run.status == "succeeded":
                messages.success(request, gettext("检查完成"))
            else:
                messages.error(request, gettext("检查未能完成：%(error)s") % {"error": run.error})
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
    for name, value in params.items():
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
