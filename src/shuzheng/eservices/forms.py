"""Forms of the case pages: one workflow action on a case and the filter of the department's list
(workbench), and the applicant's rating (portal). The services stay the authority; these check
choices and lengths first, so that a mistake is shown next to its field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from shuzheng.core.errors import Problem
from shuzheng.eservices.choices import (
    CaseAction,
    CaseStatus,
    MaterialSource,
    RatingDimension,
    RatingLevel,
    SuspensionKind,
)
from shuzheng.eservices.models import Case
from shuzheng.eservices.services import TRANSITIONS

# Actions after which the case is over for good: the official ticks a confirmation first.
FINAL_ACTIONS = frozenset({CaseAction.REJECT, CaseAction.WITHDRAW})

NOTE_LABELS: dict[str, Any] = {
    CaseAction.CORRECTION_REQUEST: _("补正要求"),
    CaseAction.REJECT: _("理由"),
    CaseAction.RETURN: _("退回理由"),
    CaseAction.TRANSFER: _("转办理由"),
    CaseAction.SUSPEND: _("说明"),
}
# What the official typed, kept when the page comes back after someone else acted first.
KEPT_FIELDS = ("note", "materials", "organisation", "kind", "result")


class CaseActionForm(forms.Form):
    """One action on a case at the revision its page showed, with what that action needs."""

    action = forms.ChoiceField(
        choices=[(action, CaseAction(action).label) for action in TRANSITIONS], widget=forms.HiddenInput
    )
    revision = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    note = forms.CharField(max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(
        self,
        data: Any = None,
        *,
        case: Case,
        action: str,
        organisations: QuerySet[Any] | None = None,
        initial: dict[str, Any] | None = None,
    ) -> None:
        # Several actions share the page: their fields need ids of their own.
        super().__init__(
            data,
            auto_id=f"{action or 'action'}-%s",
            initial={**(initial or {}), "action": action, "revision": case.revision},
        )
        self.for_action = action
        transition = TRANSITIONS.get(action)
        note = self.fields["note"]
        note.required = bool(transition and transition.needs_note)
        note.label = NOTE_LABELS.get(action, _("意见") if note.required else _("意见（选填）"))
        spec = case.version.spec
        if action == CaseAction.CORRECTION_REQUEST:
            self.fields["materials"] = forms.MultipleChoiceField(
                label=_("需补正的材料"),
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=[(m.code, m.name) for m in spec.materials if m.source != MaterialSource.GOVERNMENT],
            )
        elif action == CaseAction.TRANSFER:
            self.fields["organisation"] = forms.ModelChoiceField(
                label=_("转至部门"), queryset=organisations, empty_label=_("请选择")
            )
        elif action == CaseAction.SUSPEND:
            self.fields["kind"] = forms.ChoiceField(
                label=_("特别程序种类"), choices=[("", _("请选择")), *SuspensionKind.choices]
            )
        elif action == CaseAction.APPROVE and case.step == spec.steps[-1].code:
            self.fields["result"] = forms.CharField(
                label=_("办理结果"),
                max_length=500,
                required=False,
                initial=spec.result_name,
                help_text=_("如核发的证照名称；留空即按事项的审批结果"),
            )
        if action in FINAL_ACTIONS:
            self.fields["confirm"] = forms.BooleanField(label=_("我已核实：此操作将终结办件，不能撤销"))

    def detail(self) -> dict[str, Any]:
        """The action's facts beside the note, as the workflow takes them."""
        data = self.cleaned_data
        if "materials" in self.fields:
            return {"materials": data["materials"]}
        if "organisation" in self.fields:
            return {"organisation": data["organisation"]}
        if "kind" in self.fields:
            return {"kind": data["kind"]}
        if data.get("result"):
            return {"result": data["result"]}
        return {}

    def add_problem(self, problem: Problem) -> None:
        """Show the service's findings next to the fields they name, the rest above the form."""
        for error in problem.errors or [{"field": "", "detail": problem.detail}]:
            name = str(error.get("field", "")).split(".")[0]
            self.add_error(
                name if name in self.fields and name not in ("action", "revision") else None, error["detail"]
            )

    def all_errors(self) -> list[str]:
        return [str(message) for messages in self.errors.values() for message in messages]


def kept_input(data: Any) -> dict[str, Any]:
    """The typed values of a posted action form, to offer again."""
    return {name: data.getlist(name) if name == "materials" else data.get(name, "") for name in KEPT_FIELDS}


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("办件编号或事项名称"), max_length=50, required=False)
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[
            ("", _("全部")),
            *[(value, label) for value, label in CaseStatus.choices if value != CaseStatus.DRAFT],
        ],
    )

    def filters(self) -> dict[str, str]:
        """The valid filters; a tampered value counts as no filter."""
        if not self.is_valid():
            return {"status": "", "search": ""}
        return {"status": self.cleaned_data["status"], "search": self.cleaned_data["q"].strip()}


class RatingForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("整体满意度"), choices=RatingLevel.choices, coerce=int, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("评价内容"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("不满意时请写明原因，办理部门将回访并整改"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for dimension in RatingDimension:
            self.fields[dimension.value] = forms.TypedChoiceField(
                label=dimension.label,
                choices=[("", "—"), *RatingLevel.choices],
                coerce=int,
                required=False,
                empty_value=None,
            )

    def dimensions(self) -> dict[str, int]:
        return {
            dimension.value: self.cleaned_data[dimension.value]
            for dimension in RatingDimension
            if self.cleaned_data.get(dimension.value)
        }
