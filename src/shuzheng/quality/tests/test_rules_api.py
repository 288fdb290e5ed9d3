"""The rules API as the owning department's editor, the same role elsewhere, a bystander, a citizen
and nobody: one rule at a time, and the whole set as YAML."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from django.test import Client

from shuzheng.catalog import services as catalog
from shuzheng.core.selectors import audit_events
from shuzheng.quality import selectors, services
from shuzheng.quality.tests.factories import payload
from shuzheng.quality.tests.rule_factories import CODE, FIELDS, published_enterprises, rule_people

pytestmark = pytest.mark.django_db
BASE = f"/api/v1/quality/datasets/{CODE}/rules"


def send(client: Client, method: str, url: str, body: Any = None) -> Any:
    return client.generic(method, url, json.dumps(body) if body is not None else "", content_type="application/json")


@pytest.fixture
def enterprises(organisation: Any) -> Any:
    return published_enterprises(organisation)


@pytest.fixture
def people(make_user: Callable[..., Any], make_organisation: Callable[..., Any], grant: Callable[..., Any]) -> Any:
    return rule_people(make_user, make_organisation, grant)


@pytest.fixture
def rule(enterprises: Any, people: dict[str, Any]) -> Any:
    return services.rule_add(
        editor=people["officer"], dataset=enterprises, rule_type="regex", fields=["region"], params={"pattern": "^33"}
    )


def test_declare_list_change_and_remove_a_rule(
    enterprises: Any, people: dict[str, Any], signed_in: Callable[[Any], Client]
) -> None:
    client = signed_in(people["officer"])
    body = {"rule_type": "range", "fields": ["capital"], "params": {"min": 0, "max": 100000}, "severity": "high"}
    created = send(client, "POST", BASE, body)
    assert created.status_code == 201, created.content
    rule = created.json()
    assert (rule["rule_type_name"], rule["enabled"], rule["severity"]) == ("取值在范围内", True, "high")
    assert [item["id"] for item in client.get(BASE).json()] == [rule["id"]]
    changed = send(client, "PATCH", f"{BASE}/{rule['id']}", {"enabled": False, "description": "注册资本"})
    assert (changed.json()["enabled"], changed.json()["description"]) == (False, "注册资本")
    assert send(client, "DELETE", f"{BASE}/{rule['id']}").status_code == 204
    assert client.get(BASE).json() == []
    assert send(client, "DELETE", f"{BASE}/{rule['id']}").status_code == 404
    actions = set(audit_events().values_list("action", flat=True))
    assert {"quality.rule.add", "quality.rule.update", "quality.rule.delete"} <= actions


def test_bad_declarations_get_field_errors(
    enterprises: Any, people: dict[str, Any], signed_in: Callable[[Any], Client], rule: Any
) -> None:
    client = signed_in(people["officer"])
    cases = [
        ({"rule_type": "regex", "fields": ["name"], "params": {"pattern": "("}}, "params.pattern"),
        ({"rule_type": "regex", "fields": ["nothing"], "params": {"pattern": "a"}}, "fields"),
        ({"rule_type": "no_such_type", "fields": ["name"]}, "rule_type"),
        ({"rule_type": "range", "fields": ["capital"]}, "params.min"),
        ({"rule_type": "uscc", "fields": ["uscc"], "severity": "fatal"}, "severity"),
        ({"rule_type": "uscc", "fields": []}, "fields"),
    ]
    for body, field in cases:
        response = send(client, "POST", BASE, body)
        assert response.status_code == 422, (body, response.content)
        assert response["Content-Type"].startswith("application/problem+json")
        assert field in [error["field"] for error in response.json()["errors"]], (body, response.json())
    response = send(client, "PATCH", f"{BASE}/{rule.pk}", {"params": {"pattern": "("}})
    assert [error["field"] for error in response.json()["errors"]] == ["params.pattern"]
    assert response.json()["errors"][0]["pointer"] == "#/params/pattern"
    assert selectors.rules_of(dataset=enterprises).count() == 1


def test_reading_as_each_persona(
    enterprises: Any, people: dict[str, Any], rule: Any, assert_access: Callable[..., None]
) -> None:
    for path in (BASE, f"{BASE}.yaml"):
        assert_access(
            "get",
            path,
            owner=(people["officer"], 200),
            # A published entry is open to every official; so are its rules, to read.
            same_role_other_department=(people["elsewhere"], 200),
            bystander=(people["bystander"], 200),
            outsider=(people["citizen"], 404),
            anonymous=401,
        )


def test_writes_by_anyone_but_the_owner_are_refused_and_change_nothing(
    enterprises: Any, people: dict[str, Any], rule: Any, signed_in: Callable[[Any], Client]
) -> None:
    for who in ("elsewhere", "bystander", "citizen"):
        client = signed_in(people[who])
        assert send(client, "POST", BASE, {"rule_type": "uscc", "fields": ["uscc"]}).status_code == 404
        assert send(client, "PATCH", f"{BASE}/{rule.pk}", {"enabled": False}).status_code == 404
        assert send(client, "DELETE", f"{BASE}/{rule.pk}").status_code == 404
        assert send(client, "PUT", BASE, {"yaml": "rules: []", "replace": True}).status_code == 404
    assert send(Client(), "POST", BASE, {"rule_type": "uscc", "fields": ["uscc"]}).status_code == 401
    rule.refresh_from_db()
    assert rule.enabled
    assert selectors.rules_of(dataset=enterprises).count() == 1


def test_a_draft_and_its_rules_are_the_departments_own(
    organisation: Any, people: dict[str, Any], assert_access: Callable[..., None]
) -> None:
    data = payload("个体工商户信息")
    draft = catalog.dataset_create(author=people["officer"], organisation=organisation, data=data, fields=FIELDS)
    path = f"/api/v1/quality/datasets/{draft.code}/rules"
    assert_access(
        "get",
        path,
        owner=(people["officer"], 200),
        same_role_other_department=(people["elsewhere"], 404),
        outsider=(people["citizen"], 404),
    )


def test_rules_of_another_dataset_are_not_found_here(
    enterprises: Any, organisation: Any, people: dict[str, Any], signed_in: Callable[[Any], Client]
) -> None:
    other, _ = catalog.dataset_import_published(
        organisation=organisation, data=payload("企业年报"), fields=FIELDS, code="330100-000002"
    )
    foreign = services.rule_add(editor=people["officer"], dataset=other, rule_type="uscc", fields=["uscc"])
    client = signed_in(people["officer"])
    assert send(client, "PATCH", f"{BASE}/{foreign.pk}", {"enabled": False}).status_code == 404
    assert send(client, "DELETE", f"{BASE}/{foreign.pk}").status_code == 404


YAML = """rules:
  - {type: uscc, fields: [uscc], severity: high}
  - {type: unique, fields: [uscc]}
  - {type: not_blank, fields: [name]}
  - {type: regex, fields: [region], params: {pattern: '^\\d{6}$'}}
