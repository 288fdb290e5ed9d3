"""An item's application form, from its JSON Schema and layout hints to an accessible HTML form.

The Django form renders the fields (labels, help, required and length attributes, the right
input types for a phone) and turns the posted strings into JSON values; the service's check
against the JSON Schema stays the authority on what is valid.
"""

from __future__ import annotations

import datetime
import decimal
from typing import Any

from django import forms

from shuzheng.eservices.schemas import FormDef, LayoutDef


def _ordered(spec: FormDef) -> list[tuple[str, dict[str, Any], LayoutDef]]:
    properties: dict[str, dict[str, Any]] = spec.schema_.get("properties", {})
    layout = {row.field: row for row in spec.layout}
    names = [row.field for row in spec.layout] + [name for name in properties if name not in layout]
    return [(name, properties[name], layout.get(name) or LayoutDef(field=name, help="")) for name in names]


def _field(schema: dict[str, Any], row: LayoutDef, required: bool) -> forms.Field:
    common: dict[str, Any] = {
        "label": schema.get("title", row.field),
        "required": required,
        "help_text": row.help or schema.get("description", ""),
    }
    kind = schema.get("type")
    if kind == "array":
        choices = [(value, value) for value in schema.get("items", {}).get("enum", [])]
        return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
    if "enum" in schema:
        choices = [(value, value) for value in schema["enum"]]
        if row.widget == "radio":
            return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
        return forms.ChoiceField(choices=[("", "—"), *choices], **common)
    if kind == "boolean":
        return forms.BooleanField(**{**common, "required": False})
    if kind == "integer":
        return forms.IntegerField(min_value=schema.get("minimum"), max_value=schema.get("maximum"), **common)
    if kind == "number":
        return forms.DecimalField(min_value=schema.get("minimum"), max_value=schema.get("maximum"), **common)
    if schema.get("format") == "date" or row.widget == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    attrs: dict[str, str] = {}
    if row.widget == "mobile":
        attrs = {"inputmode": "tel", "autocomplete": "tel"}
    elif row.widget == "id_number":
        attrs = {"autocomplete": "off", "spellcheck": "false"}
    if "pattern" in schema:
        attrs["pattern"] = schema["pattern"]
    widget = forms.Textarea(attrs={"rows": 3, **attrs}) if row.widget == "textarea" else forms.TextInput(attrs=attrs)
    return forms.CharField(
        max_length=schema.get("maxLength"), min_length=schema.get("minLength"), widget=widget, strip=True, **common
    )


def application_form(
    spec: FormDef, *, data: Any = None, initial: dict[str, Any] | None = None, draft: bool = False
) -> forms.Form:
    """The form of one item version; for a draft nothing is required yet."""
    required = set(spec.schema_.get("required", []))
    form = forms.Form(data=data, initial=initial, prefix="f")
    for name, schema, row in _ordered(spec):
        form.fields[name] = _field(schema, row, required=name in required and not draft)
    return form


def form_values(form: forms.Form) -> dict[str, Any]:
    """The cleaned values as JSON: dates as ISO text, no empty optional values."""
    values: dict[str, Any] = {}
    for name, value in form.cleaned_data.items():
        if value in (None, "", []) or (value is False and not form.fields[name].required):
            continue
        if isinstance(value, datetime.date):
            value = value.isoformat()
        elif isinstance(value, decimal.Decimal):
            value = int(value) if value == value.to_integral_value() else float(value)
        values[name] = value
    return values
