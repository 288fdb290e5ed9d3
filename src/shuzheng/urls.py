from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from shuzheng import views
from shuzheng.api import api

urlpatterns = [
    path("", views.portal_home, name="portal-home"),
    path("workbench/", views.workbench_home, name="workbench-home"),
    path("", include("shuzheng.core.urls")),
    path("", include("shuzheng.accounts.urls")),
    path("", include("shuzheng.catalog.urls")),
    path("", include("shuzheng.ingest.urls")),
    path("", include("shuzheng.opendata.urls")),
    path("", include("shuzheng.quality.urls")),
    path("", include("shuzheng.privacy.urls")),
    path("", include("shuzheng.sharing.urls")),
    path("", include("shuzheng.eservices.urls")),
    # OpenID Connect for other government systems: /.well-known/openid-configuration and /o/…
    path("", include("shuzheng.accounts.oidc_urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    # Choosing a language needs no account.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
]
