"""A dataset's rules as YAML: all or nothing, problems named by path, importing twice adds nothing,
export and import give back the same rules; changing and removing single rules; the command line."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import CommandError, call_command

from shuzheng.catalog import services as catalog
from shuzheng.core.selectors import audit_events
from shuzheng.quality import ruleset, selectors, services
from shuzheng.quality.tests.factories import payload
from shuzheng.quality.tests.rule_factories import FIELDS, published_enterprises, rule_people

pytestmark = pytest.mark.django_db

FIVE_RULES = """
rules:
  - type: uscc
    fields: [uscc]
    severity: high
    description: 统一社会信用代码校验
  - type: unique
    fields: [uscc]
  - type: range
    fields: [capital]
    params: {min: 0, max: 100000}
  - type: regex
    fields: [region]
    params: {pattern: '^\\d{6}$'}
  - type: enum
    fields: [name]
    params:
      values: [杭州云栖数智科技有限公司, 杭州知味餐饮有限公司]
    severity: low
    enabled: false
"""


@pytest.fixture
def enterprises(organisation: Any) -> Any:
    return published_enterprises(organisation)


@pytest.fixture
def people(make_user: Callable[..., Any], make_organisation: Callable[..., Any], grant: Callable[..., Any]) -> Any:
    return rule_people(make_user, make_organisation, grant)


def imported(people: dict[str, Any], dataset: Any, text: str, **options: Any) -> services.RulesImported:
    return services.rules_import_yaml(editor=people["officer"], dataset=dataset, text=text, **options)


def declarations(dataset: Any) -> list[tuple[Any, ...]]:
    return [
        (rule.rule_type, rule.fields, rule.params, rule.severity, rule.description, rule.enabled)
        for rule in selectors.rules_of(dataset=dataset)
    ]


def test_a_document_declares_every_rule_it_lists(enterprises: Any, people: dict[str, Any]) -> None:
    result = imported(people, enterprises, FIVE_RULES)
    assert (result.created, result.updated, result.unchanged, result.removed) == (5, 0, 0, 0)
    assert declarations(enterprises) == [
        ("uscc", ["uscc"], {}, "high", "统一社会信用代码校验", True),
        ("unique", ["uscc"], {}, "medium", "", True),
        ("range", ["capital"], {"min": 0, "max": 100000}, "medium", "", True),
        ("regex", ["region"], {"pattern": r"^\d{6}$"}, "medium", "", True),
        ("enum", ["name"], {"values": ["杭州云栖数智科技有限公司", "杭州知味餐饮有限公司"]}, "low", "", False),
    ]
    assert audit_events().filter(action="quality.rule.add").count() == 5
    assert audit_events().filter(action="quality.rules.import", object_id=enterprises.code).count() == 1


def test_importing_the_same_document_again_changes_nothing(enterprises: Any, people: dict[str, Any]) -> None:
    imported(people, enterprises, FIVE_RULES)
    before, events = declarations(enterprises), audit_events().count()
    again = imported(people, enterprises, FIVE_RULES)
    assert (again.created, again.updated, again.unchanged, again.removed) == (0, 0, 5, 0)
    assert not again.changed
    assert declarations(enterprises) == before
    assert audit_events().count() == events


def test_one_wrong_rule_saves_nothing_and_is_named_by_its_path(enterprises: Any, people: dict[str, Any]) -> None:
    wrong = FIVE_RULES.replace(r"'^\d{6}$'", "'(unclosed'")
    with pytest.raises(services.QualityInvalid) as refused:
        imported(people, enterprises, wrong)
    assert [problem[0] for problem in refused.value.problems] == ["rules.3.params.pattern"]
    assert "正则表达式有误" in refused.value.problems[0][2]
    assert not selectors.rules_of(dataset=enterprises).exists()
    assert not audit_events().filter(action__startswith="quality.").exists()


@pytest.mark.parametrize(
    ("rule", "path"),
    [
        ("{type: no_such_type, fields: [uscc]}", "rules.0.type"),
        ("{fields: [uscc]}", "rules.0.type"),
        ("{type: uscc, fields: [nothing]}", "rules.0.fields"),
        ("{type: uscc}", "rules.0.fields"),
        ("{type: order, fields: [founded]}", "rules.0.fields"),
        ("{type: range, fields: [name], params: {min: 1}}", "rules.0.fields"),
        ("{type: enum, fields: [name], params: {values: []}}", "rules.0.params.values"),
        ("{type: enum, fields: [name], params: {values: [{a: 1}]}}", "rules.0.params.values"),
        ("{type: uscc, fields: [uscc], params: 5}", "rules.0.params"),
        ("{type: uscc, fields: [uscc], severity: fatal}", "rules.0.severity"),
        ("{type: uscc, fields: [uscc], enabled: maybe}", "rules.0.enabled"),
        ("{type: uscc, fields: [uscc], param: {}}", "rules.0.param"),
        ("{type: fresh, fields: [founded], params: {frequency: hourly}}", "rules.0.params.frequency"),
        ("{type: exists_in, fields: [uscc], params: {dataset: 330100-999999, field: uscc}}", "rules.0.params.dataset"),
        ("just text", "rules.0"),
    ],
)
def test_what_is_wrong_with_a_rule_is_named(enterprises: Any, people: dict[str, Any], rule: str, path: str) -> None:
    with pytest.raises(services.QualityInvalid) as refused:
        imported(people, enterprises, f"rules:\n  - {rule}\n")
    assert path in [problem[0] for problem in refused.value.problems]


@pytest.mark.parametrize(
    ("text", "path"),
    [("rules: [unclosed", ""), ("- type: uscc", ""), ("rules: 5", "rules"), ("rule: []", "rule")],
)
def test_a_document_of_the_wrong_shape_is_refused(
    enterprises: Any, people: dict[str, Any], text: str, path: str
) -> None:
    with pytest.raises(services.QualityInvalid) as refused:
        imported(people, enterprises, text)
    assert path in [problem[0] for problem in refused.value.problems]


def test_a_syntax_error_says_where(enterprises: Any, people: dict[str, Any]) -> None:
    with pytest.raises(services.QualityInvalid) as refused:
        imported(people, enterprises, "rules:\n  - type: uscc\n    fields: [uscc\n")
    assert "第 4 行" in refused.value.problems[0][2]


def test_the_same_rule_twice_in_a_document_is_refused(enterprises: Any, people: dict[str, Any]) -> None:
    text = (
        "rules:\n  - {type: uscc, fields: [uscc]}\n  - {type: mobile, fields: [name]}\n  - {type: uscc, fields: [uscc]}"
    )
    with pytest.raises(services.QualityInvalid) as refused:
        imported(people, enterprises, text)
    assert refused.value.problems == [("rules.2", "duplicate", "与第 1 条规则相同")]


def test_replace_removes_the_rules_a_document_lacks_and_updates_the_rest(
    enterprises: Any, people: dict[str, Any]
) -> None:
    imported(people, enterprises, FIVE_RULES)
    text = "rules:\n  - {type: uscc, fields: [uscc], severity: low}\n  - {type: mobile, fields: [name]}\n"
    kept = imported(people, enterprises, text)
    assert (kept.created, kept.updated, kept.unchanged, kept.removed) == (1, 1, 0, 0)
    assert selectors.rules_of(dataset=enterprises).count() == 6
    replaced = imported(people, enterprises, text, replace=True)
    assert (replaced.created, replaced.updated, replaced.unchanged, replaced.removed) == (0, 0, 2, 4)
    assert [rule[:4] for rule in declarations(enterprises)] == [
        ("uscc", ["uscc"], {}, "low"),
        ("mobile", ["name"], {}, "medium"),
    ]
    assert audit_events().filter(action="quality.rule.delete").count() == 4
    assert imported(people, enterprises, "rules: []", replace=True).removed == 2


def test_export_and_import_give_back_the_same_rules(
    enterprises: Any, people: dict[str, Any], organisation: Any
) -> None:
    imported(people, enterprises, FIVE_RULES)
    services.rule_add(
        editor=people["officer"],
        dataset=enterprises,
        rule_type="range",
        fields=["founded"],
        params={"min": "2000-01-01"},
        description="成立日期：2000 年以后",
    )
    text = selectors.rules_export_yaml(dataset=enterprises)
    assert text.startswith(f"# {enterprises.code} 企业登记信息\n")
    assert "enabled: false" in text
    assert yaml.safe_load(text)["rules"][2] == {
        "type": "range",
        "fields": ["capital"],
        "params": {"min": 0, "max": 100000},
        "severity": "medium",
    }
    # Back into the same dataset: nothing changes; into a twin: the same declarations.
    assert not imported(people, enterprises, text).changed
    twin, _ = catalog.dataset_import_published(
        organisation=organisation, data=payload("企业登记信息（副本）"), fields=FIELDS, code="330100-000002"
    )
    assert imported(people, twin, text).created == 6
    assert declarations(twin) == declarations(enterprises)
    assert declarations(twin)[5][2] == {"min": "2000-01-01"}  # a date stays ISO text, as declared


def test_dates_and_whole_floats_in_yaml(enterprises: Any, people: dict[str, Any]) -> None:
    imported(people, enterprises, "rules:\n  - {type: range, fields: [founded], params: {min: 2000-01-01}}\n")
    assert declarations(enterprises)[0][2] == {"min": "2000-01-01"}
    services.rule_add(
        editor=people["officer"], dataset=enterprises, rule_type="range", fields=["capital"], params={"max": 10.0}
    )
    assert not imported(
        people, enterprises, "rules:\n  - {type: range, fields: [capital], params: {max: 10}}\n"
    ).created


def test_only_the_owning_department_imports(enterprises: Any, people: dict[str, Any]) -> None:
    for who in ("elsewhere", "bystander", "citizen"):
        with pytest.raises(services.QualityForbidden):
            services.rules_import_yaml(editor=people[who], dataset=enterprises, text=FIVE_RULES)
    assert not selectors.rules_of(dataset=enterprises).exists()
    # A trusted caller (the command line, the demo loader) names no account.
    assert services.rules_import_yaml(editor=None, dataset=enterprises, text=FIVE_RULES).created == 5


def test_a_huge_document_is_refused_unread(enterprises: Any, people: dict[str, Any]) -> None:
    with pytest.raises(services.QualityInvalid) as refused:
        imported(people, enterprises, "#" * (ruleset.MAX_TEXT + 1))
    assert refused.value.problems[0][1] == "too_large"


def test_changing_and_removing_one_rule(enterprises: Any, people: dict[str, Any]) -> None:
    officer = people["officer"]
    rule = services.rule_add(
        editor=officer, dataset=enterprises, rule_type="regex", fields=["region"], params={"pattern": "^33"}
    )
    for who in ("elsewhere", "bystander"):
        with pytest.raises(services.QualityForbidden):
            services.rule_update(editor=people[who], rule=rule, enabled=False)
        with pytest.raises(services.QualityForbidden):
            services.rule_delete(editor=people[who], rule=rule)
    with pytest.raises(services.QualityInvalid) as refused:
        services.rule_update(editor=officer, rule=rule, params={"pattern": "("}, severity="fatal")
    assert [problem[0] for problem in refused.value.problems] == ["params.pattern", "severity"]
    services.rule_update(editor=officer, rule=rule, enabled=False, severity="high", params={"pattern": "^330"})
    rule.refresh_from_db()
    assert (rule.enabled, rule.severity, rule.params) == (False, "high", {"pattern": "^330"})
    event = audit_events().get(action="quality.rule.update")
    assert event.detail["changed"] == ["enabled", "params", "severity"]
    services.rule_update(editor=officer, rule=rule, enabled=False)  # no change, no record
    assert audit_events().filter(action="quality.rule.update").count() == 1
    pk = rule.pk
    services.rule_delete(editor=officer, rule=rule)
    assert not selectors.rules_of(dataset=enterprises).exists()
    assert audit_events().filter(action="quality.rule.delete", object_id=str(pk)).exists()


def test_the_command_exports_and_imports(enterprises: Any, people: dict[str, Any], tmp_path: Path) -> None:
    source = tmp_path / "rules.yaml"
    source.write_text(FIVE_RULES, encoding="utf-8")
    out = StringIO()
    call_command("quality", "rules", "import", enterprises.code, str(source), stdout=out)
    assert "5 added, 0 changed, 0 unchanged, 0 removed" in out.getvalue()
    out = StringIO()
    call_command("quality", "rules", "import", enterprises.code, str(source), stdout=out)
    assert "0 added, 0 changed, 5 unchanged, 0 removed" in out.getvalue()
    out = StringIO()
    call_command("quality", "rules", "export", enterprises.code, stdout=out)
    assert out.getvalue() == selectors.rules_export_yaml(dataset=enterprises)
    only_one = tmp_path / "one.yaml"
    only_one.write_text(
        "rules:\n  - {type: uscc, fields: [uscc], severity: high, description: 统一社会信用代码校验}\n",
        encoding="utf-8",
    )
    out = StringIO()
    call_command("quality", "rules", "import", enterprises.code, str(only_one), "--replace", stdout=out)
    assert "0 added, 0 changed, 1 unchanged, 4 removed" in out.getvalue()


def test_the_command_lists_the_problems_and_imports_nothing(enterprises: Any, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(FIVE_RULES.replace("[capital]", "[nothing]"), encoding="utf-8")
    errors = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("quality", "rules", "import", enterprises.code, str(wrong), stdout=StringIO(), stderr=errors)
    assert "rules.2.fields: 没有这个字段：nothing" in errors.getvalue()
    assert not selectors.rules_of(dataset=enterprises).exists()
    with pytest.raises(CommandError, match="no such dataset"):
        call_command("quality", "rules", "export", "330100-999999", stdout=StringIO())
    with pytest.raises(CommandError, match="cannot read"):
        call_command("quality", "rules", "import", enterprises.code, str(tmp_path / "missing.yaml"))
