"""The catalog's metadata rules, checked before anything is saved.

Each rule returns the problems it finds as (field, code, message); services
refuse a dataset with any problem, so nothing is ever saved or published
half-way. Field paths follow the API's payload ("fields.2.grade").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.utils.translation import gettext

from shuzheng.catalog.choices import OPEN_TYPES_ALLOWED, Grade, NationalLevel, OpenType, ShareType

Problem = tuple[str, str, str]

_FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_GRADE_ORDER = {grade: rank for rank, grade in enumerate(Grade.values)}


def strictest(grades: Iterable[str]) -> str | None:
    """The most sensitive of some grades (L4 > L3 > L2 > L1)."""
    ranked = sorted(grades, key=_GRADE_ORDER.__getitem__)
    return ranked[-1] if ranked else None


def dataset_problems(data: Mapping[str, Any], fields: Sequence[Mapping[str, Any]]) -> list[Problem]:
    """Every problem with a dataset's metadata and fields, empty when it may be saved."""
    problems: list[Problem] = []
    problems += _field_problems(fields)
    grade, open_type = data.get("grade"), data.get("open_type")
    field_grade = strictest(field["grade"] for field in fields if field.get("grade") in _GRADE_ORDER)
    if grade in _GRADE_ORDER and field_grade and _GRADE_ORDER[field_grade] > _GRADE_ORDER[grade]:
        problems.append(
            (
                "grade",
                "grade_below_fields",
                gettext("数据资源的安全级别不能低于其数据项的最高级别 %(grade)s") % {"grade": field_grade},
            )
        )
    if open_type in OpenType.values:
        for position, field in enumerate(fields):
            if field.get("grade") in _GRADE_ORDER and open_type not in OPEN_TYPES_ALLOWED[field["grade"]]:
                problems.append(
                    (
                        f"fields.{position}.grade",
                        "grade_forbids_open_type",
                        gettext("%(grade)s 级数据项不能出现在“%(open_type)s”的数据资源中")
                        % {"grade": field["grade"], "open_type": OpenType(open_type).label},
                    )
                )
        if grade in _GRADE_ORDER and open_type not in OPEN_TYPES_ALLOWED[grade]:
            problems.append(
                (
                    "open_type",
                    "grade_forbids_open_type",
                    gettext("%(grade)s 级数据资源不能设为“%(open_type)s”")
                    % {"grade": grade, "open_type": OpenType(open_type).label},
                )
            )
    national_level = data.get("national_level")
    if national_level == NationalLevel.IMPORTANT and open_type == OpenType.UNCONDITIONAL:
        problems.append(("open_type", "important_data_open", gettext("重要数据不能无条件开放")))
    if national_level == NationalLevel.CORE and open_type != OpenType.NONE:
        problems.append(("open_type", "core_data_open", gettext("核心数据禁止开放")))
    share_type = data.get("share_type")
    if share_type == ShareType.UNCONDITIONAL and (grade == Grade.L4 or national_level == NationalLevel.CORE):
        problems.append(("share_type", "too_sensitive_to_share_freely", gettext("L4 级数据和核心数据不能无条件共享")))
    if share_type in (ShareType.CONDITIONAL, ShareType.NONE) and not str(data.get("share_basis", "")).strip():
        problems.append(("share_basis", "required", gettext("有条件共享和不予共享须写明依据")))
    if share_type == ShareType.NONE and not str(data.get("share_refusal_reason", "")).strip():
        problems.append(("share_refusal_reason", "required", gettext("不予共享须写明理由")))
    start, end = data.get("temporal_start"), data.get("temporal_end")
    if start and end and end < start:
        problems.append(("temporal_end", "before_start", gettext("时间范围止不能早于时间范围起")))
    return problems


def _field_problems(fields: Sequence[Mapping[str, Any]]) -> list[Problem]:
    problems: list[Problem] = []
    if not fields:
        problems.append(("fields", "required", gettext("至少应有一个数据项")))
    seen: set[str] = set()
    for position, field in enumerate(fields):
        name = str(field.get("name", ""))
        if not _FIELD_NAME.match(name):
            problems.append(
                (f"fields.{position}.name", "invalid", gettext("字段名应以小写字母开头，只含小写字母、数字和下划线"))
            )
        elif name in seen:
            problems.append((f"fields.{position}.name", "duplicate", gettext("字段名 %(name)s 重复") % {"name": name}))
        seen.add(name)
        if field.get("identifies_person") and field.get("grade") == Grade.L1:
            problems.append(
                (
                    f"fields.{position}.grade",
                    "personal_data_too_open",
                    gettext("涉及个人信息的数据项不能定为 L1 级"),
                )
            )
    return problems
