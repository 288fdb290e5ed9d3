"""Page guards shared by every app's HTML views.

The user model (``AUTH_USER_MODEL``) promises an ``is_official`` attribute;
guards read only that, so core stays independent of the accounts app.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

View = TypeVar("View", bound=Callable[..., HttpResponse])


def official_required(view: View) -> View:
    """Workbench pages: officials only; others sign in or are told why not."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), "accounts:workbench-login")
        if not getattr(request.user, "is_official", False):
            return render(request, "workbench/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    # Read by the default-deny middleware: anonymous visitors go to the officials' sign-in.
    guarded.login_url = "accounts:workbench-login"  # type: ignore[attr-defined]
    return guarded  # type: ignore[return-value]
