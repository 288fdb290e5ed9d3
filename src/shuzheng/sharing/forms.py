"""Forms of the sharing pages: request, check, decide, grant status, objection."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RequestForm(forms.Form):
    # Not "fields": that name is the form's own field list.
    columns = forms.MultipleChoiceField(label=_("申请字段"), widget=forms.CheckboxSelectMultiple)
    purpose = forms.CharField(label=_("使用目的"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    scenario = forms.CharField(label=_("服务事项或应用场景"), max_length=200)
    legal_basis = forms.CharField(label=_("共享依据"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    daily_calls = forms.IntegerField(label=_("预计日调用量"), min_value=1, initial=100)
    valid_until = forms.DateField(
        label=_("使用期限至"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    scope_field = forms.ChoiceField(label=_("数据范围：限定字段"), required=False)
    scope_values = forms.CharField(
        label=_("数据范围：允许的取值"),
        max_length=500,
        required=False,
        help_text=_("多个取值用逗号分隔，如 330106,330108"),
    )

    def __init__(self, *args: Any, fields: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["columns"].choices = fields  # type: ignore[attr-defined]
        self.fields["scope_field"].choices = [("", _("不限")), *fields]  # type: ignore[attr-defined]
        self.fields["valid_until"].initial = timezone.localdate() + datetime.timedelta(days=365)

    def row_filter(self) -> dict[str, list[str]]:
        name = self.cleaned_data.get("scope_field")
        values = [value.strip() for value in self.cleaned_data.get("scope_values", "").replace("，", ",").split(",")]
        return {name: [value for value in values if value]} if name else {}


class CheckForm(forms.Form):
    needs_publishing = forms.BooleanField(
        label=_("数据尚未归集到平台，需提供部门先行发布"), required=False, help_text=_("提供部门的答复期限相应延长")
    )
    note = forms.CharField(
        label=_("审核意见"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("不通过时必填"),
    )


class DecisionForm(forms.Form):
    columns = forms.MultipleChoiceField(label=_("授权字段"), required=False, widget=forms.CheckboxSelectMultiple)
    reason = forms.CharField(
        label=_("审核意见"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("不予共享时必填"),
    )

    def __init__(self, *args: Any, fields: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["columns"].choices = fields  # type: ignore[attr-defined]
        self.fields["columns"].initial = [name for name, _label in fields]


class GrantStatusForm(forms.Form):
    reason = forms.CharField(
        label=_("说明"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("暂停或撤销时必填"),
    )


class ObjectionForm(forms.Form):
    call = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(label=_("异议内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(forms.Form):
    objection = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.CharField(label=_("答复意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
