"""What a check leaves behind: every failing row in the warehouse (by key, or whole), read back in
pages and as files; scores with their trend per dataset and per department."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from shuzheng.catalog import services as catalog
from shuzheng.catalog.selectors import warehouse_session
from shuzheng.core.selectors import audit_events
from shuzheng.quality import selectors, services
from shuzheng.quality.models import Ticket
from shuzheng.quality.tests.factories import FIELDS, ROWS, add, payload

pytestmark = pytest.mark.django_db


def test_a_check_keeps_every_failing_row_by_key(enterprises: Any, people: dict[str, Any]) -> None:
    uscc = add(people, enterprises, "uscc", ["uscc"])
    name = add(people, enterprises, "not_blank", ["name"])
    add(people, enterprises, "unique", ["region"])  # passes, and every row has one: the key
    run = services.quality_check(dataset=enterprises)
    assert run.key_fields == ["region"]
    assert run.failures_table.startswith("qf_")
    page = services.failures_page_read(reader=people["officer"], run=run, rule=None, limit=10, offset=0)
    assert page.total == 2
    assert [(row["rule"], row["values"]["uscc"]) for row in page.rows] == [
        (uscc.pk, ROWS[1]["uscc"]),
        (name.pk, ROWS[2]["uscc"]),
    ]
    # Joined back from the dataset: every column, not only the key.
    assert page.rows[0]["values"]["region"] == "330199"
    assert [column["label"] for column in page.columns] == ["统一社会信用代码", "企业名称", "所在地", "成立日期"]
    one = services.failures_page_read(reader=people["officer"], run=run, rule=name, limit=10, offset=0)
    assert one.total == 1


def test_only_the_newest_checks_and_those_tickets_read_keep_their_failing_rows(
    enterprises: Any, people: dict[str, Any], settings: Any
) -> None:
    settings.SHUZHENG_QUALITY_KEEP_FAILURES = 2
    add(people, enterprises, "uscc", ["uscc"])
    runs = [services.quality_check(dataset=enterprises) for _ in range(5)]
    names = [run.failures_table for run in runs]
    assert all(names)
    ticket = Ticket.objects.get(dataset=enterprises)
    for run in runs:
        run.refresh_from_db()
    others = [run.pk for run in runs if run.pk != ticket.run_id]
    assert {run.pk for run in runs if run.failures_table} == {ticket.run_id, *others[-2:]}
    with warehouse_session() as session:
        for run, name in zip(runs, names, strict=True):
            assert (session.table(name) is None) == (not run.failures_table)
    # Older checks keep their counts and samples.
    assert all(run.results.get().failed == 1 for run in runs)


def test_without_a_usable_key_the_whole_failing_rows_are_kept(enterprises: Any, people: dict[str, Any]) -> None:
    add(people, enterprises, "unique", ["uscc"])  # fails (the same code twice): no key
    add(people, enterprises, "region_code", ["region"])
    run = services.quality_check(dataset=enterprises)
    assert run.key_fields == []
    page = services.failures_page_read(reader=people["officer"], run=run, rule=None, limit=2, offset=1)
    assert page.total == 3  # two duplicates and one unknown region
    assert len(page.rows) == 2


def test_a_passing_check_keeps_no_table(enterprises: Any, people: dict[str, Any]) -> None:
    add(people, enterprises, "not_null", ["uscc"])
    run = services.quality_check(dataset=enterprises)
    assert run.failures_table == ""
    assert str(run.score) == "100.00"
    assert services.failures_page_read(reader=None, run=run, rule=None, limit=10, offset=0).total == 0


def test_failing_rows_download_as_csv_with_bom_and_as_xlsx(enterprises: Any, people: dict[str, Any]) -> None:
    add(people, enterprises, "uscc", ["uscc"])
    add(people, enterprises, "not_blank", ["name"])
    run = services.quality_check(dataset=enterprises)
    body = b"".join(services.failures_export(reader=people["officer"], run=run, rule=None, fmt="csv"))
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == ["不通过的规则", "统一社会信用代码", "企业名称", "所在地", "成立日期"]
    assert [row[1] for row in rows[1:]] == [ROWS[1]["uscc"], ROWS[2]["uscc"]]
    assert rows[1][0].startswith("统一社会信用代码有效")
    binary = b"".join(services.failures_export(reader=people["officer"], run=run, rule=None, fmt="xlsx"))
    sheet = load_workbook(io.BytesIO(binary)).active
    assert sheet is not None
    assert sheet.max_row == 3


def test_reading_failing_rows_about_people_is_audited(organisation: Any, people: dict[str, Any]) -> None:
    legal_rep = {"name": "legal_rep", "label": "法定代表人", "data_type": "string", "grade": "L2"}
    fields: list[dict[str, Any]] = [*FIELDS, {**legal_rep, "identifies_person": True}]
    dataset, _ = catalog.dataset_import_published(
        organisation=organisation,
        data=payload("企业法定代表人信息", grade="L2", open_type="none"),
        fields=fields,
        code="330100-000009",
    )
    catalog.resource_load_rows(dataset=dataset, name="清单", rows=[{**row, "legal_rep": "王芳"} for row in ROWS])
    add(people, dataset, "uscc", ["uscc"])
    run = services.quality_check(dataset=dataset)
    services.failures_page_read(reader=people["officer"], run=run, rule=None, limit=10, offset=0)
    b"".join(services.failures_export(reader=people["officer"], run=run, rule=None, fmt="csv"))
    reads = audit_events().filter(action="quality.failures.read", object_id=dataset.code)
    assert reads.count() == 2


def test_failing_rows_naming_nobody_are_read_without_a_record(enterprises: Any, people: dict[str, Any]) -> None:
    add(people, enterprises, "uscc", ["uscc"])
    run = services.quality_check(dataset=enterprises)
    services.failures_page_read(reader=people["officer"], run=run, rule=None, limit=10, offset=0)
    assert not audit_events().filter(action="quality.failures.read").exists()


def test_scores_trend_per_dataset_and_pool_per_department(enterprises: Any, people: dict[str, Any]) -> None:
    add(people, enterprises, "uscc", ["uscc"])  # medium: 2/3 pass
    first = services.quality_check(dataset=enterprises)
    catalog.resource_load_rows(dataset=enterprises, name="企业清单", rows=[ROWS[0]])
    second = services.quality_check(dataset=enterprises)
    assert [point.score for point in selectors.dataset_trend(dataset=enterprises)] == [first.score, second.score]
    assert [str(first.score), str(second.score)] == ["66.67", "100.00"]
    ranking = selectors.department_scores(trend=True)
    assert [(item.organisation.name, str(item.score), item.datasets) for item in ranking] == [
        ("杭州市市场监督管理局", "100.00", 1)
    ]
    assert [str(point.score) for point in ranking[0].trend] == ["100.00"]  # one day, its last state


def test_a_department_score_weighs_each_dataset_by_its_rules(
    enterprises: Any, organisation: Any, people: dict[str, Any]
) -> None:
    other, _ = catalog.dataset_import_published(
        organisation=organisation, data=payload("企业名录"), fields=FIELDS, code="330100-000002"
    )
    catalog.resource_load_rows(dataset=other, name="清单", rows=ROWS)
    services.rule_add(editor=people["officer"], dataset=enterprises, rule_type="uscc", fields=["uscc"], severity="high")
    services.rule_add(editor=people["officer"], dataset=other, rule_type="not_null", fields=["uscc"], severity="low")
    services.quality_check(dataset=enterprises)  # 66.67, weight 3
    services.quality_check(dataset=other)  # 100, weight 1
    (department,) = selectors.department_scores()
    assert str(department.score) == "75.00"  # (66.67 × 3 + 100) / 4
