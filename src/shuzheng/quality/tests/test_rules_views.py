"""The rules page of the workbench: the owning department declares, enables, disables, removes,
imports and checks; the same role elsewhere only reads; outsiders are refused."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from shuzheng.catalog import services as catalog
from shuzheng.quality import selectors, services
from shuzheng.quality.tests.factories import payload
from shuzheng.quality.tests.rule_factories import CODE, FIELDS, published_enterprises, rule_people

pytestmark = pytest.mark.django_db
PAGE = f"/workbench/quality/rules/{CODE}/"


@pytest.fixture
def enterprises(organisation: Any) -> Any:
    return published_enterprises(organisation)


@pytest.fixture
def people(make_user: Callable[..., Any], make_organisation: Callable[..., Any], grant: Callable[..., Any]) -> Any:
    return rule_people(make_user, make_organisation, grant)


@pytest.fixture
def rule(enterprises: Any, people: dict[str, Any]) -> Any:
    return services.rule_add(
        editor=people["officer"],
        dataset=enterprises,
        rule_type="range",
        fields=["capital"],
        params={"min": 0, "max": 100000},
        severity="high",
    )


def add(client: Client, **fields: Any) -> Any:
    return client.post(PAGE, {"action": "add", "severity": "medium", **fields})


def test_the_owner_sees_rules_in_words_and_the_forms(
    enterprises: Any, people: dict[str, Any], rule: Any, signed_in: Callable[[Any], Client]
) -> None:
    page = signed_in(people["officer"]).get(PAGE).content.decode()
    assert "取值在范围内" in page  # the type in Chinese
    assert "注册资本" in page  # the field by its label
    assert "不小于 0；不大于 100000" in page
    assert "严重" in page
    for form in ('data-testid="rule-form"', 'data-testid="import-form"', 'data-testid="check"'):
        assert form in page
    assert 'data-for-types="range"' in page  # the range inputs, for the script to show
    assert "quality/rules.js" in page


def test_each_persona(
    enterprises: Any, people: dict[str, Any], rule: Any, assert_access: Callable[..., None], organisation: Any
) -> None:
    assert_access(
        "get",
        PAGE,
        owner=(people["officer"], 200),
        same_role_other_department=(people["elsewhere"], 200),
        bystander=(people["bystander"], 200),
        outsider=(people["citizen"], 403),
        anonymous=302,
    )
    draft = catalog.dataset_create(
        author=people["officer"], organisation=organisation, data=payload("个体工商户信息"), fields=FIELDS
    )
    assert_access(
        "get",
        f"/workbench/quality/rules/{draft.code}/",
        owner=(people["officer"], 200),
        same_role_other_department=(people["elsewhere"], 404),
        outsider=(people["citizen"], 403),
    )
    assert_access("get", "/workbench/quality/rules/330100-999999/", owner=(people["officer"], 404))


def test_others_read_only_and_cannot_change_anything(
    enterprises: Any, people: dict[str, Any], rule: Any, signed_in: Callable[[Any], Client]
) -> None:
    for who in ("elsewhere", "bystander"):
        client = signed_in(people[who])
        page = client.get(PAGE).content.decode()
        assert "取值在范围内" in page
        assert 'data-testid="read-only"' in page
        assert 'data-testid="rule-form"' not in page
        assert 'data-testid="check"' not in page
        for action in ("disable", "delete", "check"):
            assert client.post(PAGE, {"action": action, "rule": rule.pk}).status_code == 403
        assert add(client, rule_type="uscc", field="uscc").status_code == 403
        response = client.post(PAGE, {"action": "import", "text": "rules: []", "replace": "on"})
        assert response.status_code == 403
    assert signed_in(people["citizen"]).post(PAGE, {"action": "delete", "rule": rule.pk}).status_code == 403
    assert Client().post(PAGE, {"action": "delete", "rule": rule.pk}).status_code == 302
    rule.refresh_from_db()
    assert rule.enabled
    assert selectors.rules_of(dataset=enterprises).count() == 1


def test_declaring_rules_through_the_form(
    enterprises: Any, people: dict[str, Any], signed_in: Callable[[Any], Client]
) -> None:
    client = signed_in(people["officer"])
    response = add(client, rule_type="range", field="capital", minimum="0", maximum="100000", pattern="ignored")
    assert response.status_code == 302
    assert response["Location"] == PAGE
    add(client, rule_type="order", field="founded", second_field="founded", description="自比较")
    add(client, rule_type="unique", field="uscc", more_fields=["name", "uscc"])
    add(client, rule_type="enum", field="region", values="330106、330105\n330104")
    add(client, rule_type="fresh", field="founded", frequency="daily", severity="low")
    add(client, rule_type="range", field="founded", minimum="2000-01-01")
    declared = [(rule.rule_type, rule.fields, rule.params) for rule in selectors.rules_of(dataset=enterprises)]
    assert declared == [
        ("range", ["capital"], {"min": 0, "max": 100000}),
        ("order", ["founded", "founded"], {}),
        ("unique", ["uscc", "name"], {}),
        ("enum", ["region"], {"values": ["330106", "330105", "330104"]}),
        ("fresh", ["founded"], {"frequency": "daily"}),
        ("range", ["founded"], {"min": "2000-01-01"}),
    ]


@pytest.mark.parametrize(
    ("fields", "where", "message"),
    [
        ({"rule_type": "regex", "field": "name", "pattern": "(unclosed"}, "pattern", "正则表达式有误"),
        ({"rule_type": "regex", "field": "name"}, "pattern", "请填写正则表达式"),
        ({"rule_type": "range", "field": "capital", "minimum": "很多"}, "minimum", "应为整数"),
        ({"rule_type": "range", "field": "name", "minimum": "1"}, "field", "范围规则只适用于数值和日期字段"),
        ({"rule_type": "enum", "field": "name"}, "values", "请列出允许的取值"),
        ({"rule_type": "order", "field": "founded"}, "second_field", "请选择结束字段"),
        ({"rule_type": "exists_in", "field": "uscc", "ref_dataset": "330000-999999", "ref_field": "uscc"},
         "ref_dataset", "没有这个已发布的数据资源"),
        ({"rule_type": "no_such_type", "field": "uscc"}, "rule_type", "选择一个有效的选项"),
    ],
)  # fmt: skip
def test_wrong_parameters_are_shown_at_their_inputs(
    enterprises: Any,
    people: dict[str, Any],
    signed_in: Callable[[Any], Client],
    fields: dict[str, str],
    where: str,
    message: str,
) -> None:
    response = add(signed_in(people["officer"]), **fields)
    assert response.status_code == 200
    page = response.content.decode()
    error = re.search(rf'<p class="field__error" id="id_{where}_error">([^<]*)</p>', page)
    assert error is not None, page[page.find("field__error") - 200 :][:600]
    assert message in error.group(1)
    assert re.search(rf'id="id_{where}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="id_{where}"', page)
    assert not selectors.rules_of(dataset=enterprises).exists()


def test_disable_enable_and_remove(
    enterprises: Any, people: dict[str, Any], rule: Any, signed_in: Callable[[Any], Client]
) -> None:
    client = signed_in(people["officer"])
    assert client.post(PAGE, {"action": "disable", "rule": rule.pk}).status_code == 302
    rule.refresh_from_db()
    assert not rule.enabled
    assert "否（停用）" in client.get(PAGE).content.decode()
    client.post(PAGE, {"action": "enable", "rule": rule.pk})
    rule.refresh_from_db()
    assert rule.enabled
    assert client.post(PAGE, {"action": "delete", "rule": "nothing"}).status_code == 404
    assert client.post(PAGE, {"action": "delete", "rule": rule.pk}).status_code == 302
    assert not selectors.rules_of(dataset=enterprises).exists()
    assert client.post(PAGE, {"action": "delete", "rule": rule.pk}).status_code == 404


def test_check_now_shows_the_counts_per_rule(
    enterprises: Any,
    people: dict[str, Any],
    rule: Any,
    signed_in: Callable[[Any], Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = signed_in(people["officer"])
    services.rule_add(editor=people["officer"], dataset=enterprises, rule_type="unique", fields=["uscc"])
    services.rule_add(
        editor=people["officer"],
        dataset=enterprises,
        rule_type="fresh",
        fields=["founded"],
        params={"frequency": "daily"},
    )
    assert 'data-testid="run"' not in client.get(PAGE).content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the worker's part, done here and now
        response = client.post(PAGE, {"action": "check"}, follow=True)
    assert "已提交检查" in response.content.decode()
    page = client.get(PAGE).content.decode()
    summary = page[page.index('data-testid="run"') :]
    assert "完成" in summary
    assert re.search(r"取值在范围内</td><td>注册资本</td><td>严重</td><td>1 条", summary)  # capital -1
    assert re.search(r"取值唯一（可多字段组合）</td><td>统一社会信用代码</td><td>一般</td><td>2 条", summary)
    assert re.search(r"数据及时更新</td><td>成立日期</td><td>一般</td><td>未通过", summary)


def test_a_failed_check_says_why(
    organisation: Any,
    people: dict[str, Any],
    signed_in: Callable[[Any], Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    empty, _ = catalog.dataset_import_published(
        organisation=organisation, data=payload("个体工商户信息"), fields=FIELDS, code="330100-000002"
    )
    services.rule_add(editor=people["officer"], dataset=empty, rule_type="uscc", fields=["uscc"])
    client = signed_in(people["officer"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/workbench/quality/rules/{empty.code}/", {"action": "check"})
    page = client.get(f"/workbench/quality/rules/{empty.code}/").content.decode()
    assert "失败" in page
    assert "还没有载入数据" in page


YAML = "rules:\n  - {type: uscc, fields: [uscc]}\n  - {type: not_blank, fields: [name]}\n"


def test_import_from_text_and_file_then_again(
    enterprises: Any, people: dict[str, Any], signed_in: Callable[[Any], Client]
) -> None:
    client = signed_in(people["officer"])
    response = client.post(PAGE, {"action": "import", "text": YAML}, follow=True)
    assert "已导入：新增 2 条，修改 0 条，删除 0 条" in response.content.decode()
    upload = SimpleUploadedFile("rules.yaml", YAML.encode("utf-8-sig"), content_type="application/yaml")
    response = client.post(PAGE, {"action": "import", "file": upload}, follow=True)
    assert "规则与文件一致，没有变化" in response.content.decode()
    assert selectors.rules_of(dataset=enterprises).count() == 2


def test_a_wrong_import_lists_its_problems_and_saves_nothing(
    enterprises: Any, people: dict[str, Any], signed_in: Callable[[Any], Client]
) -> None:
    client = signed_in(people["officer"])
    wrong = YAML + "  - {type: regex, fields: [name], params: {pattern: '('}}\n  - {type: uscc, fields: [nothing]}\n"
    response = client.post(PAGE, {"action": "import", "text": wrong})
    page = response.content.decode()
    assert response.status_code == 200
    assert "规则文件有误，没有导入任何规则" in page
    assert "<code>rules.2.params.pattern</code>" in page
    assert "<code>rules.3.fields</code>：没有这个字段：nothing" in page
    assert not selectors.rules_of(dataset=enterprises).exists()
    response = client.post(PAGE, {"action": "import", "text": ""})
    assert "请粘贴 YAML 规则或上传文件" in response.content.decode()
    upload = SimpleUploadedFile("rules.yaml", "rules: []".encode("utf-16"), content_type="application/yaml")
    response = client.post(PAGE, {"action": "import", "file": upload})
    assert "文件应为 UTF-8 编码" in response.content.decode()


def test_export_downloads_the_yaml(
    enterprises: Any, people: dict[str, Any], rule: Any, signed_in: Callable[[Any], Client]
) -> None:
    response = signed_in(people["elsewhere"]).get(f"{PAGE}export.yaml")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{CODE}-quality-rules.yaml"'
    assert response.content.decode() == selectors.rules_export_yaml(dataset=enterprises)
    assert signed_in(people["citizen"]).get(f"{PAGE}export.yaml").status_code == 403


def test_the_catalogue_page_links_to_the_rules(
    enterprises: Any, people: dict[str, Any], signed_in: Callable[[Any], Client]
) -> None:
    page = signed_in(people["officer"]).get(f"/workbench/catalog/{CODE}/").content.decode()
    assert f'href="{PAGE}"' in page
