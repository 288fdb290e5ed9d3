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


def test_restricted_opening_from_application_to_decision(
    page: Any,
    live_server: Any,
    organisation: Any,
    make_user: Any,
    grant: Any,
    screenshot: Any,
    sign_in_official: Any,
) -> None:
    from shuzheng.catalog import services as catalog
    from shuzheng.opendata import services
    from shuzheng.opendata.tests.factories import FIELDS, ROWS, release_checked
    from shuzheng.opendata.tests.test_ckan import payload

    data = payload("个体工商户经营者信息", grade="L3", open_type="restricted", share_type="conditional")
    dataset, _ = catalog.dataset_import_published(
        organisation=organisation,
        data={**data, "share_basis": "《浙江省公共数据条例》"},
        fields=FIELDS,
        code="330100-000050",
    )
    catalog.resource_load_rows(dataset=dataset, name="经营者清单", rows=[{**row, "staff": 3} for row in ROWS])
    make_user("wang", name="王晓梅")
    officer = make_user("qian", kind="official", name="钱立群")
    grant(officer, services.VIEW, services.DECIDE)
    release_checked(dataset, officer, grant)  # personal data: approved only after a passing check

    page.goto(f"{live_server.url}/open/datasets/{dataset.name}/")
    page.get_by_test_id("apply").click()
    page.get_by_label("用户名").fill("wang")
    page.get_by_label("密码").fill("test-pass-2025")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"**/open/datasets/{dataset.name}/apply/")
    page.get_by_label("使用目的").fill("研究杭州市个体工商户的行业分布与就业带动情况")
    page.get_by_label("应用场景").fill("高校课题组的学术研究，成果以汇总统计发表")
    page.get_by_label("数据安全保障措施").fill("内网服务器存放，专人管理，访问留痕，课题结束即删除")
    page.get_by_label("我已阅读并同意").check()
    page.get_by_label("签署人（实名）").fill("王晓梅")
    screenshot(page, "open-apply")
    page.get_by_role("button", name="签署协议并提交申请").click()
    page.wait_for_url("**/open/applications/KF*/")
    assert page.get_by_test_id("status").inner_text() == "待审核"
    number = page.url.rstrip("/").rsplit("/", 1)[-1]
    screenshot(page, "open-application")

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/workbench/open-applications/")
    sign_in_official(page, officer)
    page.wait_for_url("**/workbench/open-applications/")
    screenshot(page, "workbench-open-applications")
    page.get_by_role("link", name=number).click()
    page.get_by_label("审核意见").fill("同意，限学术研究使用")
    page.get_by_role("button", name="批准", exact=True).click()
    page.wait_for_url(f"**/workbench/open-applications/{number}/")
    assert page.get_by_test_id("status").inner_text() == "已批准"
    screenshot(page, "workbench-open-application")
    assert page.console_errors == []
