"""Data quality in a real browser: the department's data officer reads the scorecard after a
check, opens the ticket the check raised and acknowledges it; the ranking lists the department."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_scorecard_ticket_and_ranking(
    page: Any, live_server: Any, make_user: Any, grant: Any, organisation: Any, screenshot: Any, sign_in_official: Any
) -> None:
    from shuzheng.catalog import services as catalog
    from shuzheng.quality import services
    from shuzheng.quality.tests.factories import FIELDS, ROWS, payload

    officer = make_user("qian", kind="official", name="钱立群")
    grant(officer, services.EDIT, services.VIEW, services.HANDLE)
    dataset, _ = catalog.dataset_import_published(
        organisation=organisation, data=payload("企业登记信息"), fields=FIELDS, code="330100-000001"
    )
    catalog.resource_load_rows(dataset=dataset, name="企业清单", rows=ROWS)
    for rule_type, fields in (("uscc", ["uscc"]), ("not_blank", ["name"]), ("region_code", ["region"])):
        services.rule_add(editor=officer, dataset=dataset, rule_type=rule_type, fields=fields, severity="high")
    services.quality_check(dataset=dataset, by=officer)

    page.goto(f"{live_server.url}/workbench/quality/")
    sign_in_official(page, officer)
    page.wait_for_url("**/workbench/quality/")
    score = page.get_by_test_id("department-score").inner_text()
    assert score not in {"", "—"}
    assert float(score) < 100
    screenshot(page, "workbench-quality-scorecard")

    page.get_by_role("link", name="问题工单").first.click()
    page.wait_for_url("**/workbench/quality/tickets/**")
    ticket_links = page.locator("a[href*='/workbench/quality/tickets/ZL']")
    assert ticket_links.count() >= 2
    ticket_links.first.click()
    page.get_by_test_id("action-acknowledge").click()
    page.wait_for_load_state()
    assert "已确认" in page.content()
    screenshot(page, "workbench-quality-ticket")

    page.goto(f"{live_server.url}/workbench/quality/ranking/")
    assert organisation.name in page.content()
    assert page.console_errors == []
