"""Every endpoint the API publishes answers bad input with a problem, never a 500.

The endpoints are read from the OpenAPI document, so an endpoint added by any
app is covered without touching this file: each gets a malformed JSON body (if
it takes one) and a wrongly typed value for each parameter and body field.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

# Values of the wrong type for each JSON-schema type; chosen so that no lax
# conversion can turn them into a valid value.
WRONG_BY_TYPE: dict[str, Any] = {
    "string": 12345,
    "integer": "twelve",
    "number": "twelve",
    "boolean": "maybe",
    "array": 5,
    "object": 5,
}
WRONG_IN_QUERY: dict[str, str] = {"integer": "twelve", "number": "twelve", "boolean": "maybe"}
# Sample values for path parameters, by name; a new path parameter name must be added here.
PATH_SAMPLES = {
    "code": "330106",
    "uscc": "91330100MA2H3X4Y6M",
    "prefix": "abcdef012345",
    "number": "KF202600000001",
    "name": "ds-330100-000001",
    "rule_id": "1",
    "run_id": "1",
    "organisation_id": "1",
    "pipeline_id": "1",
    "row_id": "1",
    "uid": "6f1c2a34-5b6d-4e7f-8a9b-0c1d2e3f4a5b",
    "material_uid": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
    "commitment_id": "1",
    "rectification_id": "1",
}


def _schema() -> dict[str, Any]:
    from shuzheng.api import api

    # Through JSON, as clients see it (status codes become string keys).
    return json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1")))  # type: ignore[no-any-return]


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema["components"]["schemas"][name]
    if "allOf" in node and len(node["allOf"]) == 1:
        return _resolve(schema, node["allOf"][0])
    return node


def _wrong_value(schema: dict[str, Any], node: dict[str, Any], *, in_query: bool) -> Any:
    node = _resolve(schema, node)
    if "enum" in node:
        return "no-such-choice"
    if "pattern" in node:
        return "!" if in_query else 12345
    if node.get("format") in {"date", "date-time"}:
        return "2026-02-30"
    table = WRONG_IN_QUERY if in_query else WRONG_BY_TYPE
    return table.get(node.get("type", ""))


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    schema = _schema()
    return [
        (method.upper(), path, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]


def _url(path: str) -> str:
    for name, value in PATH_SAMPLES.items():
        path = path.replace("{" + name + "}", value)
    assert "{" not in path, f"add a sample for the path parameter in {path}"
    return path


def _assert_problem(response: Any, field: str) -> None:
    assert response.status_code in {400, 422}, (response.status_code, response.content)
    assert response["Content-Type"].startswith("application/problem+json")
    fields = [error["field"] for error in json.loads(response.content)["errors"]]
    assert field in fields, fields


OPERATIONS = _operations()


def test_the_api_has_endpoints() -> None:
    assert len(OPERATIONS) >= 5


@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS, ids=[f"{m} {p}" for m, p, _ in OPERATIONS])
def test_bad_input_gets_a_problem_naming_the_field(
    citizen: Any, citizen_client: Client, method: str, path: str, operation: dict[str, Any]
) -> None:
    # Signed in, so that private operations reach their input validation; with a token where
    # the operation takes nothing else.
    client = citizen_client
    if not any("SessionAuth" in requirement for requirement in operation.get("security", [{"SessionAuth": []}])):
        from shuzheng.accounts import services

        scopes = list(services.API_SCOPES)
        token = services.api_token_create(user=citizen, name="every-endpoint", scopes=scopes, days=1)
        client = Client(headers={"Authorization": f"Bearer {token.plaintext}"})
    schema = _schema()
    url = _url(path)
    tried = 0

    for parameter in operation.get("parameters", []):
        if parameter["in"] != "query":
            continue
        wrong = _wrong_value(schema, parameter.get("schema", {}), in_query=True)
        if wrong is None:
            continue
        response = client.generic(method, f"{url}?{parameter['name']}={wrong}")
        _assert_problem(response, parameter["name"])
        tried += 1

    body = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if body:
        response = client.generic(method, url, '{"unterminated": ', content_type="application/json")
        _assert_problem(response, "body")
        tried += 1
        body_schema = _resolve(schema, body["schema"])
        for name, prop in body_schema.get("properties", {}).items():
            wrong = _wrong_value(schema, prop, in_query=False)
            if wrong is None:
                continue
            response = client.generic(method, url, json.dumps({name: wrong}), content_type="application/json")
            _assert_problem(response, name)
            tried += 1

    if not tried:
        # Nothing can be wrong: at least it must not fail on the bare request.
        assert client.generic(method, url).status_code < 500
