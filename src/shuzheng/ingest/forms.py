"""Forms of the ingestion workbench: a source with its kind's options, a pipeline with its mapping
(a formset), a run's upload."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shuzheng.ingest.choices import LoadMode, SourceKind

TEXTAREA = forms.Textarea(attrs={"rows": 3})

# Each kind's options, as (option, form field); the form fields carry the kind's prefix because
# a database and an HTTP API both have a "url".
KIND_OPTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    SourceKind.FILE: (),
    SourceKind.DATABASE: (("url", "database_url"), ("table", "database_table"), ("schema", "database_schema")),
    SourceKind.HTTP: (
        ("url", "http_url"),
        ("paging", "http_paging"),
        ("page_size", "http_page_size"),
        ("records", "http_records"),
        ("since_param", "http_since_param"),
    ),
    SourceKind.DATASET: (("dataset", "dataset_code"), ("filter", "dataset_filter")),
}


def pairs(text: str) -> tuple[dict[str, str], list[str]]:
    """Lines of "原值=新值" as a mapping, and the lines that are not such pairs."""
    found: dict[str, str] = {}
    bad = []
    for line in text.splitlines():
        if not line.strip():
            continue
        before, equals, after = line.partition("=")
        if not equals or not before.strip():
            bad.append(line)
            continue
        found[before.strip()] = after.strip()
    return found, bad


def pairs_text(values: dict[str, Any]) -> str:
    return "\n".join(f"{key}={value}" for key, value in values.items())


class SourceForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=SourceKind.choices)
    database_url = forms.CharField(
        label=_("数据库连接地址"),
        max_length=500,
        required=False,
        help_text=_("SQLAlchemy URL，如 postgresql://用户:密码@主机/库名；保存后密码不再显示"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    database_table = forms.CharField(label=_("表名"), max_length=63, required=False)
    database_schema = forms.CharField(label=_("模式（schema）"), max_length=63, required=False)
    http_url = forms.URLField(label=_("接口地址"), max_length=500, required=False, assume_scheme="https")
    http_paging = forms.ChoiceField(
        label=_("分页方式"), choices=[("page", _("按页码（page）")), ("offset", _("按偏移（offset）"))], required=False
    )
    http_page_size = forms.IntegerField(label=_("每页条数"), min_value=1, max_value=10_000, required=False)
    http_records = forms.CharField(
        label=_("记录所在路径"), max_length=200, required=False, help_text=_("如 data.items；记录在根上时留空")
    )
    http_since_param = forms.CharField(
        label=_("增量参数名"), max_length=64, required=False, help_text=_("增量载入时以此参数传上次的更新时间")
    )
    dataset_code = forms.CharField(label=_("来源数据资源编码"), max_length=32, required=False)
    dataset_filter = forms.CharField(
        label=_("筛选条件"), required=False, widget=TEXTAREA, help_text=_("每行一个“字段名=值”，留空表示全部")
    )

    def groups(self) -> list[tuple[str, str, list[Any]]]:
        """The option fields by kind, for the page's fieldsets."""
        labels = dict(SourceKind.choices)
        return [
            (kind, str(labels[kind]), [self[name] for _option, name in options])
            for kind, options in KIND_OPTIONS.items()
            if options
        ]

    def options(self) -> dict[str, Any]:
        """The chosen kind's options, as the source stores them."""
        data = self.cleaned_data
        kind = data["kind"]
        options: dict[str, Any] = {}
        for option, name in KIND_OPTIONS.get(kind, ()):
            value = data.get(name)
            if value in (None, ""):
                continue
            if name == "dataset_filter":
                value, bad = pairs(str(value))
                if bad:
                    self.add_error(name, gettext("每行应为“字段名=值”：%(line)s") % {"line": bad[0]})
            options[option] = value
        if kind == SourceKind.HTTP:
            options.setdefault("paging", "page")
            options.setdefault("page_size", 500)
        return options

    def field_for(self, path: str) -> str | None:
        """The form field a service problem ("options.url") belongs to."""
        option = path.removeprefix("options.")
        kind = self.cleaned_data.get("kind", "")
        for known, name in KIND_OPTIONS.get(kind, ()):
            if known == option:
                return name
        return path if path in self.fields else None


