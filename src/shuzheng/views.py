"""The two faces of the platform: the citizens' portal and the officials' workbench.

These pages compose what the apps offer; each app contributes through its
selectors, so the shell itself holds no business logic.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from shuzheng.core.access import official_required


@login_not_required
def portal_home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


@official_required
def workbench_home(request: HttpRequest) -> HttpResponse:
    return render(request, "workbench/home.html")
