"""The one NinjaAPI: every app mounts its router here, under /api/v1/."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja import NinjaAPI
from ninja.parser import Parser
from ninja.renderers import JSONRenderer

from shuzheng import __version__
from shuzheng.accounts.api import router as accounts_router
from shuzheng.accounts.apiauth import SessionAuth, TokenAuth
from shuzheng.catalog.api import router as catalog_router
from shuzheng.core.api import router as core_router
from shuzheng.core.errors import install_problem_handlers, openapi_add_problem_responses
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
    """PostgreSQL keeps no NUL character in text or JSON: in every string of a query or a JSON
    body it becomes U+FFFD, the replacement character, before validation — lengths and every other
    character stay as sent — so that it can never turn a request into a database error."""

    def parse_body(self, request: HttpRequest) -> Any:
        return _without_nul(super().parse_body(request))

    def parse_querydict(self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest) -> Any:
        return _without_nul(super().parse_querydict(data, list_fields, request))


def _without_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {_without_nul(key): _without_nul(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_nul(item) for item in value]
    return value


class _API(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        return openapi_add_problem_responses(super().get_openapi_schema(*args, **kwargs))


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
