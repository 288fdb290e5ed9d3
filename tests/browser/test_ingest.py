"""Data aggregation in a real browser: a department's data officer uploads the nightly export
(GBK, one bad value), watches the run finish, corrects the quarantined row and loads it again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EXPORT = (
    "统一社会信用代码,企业名称,登记状态,注册资本（万元）,成立日期\n"
    "91330100MA2H3X4Y6M,杭州云栖数智科技有限公司,存续,100,2019-05-01\n"
    "91330106MA27XK8Q5B,杭州知味餐饮有限公司,存续,五十,2020-01-01\n"
)


def test_upload_fix_and_replay(
    page: Any,
    live_server: Any,
    make_user: Any,
    grant: Any,
    organisation: Any,
    screenshot: Any,
    sign_in_official: Any,
    tmp_path: Path,
) -> None:
    from shuzheng.catalog import services as catalog
    from shuzheng.ingest import services
    from shuzheng.ingest.tests.conftest import FIELDS, dataset_payload

    officer = make_user("qian", kind="official", name="钱立群")
    grant(officer, services.EDIT, services.RUN)
    dataset, _ = catalog.dataset_import_published(
        organisation=organisation, data=dataset_payload("企业登记信息"), fields=FIELDS, code="330100-000101"
    )
    source = services.source_create(editor=officer, organisation=organisation, name="登记系统导出", kind="file")
    pipeline = services.pipeline_create(
        editor=officer, name="企业登记每日归集", source=source, dataset=dataset, key=["uscc"]
    )
    export = tmp_path / "企业登记.csv"
    export.write_bytes(EXPORT.encode("gbk"))

    page.goto(f"{live_server.url}/workbench/ingest/")
    sign_in_official(page, officer)
    page.wait_for_url("**/workbench/ingest/")
    page.get_by_role("link", name="企业登记每日归集").click()
    page.wait_for_url(f"**/workbench/ingest/pipelines/{pipeline.pk}/")
    page.get_by_test_id("run-form").locator("input[type=file]").set_input_files(str(export))
    page.get_by_role("button", name="立即运行").click()
    page.wait_for_url("**/workbench/ingest/runs/*/")
    page.wait_for_function("document.querySelector('[data-testid=run-status]').innerText.includes('完成')")
    screenshot(page, "workbench-ingest-run")
    assert "五十" in page.get_by_test_id("quarantine").inner_text()

    page.get_by_test_id("quarantine").locator("input[value='五十']").fill("50")
    page.get_by_role("button", name="保存修改").click()
    page.get_by_test_id("quarantine").locator("input[type=checkbox]").check()
    page.get_by_test_id("replay").click()
    page.wait_for_url("**/workbench/ingest/runs/*/")
    page.wait_for_function("document.querySelector('[data-testid=run-status]').innerText.includes('完成')")
    assert "重新载入" in page.get_by_test_id("run-status").inner_text()

    from shuzheng.catalog.selectors import dataset_tables

    rows = dataset_tables(datasets=[dataset])[dataset.pk].to_pyarrow().to_pylist()
    assert sorted(row["capital"] for row in rows) == [50.0, 100.0]
    page.goto(f"{live_server.url}/workbench/catalog/{dataset.code}/")
    assert "登记系统导出" in page.get_by_text("数据血缘").locator("..").inner_text()
    assert page.console_errors == []
