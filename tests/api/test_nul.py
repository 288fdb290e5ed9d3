"""A NUL character cannot be stored by PostgreSQL: the API turns it into U+FFFD in every query
string and JSON body, so that it never becomes a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_nul_in_a_query_is_replaced(regions: Any) -> None:
    # On PostgreSQL this search used to end in a DataError and a 500.
    response = Client().get("/api/v1/eservices/items", {"search": "结\x00婚"})
    assert response.status_code == 200
    assert response.json() == []


def test_nul_deep_in_a_body_is_replaced(citizen_client: Client) -> None:
    body = '{"kind": "mobile", "value": "138\\u0000", "\\u0000extra": {"a\\u0000": ["\\u0000"]}}'
    response = citizen_client.post("/api/v1/core/identifiers/check", body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["valid"] is False
