"""Declaring rules on a dataset (who may, what is refused) and checking a dataset in the warehouse."""

from __future__ import annotations

from typing import Any

import pytest

from shuzheng.catalog import services as catalog
from shuzheng.core.selectors import audit_events
from shuzheng.quality import services
from shuzheng.quality.models import CheckRun
from shuzheng.quality.tests.factories import FIELDS, ROWS, add, payload

pytestmark = pytest.mark.django_db


def test_only_the_owning_department_declares_rules(enterprises: Any, people: dict[str, Any]) -> None:
    for user in (people["elsewhere"], people["bystander"]):
        with pytest.raises(services.QualityForbidden):
            services.rule_add(editor=user, dataset=enterprises, rule_type="uscc", fields=["uscc"])
    rule = add(people, enterprises, "uscc", ["uscc"])
    assert audit_events().filter(action="quality.rule.add", object_id=str(rule.pk)).exists()


@pytest.mark.parametrize(
    ("rule_type", "fields", "params", "where"),
    [
        ("no_such_rule", ["uscc"], {}, "rule_type"),
        ("uscc", ["unknown_field"], {}, "fields"),
        ("order", ["founded"], {}, "fields"),
        ("regex", ["name"], {"pattern": "(unclosed"}, "params.pattern"),
        ("enum", ["name"], {"values": []}, "params.values"),
        ("range", ["name"], {"min": 1}, "fields"),
        ("fresh", ["founded"], {"frequency": "hourly"}, "params.frequency"),
        ("exists_in", ["uscc"], {"dataset": "330000-999999", "field": "uscc"}, "params.dataset"),
        ("exists_in", ["uscc"], {"dataset": "330100-000001", "field": "nothing"}, "params.field"),
    ],
)
def test_a_wrong_declaration_is_refused_with_where(
    enterprises: Any, people: dict[str, Any], rule_type: str, fields: list[str], params: dict[str, Any], where: str
) -> None:
    with pytest.raises(services.QualityInvalid) as refused:
        add(people, enterprises, rule_type, fields, **params)
    assert [problem[0] for problem in refused.value.problems] == [where]
    assert not enterprises.quality_rules.exists()


def test_a_check_counts_samples_and_scores(enterprises: Any, people: dict[str, Any]) -> None:
    add(people, enterprises, "uscc", ["uscc"])  # one wrong check character
    add(people, enterprises, "unique", ["uscc"])  # one code twice
    add(people, enterprises, "not_blank", ["name"])  # one empty name
    add(people, enterprises, "region_code", ["region"])  # 330199 does not exist
    add(people, enterprises, "exists_in", ["uscc"], dataset="330100-000001", field="uscc")  # itself: all exist
    run = services.quality_check(dataset=enterprises, by=people["officer"])
    assert (run.status, run.rows) == ("succeeded", 3)
    results = {result.rule.rule_type: result for result in run.results.select_related("rule")}
    assert {code: result.failed for code, result in results.items()} == {
        "uscc": 1,
        "unique": 2,
        "not_blank": 1,
        "region_code": 1,
        "exists_in": 0,
    }
    assert results["uscc"].sample == [{**ROWS[1]}]
    # Equal weights: (2/3 + 1/3 + 2/3 + 2/3 + 1) / 5.
    assert str(run.score) == "66.67"
    assert audit_events().filter(action="quality.check", object_id=enterprises.code).count() == 1


def test_the_same_check_on_a_postgresql_warehouse(
    postgres_warehouse: str, enterprises: Any, people: dict[str, Any]
) -> None:
    add(people, enterprises, "uscc", ["uscc"])
    add(people, enterprises, "unique", ["uscc"])
    add(people, enterprises, "not_blank", ["name"])
    add(people, enterprises, "region_code", ["region"])
    add(people, enterprises, "regex", ["name"], pattern="科技")  # the restaurant is not
    add(people, enterprises, "exists_in", ["uscc"], dataset="330100-000001", field="uscc")
    add(people, enterprises, "fresh", ["founded"], frequency="daily")
    run = services.quality_check(dataset=enterprises, by=people["officer"])
    assert (run.status, run.rows) == ("succeeded", 3), run.error
    results = {result.rule.rule_type: result.failed for result in run.results.select_related("rule")}
    assert results == {
        "uscc": 1,
        "unique": 2,
        "not_blank": 1,
        "region_code": 1,
        "regex": 1,
        "exists_in": 0,
        "fresh": 1,
    }
    assert run.failures_table


def test_a_dataset_without_rows_makes_a_failed_run(organisation: Any, people: dict[str, Any]) -> None:
    empty, _ = catalog.dataset_import_published(
        organisation=organisation, data=payload("个体工商户信息"), fields=FIELDS, code="330100-000002"
    )
    add(people, empty, "uscc", ["uscc"])
    run = services.quality_check(dataset=empty)
    assert (run.status, run.score, run.results.count()) == ("failed", None, 0)
    assert "没有载入数据" in run.error
    assert CheckRun.objects.count() == 1


def test_scores_weigh_severity() -> None:
    assert services.score(10, [("high", "row", 0), ("low", "row", 10)]) == pytest.approx(75)
    assert services.score(10, [("medium", "table", 1)]) == 0
    assert services.score(0, [("medium", "row", 0)]) == 100
    assert services.score(10, []) is None


def test_the_command_checks_and_prints_a_summary(enterprises: Any, people: dict[str, Any]) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    add(people, enterprises, "uscc", ["uscc"])
    out = StringIO()
    call_command("quality", "check", "330100-000001", stdout=out)
    printed = out.getvalue()
    assert "330100-000001" in printed
    assert "统一社会信用代码有效" in printed
    assert "66.67" in printed  # 2 of 3 rows pass
    with pytest.raises(CommandError, match="no such dataset"):
        call_command("quality", "check", "330100-999999", stdout=StringIO())
    out = StringIO()
    call_command("quality", "check", "--all", stdout=out)
    assert "330100-000001" in out.getvalue()
