"""Keeps the API's error format whole where Django answers before ninja does.

Unknown paths (404), wrong methods (405), CSRF failures (403) and oversized
bodies are answered by Django itself, as HTML; under ``/api/v1/`` this
middleware turns them into problem documents like every other API error.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from shuzheng.core.errors import PROBLEM_CONTENT_TYPE, problem_response

API_PREFIX = "/api/v1/"


class ProblemDetailsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith(API_PREFIX)
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith(PROBLEM_CONTENT_TYPE)
        ):
            problem = problem_response(request, response.status_code)
            for header in ("Allow", "WWW-Authenticate", "Retry-After"):
                if header in response:
                    problem[header] = response[header]
            return problem
        return response
