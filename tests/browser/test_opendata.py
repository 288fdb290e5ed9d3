"""The open-data portal in a real browser: search in Chinese, narrow by a facet, download."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_facet_and_download(page: Any, live_server: Any, regions: None, screenshot: Any) -> None:
    from shuzheng.catalog.demo import demo_seed

    demo_seed()
    page.goto(live_server.url + "/open/")
    screenshot(page, "open-home")
    page.get_by_role("searchbox").fill("公交")
    page.get_by_role("button", name="搜索").click()
    page.wait_for_url("**/open/datasets/?q=*")
    count_text = page.get_by_test_id("result-count").inner_text()
    assert "找到" in count_text
    cards = page.get_by_test_id("dataset-card")
    assert cards.count() >= 1
    assert "公交" in cards.first.inner_text()
    # Narrow by the first department offered.
    page.get_by_test_id("facet-organisation").first.click()
    page.wait_for_url("**organisation=*")
    screenshot(page, "open-search")
    cards.first.click()
    page.wait_for_url("**/open/datasets/ds-*/")
    assert page.get_by_test_id("preview").is_visible()
    with page.expect_download() as download_info:
        page.get_by_test_id("download-csv").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8-sig") as handle:
        header = handle.readline()
    assert header.strip()
    screenshot(page, "open-dataset")
    assert page.console_errors == []
