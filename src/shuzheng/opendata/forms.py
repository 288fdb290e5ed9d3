"""Forms of the restricted-opening pages: apply, report, decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class ApplicationForm(forms.Form):
    purpose = forms.CharField(label=_("使用目的"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    scenario = forms.CharField(label=_("应用场景"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    security_measures = forms.CharField(
        label=_("数据安全保障措施"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    # Not "fields": that name is the form's own field list.
    columns = forms.MultipleChoiceField(
        label=_("申请字段"), required=False, widget=forms.CheckboxSelectMultiple, help_text=_("不选表示全部")
    )
    days = forms.IntegerField(label=_("使用期限（天）"), min_value=1, initial=180)
    legal_person = forms.TypedChoiceField(label=_("申请主体"), coerce=int, required=False, empty_value=None)
    agreed = forms.BooleanField(label=_("我已阅读并同意《公共数据受限开放使用协议》"), required=False)
    signed_name = forms.CharField(label=_("签署人（实名）"), max_length=64)

    def __init__(self, *args: Any, fields: list[tuple[str, str]], legal_persons: list[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["columns"].choices = fields  # type: ignore[attr-defined]
        self.fields["days"].help_text = _("最长 %(days)d 天") % {"days": settings.SHUZHENG_OPEN_ACCESS_MAX_DAYS}
        self.fields["legal_person"].choices = [("", _("本人")), *legal_persons]  # type: ignore[attr-defined]
        if not legal_persons:
            del self.fields["legal_person"]


class ReportForm(forms.Form):
    summary = forms.CharField(label=_("使用情况"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    outcomes = forms.CharField(
        label=_("应用成果"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("审核意见"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("不予批准或终止使用时必填"),
    )
