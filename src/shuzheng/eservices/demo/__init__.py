"""The demo province's service items (items.json, in the import format) with their departments.

Idempotent: an item whose published definition equals the file's is left alone; a changed one
gets a new published version.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from shuzheng.accounts.selectors import organisation_find
from shuzheng.accounts.services import organisation_get_or_create
from shuzheng.core.selectors import region_get
from shuzheng.eservices import services
from shuzheng.eservices.models import ServiceItem

ITEMS = Path(__file__).with_name("items.json")
# The people's government each department answers to, by region.
GOVERNMENTS = {"330000": "浙江省人民政府", "330100": "杭州市人民政府", "330106": "杭州市西湖区人民政府"}


@cache
def demo_items() -> list[dict[str, Any]]:
    return list(json.loads(ITEMS.read_text(encoding="utf-8")))


def demo_seed() -> int:
    changed = 0
    for definition in demo_items():
        changed += _department(definition["department"], definition["region"])
        item = ServiceItem.objects.filter(
            basic_code=definition["basic_code"],
            department=organisation_find(name=definition["department"], region=definition["region"]),
        ).first()
        if item is not None and item.published is not None and _same(item.published.definition, definition):
            continue
        version = services.item_draft_save(definition=definition)
        services.version_publish_unreviewed(version=version)
        changed += 1
    return changed


def _same(stored: dict[str, Any], definition: dict[str, Any]) -> bool:
    parsed = services.item_definition_parse(definition).model_dump(mode="json", by_alias=True)
    parsed["implementation_code"] = stored["implementation_code"]
    return parsed == stored


def _department(name: str, region: str) -> int:
    if organisation_find(name=name, region=region) is not None:
        return 0
    parent = organisation_find(name=GOVERNMENTS[region], region=region)
    organisation_get_or_create(name=name, kind="department", region=region_get(code=region), parent=parent)
    return 1
