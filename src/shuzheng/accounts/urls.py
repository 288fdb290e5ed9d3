from django.contrib.auth import views as auth_views
from django.urls import path

from shuzheng.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.PortalLoginView.as_view(), name="login"),
    path("workbench/login/", views.WorkbenchLoginView.as_view(), name="workbench-login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
