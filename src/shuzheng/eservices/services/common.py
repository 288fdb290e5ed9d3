"""What every service of the app shares: the audit record of an item or a case."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from shuzheng.core.audit import audit_record
from shuzheng.eservices.models import (
    Case,
    ItemVersion,
)


def record_audit(action: str, actor: Any, obj: Case | ItemVersion, request: HttpRequest | None, **detail: Any) -> None:
    if isinstance(obj, Case):
        kind, object_id = "case", obj.number or str(obj.uid)
    else:
        kind, object_id = "item", f"{obj.item.implementation_code}/v{obj.number}"
    audit_record(
        action=f"eservices.{kind}.{action}",
        actor=actor,
        object_type=f"eservices.{kind}",
        object_id=object_id,
        detail=detail,
        request=request,
    )
