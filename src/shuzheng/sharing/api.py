"""The governed sharing API for consumer systems: lookup, batch lookup, query and verify.

Callers are consumer departments' system accounts (API tokens with the "sharing" scope) or their
signed-in officials; every call names, in the ``X-Purpose`` header, the case number or official it
is made for (percent-encoded UTF-8 where it is Chinese). Refusals are problem documents that say
why and show nothing of the data.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from ninja import Router

from shuzheng.accounts.selectors import token_lacks_scope, user_is_official
from shuzheng.core.errors import Problem, field_problem, problem_response
from shuzheng.sharing import gateway, selectors, services
from shuzheng.sharing.choices import Refusal
from shuzheng.sharing.schemas import (
    BatchIn,
    GrantOut,
    KeyOut,
    LookupIn,
    PageOut,
    QueryIn,
    RecordsOut,
    VerifyIn,
    VerifyOut,
)

router = Router(tags=["sharing"])
CASE_MAX = 100


def _caller(request: HttpRequest) -> gateway.Caller:
    user: Any = request.user
    if token_lacks_scope(request, services.SCOPE) or not user_is_official(user) or user.organisation_id is None:
        raise Problem(403, gettext("只有政务部门的系统或工作人员可以调用数据共享接口"))
    case = unquote(request.headers.get("X-Purpose", "")).strip()
    if not case:
        raise field_problem(
            "X-Purpose",
            gettext("请在 X-Purpose 中写明本次调用所办理的办件编号或经办人"),
            code="required",
            location="header",
            status=400,
        )
    if len(case) > CASE_MAX:
        raise field_problem(
            "X-Purpose",
            gettext("X-Purpose 最多 %(n)d 个字符") % {"n": CASE_MAX},
            code="too_long",
            location="header",
            status=400,
        )
    return gateway.Caller(user=user, case=case)


def _dataset(code: str) -> Any:
    dataset = gateway.served(code)
    if dataset is None:
        raise Problem(404, gettext("没有这个数据资源"))
    return dataset


def _refused(request: HttpRequest, refused: gateway.CallRefused) -> HttpResponse:
    response = problem_response(
        request, refused.status, detail=str(Refusal(refused.refusal).label), refusal=refused.refusal
    )
    if refused.retry_after:
        response["Retry-After"] = str(refused.retry_after)
    return response


@router.post("/datasets/{code}/lookup", response=RecordsOut, summary="按键查询一条记录")
def lookup(request: HttpRequest, code: str, payload: LookupIn) -> Any:
    caller, dataset = _caller(request), _dataset(code)
    try:
        answer = gateway.lookup(caller=caller, dataset=dataset, key_field=payload.field, values=[payload.value])
    except gateway.CallRefused as refused:
        return _refused(request, refused)
    return {"records": answer.records}


@router.post("/datasets/{code}/batch", response=RecordsOut, summary="批量按键查询（全部有权才返回）")
def batch(request: HttpRequest, code: str, payload: BatchIn) -> Any:
    caller, dataset = _caller(request), _dataset(code)
    limit = settings.SHUZHENG_SHARING_BATCH_MAX
    if len(payload.values) > limit:
        raise field_problem("values", gettext("一批最多 %(n)d 个键") % {"n": limit}, code="too_many")
    try:
        answer = gateway.lookup(caller=caller, dataset=dataset, key_field=payload.field, values=payload.values)
    except gateway.CallRefused as refused:
        return _refused(request, refused)
    return {"records": answer.records}


@router.post("/datasets/{code}/query", response=PageOut, summary="条件查询（分页，限于授权的数据范围）")
def query(request: HttpRequest, code: str, payload: QueryIn) -> Any:
    caller, dataset = _caller(request), _dataset(code)
    if payload.page_size > settings.SHUZHENG_SHARING_PAGE_MAX:
        raise field_problem(
            "page_size", gettext("每页最多 %(n)d 条") % {"n": settings.SHUZHENG_SHARING_PAGE_MAX}, code="too_many"
        )
    try:
        answer = gateway.query(
            caller=caller,
            dataset=dataset,
            filters=payload.filters,
            page=payload.page,
            page_size=payload.page_size,
        )
    except gateway.CallRefused as refused:
        return _refused(request, refused)
    return {"total": answer.total or 0, "page": payload.page, "records": answer.records}


@router.post("/datasets/{code}/verify", response=VerifyOut, summary="核验：只回答一致或不一致")
def verify(request: HttpRequest, code: str, payload: VerifyIn) -> Any:
    caller, dataset = _caller(request), _dataset(code)
    try:
        answer = gateway.verify(caller=caller, dataset=dataset, values=payload.values)
    except gateway.CallRefused as refused:
        return _refused(request, refused)
    return {"match": bool(answer.match)}


@router.get("/grants", response=list[GrantOut], summary="本部门获得的共享授权")
def grants(request: HttpRequest) -> Any:
    if token_lacks_scope(request, services.SCOPE) or not user_is_official(request.user):
        raise Problem(403, gettext("只有政务部门的系统或工作人员可以查看共享授权"))
    return list(selectors.grants_of_consumer(user=request.user))


@router.get("/keys", response=KeyOut, auth=None, summary="平台签名公钥（用于核验调用记录的签名）")
def keys(request: HttpRequest) -> Any:
    return selectors.public_key()
