"""The one error format of the JSON API: RFC 9457 problem details.

Every 4xx and 5xx answer under ``/api/v1/`` is ``application/problem+json``::

    {"type": "/problems/validation-error", "title": "请求参数有误", "status": 422,
     "detail": "…", "instance": "/api/v1/…",
     "errors": [{"field": "value", "location": "body", "pointer": "#/value",
                 "code": "string_too_short", "detail": "至少应有 1 个字符"}]}

``type`` is ``about:blank`` for plain HTTP statuses, and a link to a page that
explains the problem (``/problems/<slug>``) for the platform's own kinds. Field
messages are in the request's language (``Accept-Language``, Chinese first).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from ninja.errors import AuthenticationError, HttpError, ValidationError

from shuzheng.core.workdays import CalendarUnknownError

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"


# --- problem types: a registry, so each app can add its own -------------------


@dataclass(frozen=True, slots=True)
class ProblemType:
    slug: str
    title: Promise
    description: Promise

    @property
    def uri(self) -> str:
        return f"/problems/{self.slug}"


_problem_types: dict[str, ProblemType] = {}


def problem_type_register(slug: str, title: Promise, description: Promise) -> ProblemType:
    problem_type = ProblemType(slug, title, description)
    _problem_types[slug] = problem_type
    return problem_type


def problem_types() -> dict[str, ProblemType]:
    return dict(_problem_types)


VALIDATION_ERROR = problem_type_register(
    "validation-error",
    _("请求参数有误"),
    _("请求中有一个或多个字段不符合要求。errors 列表逐项给出字段、位置和原因；改正后重新提交即可。"),
)
CALENDAR_UNKNOWN = problem_type_register(
    "calendar-unknown",
    _("工作日历尚未配置"),
    _("所涉日期所在年份的法定节假日安排尚未录入，无法按工作日计算。请管理员在“工作日历调整”中录入该年安排。"),
)
MALFORMED_BODY = problem_type_register(
    "malformed-body",
    _("请求体无法解析"),
    _("请求体不是合法的 UTF-8 编码 JSON。请检查引号、逗号和括号，并以 UTF-8 编码发送。"),
)


class Problem(Exception):
    """Raise from a service or endpoint to answer with a problem document."""

    def __init__(
        self,
        status: int,
        detail: str | Promise = "",
        *,
        problem_type: ProblemType | None = None,
        errors: Sequence[Mapping[str, Any]] = (),
        **extensions: Any,
    ) -> None:
        self.status = status
        self.detail = str(detail)
        self.problem_type = problem_type
        self.errors = list(errors)
        self.extensions = extensions
        super().__init__(self.detail or HTTPStatus(status).phrase)


def field_problem(field: str, detail: str, *, code: str, location: str = "body", status: int = 422) -> Problem:
    """A validation problem about one field that a service, not the schema, found."""
    return fields_problem([(field, code, detail)], location=location, status=status)


def fields_problem(problems: Iterable[tuple[str, str, str]], *, location: str = "body", status: int = 422) -> Problem:
    """A validation problem listing what a service found, as (field, code, detail); dotted fields
    ("fields.2.grade") become JSON pointers, an empty field means the request as a whole."""
    errors = [
        {
            "field": field or location,
            "location": location,
            "pointer": "#/" + field.replace(".", "/") if field else "#",
            "code": code,
            "detail": detail,
        }
        for field, code, detail in problems
    ]
    return Problem(status, "; ".join(error["detail"] for error in errors), problem_type=VALIDATION_ERROR, errors=errors)


def problem_response(
    request: HttpRequest,
    status: int,
    *,
    detail: str = "",
    problem_type: ProblemType | None = None,
    errors: Iterable[Mapping[str, Any]] = (),
    **extensions: Any,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": problem_type.uri if problem_type else "about:blank",
        "title": str(problem_type.title) if problem_type else _status_title(status),
        "status": status,
    }
    if detail:
        body["detail"] = detail
    body["instance"] = request.path
    error_list = list(errors)
    if error_list:
        body["errors"] = error_list
    body.update(extensions)
    return HttpResponse(
        json.dumps(body, ensure_ascii=False, default=str),
        status=status,
        content_type=f"{PROBLEM_CONTENT_TYPE}; charset=utf-8",
    )


def _status_title(status: int) -> str:
    titles: dict[int, Promise] = {
        400: _("请求无效"),
        401: _("未登录或凭据无效"),
        403: _("无权访问"),
        404: _("未找到"),
        405: _("不支持该请求方法"),
        406: _("无法提供所请求的格式"),
        409: _("请求冲突"),
        413: _("请求体过大"),
        415: _("不支持的媒体类型"),
        422: _("请求参数有误"),
        429: _("请求过于频繁"),
        500: _("服务器内部错误"),
        503: _("服务暂不可用"),
    }
    if status in titles:
        return str(titles[status])
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return str(status)


# --- validation messages in the request's language ----------------------------

# pydantic's message templates, keyed by error type, with the same {ctx}
# placeholders; a type missing here falls back to pydantic's English text.
_MESSAGES: dict[str, Promise] = {
    "missing": _("必填字段"),
    "extra_forbidden": _("不允许的字段"),
    "json_invalid": _("不是合法的 JSON"),
    "json_type": _("应为 JSON 字符串"),
    "model_type": _("应为对象"),
    "model_attributes_type": _("应为对象"),
    "dict_type": _("应为对象"),
    "list_type": _("应为数组"),
    "string_type": _("应为字符串"),
    "string_too_short": _("至少应有 {min_length} 个字符"),
    "string_too_long": _("最多 {max_length} 个字符"),
    "string_pattern_mismatch": _("格式不正确"),
    "int_type": _("应为整数"),
    "int_parsing": _("应为整数"),
    "int_from_float": _("应为整数，不能有小数部分"),
    "float_type": _("应为数字"),
    "float_parsing": _("应为数字"),
    "decimal_parsing": _("应为数字"),
    "bool_type": _("应为布尔值"),
    "bool_parsing": _("应为布尔值（true 或 false）"),
    "date_type": _("应为日期"),
    "date_parsing": _("应为 YYYY-MM-DD 格式的日期"),
    "date_from_datetime_parsing": _("应为 YYYY-MM-DD 格式的日期"),
    "date_from_datetime_inexact": _("应为日期，不能带时间"),
    "datetime_type": _("应为日期时间"),
    "datetime_parsing": _("应为 ISO 8601 格式的日期时间"),
    "datetime_from_date_parsing": _("应为 ISO 8601 格式的日期时间"),
    "uuid_parsing": _("应为 UUID"),
    "uuid_type": _("应为 UUID"),
    "enum": _("应为以下之一：{expected}"),
    "literal_error": _("应为以下之一：{expected}"),
    "greater_than": _("应大于 {gt}"),
    "greater_than_equal": _("应大于或等于 {ge}"),
    "less_than": _("应小于 {lt}"),
    "less_than_equal": _("应小于或等于 {le}"),
    "too_short": _("至少应有 {min_length} 项"),
    "too_long": _("最多 {max_length} 项"),
    "finite_number": _("应为有限数字"),
    "int_parsing_size": _("整数超出范围"),
}


def translate_validation_error(error: Mapping[str, Any]) -> dict[str, Any]:
    """One pydantic/ninja error as a problem ``errors`` entry."""
    loc = [str(part) for part in error.get("loc", ())]
    location = loc[0] if loc else "body"
    field_path = _field_path(loc)
    code = str(error.get("type", "invalid"))
    ctx = error.get("ctx") or {}
    template = _MESSAGES.get(code)
    if template is None:
        # value_error carries our own (already translated) message.
        message = str(ctx.get("error", "")) or str(error.get("msg", code))
        message = message.removeprefix("Value error, ")
    else:
        try:
            message = str(template).format(**{key: str(value) for key, value in ctx.items()})
        except (KeyError, IndexError):
            message = str(template)
    return {
        "field": ".".join(field_path) or location,
        "location": location,
        "pointer": "#/" + "/".join(field_path) if field_path else "#",
        "code": code,
        "detail": message,
    }


def _field_path(loc: list[str]) -> list[str]:
    # ninja locations look like ["body", "payload", "value"] where "payload" is
    # the endpoint's parameter name; clients know only the field path.
    if not loc:
        return []
    if loc[0] == "body" and len(loc) >= 2:
        return loc[2:] if len(loc) > 2 else []
    return loc[1:]


# --- turning exceptions into problems ------------------------------------------


def _handle_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [translate_validation_error(error) for error in exc.errors]
    return problem_response(
        request,
        422,
        detail=ngettext("%(count)d 个字段有误", "%(count)d 个字段有误", len(errors)) % {"count": len(errors)},
        problem_type=VALIDATION_ERROR,
        errors=errors,
    )


def _handle_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    cause = exc.__cause__
    if exc.status_code == 400 and isinstance(cause, (json.JSONDecodeError, UnicodeDecodeError, ValueError)):
        if isinstance(cause, json.JSONDecodeError):
            reason = gettext("第 %(line)d 行第 %(column)d 列附近不符合 JSON 语法") % {
                "line": cause.lineno,
                "column": cause.colno,
            }
        else:
            reason = gettext("请求体须为 UTF-8 编码的 JSON")
        return problem_response(
            request,
            400,
            detail=str(MALFORMED_BODY.title),
            problem_type=MALFORMED_BODY,
            errors=[{"field": "body", "location": "body", "pointer": "#", "code": "json_invalid", "detail": reason}],
        )
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, AuthenticationError) else {}
    response = problem_response(request, exc.status_code, detail=str(exc.message))
    for key, value in headers.items():
        response[key] = value
    return response


def _handle_problem(request: HttpRequest, exc: Problem) -> HttpResponse:
    return problem_response(
        request,
        exc.status,
        detail=exc.detail,
        problem_type=exc.problem_type,
        errors=exc.errors,
        **exc.extensions,
    )


def _handle_calendar_unknown(request: HttpRequest, exc: CalendarUnknownError) -> HttpResponse:
    return problem_response(
        request,
        422,
        detail=gettext("%(year)d 年的节假日安排尚未录入") % {"year": exc.day.year},
        problem_type=CALENDAR_UNKNOWN,
    )


def _handle_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem_response(request, 404, detail=gettext("请求的资源不存在"))


def _handle_permission_denied(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem_response(request, 403, detail=gettext("您没有执行此操作的权限"))


def _handle_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("unhandled error in %s %s", request.method, request.path)
    return problem_response(request, 500, detail=gettext("服务器处理请求时出错，请稍后再试"))


def install_problem_handlers(api: NinjaAPI) -> None:
    """Make every error the API raises a problem document."""
    handlers: list[tuple[type[Exception], Callable[[HttpRequest, Any], HttpResponse]]] = [
        (ValidationError, _handle_validation),
        (HttpError, _handle_http_error),
        (Problem, _handle_problem),
        (CalendarUnknownError, _handle_calendar_unknown),
        (Http404, _handle_not_found),
        (PermissionDenied, _handle_permission_denied),
        (Exception, _handle_unexpected),
    ]
    for exception_class, handler in handlers:
        api.add_exception_handler(exception_class, handler)


# --- the format, documented in the OpenAPI document ------------------------------

_FIELD_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "ProblemFieldError",
    "required": ["field", "location", "pointer", "code", "detail"],
    "properties": {
        "field": {"type": "string", "description": "字段路径，如 value 或 items.0.name"},
        "location": {"type": "string", "description": "body、query、path、header 或 cookie"},
        "pointer": {"type": "string", "description": "JSON Pointer（RFC 6901），如 #/value"},
        "code": {"type": "string", "description": "机器可读的错误代码，如 missing、string_too_long"},
        "detail": {"type": "string", "description": "按请求语言给出的说明"},
    },
}
_PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Problem",
    "description": "RFC 9457 problem details",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {"type": "array", "items": {"$ref": "#/components/schemas/ProblemFieldError"}},
    },
}


def openapi_add_problem_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """Declare the problem answers every operation can give."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = _PROBLEM_SCHEMA
    components["ProblemFieldError"] = _FIELD_ERROR_SCHEMA
    content = {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            responses = operation.setdefault("responses", {})
            statuses = [400, 422, 500] if operation.get("requestBody") else [422, 500]
            if operation.get("security"):
                statuses += [401, 403]
            if any(parameter.get("in") == "path" for parameter in operation.get("parameters", [])):
                statuses.append(404)
            for status in statuses:
                responses.setdefault(status, {"description": _status_title(status), "content": content})
    return schema
