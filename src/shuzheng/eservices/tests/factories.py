"""An item definition as a department would draft it, for the tests to vary."""

from __future__ import annotations

import copy
from typing import Any

DEFINITION: dict[str, Any] = {
    "basic_code": "000120001000",
    "name": "个体工商户设立登记",
    "kind": "permit",
    "department": "杭州市市场监督管理局",
    "region": "330100",
    "service_object": "person",
    "legal_basis": "《促进个体工商户发展条例》第八条",
    "conditions": "有经营能力的公民，有固定的经营场所",
    "legal_days": 15,
    "promised_days": 3,
    "case_type": "promised",
    "max_visits": 0,
    "online_depth": "4",
    "result_name": "营业执照",
    "materials": [
        {"code": "premises", "name": "经营场所使用证明", "required": True, "source": "applicant"},
        {"code": "id_card", "name": "经营者身份证明", "required": True, "source": "government"},
        {"code": "photo", "name": "门店照片", "required": False, "source": "applicant"},
    ],
    "steps": [
        {"code": "accept", "name": "受理", "stage": "accept"},
        {"code": "review", "name": "审查", "stage": "review"},
        {"code": "decide", "name": "决定", "stage": "decide"},
        {"code": "deliver", "name": "办结送达", "stage": "deliver"},
    ],
    "faqs": [{"question": "可以网上办理吗？", "answer": "可以，全程网办，营业执照可邮寄送达。"}],
    "form": {
        "schema": {
            "type": "object",
            "properties": {
                "shop_name": {"type": "string", "title": "个体工商户名称", "maxLength": 50},
                "scope": {"type": "string", "title": "经营范围", "maxLength": 500},
                "address": {"type": "string", "title": "经营场所", "maxLength": 200},
                "employees": {"type": "integer", "title": "从业人数", "minimum": 0, "maximum": 999},
            },
            "required": ["shop_name", "scope", "address"],
        },
        "layout": [
            {"field": "shop_name", "widget": "text"},
            {"field": "scope", "widget": "textarea", "help": "如：餐饮服务；食品销售"},
        ],
    },
    "pledge": {
        "text": "本人承诺所提交的经营场所使用证明真实有效，如有虚假，愿承担撤销登记等法律责任并记入信用记录。",
        "materials": ["premises"],
    },
}

FORM = {"shop_name": "西湖区晓梅小吃店", "scope": "餐饮服务", "address": "杭州市西湖区文三路 90 号"}


def definition(**changes: Any) -> dict[str, Any]:
    values = copy.deepcopy(DEFINITION)
    values.update(changes)
    return values
