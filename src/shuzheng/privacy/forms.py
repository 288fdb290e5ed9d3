from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from shuzheng.privacy.choices import Channel

GRADE_CHOICES = [("L1", "L1"), ("L2", "L2"), ("L3", "L3"), ("L4", "L4")]


class TryForm(forms.Form):
    """Sample values run through a policy on the spot; nothing typed here is kept."""

    text = forms.CharField(label=_("样例文本"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    channel = forms.ChoiceField(label=_("渠道"), choices=Channel.choices, initial=Channel.DISPLAY)
    grade = forms.ChoiceField(label=_("安全级别"), choices=GRADE_CHOICES, initial="L3")
    purpose = forms.CharField(label=_("用途"), max_length=64, required=False)


class PolicyForm(forms.Form):
    channel = forms.ChoiceField(label=_("渠道"), choices=Channel.choices)
    grade = forms.ChoiceField(label=_("安全级别"), choices=GRADE_CHOICES)
    purpose = forms.CharField(label=_("用途（不填则适用于所有用途）"), max_length=64, required=False)
    treatments = forms.CharField(
        label=_("处理方式（JSON：个人信息类型 → 方法）"), widget=forms.Textarea(attrs={"rows": 6, "class": "mono"})
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def clean_treatments(self) -> Any:
        try:
            return json.loads(self.cleaned_data["treatments"])
        except ValueError:
            raise ValidationError(_("不是有效的 JSON")) from None


class ReleaseCheckForm(forms.Form):
    quasi_identifiers = forms.MultipleChoiceField(label=_("准标识符"), widget=forms.CheckboxSelectMultiple)
    sensitive = forms.MultipleChoiceField(label=_("敏感属性"), widget=forms.CheckboxSelectMultiple, required=False)
    k = forms.IntegerField(label="k", min_value=2, max_value=1000)
    l_diversity = forms.IntegerField(label="l", min_value=1, max_value=100)

    def __init__(self, *args: Any, fields: list[tuple[str, str]], k: int, l_diversity: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["quasi_identifiers"].choices = fields  # type: ignore[attr-defined]
        self.fields["sensitive"].choices = fields  # type: ignore[attr-defined]
        self.fields["k"].initial, self.fields["l_diversity"].initial = k, l_diversity
