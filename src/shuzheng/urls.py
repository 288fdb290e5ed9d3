from django.contrib import admin
from django.urls import include, path

from shuzheng import views
from shuzheng.api import api

urlpatterns = [
    path("", views.portal_home, name="portal-home"),
    path("workbench/", views.workbench_home, name="workbench-home"),
    path("", include("shuzheng.core.urls")),
    path("", include("shuzheng.accounts.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
