"""A published dataset with rows and the people around it, for the rule-declaration tests (the
dataset's metadata is factories.payload)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shuzheng.catalog import services as catalog
from shuzheng.quality import services
from shuzheng.quality.tests.factories import payload

CODE = "330100-000001"
FIELDS = [
    {"name": "uscc", "label": "统一社会信用代码", "data_type": "string", "grade": "L1"},
    {"name": "name", "label": "企业名称", "data_type": "string", "grade": "L1"},
    {"name": "region", "label": "所在地", "data_type": "string", "grade": "L1"},
    {"name": "founded", "label": "成立日期", "data_type": "date", "grade": "L1"},
    {"name": "capital", "label": "注册资本", "data_type": "integer", "grade": "L1"},
]
ROWS = [
    {"uscc": "91330100MA2H3X4Y6M", "name": "杭州云栖数智科技有限公司", "region": "330106", "founded": "2019-05-01",
     "capital": 500},
    {"uscc": "91330100MA2H3X4Y6N", "name": "杭州知味餐饮有限公司", "region": "330199", "founded": "2020-01-01",
     "capital": 50},
    {"uscc": "91330100MA2H3X4Y6M", "name": "", "region": "330105", "founded": "2021-03-15", "capital": -1},
]  # fmt: skip


def published_enterprises(organisation: Any) -> Any:
    """企业登记信息, published, with three rows."""
    dataset, _ = catalog.dataset_import_published(
        organisation=organisation, data=payload("企业登记信息"), fields=FIELDS, code=CODE
    )
    catalog.resource_load_rows(dataset=dataset, name="企业清单", rows=ROWS)
    return dataset


def rule_people(
    make_user: Callable[..., Any], make_organisation: Callable[..., Any], grant: Callable[..., Any]
) -> dict[str, Any]:
    """officer: the owning department's rule editor; elsewhere: the same role in another department;
    bystander: the owning department, no role; citizen: not an official."""
    officer = make_user("market_officer", kind="official")
    elsewhere = make_user(
        "transport_officer", kind="official", organisation=make_organisation("杭州市交通运输局", "330100")
    )
    for user in (officer, elsewhere):
        grant(user, services.EDIT, catalog.VIEW, catalog.EDIT)
    return {
        "officer": officer,
        "elsewhere": elsewhere,
        "bystander": make_user("bystander", kind="official"),
        "citizen": make_user("citizen_q"),
    }
