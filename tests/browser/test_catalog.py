"""The catalogue workbench in a real browser: a cataloguer drafts a dataset with its fields and
submits it; the department's data officer publishes it."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_draft_submit_and_publish(
    page: Any, live_server: Any, make_user: Any, grant: Any, screenshot: Any, sign_in_official: Any
) -> None:
    from shuzheng.catalog import services

    cataloguer = make_user("chen", kind="official", name="陈晓燕")
    officer = make_user("qian", kind="official", name="钱立群")
    grant(cataloguer, services.VIEW, services.EDIT)
    grant(officer, services.VIEW, services.EDIT, services.REVIEW)

    page.goto(f"{live_server.url}/workbench/catalog/new/")
    sign_in_official(page, cataloguer)
    page.wait_for_url("**/workbench/catalog/new/")
    page.get_by_label("名称", exact=True).fill("餐饮服务食品安全等级公示信息")
    page.get_by_label("摘要").fill("杭州市餐饮服务单位的食品安全监督量化等级。")
    page.get_by_label("空间范围").fill("330100")
    page.get_by_label("联系人").fill("数据管理员")
    page.locator("[name=fields-0-name]").fill("licence_no")
    page.locator("[name=fields-0-label]").fill("许可证编号")
    page.locator("[name=fields-1-name]").fill("rating")
    page.locator("[name=fields-1-label]").fill("等级")
    screenshot(page, "workbench-catalog-new")
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_url("**/workbench/catalog/330100-*/")
    page.get_by_test_id("submit").click()
    page.wait_for_url("**/workbench/catalog/330100-*/")
    assert page.get_by_test_id("status").inner_text() == "待审核"
    code = page.url.rstrip("/").rsplit("/", 1)[-1]

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/workbench/catalog/{code}/")
    sign_in_official(page, officer)
    page.wait_for_url(f"**/workbench/catalog/{code}/")
    screenshot(page, "workbench-catalog-review")
    page.get_by_label("审核意见").fill("同意发布")
    page.get_by_role("button", name="审核通过并发布").click()
    page.wait_for_url(f"**/workbench/catalog/{code}/")
    assert page.get_by_test_id("status").inner_text() == "已发布"
    assert page.console_errors == []
