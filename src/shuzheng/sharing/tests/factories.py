"""The population register the sharing tests share: 杭州市公安局's 人口基本信息, conditionally shared."""

from __future__ import annotations

from typing import Any

from stdnum.cn import ric


def id_number(region: str, born: str, sequence: int) -> str:
    body = f"{region}{born}{sequence:03d}"
    return body + ric.calc_check_digit(body)


FIELDS: list[dict[str, Any]] = [
    {"name": "id_number", "label": "公民身份号码", "data_type": "string", "grade": "L3", "identifies_person": True},
    {"name": "name", "label": "姓名", "data_type": "string", "grade": "L2", "identifies_person": True},
    {"name": "region", "label": "户籍地区划", "data_type": "string", "grade": "L1"},
    {"name": "household", "label": "户号", "data_type": "string", "grade": "L2"},
]
# 王晓梅 is the citizen persona; 陈建国 lives in 拱墅区, outside a grant limited to 西湖区.
WANG = id_number("330106", "19850312", 122)
CHEN = id_number("330105", "19790605", 131)
LIU = id_number("330106", "19921120", 144)
ROWS = [
    {"id_number": WANG, "name": "王晓梅", "region": "330106", "household": "HZ0106-0001"},
    {"id_number": CHEN, "name": "陈建国", "region": "330105", "household": "HZ0105-0002"},
    {"id_number": LIU, "name": "刘思远", "region": "330106", "household": "HZ0106-0003"},
]


def payload(title: str = "人口基本信息", **changes: Any) -> dict[str, Any]:
    return {
        "title": title,
        "description": f"{title}，按日更新。",
        "theme": "public_safety",
        "keywords": ["人口"],
        "update_frequency": "daily",
        "spatial": "330100",
        "contact_name": "数据管理员",
        "grade": "L3",
        "share_type": "conditional",
        "share_basis": "《浙江省公共数据条例》",
        "open_type": "none",
        **changes,
    }
