"""Accounts API: who am I, the legal persons I may see, my tokens."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router
from ninja.responses import Status

from shuzheng.accounts import selectors, services
from shuzheng.accounts.apiauth import SessionAuth, require_scope
from shuzheng.accounts.models import ApiToken, LegalPerson
from shuzheng.accounts.schemas import LegalPersonOut, MeOut, TokenCreatedOut, TokenIn, TokenOut
from shuzheng.core.errors import field_problem

router = Router(tags=["accounts"])


@router.get("/me", response=MeOut, summary="当前用户")
def me(request: HttpRequest) -> dict[str, Any]:
    require_scope(request, "profile")
    user: Any = request.user
    return {
        "username": user.username,
        "name": user.name,
        "kind": user.kind,
        "id_number_masked": user.id_number_masked,
        "organisation": user.organisation,
        "roles": list(selectors.role_assignments_of(user=user)),
        "legal_persons": list(selectors.memberships_of(user=user)),
    }


@router.get("/legal-persons", response=list[LegalPersonOut], summary="我可查看的法人")
def legal_person_list(request: HttpRequest) -> list[LegalPerson]:
    return list(selectors.legal_persons_visible(user=request.user))


@router.get("/legal-persons/{uscc}", response=LegalPersonOut, summary="查看法人")
def legal_person_detail(request: HttpRequest, uscc: str) -> LegalPerson:
    # Not visible and not existing answer alike (404), so numbers cannot be probed.
    return get_object_or_404(selectors.legal_persons_visible(user=request.user), uscc=uscc)


@router.get("/tokens", response=list[TokenOut], auth=SessionAuth(), summary="我的接口令牌")
def token_list(request: HttpRequest) -> list[ApiToken]:
    return list(selectors.api_tokens_of(user=request.user))


@router.post("/tokens", response={201: TokenCreatedOut}, auth=SessionAuth(), summary="创建接口令牌")
def token_create(request: HttpRequest, payload: TokenIn) -> Status[dict[str, Any]]:
    try:
        issued = services.api_token_create(
            user=request.user,  # type: ignore[arg-type]
            name=payload.name,
            scopes=payload.scopes,
            days=payload.days,
            request=request,
        )
    except services.AccountError as exc:
        raise field_problem(exc.field, exc.message, code=exc.code) from None
    return Status(201, {**TokenOut.from_orm(issued.token).model_dump(), "token": issued.plaintext})


@router.delete("/tokens/{prefix}", response={204: None}, auth=SessionAuth(), summary="撤销接口令牌")
def token_revoke(request: HttpRequest, prefix: str) -> Status[None]:
    token = get_object_or_404(selectors.api_tokens_of(user=request.user), prefix=prefix)
    services.api_token_revoke(user=request.user, token=token, request=request)  # type: ignore[arg-type]
    return Status(204, None)
