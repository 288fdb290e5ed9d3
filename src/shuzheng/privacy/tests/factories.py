"""A register of people the privacy tests share: sixty residents of two Hangzhou districts."""

from __future__ import annotations

import datetime
import random
from typing import Any

from stdnum import luhn

from shuzheng.privacy.tests.identifiers import resident_id_check

FIELDS: list[dict[str, Any]] = [
    {"name": "id_number", "label": "身份证号", "data_type": "string", "grade": "L3", "identifies_person": True},
    {"name": "xm", "label": "姓名", "data_type": "string", "grade": "L2", "identifies_person": True},
    {"name": "mobile", "label": "联系电话", "data_type": "string", "grade": "L3", "identifies_person": True},
    {"name": "birth", "label": "出生日期", "data_type": "date", "grade": "L2"},
    {"name": "sex", "label": "性别", "data_type": "string", "grade": "L1"},
    {"name": "region", "label": "户籍行政区划", "data_type": "string", "grade": "L1"},
    {"name": "card", "label": "发放账号", "data_type": "string", "grade": "L3", "identifies_person": True},
    {"name": "amount", "label": "补助金额", "data_type": "decimal", "grade": "L2"},
]
NAMES = ["王秀英", "李建国", "张伟", "刘芳", "陈静", "杨洋", "赵敏", "黄磊", "周婷", "吴强", "徐丽", "孙浩"]


def people(count: int = 60, *, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)  # noqa: S311 -- reproducible test data, not a secret
    rows = []
    for index in range(count):
        region = rng.choice(["330106", "330105"])
        birth = datetime.date(1980, 1, 1) + datetime.timedelta(days=rng.randrange(20 * 365))
        sequence = rng.randrange(1000)
        first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
        card = "6222" + "".join(rng.choice("0123456789") for _ in range(14))
        rows.append(
            {
                "id_number": first17 + resident_id_check(first17),
                "xm": NAMES[index % len(NAMES)],
                "mobile": f"13{rng.randrange(10**9):09d}",
                "birth": birth.isoformat(),
                "sex": "男" if sequence % 2 else "女",
                "region": region,
                "card": card + luhn.calc_check_digit(card),
                "amount": f"{rng.randrange(50000, 300000) / 100:.2f}",
            }
        )
    return rows


def payload(title: str, **changes: Any) -> dict[str, Any]:
    return {
        "title": title,
        "description": f"{title}，按月更新。",
        "theme": "social",
        "keywords": ["救助"],
        "update_frequency": "monthly",
        "spatial": "330100",
        "contact_name": "数据管理员",
        "grade": "L3",
        "share_type": "conditional",
        "share_basis": "《浙江省公共数据条例》第二十九条",
        "open_type": "restricted",
        **changes,
    }
