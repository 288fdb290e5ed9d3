"""Forms of the portal's public tools (thin: the work is in identifiers/workdays)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from shuzheng.core.choices import IdentifierKind
from shuzheng.core.workdays import MAX_WORKING_DAYS


class IdentifierCheckForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=IdentifierKind.choices)
    value = forms.CharField(label=_("号码"), max_length=64, strip=True)


class WorkdayAddForm(forms.Form):
    start = forms.DateField(label=_("起算日期"), widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.IntegerField(label=_("工作日数"), min_value=-MAX_WORKING_DAYS, max_value=MAX_WORKING_DAYS, initial=20)
