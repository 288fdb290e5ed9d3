"""Quality API: a dataset's rules (one at a time or as a YAML document), its checks and failing
rows, scores and the ranking of departments, problem tickets and their transitions, and problems
reported by the data's consumers."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext
from ninja import Query, Router
from ninja.responses import Status

from shuzheng.accounts.selectors import user_is_official
from shuzheng.catalog.selectors import datasets_for_official, datasets_open
from shuzheng.core.errors import Problem, fields_problem
from shuzheng.quality import selectors, services
from shuzheng.quality.models import CheckRun, QualityRule, Ticket
from shuzheng.quality.schemas import (
    DepartmentScoreOut,
    FailuresOut,
    FailuresQuery,
    PointOut,
    ProblemReportIn,
    RuleIn,
    RuleOut,
    RulePatchIn,
    RulesImportIn,
    RulesImportOut,
    RunDetailOut,
    RunOut,
    ScorecardOut,
    TicketDetailOut,
    TicketOut,
    TransitionIn,
)

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


def _official(request: HttpRequest) -> None:
    if not user_is_official(request.user):
        raise Problem(403, gettext("只有工作人员可以查看数据质量"))


def _dataset(request: HttpRequest, code: str) -> Any:
    """A dataset whose checks the caller may see in detail; 404 for anyone else."""
    dataset = datasets_for_official(user=request.user).filter(code=code).first()
    if dataset is None or not selectors.scorecard_allowed(user=request.user, dataset=dataset):
        raise Http404
    return dataset


def _run(request: HttpRequest, run_id: int) -> CheckRun:
    run = selectors.run_get(pk=run_id)
    if run is None or not selectors.scorecard_allowed(user=request.user, dataset=run.dataset):
        raise Http404
    return run


def _ticket(request: HttpRequest, number: str) -> Ticket:
    ticket = selectors.ticket_visible(user=request.user, number=number)
    if ticket is None:
        raise Http404
    return ticket


def _detail(request: HttpRequest, ticket: Ticket) -> Ticket:
    # Read by TicketDetailOut: the history and what the caller may do next.
    ticket.history = list(ticket.steps.select_related("actor"))  # type: ignore[attr-defined]
    ticket.allowed_actions = services.ticket_actions(user=request.user, ticket=ticket)  # type: ignore[attr-defined]
    return ticket


@router.get("/datasets/{code}/runs", response=list[RunOut], summary="数据资源的质量检查记录")
def run_list(request: HttpRequest, code: str) -> list[CheckRun]:
    return list(selectors.runs_of(dataset=_dataset(request, code)).select_related("dataset")[:100])


@router.get("/runs/{run_id}", response=RunDetailOut, summary="一次检查的结果（含不通过样例）")
def run_detail(request: HttpRequest, run_id: int) -> CheckRun:
    run = _run(request, run_id)
    results = [
        {
            "rule": result.rule_id,
            "rule_type": result.rule.rule_type,
            "label": services.rule_label(result.rule),
            "severity": result.rule.severity,
            "failed": result.failed,
            "sample": result.sample,
        }
        for result in run.results.select_related("rule").order_by("rule")
    ]
    services.samples_read_record(reader=request.user, datasets=[run.dataset], request=request)
    run.result_rows = results  # type: ignore[attr-defined]
    return run


@router.get("/runs/{run_id}/failures", response=FailuresOut, summary="不通过的记录（分页）")
def run_failures(request: HttpRequest, run_id: int, query: Query[FailuresQuery]) -> dict[str, Any]:
    run = _run(request, run_id)
    rule = None
    if query.rule is not None:
        rule = next(
            (result.rule for result in run.results.select_related("rule") if result.rule_id == query.rule), None
        )
        if rule is None:
            raise fields_problem([("rule", "unknown", gettext("这次检查没有这条规则"))], location="query")
    page = services.failures_page_read(
        reader=request.user, run=run, rule=rule, limit=query.limit, offset=query.offset, request=request
    )
    return {
        "run": run.pk,
        "total": page.total,
        "offset": query.offset,
        "limit": query.limit,
        "columns": page.columns,
        "rows": page.rows,
    }


@router.get("/datasets/{code}/scores", response=list[PointOut], summary="数据资源的质量得分趋势")
def dataset_scores(request: HttpRequest, code: str) -> list[selectors.Point]:
    return selectors.dataset_trend(dataset=_dataset(request, code))


@router.get("/departments/scores", response=list[DepartmentScoreOut], summary="各部门数据质量排名")
def department_ranking(request: HttpRequest) -> list[selectors.DepartmentScore]:
    _official(request)
    return selectors.department_scores(trend=True)


@router.get("/departments/{organisation_id}/scorecard", response=ScorecardOut, summary="部门数据质量评分卡")
def department_scorecard(request: HttpRequest, organisation_id: int) -> dict[str, Any]:
    organisation = selectors.organisation_get(pk=organisation_id)
    if organisation is None or not selectors.scorecard_department_allowed(user=request.user, organisation=organisation):
        raise Http404
    card = selectors.scorecard(organisation=organisation)
    return {
        "organisation": organisation.pk,
        "name": organisation.name,
        "score": card.score,
        "trend": card.trend,
        "datasets": [
            {
                "code": row.dataset.code,
                "title": row.dataset.title,
                "score": row.run.score if row.run else None,
                "checked_at": row.run.started_at if row.run else None,
                "trend": row.trend,
            }
            for row in card.datasets
        ],
        "active_tickets": card.active_tickets,
        "overdue_tickets": card.overdue_tickets,
    }


@router.get("/tickets", response=list[TicketOut], summary="数据质量问题工单")
def ticket_list(request: HttpRequest, status: str = "", overdue: bool = False) -> list[Ticket]:
    return list(selectors.tickets_list(user=request.user, status=status, overdue=overdue)[:500])


@router.get("/tickets/{number}", response=TicketDetailOut, summary="查看工单及处理记录")
def ticket_detail(request: HttpRequest, number: str) -> Ticket:
    return _detail(request, _ticket(request, number))


@router.post("/tickets/{number}/transitions", response=TicketDetailOut, summary="处理工单（确认、整改、异议、裁决）")
def ticket_transition(request: HttpRequest, number: str, payload: TransitionIn) -> Ticket:
    try:
        ticket = services.ticket_transition(
            actor=request.user,
            ticket=_ticket(request, number),
            action=payload.action,
            note=payload.note,
            request=request,
        )
    except services.TicketForbidden:
        raise Problem(403, gettext("您没有进行该操作的权限")) from None
    except services.TicketInvalid as exc:
        raise fields_problem(exc.problems) from None
    return _detail(request, ticket)


@router.post("/datasets/{code}/problems", response={201: TicketOut}, summary="反馈数据问题（数据使用方）")
def problem_report(request: HttpRequest, code: str, payload: ProblemReportIn) -> Status[Ticket]:
    if user_is_official(request.user):
        dataset = datasets_for_official(user=request.user).filter(code=code, status="published").first()
    else:
        dataset = datasets_open(include_restricted=True).filter(code=code).first()
    if dataset is None:
        raise Http404
    try:
        ticket = services.ticket_report(
            reporter=request.user, dataset=dataset, description=payload.description, request=request
        )
    except services.TicketForbidden:
        raise Http404 from None
    except services.TicketInvalid as exc:
        raise fields_problem(exc.problems) from None
    return Status(201, ticket)
