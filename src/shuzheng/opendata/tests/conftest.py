from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from shuzheng.catalog import services as catalog
from shuzheng.opendata import services
from shuzheng.opendata.tests.factories import FIELDS, ROWS, release_checked
from shuzheng.opendata.tests.test_ckan import payload


@pytest.fixture
def world(
    organisation: Any, make_organisation: Callable[..., Any], make_user: Callable[..., Any], grant: Callable[..., Any]
) -> dict[str, Any]:
    """A restricted dataset of 杭州市市场监督管理局 with rows; its data officer; an officer of another
    department holding the same role; an applicant; another citizen."""
    restricted, _ = catalog.dataset_import_published(
        organisation=organisation,
        data=payload(
            "个体工商户经营者信息",
            grade="L3",
            open_type="restricted",
            share_type="conditional",
            share_basis="《浙江省公共数据条例》第二十九条",
        ),
        fields=FIELDS,
        code="330100-000050",
    )
    catalog.resource_load_rows(dataset=restricted, name="经营者清单", rows=[{**row, "staff": 3} for row in ROWS])
    opened, _ = catalog.dataset_import_published(
        organisation=organisation, data=payload("食品经营许可证信息"), fields=FIELDS[:1], code="330100-000051"
    )
    officer = make_user("market_officer", kind="official", name="钱立群")
    elsewhere = make_user(
        "transport_officer",
        kind="official",
        name="孙海涛",
        organisation=make_organisation("杭州市交通运输局", "330100"),
    )
    for user in (officer, elsewhere):
        grant(user, services.VIEW, services.DECIDE)
    release_checked(restricted, officer, grant)
    return {
        "restricted": restricted,
        "open": opened,
        "officer": officer,
        "elsewhere": elsewhere,
        "applicant": make_user("applicant", name="王晓梅"),
        "stranger": make_user("stranger", name="赵一鸣"),
    }
