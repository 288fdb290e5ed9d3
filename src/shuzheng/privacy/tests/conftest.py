"""The privacy tests' people: the civil-affairs bureau's data officer (owns the register), the
transport bureau's data officer (the same role elsewhere), the data bureau's platform officer
(keeps the masking policies), an official with no role, and a citizen."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from shuzheng.catalog import services as catalog
from shuzheng.privacy.selectors import CLASSIFY, POLICY_EDIT
from shuzheng.privacy.tests.factories import FIELDS, payload, people


@pytest.fixture
def register(make_organisation: Callable[..., Any]) -> Any:
    """杭州市民政局's register of assistance recipients (330100-000080), sixty rows loaded."""
    civil_affairs = make_organisation("杭州市民政局", "330100")
    dataset, _ = catalog.dataset_import_published(
        organisation=civil_affairs, data=payload("最低生活保障对象名单"), fields=FIELDS, code="330100-000080"
    )
    catalog.resource_load_rows(dataset=dataset, name="保障对象", rows=people())
    return dataset


@pytest.fixture
def cast(
    register: Any,
    make_user: Callable[..., Any],
    make_organisation: Callable[..., Any],
    grant: Callable[..., Any],
    citizen: Any,
) -> dict[str, Any]:
    officer = make_user("civil_officer", kind="official", organisation=register.organisation)
    elsewhere = make_user(
        "transport_officer", kind="official", organisation=make_organisation("杭州市交通运输局", "330100")
    )
    platform = make_user(
        "platform_officer", kind="official", organisation=make_organisation("杭州市数据资源管理局", "330100")
    )
    for user in (officer, elsewhere):
        grant(user, CLASSIFY)
    grant(platform, POLICY_EDIT)
    return {
        "officer": officer,
        "elsewhere": elsewhere,
        "platform": platform,
        "bystander": make_user("bystander", kind="official"),
        "citizen": citizen,
    }
