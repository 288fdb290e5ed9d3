"""Open-data keys, rate limits (429 with Retry-After) and the usage statistics."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from shuzheng.accounts.services import api_token_create
from shuzheng.catalog import services as catalog
from shuzheng.opendata import selectors
from shuzheng.opendata.tests.test_ckan import LICENCE_ROWS, fields, payload

pytestmark = pytest.mark.django_db
STATUS = "/api/3/action/status_show"


@pytest.fixture
def opened(organisation: Any) -> Any:
    dataset, _ = catalog.dataset_import_published(
        organisation=organisation, data=payload("食品经营许可证信息"), fields=fields(), code="330100-000001"
    )
    catalog.resource_load_rows(dataset=dataset, name="许可证清单", rows=LICENCE_ROWS)
    return dataset


def key(user: Any, scope: str = "opendata") -> str:
    return api_token_create(user=user, name="script", scopes=[scope], days=30).plaintext


def test_anonymous_callers_are_limited_per_address_with_retry_after(settings: Any) -> None:
    settings.SHUZHENG_OPEN_RATE_ANONYMOUS = "3/m"
    client = Client()
    assert [client.get(STATUS).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(STATUS)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["success"] is False
    assert refused.json()["error"]["__type"] == "Throttled"
    elsewhere = Client(REMOTE_ADDR="10.0.0.8")
    assert elsewhere.get(STATUS).status_code == 200


def test_a_key_lifts_the_limit_to_the_users_own(settings: Any, citizen: Any) -> None:
    settings.SHUZHENG_OPEN_RATE_ANONYMOUS = "1/m"
    settings.SHUZHENG_OPEN_RATE_KEY = "5/m"
    anonymous = Client()
    anonymous.get(STATUS)
    assert anonymous.get(STATUS).status_code == 429
    # ckanapi sends the bare key in Authorization; other clients send a bearer token.
    keyed = Client(headers={"Authorization": key(citizen)})
    assert [keyed.get(STATUS).status_code for _ in range(5)] == [200] * 5
    assert Client(headers={"Authorization": f"Bearer {key(citizen)}"}).get(STATUS).status_code == 429


@pytest.mark.parametrize("scope_or_key", ["profile", "szk_bogus_key"])
def test_a_wrong_key_is_refused_not_ignored(citizen: Any, scope_or_key: str) -> None:
    presented = key(citizen, scope_or_key) if scope_or_key == "profile" else scope_or_key
    response = Client(headers={"X-CKAN-API-Key": presented}).get(STATUS)
    assert response.status_code == 403
    assert response.json()["error"]["__type"] == "Authorization Error"


def test_downloads_are_limited_and_counted(settings: Any, opened: Any) -> None:
    settings.SHUZHENG_OPEN_RATE_ANONYMOUS = "2/m"
    client = Client()
    url = f"/open/datasets/{opened.name}/download.csv"
    assert client.get(url).status_code == 200
    assert client.get(url.replace(".csv", ".json")).status_code == 200
    refused = client.get(url)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert selectors.usage_totals(dataset=opened) == {"downloads": 2, "api_calls": 0}


def test_datastore_calls_are_counted_and_shown(client: Client, opened: Any) -> None:
    resource = opened.resources.get()
    for _ in range(3):
        client.get("/api/3/action/datastore_search", {"resource_id": resource.key})
    client.get(f"/open/datasets/{opened.name}/download.xlsx")
    assert selectors.usage_totals() == {"downloads": 1, "api_calls": 3}
    assert selectors.most_used() == [(opened.pk, 4)]
    home = client.get("/open/")
    assert home.context["usage"] == {"downloads": 1, "api_calls": 3}
    assert [dataset.pk for dataset in home.context["popular"]] == [opened.pk]
    page = client.get(f"/open/datasets/{opened.name}/")
    assert page.context["usage"]["downloads"] == 1


def test_the_developer_page_states_the_limits(client: Client, settings: Any) -> None:
    settings.SHUZHENG_OPEN_RATE_KEY = "1234/h"
    assert "1234/h" in client.get("/open/developers/").content.decode()


def test_restricted_reads_are_limited_too(
    settings: Any, organisation: Any, make_user: Callable[..., Any], signed_in: Callable[[Any], Client]
) -> None:
    settings.SHUZHENG_OPEN_RATE_KEY = "1/m"
    user = make_user("reader")
    bearer = Client(headers={"Authorization": f"Bearer {key(user)}"})
    assert bearer.get("/api/v1/opendata/restricted/ds-x/rows").status_code == 403  # counted, then refused
    refused = bearer.get("/api/v1/opendata/restricted/ds-x/rows")
    assert refused.status_code == 429
    assert refused["Content-Type"].startswith("application/problem+json")
    assert int(refused["Retry-After"]) >= 1
