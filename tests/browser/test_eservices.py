"""One-stop services in a real browser, the whole journey: a citizen finds an item, fills its form
and uploads a file; the window clerk asks for a correction; the citizen corrects; the clerk
accepts and approves to the end; the citizen sees the result and rates it badly; the department
calls back and rectifies, and the citizen sees what it did."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def sign_in_citizen(page: Any, live_server: Any, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("test-pass-2025")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")


def act(page: Any, action: str, **fields: str) -> None:
    """Open an action's panel on the workbench case page, fill it and send it."""
    panel = page.get_by_test_id(f"action-{action}")
    if not panel.evaluate("element => element.open"):
        panel.locator("summary").click()
    for label, value in fields.items():
        panel.get_by_label(label).fill(value)
    panel.get_by_role("button").click()
    page.wait_for_load_state()


def test_apply_correct_approve_rate_and_rectify(
    page: Any,
    browser: Any,
    live_server: Any,
    make_user: Any,
    grant: Any,
    organisation: Any,
    screenshot: Any,
    sign_in_official: Any,
    tmp_path: Path,
) -> None:
    from shuzheng.eservices import selectors, services
    from shuzheng.eservices.tests.factories import definition

    clerk = make_user("market_clerk", kind="official", name="李娜")
    reviewer = make_user("market_reviewer", kind="official", name="钱立群")
    grant(clerk, selectors.CASE_VIEW, *selectors.STAGE_ACTIONS.values(), selectors.ITEM_EDIT, selectors.RATING_HANDLE)
    grant(reviewer, selectors.ITEM_REVIEW)
    version = services.item_draft_save(definition=definition(pledge=None), user=clerk)
    services.version_submit(version=version, user=clerk)
    services.version_review(version=version, user=type(reviewer).objects.get(pk=reviewer.pk), approve=True)
    make_user("wang", name="王晓梅")
    lease = tmp_path / "租赁合同.pdf"
    lease.write_bytes(PDF)
    photo = tmp_path / "门店照片.pdf"
    photo.write_bytes(PDF)

    # The citizen finds the item, reads its guide and applies with an upload.
    sign_in_citizen(page, live_server, "wang")
    page.goto(f"{live_server.url}/services/")
    page.get_by_label("搜索事项").fill("个体工商户")
    page.get_by_role("button", name="搜索").click()
    page.get_by_role("link", name="个体工商户设立登记").click()
    assert "承诺 3 个工作日办结" in page.content()
    screenshot(page, "eservices-guide")
    page.get_by_test_id("apply").click()
    page.get_by_label("个体工商户名称").fill("西湖区晓梅小吃店")
    page.get_by_label("经营范围").fill("餐饮服务")
    page.locator("#id_f-address").fill("杭州市西湖区文三路 90 号")
    page.get_by_label("经营场所使用证明").set_input_files(str(lease))
    screenshot(page, "eservices-apply")
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url("**/my/cases/*/")
    case_url = page.url
    assert "待受理" in page.get_by_test_id("case-status").inner_text()
    number = page.get_by_test_id("case-facts").locator("dd.code").inner_text().strip()

    # The clerk, at a desk of their own, asks for a photo of the shop.
    desk = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    desk.goto(f"{live_server.url}/workbench/cases/")
    sign_in_official(desk, clerk)
    desk.wait_for_url("**/workbench/cases/")
    desk.get_by_role("link", name=number).click()
    case_page = desk.url
    act(desk, "correction_request", 补正要求="请补充上传门店照片")
    assert "待补正" in desk.get_by_test_id("case-status").inner_text()

    # The citizen sees what is asked and corrects.
    page.goto(case_url)
    page.get_by_test_id("correct").click()
    assert "请补充上传门店照片" in page.get_by_test_id("correction-note").inner_text()
    page.get_by_label("门店照片").set_input_files(str(photo))
    page.get_by_role("button", name="提交补正").click()
    page.wait_for_url(case_url)
    assert "待受理" in page.get_by_test_id("case-status").inner_text()

    # The clerk accepts and approves step by step to the end.
    desk.goto(f"{live_server.url}/workbench/cases/")
    assert number in desk.get_by_role("main").inner_text()
    desk.goto(case_page)
    act(desk, "accept")
    for _ in range(3):
        desk.goto(case_page)
        act(desk, "approve")
    desk.goto(case_page)
    assert "已办结" in desk.get_by_test_id("case-status").inner_text()
    screenshot(desk, "eservices-workbench-case")

    # The citizen sees the result and rates it badly.
    page.goto(case_url)
    assert "营业执照" in page.get_by_test_id("case-result").inner_text()
    form = page.get_by_test_id("rating-form")
    form.get_by_label("不满意", exact=True).check()
    form.get_by_label("评价内容").fill("补正要求一次没有说全，多跑了一趟")
    form.get_by_role("button", name="提交评价").click()
    page.wait_for_url(case_url)
    assert "待整改" in page.get_by_test_id("rectification").inner_text()

    # The department calls back and rectifies.
    desk.goto(f"{live_server.url}/workbench/ratings/")
    desk.get_by_role("link", name=number).click()
    desk.get_by_label("回访情况").fill("已电话回访，申请人认可")
    desk.get_by_role("button", name="记录回访").click()
    desk.get_by_label("整改措施和结果").fill("已要求窗口一次性告知全部补正内容")
    desk.get_by_role("button", name="办结整改").click()
    desk.wait_for_load_state()
    desk.context.close()

    # The citizen sees what was done.
    page.goto(case_url)
    assert "已要求窗口一次性告知全部补正内容" in page.get_by_test_id("rectification-result").inner_text()
    screenshot(page, "eservices-my-case")
    assert page.console_errors == []
