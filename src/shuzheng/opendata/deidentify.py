"""How a restricted dataset's fields reach an approved applicant (受限开放: 去标识化).

By grade: L4 never leaves; a field that identifies a person is masked at L2
(张*, 138****1234) and replaced by a pseudonym at L3 — the same value gives the
same pseudonym within one application, so records can still be counted and
joined, but not across applications or back to the person. Everything else
passes as it is: the approval is for using those values. The privacy engine
will take these decisions over as policies; the treatments stay the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shuzheng.catalog.schemas import FieldType, Grade
from shuzheng.core.crypto import blind_index
from shuzheng.opendata.choices import Treatment


def treatment(field: Any) -> str:
    """The treatment of one catalogue field (anything with grade, identifies_person, data_type)."""
    if field.grade == Grade.L4:
        return Treatment.WITHHELD
    if not field.identifies_person or field.data_type != FieldType.STRING or field.grade == Grade.L1:
        return Treatment.PLAIN
    return Treatment.PSEUDONYM if field.grade == Grade.L3 else Treatment.MASKED


def mask(value: str) -> str:
    """Keep the ends, hide the middle, as the national convention does (张*, 张*明, 138****1234)."""
    if len(value) <= 2:
        return value[:1] + "*" * (len(value) - 1)
    if len(value) <= 4:
        return value[0] + "*" * (len(value) - 2) + value[-1]
    keep_start, keep_end = (3, 4) if len(value) >= 11 else (1, 1)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


def pseudonym(value: str, *, context: str) -> str:
    return "P" + blind_index(value, context=context)[:15].upper()


def row(record: Mapping[str, Any], treatments: Mapping[str, str], *, context: str) -> dict[str, Any]:
    """One record with each field treated; withheld fields are left out."""
    treated: dict[str, Any] = {}
    for name, how in treatments.items():
        value = record.get(name)
        if how == Treatment.WITHHELD:
            continue
        if value is None or how == Treatment.PLAIN:
            treated[name] = value
        elif how == Treatment.MASKED:
            treated[name] = mask(str(value))
        else:
            treated[name] = pseudonym(str(value), context=context)
    return treated
