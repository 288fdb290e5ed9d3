"""Forms of the catalogue workbench: a dataset's metadata, its fields (a formset), review, files."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shuzheng.catalog.choices import FieldType, Grade, NationalLevel, OpenType, ShareType, Theme, UpdateFrequency
from shuzheng.catalog.services import FIELD_ATTRIBUTES, METADATA_FIELDS

TEXTAREA = forms.Textarea(attrs={"rows": 3})
DATE = forms.DateInput(attrs={"type": "date"})


class DatasetForm(forms.Form):
    title = forms.CharField(label=_("名称"), max_length=128)
    description = forms.CharField(label=_("摘要"), max_length=4000, widget=TEXTAREA)
    theme = forms.ChoiceField(label=_("主题"), choices=Theme.choices)
    keywords = forms.CharField(label=_("关键词"), required=False, help_text=_("以空格或顿号分隔"))
    update_frequency = forms.ChoiceField(label=_("更新频率"), choices=UpdateFrequency.choices)
    spatial = forms.RegexField(label=_("空间范围"), regex=r"^\d{6}$", help_text=_("行政区划代码，如 330100"))
    temporal_start = forms.DateField(
        label=_("时间范围起"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    temporal_end = forms.DateField(
        label=_("时间范围止"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    contact_name = forms.CharField(label=_("联系人"), max_length=64)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=32, required=False)
    contact_email = forms.EmailField(label=_("联系邮箱"), required=False)
    legal_basis = forms.CharField(label=_("采集依据"), max_length=2000, required=False, widget=TEXTAREA)
    grade = forms.ChoiceField(label=_("安全级别"), choices=Grade.choices)
    national_level = forms.ChoiceField(label=_("国家数据分级"), choices=NationalLevel.choices)
    share_type = forms.ChoiceField(label=_("共享类型"), choices=ShareType.choices)
    share_basis = forms.CharField(label=_("共享依据"), max_length=2000, required=False, widget=TEXTAREA)
    share_refusal_reason = forms.CharField(label=_("不予共享理由"), max_length=2000, required=False, widget=TEXTAREA)
    open_type = forms.ChoiceField(label=_("开放类型"), choices=OpenType.choices)

    @classmethod
    def initial_from(cls, dataset: Any) -> dict[str, Any]:
        initial = {name: getattr(dataset, name) for name in METADATA_FIELDS if name != "spatial"}
        initial["spatial"] = dataset.spatial_id
        initial["keywords"] = " ".join(dataset.keywords)
        return initial

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["keywords"] = [word for word in data["keywords"].replace("、", " ").split() if word]
        return data


class FieldForm(forms.Form):
    name = forms.CharField(label=_("字段名"), max_length=64)
    label = forms.CharField(label=_("中文名称"), max_length=64)
    data_type = forms.ChoiceField(label=_("数据类型"), choices=FieldType.choices)
    unit = forms.CharField(label=_("计量单位"), max_length=16, required=False)
    data_element = forms.CharField(label=_("数据元标识"), max_length=64, required=False)
    identifies_person = forms.BooleanField(label=_("涉及个人信息"), required=False)
    grade = forms.ChoiceField(label=_("安全级别"), choices=Grade.choices)


FieldFormSet = forms.formset_factory(FieldForm, extra=2, can_delete=True, max_num=300, validate_max=True)


def fields_initial(dataset: Any) -> list[dict[str, Any]]:
    return [{name: getattr(field, name) for name in FIELD_ATTRIBUTES} for field in dataset.fields.all()]


def kept_field_forms(formset: Any) -> list[Any]:
    """The formset's filled rows, in order: blank extra rows (no cleaned data) and deleted ones left out."""
    return [form for form in formset.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]


def field_values(form: Any) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in FIELD_ATTRIBUTES}


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("审核意见"), max_length=2000, required=False, widget=TEXTAREA, help_text=_("退回修改时必填")
    )


class ResourceFileForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=128)
    file = forms.FileField(label=_("文件"), help_text=_("CSV（UTF-8 或 GB18030）、XLSX 或 JSON，列名与字段名一致"))
