"""Forms of the sign-in, registration and account pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shuzheng.accounts import services


class LoginForm(AuthenticationForm):
    """Password sign-in with lockout; the same answers whether or not the user exists."""

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        if username and services.login_locked_until(username=username) is not None:
            raise ValidationError(
                gettext("登录失败次数过多，账号已暂时锁定，请 %(minutes)d 分钟后再试")
                % {"minutes": settings.SHUZHENG_LOGIN_LOCKOUT_MINUTES},
                code="locked",
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            if username:
                services.login_attempt_record(username=username, succeeded=False, request=self.request)
            raise
        services.login_attempt_record(username=username, succeeded=True, request=self.request)
        return cleaned


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("动态口令"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class RegisterForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=64)
    id_number = forms.CharField(label=_("居民身份证号码"), max_length=64)
    mobile = forms.CharField(label=_("手机号码"), max_length=32)
    username = forms.RegexField(
        label=_("用户名"),
        max_length=32,
        regex=r"^[A-Za-z0-9_.-]{4,32}$",
        error_messages={"invalid": _("用户名为 4 至 32 位字母、数字或 _ . -")},
    )
    password = forms.CharField(label=_("密码"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=64)
    days = forms.IntegerField(label=_("有效天数"), min_value=1, max_value=365, initial=90)
    scopes = forms.MultipleChoiceField(
        label=_("权限范围"), choices=list(services.API_SCOPES.items()), widget=forms.CheckboxSelectMultiple
    )


class AuditSearchForm(forms.Form):
    actor = forms.IntegerField(label=_("操作人编号"), required=False, min_value=1)
    action = forms.CharField(label=_("操作"), required=False, max_length=128)
    object_type = forms.CharField(label=_("对象类型"), required=False, max_length=64)
    object_id = forms.CharField(label=_("对象编号"), required=False, max_length=64)
