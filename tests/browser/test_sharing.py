"""Data sharing in a real browser: a department requests the population register, the platform
checks and the owner approves in the workbench, the consumer's system calls the API over HTTP,
and the citizen finds the call in 我的数据使用记录."""

from __future__ import annotations

from typing import Any

import pytest
import requests

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_request_approve_call_and_the_citizen_sees_it(
    page: Any,
    live_server: Any,
    make_user: Any,
    make_organisation: Any,
    grant: Any,
    screenshot: Any,
    sign_in_official: Any,
) -> None:
    from shuzheng.accounts.services import api_token_create, id_number_fields
    from shuzheng.catalog import services as catalog
    from shuzheng.sharing import services
    from shuzheng.sharing.tests.factories import FIELDS, ROWS, WANG, payload

    police = make_organisation("杭州市公安局", "330100")
    civil = make_organisation("杭州市民政局", "330100")
    dataset, _ = catalog.dataset_import_published(
        organisation=police, data=payload(), fields=FIELDS, code="330100-000090"
    )
    catalog.resource_load_rows(dataset=dataset, name="人口", rows=ROWS)
    consumer = make_user("civil_officer", kind="official", name="孙丽", organisation=civil)
    system = make_user("civil_system", kind="official", name="低保系统", organisation=civil)
    platform = make_user(
        "platform_officer",
        kind="official",
        name="张伟",
        organisation=make_organisation("杭州市数据资源管理局", "330100"),
    )
    provider = make_user("police_officer", kind="official", name="何静", organisation=police)
    for user in (consumer, system):
        grant(user, services.SUBMIT, services.LOG_VIEW)
    grant(platform, services.CHECK)
    grant(provider, services.DECIDE, services.LOG_VIEW)
    make_user("wang", name="王晓梅", **id_number_fields(WANG))

    # The consumer department asks for three fields of 西湖区's residents.
    page.goto(f"{live_server.url}/workbench/sharing/new/{dataset.code}/")
    sign_in_official(page, consumer)
    page.wait_for_url(f"**/workbench/sharing/new/{dataset.code}/")
    for label in ("公民身份号码", "姓名", "户号"):
        page.get_by_label(label, exact=True).check()
    page.get_by_label("使用目的").fill("最低生活保障审核时核对申请人的户籍")
    page.get_by_label("服务事项或应用场景").fill("最低生活保障审核确认")
    page.get_by_label("共享依据").fill("《社会救助暂行办法》第十一条")
    page.get_by_label("预计日调用量").fill("300")
    page.get_by_label("数据范围：限定字段").select_option("region")
    page.get_by_label("数据范围：允许的取值").fill("330106")
    screenshot(page, "sharing-request")
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url("**/workbench/sharing/requests/GX*/")
    number = page.url.rstrip("/").rsplit("/", 1)[-1]
    assert "待平台审核" in page.get_by_test_id("request-facts").inner_text()

    # The city's data authority checks it; the owning department approves.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/workbench/sharing/")
    sign_in_official(page, platform)
    page.wait_for_url("**/workbench/sharing/")
    page.get_by_role("link", name=number).click()
    page.get_by_role("button", name="审核通过").click()
    page.wait_for_url(f"**/workbench/sharing/requests/{number}/")
    assert "待提供部门审核" in page.get_by_test_id("request-facts").inner_text()

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/workbench/sharing/")
    sign_in_official(page, provider)
    page.wait_for_url("**/workbench/sharing/")
    screenshot(page, "sharing-workbench")
    page.get_by_role("link", name=number).click()
    page.get_by_label("审核意见").fill("同意，仅限低保审核使用")
    page.get_by_role("button", name="同意共享").click()
    page.wait_for_url(f"**/workbench/sharing/requests/{number}/")
    assert "已授权" in page.get_by_test_id("request-facts").inner_text()
    screenshot(page, "sharing-approved")

    # The consumer's system calls over HTTP, for a named case.
    token = api_token_create(user=system, name="低保系统", scopes=[services.SCOPE], days=30).plaintext
    response = requests.post(
        f"{live_server.url}/api/v1/sharing/datasets/{dataset.code}/lookup",
        json={"field": "id_number", "value": WANG},
        headers={"Authorization": f"Bearer {token}", "X-Purpose": "MZ2026-001024"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    assert response.json()["records"][0]["name"] == "王晓梅"

    # The citizen sees the call: who, when, what for, which case.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("wang")
    page.get_by_label("密码").fill("test-pass-2025")
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server.url}/my/data-use/")
    table = page.get_by_test_id("data-use").inner_text()
    assert "杭州市民政局" in table
    assert "MZ2026-001024" in table
    assert "最低生活保障审核时核对申请人的户籍" in table
    screenshot(page, "sharing-my-data-use")
    assert page.console_errors == []
