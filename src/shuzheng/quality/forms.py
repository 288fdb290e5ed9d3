"""Forms of the quality pages: rule declarations and YAML imports, ticket steps, problem reports."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shuzheng.catalog.schemas import UpdateFrequency
from shuzheng.quality.choices import Severity
from shuzheng.quality.registry import rule_types
from shuzheng.quality.rules.timeliness import ALLOWED_AGE
from shuzheng.quality.rules.validity import DATE_FORMATS
from shuzheng.quality.ruleset import DESCRIPTION_LENGTH, MAX_TEXT

# What each rule type checks, in a sentence, for the people choosing one; a type added later
# without a sentence here is shown by its name alone.
RULE_TYPE_HELP = {
    "not_null": _("字段必须有值（空字符串算有值）。"),
    "not_blank": _("字段必须有值，且不能只有空格。"),
    "regex": _("有值时须符合所填的正则表达式。"),
    "enum": _("有值时须是所列取值之一。"),
    "range": _("数值或日期须在最小值和最大值之间（含两端，可只填一端）。"),
    "date_format": _("以文字保存的日期须是所选格式的真实日期。"),
    "resident_id": _("18 位居民身份证号码：出生日期、省份和校验码正确。"),
    "uscc": _("18 位统一社会信用代码：校验码正确。"),
    "region_code": _("6 位行政区划代码，须在国家代码表中（含历史代码）。"),
    "mobile": _("11 位手机号码。"),
    "unique": _("取值不重复；可再选组合字段，检查多个字段的组合。"),
    "id_agrees": _("身份证号码中的出生日期、性别与所选的出生日期字段、性别字段一致。"),
    "order": _("结束字段不早于（不小于）开始字段。"),
    "exists_in": _("取值须存在于另一个已发布数据资源的某个字段中。"),
    "fresh": _("最新一条记录的日期不能比更新频率允许的更旧（整表检查）。"),
}

# Which parameter inputs a rule type uses: the rule's parameter name → the form field holding it.
# Form fields are named apart from parameters where a parameter's name would clash ("field").
PARAM_INPUTS = {
    "pattern": "pattern",
    "values": "values",
    "min": "minimum",
    "max": "maximum",
    "format": "date_format",
    "birth_date": "birth_date",
    "sex": "sex",
    "dataset": "ref_dataset",
    "field": "ref_field",
    "frequency": "frequency",
}
TYPE_PARAMS = {
    "regex": ("pattern",),
    "enum": ("values",),
    "range": ("min", "max"),
    "date_format": ("format",),
    "id_agrees": ("birth_date", "sex"),
    "exists_in": ("dataset", "field"),
    "fresh": ("frequency",),
}
NUMBER_TYPES = {"integer": int, "decimal": float}
TEXTAREA = forms.Textarea(attrs={"rows": 3})


def _split_values(text: str) -> list[str]:
    for separator in ("、", ",", "，"):
        text = text.replace(separator, "\n")
    return [value.strip() for value in text.splitlines() if value.strip()]


class RuleForm(forms.Form):
    """One rule: its type, the fields it reads (one, a second for ordering, more for a combined
    key), the parameters of its type, severity and description. Inputs a type does not use are
    hidden by quality/rules.js and ignored here."""

    rule_type = forms.ChoiceField(label=_("规则类型"))
    field = forms.ChoiceField(label=_("字段"))
    second_field = forms.ChoiceField(label=_("结束字段"), required=False, help_text=_("不能早于上面的开始字段"))
    more_fields = forms.MultipleChoiceField(
        label=_("组合字段"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("与上面的字段一起判断是否重复"),
    )
    pattern = forms.CharField(label=_("正则表达式"), max_length=500, required=False, help_text=_("如 ^\\d{6}$"))
    values = forms.CharField(
        label=_("允许的取值"), max_length=4000, required=False, widget=TEXTAREA, help_text=_("每行一个，或以顿号分隔")
    )
    minimum = forms.CharField(label=_("最小值"), max_length=32, required=False, help_text=_("数值，或 YYYY-MM-DD 日期"))
    maximum = forms.CharField(label=_("最大值"), max_length=32, required=False, help_text=_("数值，或 YYYY-MM-DD 日期"))
    date_format = forms.ChoiceField(label=_("日期格式"), required=False)
    birth_date = forms.ChoiceField(label=_("出生日期字段"), required=False)
    sex = forms.ChoiceField(label=_("性别字段"), required=False)
    ref_dataset = forms.CharField(
        label=_("被引用的数据资源编码"), max_length=32, required=False, help_text=_("如 330100-000001")
    )
    ref_field = forms.CharField(label=_("被引用的字段名"), max_length=64, required=False)
    frequency = forms.ChoiceField(label=_("更新频率"), required=False)
    severity = forms.ChoiceField(label=_("严重程度"), choices=Severity.choices, initial=Severity.MEDIUM)
    description = forms.CharField(label=_("说明"), max_length=DESCRIPTION_LENGTH, required=False)

    def __init__(self, *args: Any, dataset_fields: Sequence[Any], frequency: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.types = {field.name: field.data_type for field in dataset_fields}
        named = [(field.name, f"{field.label}（{field.name}）") for field in dataset_fields]
        known = rule_types()
        labels = dict(UpdateFrequency.choices)
        choices: dict[str, list[tuple[str, str]]] = {
            "rule_type": [(code, f"{kind.name}（{code}）") for code, kind in known.items()],
            "field": named,
            "second_field": [("", "—"), *named],
            "more_fields": named,
            "birth_date": [("", "—"), *named],
            "sex": [("", "—"), *named],
            "date_format": [(name, name) for name in DATE_FORMATS],
            "frequency": [(name, str(labels.get(name, name))) for name in ALLOWED_AGE],
        }
        for name, options in choices.items():
            cast(forms.ChoiceField, self.fields[name]).choices = options
        if frequency in ALLOWED_AGE:
            self.fields["frequency"].initial = frequency
        # Which rule types each optional input serves, for the script that shows only those.
        used_by: dict[str, list[str]] = {
            "second_field": [code for code, kind in known.items() if kind.fields == 2],
            "more_fields": [code for code, kind in known.items() if kind.fields == 0],
        }
        for code, params in TYPE_PARAMS.items():
            for param in params:
                used_by.setdefault(PARAM_INPUTS[param], []).append(code)
        self.used_by = {name: " ".join(codes) for name, codes in used_by.items()}
        self.type_help = [(code, kind.name, RULE_TYPE_HELP.get(code, "")) for code, kind in known.items()]

    def inputs(self) -> list[tuple[Any, str]]:
        """Each input with the rule types it serves ("" for every type)."""
        return [(self[name], self.used_by.get(name, "")) for name in self.fields]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        rule_type = cleaned.get("rule_type")
        if rule_type == "order" and not cleaned.get("second_field"):
            self.add_error("second_field", gettext("请选择结束字段"))
        return cleaned

    def declaration(self) -> tuple[str, list[str], dict[str, Any]]:
        """The rule as the services take it: (type, fields, params); adds errors for values that
        cannot be read (a minimum that is not a number)."""
        data = self.cleaned_data
        rule_type = data["rule_type"]
        kind = rule_types()[rule_type]
        fields = [data["field"]]
        if kind.fields == 2 and data.get("second_field"):
            fields.append(data["second_field"])
        elif kind.fields == 0:
            fields += [name for name in data.get("more_fields", []) if name != data["field"]]
        params: dict[str, Any] = {}
        for param in TYPE_PARAMS.get(rule_type, ()):
            value = data.get(PARAM_INPUTS[param])
            if param == "values":
                value = _split_values(value or "")
            elif param in ("min", "max"):
                value = self._bound(PARAM_INPUTS[param], value or "", self.types.get(data["field"], ""))
            if value not in (None, ""):
                params[param] = value
        return rule_type, fields, params

    def _bound(self, name: str, text: str, data_type: str) -> Any:
        text = text.strip()
        if not text:
            return None
        try:
            if data_type in NUMBER_TYPES:
                return NUMBER_TYPES[data_type](text)
            if data_type == "date":
                return datetime.date.fromisoformat(text).isoformat()
            if data_type == "datetime":
                return datetime.datetime.fromisoformat(text).isoformat()
        except ValueError:
            self.add_error(
                name, gettext("应为整数") if data_type == "integer" else gettext("应为数字或 YYYY-MM-DD 日期")
            )
            return None
        return text

    def add_problem(self, path: str, message: str) -> None:
        """Show a problem the services found (named by the API's path) at the input it is about."""
        name = {"rule_type": "rule_type", "fields": "field", "severity": "severity", "description": "description"}.get(
            path
        )
        if name is None and path.startswith("params."):
            name = PARAM_INPUTS.get(path.removeprefix("params."))
        self.add_error(name if name in self.fields else None, message)


class RulesImportForm(forms.Form):
    text = forms.CharField(
        label=_("YAML 规则"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false", "class": "mono"}),
        help_text=_("与“导出 YAML”的格式相同；也可以上传文件"),
    )
    file = forms.FileField(label=_("或上传 YAML 文件"), required=False)
    replace = forms.BooleanField(label=_("删除文件中没有的规则"), required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("file")
        if upload is not None:
            if upload.size > MAX_TEXT:
                self.add_error("file", gettext("文件超过 %(size)d KB") % {"size": MAX_TEXT // 1024})
                return cleaned
            try:
                cleaned["text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error("file", gettext("文件应为 UTF-8 编码"))
        elif not cleaned.get("text", "").strip() and "text" not in self.errors:
            self.add_error("text", gettext("请粘贴 YAML 规则或上传文件"))
        return cleaned


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
