"""The one NinjaAPI: every app mounts its router here, under /api/v1/."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext
from ninja import NinjaAPI
from ninja.parser import Parser
from ninja.renderers import JSONRenderer

from shuzheng import __version__
from shuzheng.accounts.api import router as accounts_router
from shuzheng.accounts.apiauth import SessionAuth, TokenAuth
from shuzheng.catalog.api import router as catalog_router
from shuzheng.core.api import router as core_router
from shuzheng.core.errors import (
    field_problem,
    install_problem_handlers,
    openapi_add_problem_responses,
    openapi_refuse_nul,
)
from shuzheng.eservices.api import router as eservices_router
from shuzheng.ingest.api import router as ingest_router
from shuzheng.opendata.api import router as opendata_router
from shuzheng.privacy.api import router as privacy_router
from shuzheng.quality.api import router as quality_router
from shuzheng.sharing.api import router as sharing_router


class _Renderer(JSONRenderer):
    # Chinese text as UTF-8, readable in logs and curl, a third the size of \u escapes.
    json_dumps_params = {"ensure_ascii": False}


class _Parser(Parser):
    """PostgreSQL keeps no NUL character in text or JSON: a value holding one is refused at the
    door, naming its field, rather than failing at the database."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = super().parse_body(request)
        _refuse_nul(data, "body", [])
        return data

    def parse_querydict(self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest) -> Any:
        parsed = super().parse_querydict(data, list_fields, request)
        _refuse_nul(parsed, "query", [])
        return parsed


def _refuse_nul(value: Any, location: str, path: list[str]) -> None:
    if isinstance(value, str) and "\x00" in value:
        raise field_problem(".".join(path), gettext("不能包含空字符（NUL）"), code="nul", location=location)
    if isinstance(value, dict):
        for key, item in value.items():
            _refuse_nul(str(key), location, path)
            _refuse_nul(item, location, [*path, str(key)])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse_nul(item, location, [*path, str(index)])


class _API(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        return openapi_refuse_nul(openapi_add_problem_responses(super().get_openapi_schema(*args, **kwargs)))


api = _API(
    renderer=_Renderer(),
    parser=_Parser(),
    title="数政 shuzheng API",
    version=__version__,
    description=(
        "数字政府平台的 JSON 接口。所有错误均以 RFC 9457 `application/problem+json` 返回，"
        "校验错误在 `errors` 中逐项列出字段。"
    ),
    urls_namespace="api",
    # Private unless an operation or router says auth=None (and the sweep test's allow-list agrees).
    auth=[SessionAuth(), TokenAuth()],
    docs_url="/docs",
)
install_problem_handlers(api)

api.add_router("/core/", core_router)
api.add_router("/accounts/", accounts_router)
api.add_router("/catalog/", catalog_router)
api.add_router("/ingest/", ingest_router)
api.add_router("/opendata/", opendata_router)
api.add_router("/quality/", quality_router)
api.add_router("/privacy/", privacy_router)
api.add_router("/sharing/", sharing_router)
api.add_router("/eservices/", eservices_router)
