"""Data the quality tests share: a register of enterprises with three rows, two of them wrong."""

from __future__ import annotations

from typing import Any

from shuzheng.quality import services

FIELDS = [
    {"name": "uscc", "label": "统一社会信用代码", "data_type": "string", "grade": "L1"},
    {"name": "name", "label": "企业名称", "data_type": "string", "grade": "L1"},
    {"name": "region", "label": "所在地", "data_type": "string", "grade": "L1"},
    {"name": "founded", "label": "成立日期", "data_type": "date", "grade": "L1"},
]
ROWS = [
    {"uscc": "91330100MA2H3X4Y6M", "name": "杭州云栖数智科技有限公司", "region": "330106", "founded": "2019-05-01"},
    {"uscc": "91330100MA2H3X4Y6N", "name": "杭州知味餐饮有限公司", "region": "330199", "founded": "2020-01-01"},
    {"uscc": "91330100MA2H3X4Y6M", "name": "", "region": "330105", "founded": "2021-03-15"},
]


def payload(title: str, **changes: Any) -> dict[str, Any]:
    return {
        "title": title,
        "description": f"{title}，按日更新。",
        "theme": "market",
        "keywords": ["企业"],
        "update_frequency": "daily",
        "spatial": "330100",
        "contact_name": "数据管理员",
        "grade": "L1",
        "share_type": "unconditional",
        "open_type": "unconditional",
        **changes,
    }


def add(people: dict[str, Any], target: Any, rule_type: str, fields: list[str], **params: Any) -> Any:
    """Declare a rule as the owning department's data officer."""
    return services.rule_add(
        editor=people["officer"], dataset=target, rule_type=rule_type, fields=fields, params=params
    )
