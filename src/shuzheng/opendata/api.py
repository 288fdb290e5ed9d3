"""Open-data API: apply for restricted datasets, decide as the owning department, read the
approved data with the key an approval issues."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext
from ninja import Query, Router
from ninja.responses import Status
from ninja.security import HttpBearer

from shuzheng.accounts.selectors import memberships_of, token_lacks_scope
from shuzheng.catalog.selectors import datasets_open
from shuzheng.core.errors import Problem, fields_problem, problem_response
from shuzheng.opendata import limits, selectors, services
from shuzheng.opendata.models import AccessApplication, UseReport
from shuzheng.opendata.schemas import (
    ApplicationIn,
    ApplicationOut,
    DecisionIn,
    KeyOut,
    ReportIn,
    ReportOut,
    RowsOut,
    RowsQuery,
    TerminateIn,
)

router = Router(tags=["opendata"])


class OpenDataKey(HttpBearer):
    """The key an approval issued (or any open-data key; the endpoint checks which dataset it opens)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        try:
            return limits.caller_token(request)
        except limits.InvalidKey:
            return None


def _refused(exc: services.OpenDataInvalid) -> Problem:
    return fields_problem(exc.problems)


def _application(request: HttpRequest, number: str) -> AccessApplication:
    application = selectors.application_visible(user=request.user, number=number)
    if application is None:
        raise Http404
    return application


@router.post("/applications", response={201: ApplicationOut, 200: ApplicationOut}, summary="申请使用受限开放数据")
def application_submit(request: HttpRequest, payload: ApplicationIn) -> Status[AccessApplication]:
    if token_lacks_scope(request, services.SCOPE):
        raise Problem(403, gettext("该访问密钥不能用于开放数据"))
    dataset = datasets_open(include_restricted=True).filter(name=payload.dataset).first()
    if dataset is None:
        raise _refused(services.OpenDataInvalid([("dataset", "unknown", gettext("没有这个开放数据资源"))]))
    legal_person = None
    if payload.legal_person is not None:
        membership = memberships_of(user=request.user).filter(legal_person_id=payload.legal_person).first()
        legal_person = membership.legal_person if membership is not None else None
        if legal_person is None:
            raise _refused(services.OpenDataInvalid([("legal_person", "not_member", gettext("您不是该单位的经办人"))]))
    try:
        application, created = services.application_submit(
            applicant=request.user,
            dataset=dataset,
            legal_person=legal_person,
            request=request,
            **payload.model_dump(exclude={"dataset", "legal_person"}),
        )
    except services.OpenDataInvalid as exc:
        raise _refused(exc) from None
    return Status(201 if created else 200, application)


@router.get("/applications", response=list[ApplicationOut], summary="我的受限开放申请")
def application_list(request: HttpRequest) -> list[AccessApplication]:
    return list(selectors.applications_of_applicant(user=request.user)[:200])


@router.get("/department/applications", response=list[ApplicationOut], summary="本部门数据的受限开放申请")
def department_application_list(request: HttpRequest, status: str = "") -> list[AccessApplication]:
    return list(selectors.applications_for_department(user=request.user, status=status)[:500])


@router.get("/applications/{number}", response=ApplicationOut, summary="查看申请")
def application_detail(request: HttpRequest, number: str) -> AccessApplication:
    return _application(request, number)


@router.post("/applications/{number}/decision", response=ApplicationOut, summary="审核申请（批准或不予批准）")
def application_decide(request: HttpRequest, number: str, payload: DecisionIn) -> AccessApplication:
    try:
        return services.application_decide(
            official=request.user,
            application=_application(request, number),
            approve=payload.approve,
            reason=payload.reason,
            request=request,
        )
    except services.OpenDataForbidden:
        raise Problem(403, gettext("您没有审核本部门受限开放申请的权限")) from None
    except services.OpenDataInvalid as exc:
        raise _refused(exc) from None


@router.post("/applications/{number}/terminate", response=ApplicationOut, summary="终止已批准的使用")
def application_terminate(request: HttpRequest, number: str, payload: TerminateIn) -> AccessApplication:
    try:
        return services.application_terminate(
            official=request.user, application=_application(request, number), reason=payload.reason, request=request
        )
    except services.OpenDataForbidden:
        raise Problem(403, gettext("您没有审核本部门受限开放申请的权限")) from None
    except services.OpenDataInvalid as exc:
        raise _refused(exc) from None


@router.post("/applications/{number}/withdraw", response=ApplicationOut, summary="撤回申请")
def application_withdraw(request: HttpRequest, number: str) -> AccessApplication:
    try:
        return services.application_withdraw(
            applicant=request.user, application=_application(request, number), request=request
        )
    except services.OpenDataForbidden:
        raise Http404 from None
    except services.OpenDataInvalid as exc:
        raise _refused(exc) from None


@router.post("/applications/{number}/key", response={201: KeyOut}, summary="领取访问密钥（仅显示一次）")
def application_key(request: HttpRequest, number: str) -> Status[dict[str, object]]:
    try:
        issued = services.application_key_issue(
            applicant=request.user, application=_application(request, number), request=request
        )
    except services.OpenDataForbidden:
        raise Http404 from None
    except services.OpenDataInvalid as exc:
        raise _refused(exc) from None
    return Status(201, {"key": issued.plaintext, "expires_at": issued.token.expires_at})


@router.post("/applications/{number}/reports", response={201: ReportOut}, summary="报告数据使用情况")
def report_submit(request: HttpRequest, number: str, payload: ReportIn) -> Status[UseReport]:
    try:
        report = services.report_submit(
            applicant=request.user,
            application=_application(request, number),
            summary=payload.summary,
            outcomes=payload.outcomes,
            request=request,
        )
    except services.OpenDataForbidden:
        raise Http404 from None
    except services.OpenDataInvalid as exc:
        raise _refused(exc) from None
    return Status(201, report)


@router.get("/applications/{number}/reports", response=list[ReportOut], summary="使用情况报告")
def report_list(request: HttpRequest, number: str) -> list[UseReport]:
    return list(_application(request, number).reports.all())


@router.get(
    "/restricted/{name}/rows",
    response=RowsOut,
    auth=OpenDataKey(),
    summary="读取已获批的受限开放数据（去标识化）",
    description="以批准后领取的访问密钥调用：`Authorization: Bearer <密钥>`。超过调用频率时返回 429 和 Retry-After。",
)
def restricted_rows(request: HttpRequest, name: str, query: Query[RowsQuery]) -> HttpResponse | dict[str, object]:
    token = request.auth  # type: ignore[attr-defined]
    wait = limits.retry_after(request, token)
    if wait is not None:
        response = problem_response(request, 429, detail=gettext("调用过于频繁，请稍后再试"))
        response["Retry-After"] = str(wait)
        return response
    application = selectors.application_for_key(token=token, dataset_name=name)
    if application is None:
        raise Problem(403, gettext("该密钥未获准使用这个数据资源，或已过期"))
    page = services.restricted_rows_read(
        application=application, limit=query.limit, offset=query.offset, request=request
    )
    return {
        "dataset": name,
        "application": application.number,
        "total": page.total,
        "offset": query.offset,
        "limit": query.limit,
        "columns": page.columns,
        "rows": page.rows,
    }
