"""The demo province's catalogue: realistic items of many departments across the life cycle, each
with materials, time limits and a workflow; seeding again changes nothing."""

from __future__ import annotations

import pytest

from shuzheng.core.demo import seeders
from shuzheng.eservices import selectors
from shuzheng.eservices.demo import demo_items, demo_seed
from shuzheng.eservices.models import ServiceItem

pytestmark = pytest.mark.django_db

LIFE_EVENTS = (
    "出生",
    "社会保险",
    "户口迁移",
    "结婚登记",
    "住房公积金",
    "营业执照",
    "食品经营许可",
    "施工许可",
    "退休",
    "死亡",
)


def test_the_demo_catalogue_is_big_realistic_and_seeded_once(regions: None) -> None:
    seeders()["accounts.people"]()
    assert demo_seed() >= 80
    assert demo_seed() == 0
    items = ServiceItem.objects.filter(published__isnull=False)
    assert items.count() == len(demo_items()) >= 80
    assert items.values("department").distinct().count() >= 10
    text = " ".join(item.name + item.published.definition["result_name"] for item in items)  # type: ignore[union-attr]
    missing = [event for event in LIFE_EVENTS if event not in text]
    assert not missing, missing
    for item in items.select_related("published"):
        spec = item.published.spec  # type: ignore[union-attr]
        assert spec.materials, item.name
        assert spec.steps[0].stage == "accept", item.name
        assert spec.promised_days <= spec.legal_days or not spec.legal_days, item.name
    # A resident of 西湖区 sees each item once, in its most local implementation.
    shown = selectors.items_for_region(region="330106")
    assert len({item.basic_code for item in shown}) == len(shown)


def test_the_demo_fills_the_clerks_desk_once(regions: None) -> None:
    from django.contrib.auth import get_user_model

    from shuzheng.eservices.demo import demo_cases_seed

    for name, seeder in seeders().items():
        if name != "eservices.cases":
            seeder()
    assert demo_cases_seed() == 3
    assert demo_cases_seed() == 0
    users = get_user_model().objects
    clerk, citizen = users.get(username="clerk"), users.get(username="citizen")
    assert len(selectors.todo_of(user=clerk)) == 1
    statuses = sorted(case.status for case in selectors.cases_of_applicant(user=citizen))
    assert statuses == ["completed", "correction", "submitted"]
