"""Two departments of Hangzhou, each with a cataloguer and a data officer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from shuzheng.catalog import services


@pytest.fixture
def departments(make_organisation: Callable[..., Any]) -> dict[str, Any]:
    return {
        "market": make_organisation("杭州市市场监督管理局", "330100"),
        "data": make_organisation("杭州市数据资源管理局", "330100"),
    }


@pytest.fixture
def staff(make_user: Callable[..., Any], departments: dict[str, Any], grant: Callable[..., Any]) -> dict[str, Any]:
    """market_cataloguer / market_officer / data_cataloguer / data_officer / bystander (an official with no role)."""
    people = {}
    for department in ("market", "data"):
        cataloguer = make_user(f"{department}_cataloguer", kind="official", organisation=departments[department])
        grant(cataloguer, services.VIEW, services.EDIT)
        officer = make_user(f"{department}_officer", kind="official", organisation=departments[department])
        grant(officer, services.VIEW, services.EDIT, services.REVIEW)
        people.update({f"{department}_cataloguer": cataloguer, f"{department}_officer": officer})
    people["bystander"] = make_user("bystander", kind="official", organisation=departments["market"])
    people["citizen"] = make_user("citizen_x")
    return people


def dataset_payload(**changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "title": "食品经营许可证信息",
        "description": "杭州市食品经营许可证的发证信息。",
        "theme": "market",
        "keywords": ["食品", "许可证"],
        "update_frequency": "daily",
        "spatial": "330100",
        "contact_name": "数据管理员",
        "contact_phone": "0571-85000000",
        "legal_basis": "《中华人民共和国食品安全法》",
        "grade": "L1",
        "share_type": "unconditional",
        "open_type": "unconditional",
        "fields": [
            {"name": "licence_no", "label": "许可证编号", "data_type": "string", "grade": "L1"},
            {"name": "uscc", "label": "统一社会信用代码", "data_type": "string", "grade": "L1"},
            {"name": "company_name", "label": "经营者名称", "data_type": "string", "grade": "L1"},
        ],
    }
    payload.update(changes)
    return payload


@pytest.fixture
def payload() -> Callable[..., dict[str, Any]]:
    return dataset_payload
