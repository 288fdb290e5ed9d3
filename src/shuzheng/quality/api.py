"""Quality API for officials: a dataset's rules, one at a time or as a YAML document."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router
from ninja.responses import Status

from shuzheng.catalog.selectors import datasets_for_official
from shuzheng.core.errors import fields_problem
from shuzheng.quality import selectors, services
from shuzheng.quality.models import QualityRule
from shuzheng.quality.schemas import RuleIn, RuleOut, RulePatchIn, RulesImportIn, RulesImportOut

router = Router(tags=["quality"])

YAML_CONTENT_TYPE = "application/yaml"

# --- rule declarations ----------------------------------------------------------------------


def _rules_dataset(request: HttpRequest, code: str) -> Any:
    # What an official may see of the catalogue (published entries, the department's drafts).
    dataset = datasets_for_official(user=request.user).filter(code=code).first()
    if dataset is None:
        raise Http404
    return dataset


def _rule(request: HttpRequest, code: str, rule_id: int) -> QualityRule:
    rule = selectors.rule_of(dataset=_rules_dataset(request, code), pk=rule_id)
    if rule is None:
        raise Http404
    return rule


@router.get("/datasets/{code}/rules", response=list[RuleOut], summary="数据资源的质量规则")
def rule_list(request: HttpRequest, code: str) -> list[QualityRule]:
    return list(selectors.rules_of(dataset=_rules_dataset(request, code)))


@router.post(
    "/datasets/{code}/rules",
    response={201: RuleOut},
    summary="新增一条质量规则",
    description=(
        "只有数据资源所属部门、具有“维护质量规则”权限的工作人员可以新增；"
        "参数有误时返回 422，errors 逐项给出字段（如 params.pattern）。"
    ),
)
def rule_create(request: HttpRequest, code: str, payload: RuleIn) -> Status[QualityRule]:
    try:
        rule = services.rule_add(
            editor=request.user,
            dataset=_rules_dataset(request, code),
            rule_type=payload.rule_type,
            fields=payload.fields,
            params=payload.params,
            severity=payload.severity,
            description=payload.description,
            request=request,
        )
    except services.QualityForbidden:
        raise Http404 from None
    except services.QualityInvalid as exc:
        raise fields_problem(exc.problems) from None
    return Status(201, rule)


@router.patch("/datasets/{code}/rules/{rule_id}", response=RuleOut, summary="修改、启用或停用一条质量规则")
def rule_update(request: HttpRequest, code: str, rule_id: int, payload: RulePatchIn) -> QualityRule:
    try:
        return services.rule_update(
            editor=request.user,
            rule=_rule(request, code, rule_id),
            **payload.model_dump(exclude_none=True),
            request=request,
        )
    except services.QualityForbidden:
        raise Http404 from None
    except services.QualityInvalid as exc:
        raise fields_problem(exc.problems) from None


@router.delete("/datasets/{code}/rules/{rule_id}", response={204: None}, summary="删除一条质量规则（连同其检查结果）")
def rule_delete(request: HttpRequest, code: str, rule_id: int) -> Status[None]:
    try:
        services.rule_delete(editor=request.user, rule=_rule(request, code, rule_id), request=request)
    except services.QualityForbidden:
        raise Http404 from None
    return Status(204, None)


@router.get(
    "/datasets/{code}/rules.yaml",
    summary="以 YAML 导出质量规则",
    description=(
        "返回 `application/yaml`：可直接用 PUT /datasets/{code}/rules 或命令 `shuzheng quality rules import` 导入。"
    ),
    openapi_extra={
        "responses": {
            200: {"description": "YAML 规则文件", "content": {YAML_CONTENT_TYPE: {"schema": {"type": "string"}}}}
        }
    },
)
def rules_export(request: HttpRequest, code: str) -> HttpResponse:
    text = selectors.rules_export_yaml(dataset=_rules_dataset(request, code))
    return HttpResponse(text, content_type=f"{YAML_CONTENT_TYPE}; charset=utf-8")


@router.put(
    "/datasets/{code}/rules",
    response=RulesImportOut,
    summary="以 YAML 导入质量规则",
    description=(
        "请求体为 JSON：`yaml` 为规则文件全文（与 GET /datasets/{code}/rules.yaml 导出的格式相同），"
        "`replace` 为 true 时删除文件中没有的规则。全部规则校验通过才保存，任何一条有误则什么也不改，"
        "422 的 errors 以路径指明位置，如 `rules.3.params.pattern`（从 0 计数）。"
        "与已有规则类型、字段、参数都相同的规则视为同一条：重复导入不会重复新增。"
    ),
)
def rules_import(request: HttpRequest, code: str, payload: RulesImportIn) -> dict[str, Any]:
    dataset = _rules_dataset(request, code)
    try:
        result = services.rules_import_yaml(
            editor=request.user, dataset=dataset, text=payload.yaml, replace=payload.replace, request=request
        )
    except services.QualityForbidden:
        raise Http404 from None
    except services.QualityInvalid as exc:
        raise fields_problem(exc.problems) from None
    return {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "removed": result.removed,
        "rules": list(selectors.rules_of(dataset=dataset)),
    }
