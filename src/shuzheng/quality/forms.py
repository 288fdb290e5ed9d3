"""Forms of the quality pages: a step on a ticket, a problem report."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class StepForm(forms.Form):
    note = forms.CharField(
        label=_("说明"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("提出异议和驳回异议时必填"),
    )


class ProblemForm(forms.Form):
    description = forms.CharField(
        label=_("问题描述"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("请写明哪条记录、哪个字段有什么问题（至少 10 个字）"),
    )
