"""Sign-in and sign-out for both faces of the platform."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import reverse


class PortalLoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True
    extra_context = {"face": "portal", "base_template": "portal/base.html"}


class WorkbenchLoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True
    extra_context = {"face": "workbench", "base_template": "workbench/base.html"}

    def get_default_redirect_url(self) -> str:
        return reverse("workbench-home")
