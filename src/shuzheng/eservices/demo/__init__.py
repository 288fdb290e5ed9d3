"""The demo province's service items (items.json, in the import format) with their departments,
and the citizen persona's applications to 杭州市市场监督管理局 that fill the clerk's desk: one
waiting for acceptance, one sent back for correction, one concluded and rated.

Idempotent: an item whose published definition equals the file's is left alone; a changed one
gets a new published version; the applications are made once.
"""

from __future__ import annotations

import io
import json
from functools import cache
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model

from shuzheng.accounts.selectors import organisation_find
from shuzheng.accounts.services import organisation_get_or_create
from shuzheng.core.selectors import region_get
from shuzheng.eservices import services
from shuzheng.eservices.choices import CaseAction
from shuzheng.eservices.models import ServiceItem
from shuzheng.eservices.selectors import cases_of_applicant, items_published

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


JOURNEY_ITEM = "个体工商户设立登记"
APPLICATIONS = [
    {
        "trade_name": "西湖区晓梅小吃店",
        "organization_form": "个人经营",
        "business_scope": "小吃服务；预包装食品销售",
        "premises_address": "杭州市西湖区文三路 90 号",
        "capital": 5,
    },
    {
        "trade_name": "西湖区晓梅花艺工作室",
        "organization_form": "家庭经营",
        "business_scope": "鲜花零售；花卉租摆",
        "premises_address": "杭州市西湖区学院路 28 号",
        "capital": 3,
    },
    {
        "trade_name": "西湖区晓梅百货店",
        "organization_form": "个人经营",
        "business_scope": "日用百货零售",
        "premises_address": "杭州市西湖区天目山路 176 号",
        "capital": 8,
    },
]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def demo_cases_seed() -> int:
    users = get_user_model().objects
    citizen, clerk = users.filter(username="citizen").first(), users.filter(username="clerk").first()
    item = items_published(search=JOURNEY_ITEM).filter(department__name="杭州市市场监督管理局").first()
    if citizen is None or clerk is None or item is None or cases_of_applicant(user=citizen).filter(item=item).exists():
        return 0
    _waiting, correcting, concluded = (_apply(citizen, item, data) for data in APPLICATIONS)
    case = _act(correcting, clerk, CaseAction.ACCEPT)
    _act(
        case,
        clerk,
        CaseAction.CORRECTION_REQUEST,
        note="经营场所使用证明上的地址与申请表不一致，请上传与学院路 28 号一致的租赁合同。",
    )
    case = concluded
    for action in (CaseAction.ACCEPT, CaseAction.APPROVE, CaseAction.APPROVE, CaseAction.APPROVE):
        case = _act(case, clerk, action)
    services.rating_give(applicant=citizen, case=case, level=5, dimensions={"efficiency": 5, "convenience": 5})
    return len(APPLICATIONS)


def _apply(applicant: Any, item: ServiceItem, data: dict[str, Any]) -> Any:
    draft = services.case_draft_save(applicant=applicant, item=item, data=data)
    upload = io.BytesIO(PDF)
    upload.name = "经营场所租赁合同.pdf"
    services.material_attach(applicant=applicant, case=draft, material="premises_proof", upload=upload)
    return services.case_draft_submit(applicant=applicant, case=draft)


def _act(case: Any, user: Any, action: str, note: str = "") -> Any:
    return services.case_act(case=case, user=user, action=action, revision=case.revision, note=note)
