from django.urls import path

from shuzheng.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("workbench/login/", views.WorkbenchLoginView.as_view(), name="workbench-login"),
    path("login/verify/", views.verify, name="verify"),
    path("login/enrol/", views.enrol, name="enrol"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("register/", views.register, name="register"),
    path("account/", views.account, name="account"),
    path("account/password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("account/tokens/", views.token_create, name="token-create"),
    path("account/tokens/<str:prefix>/revoke/", views.token_revoke, name="token-revoke"),
    path("workbench/audit/", views.audit_search, name="audit"),
]
