"""A NUL character cannot be stored by PostgreSQL: every operation refuses it in the query string
or the JSON body with a problem naming the field, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_nul_in_a_query_is_refused_by_field() -> None:
    response = Client().get("/api/v1/eservices/items", {"search": "婚\x00姻"})
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert (error["field"], error["location"], error["code"]) == ("search", "query", "nul")


def test_nul_deep_in_a_body_is_refused_by_field(citizen_client: Client) -> None:
    body = '{"item": "x", "data": {"shop_name": "小吃\\u0000店"}}'
    response = citizen_client.post("/api/v1/eservices/cases", body, content_type="application/json")
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert (error["field"], error["location"]) == ("data.shop_name", "body")


def test_ordinary_text_passes(regions: Any) -> None:
    assert Client().get("/api/v1/eservices/items", {"search": "婚姻"}).status_code == 200
