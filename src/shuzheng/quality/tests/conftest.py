"""The quality tests' people: the market regulator's data officer (owner), the transport bureau's
data officer (the same role elsewhere), the data bureau's platform officer (oversees every
department), an official with no role, and a citizen."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from shuzheng.catalog import services as catalog
from shuzheng.quality import services
from shuzheng.quality.tests.factories import FIELDS, ROWS, add, payload

OFFICER_ACTIONS = (services.EDIT, services.VIEW, services.HANDLE)


@pytest.fixture
def enterprises(organisation: Any) -> Any:
    """杭州市市场监督管理局's open register of enterprises, 330100-000001, with ROWS loaded."""
    dataset, _ = catalog.dataset_import_published(
        organisation=organisation, data=payload("企业登记信息"), fields=FIELDS, code="330100-000001"
    )
    catalog.resource_load_rows(dataset=dataset, name="企业清单", rows=ROWS)
    return dataset


@pytest.fixture
def people(
    make_user: Callable[..., Any],
    make_organisation: Callable[..., Any],
    grant: Callable[..., Any],
    citizen: Any,
) -> dict[str, Any]:
    officer = make_user("market_officer", kind="official")
    elsewhere = make_user(
        "transport_officer", kind="official", organisation=make_organisation("杭州市交通运输局", "330100")
    )
    platform = make_user(
        "platform_officer", kind="official", organisation=make_organisation("杭州市数据资源管理局", "330100")
    )
    for user in (officer, elsewhere, platform):
        grant(user, *OFFICER_ACTIONS)
    grant(platform, services.OVERSEE)
    return {
        "officer": officer,
        "elsewhere": elsewhere,
        "platform": platform,
        "bystander": make_user("bystander", kind="official"),
        "citizen": citizen,
    }


@pytest.fixture
def checked(enterprises: Any, people: dict[str, Any]) -> Any:
    """The register checked once: a wrong credit code and an empty name fail."""
    add(people, enterprises, "uscc", ["uscc"])
    add(people, enterprises, "not_blank", ["name"])
    return services.quality_check(dataset=enterprises)