"""


def test_yaml_export_and_import(enterprises: Any, people: dict[str, Any], signed_in: Callable[[Any], Client]) -> None:
    client = signed_in(people["officer"])
    response = send(client, "PUT", BASE, {"yaml": YAML})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["updated"], body["unchanged"], body["removed"]) == (4, 0, 0, 0)
    assert [rule["rule_type"] for rule in body["rules"]] == ["uscc", "unique", "not_blank", "regex"]
    assert body["rules"][3]["params"] == {"pattern": r"^\d{6}$"}
    again = send(client, "PUT", BASE, {"yaml": YAML}).json()
    assert (again["created"], again["unchanged"]) == (0, 4)
    exported = client.get(f"{BASE}.yaml")
    assert exported["Content-Type"] == "application/yaml; charset=utf-8"
    document = yaml.safe_load(exported.content.decode())
    assert [rule["type"] for rule in document["rules"]] == ["uscc", "unique", "not_blank", "regex"]
    replaced = send(client, "PUT", BASE, {"yaml": exported.content.decode(), "replace": True}).json()
    assert (replaced["created"], replaced["unchanged"], replaced["removed"]) == (0, 4, 0)


def test_a_wrong_rule_in_yaml_saves_nothing_and_names_its_path(
    enterprises: Any, people: dict[str, Any], signed_in: Callable[[Any], Client]
) -> None:
    wrong = YAML.replace("'^\\d{6}$'", "'(unclosed'").replace("[name]", "[nothing]")
    response = send(signed_in(people["officer"]), "PUT", BASE, {"yaml": wrong})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [error["field"] for error in errors] == ["rules.2.fields", "rules.3.params.pattern"]
    assert errors[1]["pointer"] == "#/rules/3/params/pattern"
    assert not selectors.rules_of(dataset=enterprises).exists()
    response = send(signed_in(people["officer"]), "PUT", BASE, {"yaml": "rules: [unclosed"})
    assert response.status_code == 422
    assert "YAML" in response.json()["errors"][0]["detail"]


def test_list_in_constant_queries(enterprises: Any, people: dict[str, Any], signed_in: Callable[[Any], Client]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(people["officer"])
    send(client, "POST", BASE, {"rule_type": "uscc", "fields": ["uscc"]})
    client.get(BASE)
    with CaptureQueriesContext(connection) as one:
        client.get(BASE)
    for field in ("name", "region", "uscc"):
        send(client, "POST", BASE, {"rule_type": "not_blank", "fields": [field]})
    with CaptureQueriesContext(connection) as four:
        assert len(client.get(BASE).json()) == 4
    assert len(four.captured_queries) == len(one.captured_queries)
