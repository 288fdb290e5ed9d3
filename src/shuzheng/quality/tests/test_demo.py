"""The demo's data quality: the planted problems are found and sent to their departments as open
tickets, the platform's data officer sees them all, and seeding again changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from shuzheng.core.demo import seeders
from shuzheng.quality import selectors, services
from shuzheng.quality.demo import RULES, demo_seed
from shuzheng.quality.models import CheckRun, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(regions: None) -> int:
    """The demo province as `shuzheng seed-demo` makes it; what the quality seeder changed."""
    changed = 0
    for name, seeder in seeders().items():
        result = seeder()
        changed += result if name == "quality.checks" else 0
    return changed


def test_the_planted_problems_become_open_tickets(seeded: int, django_user_model: Any) -> None:
    assert CheckRun.objects.filter(status="succeeded").count() == len(RULES)
    failed = {
        (ticket.dataset.code, ticket.rule.rule_type if ticket.rule else "", ticket.failed)
        for ticket in Ticket.objects.filter(status="open").select_related("dataset", "rule")
    }
    assert failed == {
        ("330100-000001", "uscc", 1),
        ("330100-000001", "range", 2),
        ("330100-000014", "uscc", 1),
        ("330100-000014", "not_blank", 2),
        ("330100-000014", "", 0),  # the resident's report
    }
    platform = django_user_model.objects.get(username="data_officer")
    market = django_user_model.objects.get(username="market_data")
    assert selectors.tickets_visible(user=platform).count() == 5
    assert {ticket.dataset.code for ticket in selectors.tickets_visible(user=market)} == {"330100-000001"}
    run = CheckRun.objects.get(dataset__code="330100-000001")
    assert run.key_fields == ["licence_no"]
    page = services.failures_page_read(reader=market, run=run, rule=None, limit=10, offset=0)
    assert page.total == 3
    assert len(selectors.department_scores()) == len(RULES)


def test_seeding_again_changes_nothing(seeded: int) -> None:
    assert seeded > 0
    assert demo_seed() == 0
    assert CheckRun.objects.count() == len(RULES)