def schedule_field() -> forms.CharField:
    return forms.CharField(
        label=_("定时运行"),
        max_length=100,
        required=False,
        help_text=_(
            "cron 表达式（分 时 日 月 周）：0 2 * * * 每天 2:00，30 1 * * 1 每周一 1:30，0 3 1 * * 每月 1 日 3:00；"
            "留空则只手动运行。上传文件的数据源不能定时运行"
        ),
        widget=forms.TextInput(attrs={"class": "mono", "placeholder": "0 2 * * *", "autocomplete": "off"}),
    )


class PipelineForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    source = forms.TypedChoiceField(label=_("数据源"), coerce=int)
    mode = forms.ChoiceField(label=_("载入方式"), choices=LoadMode.choices, initial=LoadMode.FULL)
    key = forms.MultipleChoiceField(
        label=_("主键字段"),
        required=False,
        help_text=_("按主键合并新旧数据；增量载入和保留历史版本都需要主键"),
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    updated_column = forms.CharField(
        label=_("更新时间列"), max_length=64, required=False, help_text=_("来源中记录更新时间的列，增量载入时使用")
    )
    keep_history = forms.BooleanField(label=_("保留历史版本"), required=False)
    schedule = schedule_field()

    def __init__(self, *args: Any, sources: Sequence[Any], fields: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sources = {source.pk: source for source in sources}
        source_field: Any = self.fields["source"]
        source_field.choices = [("", "—")] + [
            (source.pk, f"{source.name}（{source.get_kind_display()}）") for source in sources
        ]
        key_field: Any = self.fields["key"]
        key_field.choices = list(fields)


class MappingForm(forms.Form):
    field = forms.ChoiceField(label=_("目标字段"), required=False)
    column = forms.CharField(label=_("来源列"), max_length=200, required=False)
    values = forms.CharField(
        label=_("值映射"), required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=_("每行一个“原值=新值”")
    )

    def __init__(self, *args: Any, fields: Sequence[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        target: Any = self.fields["field"]
        target.choices = [("", "—"), *fields]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("field") and not data.get("column"):
            self.add_error("column", gettext("请填写来源列名"))
        if data.get("column") and not data.get("field"):
            self.add_error("field", gettext("请选择目标字段"))
        values, bad = pairs(data.get("values", ""))
        if bad:
            self.add_error("values", gettext("每行应为“原值=新值”：%(line)s") % {"line": bad[0]})
        data["values"] = values
        return data

    def entry(self) -> dict[str, Any] | None:
        """The row as a mapping entry; None for a blank row."""
        data = self.cleaned_data
        if not data.get("field"):
            return None
        entry: dict[str, Any] = {"field": data["field"], "column": data["column"].strip()}
        if data["values"]:
            entry["values"] = data["values"]
        return entry


def mapping_formset(count: int) -> type[forms.BaseFormSet[MappingForm]]:
    """A formset with a row per field of the target dataset (at most 300)."""
    return forms.formset_factory(MappingForm, extra=max(count, 1), max_num=300, validate_max=True)


class ScheduleForm(forms.Form):
    schedule = schedule_field()


class RunForm(forms.Form):
    file = forms.FileField(
        label=_("文件"), required=False, help_text=_("CSV（UTF-8、GBK 或 GB18030）、XLSX、JSON、JSON Lines 或 Parquet")
    )


class DatasetChoiceForm(forms.Form):
    dataset = forms.ChoiceField(label=_("目标数据资源"))

    def __init__(self, *args: Any, datasets: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        target: Any = self.fields["dataset"]
        target.choices = [(dataset.code, f"{dataset.code} {dataset.title}") for dataset in datasets]
