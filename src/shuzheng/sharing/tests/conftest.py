"""The sharing tests' cast: 杭州市公安局 owns the population register (provider), 杭州市民政局
asks for it (consumer, with a system account), 杭州市人力资源和社会保障局 holds the same roles
without a grant (stranger), 杭州市数据资源管理局 is the platform's data authority, and citizens."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from shuzheng.accounts.services import api_token_create, id_number_fields
from shuzheng.catalog import services as catalog
from shuzheng.sharing import services
from shuzheng.sharing.tests.factories import FIELDS, ROWS, WANG, payload


@pytest.fixture
def register(make_organisation: Callable[..., Any]) -> Any:
    police = make_organisation("杭州市公安局", "330100")
    dataset, _ = catalog.dataset_import_published(
        organisation=police, data=payload(), fields=FIELDS, code="330100-000090"
    )
    catalog.resource_load_rows(dataset=dataset, name="人口", rows=ROWS)
    return dataset


@pytest.fixture
def cast(
    register: Any, make_user: Callable[..., Any], make_organisation: Callable[..., Any], grant: Callable[..., Any]
) -> dict[str, Any]:
    civil = make_organisation("杭州市民政局", "330100")
    labour = make_organisation("杭州市人力资源和社会保障局", "330100")
    platform = make_organisation("杭州市数据资源管理局", "330100")
    people = {
        "provider": make_user("police_officer", kind="official", organisation=register.organisation),
        "consumer": make_user("civil_officer", kind="official", organisation=civil),
        "system": make_user("civil_system", kind="official", organisation=civil),
        "stranger": make_user("labour_officer", kind="official", organisation=labour),
        "platform": make_user("platform_officer", kind="official", organisation=platform),
        "bystander": make_user("bystander", kind="official"),
        "citizen": make_user("citizen_wang", name="王晓梅", **id_number_fields(WANG)),
        "neighbour": make_user("citizen_zhao", name="赵一鸣"),
    }
    grant(people["provider"], services.DECIDE, services.LOG_VIEW, services.SUBMIT)
    for user in (people["consumer"], people["system"], people["stranger"]):
        grant(user, services.SUBMIT, services.LOG_VIEW, services.DECIDE)
    grant(people["platform"], services.CHECK)
    return people


def submitted(cast: dict[str, Any], register: Any, **changes: Any) -> Any:
    values = {
        "official": cast["consumer"],
        "dataset": register,
        "fields": ["id_number", "name", "household"],
        "purpose": "最低生活保障审核时核对申请人户籍",
        "scenario": "最低生活保障审核确认",
        "legal_basis": "《社会救助暂行办法》第十一条",
        "daily_calls": 500,
        "valid_until": timezone.localdate() + datetime.timedelta(days=365),
        **changes,
    }
    return services.request_submit(**values)[0]


@pytest.fixture
def granted(cast: dict[str, Any], register: Any) -> Any:
    """The civil-affairs bureau's grant: id_number, name and household of 西湖区's residents."""
    share = submitted(cast, register, row_filter={"region": ["330106"]})
    services.request_check(official=cast["platform"], share=share, passed=True)
    services.request_decide(official=cast["provider"], share=share, approve=True)
    share.refresh_from_db()
    return share.grant


@pytest.fixture
def token(cast: dict[str, Any]) -> str:
    """The civil-affairs system account's API token with the sharing scope."""
    return api_token_create(user=cast["system"], name="低保系统", scopes=[services.SCOPE], days=30).plaintext
