"""The governed API as a consumer system calls it: what a grant lets through, every refusal
(nothing leaks, in the answer or in the call record), verification, batches, rates and quotas."""

from __future__ import annotations

import datetime
import json
import uuid
from typing import Any

import pytest
import time_machine
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.test import Client
from django.utils import timezone

from shuzheng.accounts.services import api_token_create
from shuzheng.sharing import gateway, services
from shuzheng.sharing.choices import GrantStatus
from shuzheng.sharing.models import CallRecord
from shuzheng.sharing.tests.factories import CHEN, LIU, WANG

pytestmark = pytest.mark.django_db
BASE = "/api/v1/sharing/datasets/330100-000090"


def call(token: str, operation: str, body: dict[str, Any], *, purpose: str = "MZ2026-000123") -> Any:
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": purpose}
    return Client().post(f"{BASE}/{operation}", json.dumps(body), content_type="application/json", headers=headers)


def last_call() -> CallRecord:
    return CallRecord.objects.order_by("-pk").first()  # type: ignore[return-value]


def test_a_lookup_returns_the_granted_fields_masked_and_is_recorded(granted: Any, token: str) -> None:
    response = call(token, "lookup", {"field": "id_number", "value": WANG})
    assert response.status_code == 200, response.content
    [record] = response.json()["records"]
    assert set(record) == {"id_number", "name", "household"}  # not region: not granted
    assert record["name"] == "王晓梅"
    assert record["id_number"] == "33**************24"  # L3: masked for sharing, the national convention
    logged = last_call()
    assert (logged.grant, logged.case, logged.operation, logged.results, logged.status) == (
        granted,
        "MZ2026-000123",
        "lookup",
        1,
        200,
    )
    assert logged.fields == ["id_number", "name", "household"]
    assert len(logged.subjects) == 1


def test_a_record_outside_the_row_filter_is_not_there(granted: Any, token: str) -> None:
    response = call(token, "lookup", {"field": "id_number", "value": CHEN})  # 拱墅区, not 西湖区
    assert response.status_code == 200
    assert response.json() == {"records": []}
    assert last_call().results == 0
    assert len(last_call().subjects) == 0


def assert_refused(response: Any, status: int, refusal: str) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["refusal"] == refusal
    assert "records" not in body
    for value in (WANG, "王晓梅", "HZ0106"):
        assert value not in response.content.decode()
    logged = last_call()
    assert (logged.status, logged.refusal, logged.fields, logged.results) == (status, refusal, [], 0)
    assert len(logged.subjects) == 0


def test_a_field_outside_the_grant_is_refused(granted: Any, token: str) -> None:
    assert_refused(call(token, "lookup", {"field": "region", "value": "330106"}), 403, "field")
    assert_refused(call(token, "verify", {"values": {"region": "330106", "id_number": WANG}}), 403, "field")


def test_rows_outside_the_grant_are_refused(granted: Any, token: str) -> None:
    granted.fields = [*granted.fields, "region"]
    granted.save()
    assert_refused(call(token, "query", {"filters": {"region": "330105"}}), 403, "row")


def test_a_consumer_without_a_grant_is_refused(cast: dict[str, Any], granted: Any) -> None:
    stranger = api_token_create(user=cast["stranger"], name="社保系统", scopes=[services.SCOPE], days=30).plaintext
    assert_refused(call(stranger, "lookup", {"field": "id_number", "value": WANG}), 403, "no_grant")


@pytest.mark.parametrize(
    ("change", "refusal"),
    [
        ({"status": GrantStatus.SUSPENDED}, "suspended"),
        ({"status": GrantStatus.REVOKED}, "no_grant"),  # a revoked grant is no grant
        ({"valid_until": datetime.date(2026, 1, 1), "valid_from": datetime.date(2025, 1, 1)}, "expired"),
    ],
)
def test_a_grant_not_in_force_is_refused(granted: Any, token: str, change: dict[str, Any], refusal: str) -> None:
    for name, value in change.items():
        setattr(granted, name, value)
    granted.save()
    assert_refused(call(token, "lookup", {"field": "id_number", "value": WANG}), 403, refusal)


def test_a_query_stays_within_the_row_filter(granted: Any, token: str) -> None:
    response = call(token, "query", {"filters": {}, "page": 1, "page_size": 10})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 2
    assert {record["name"] for record in body["records"]} == {"王晓梅", "刘思远"}
    assert len(last_call().subjects) == 2


def test_verify_answers_match_or_no_match_and_nothing_else(granted: Any, token: str) -> None:
    yes = call(token, "verify", {"values": {"id_number": WANG, "name": "王晓梅"}})
    no = call(token, "verify", {"values": {"id_number": WANG, "name": "王小梅"}})
    outside = call(token, "verify", {"values": {"id_number": CHEN, "name": "陈建国"}})
    assert [r.json() for r in (yes, no, outside)] == [{"match": True}, {"match": False}, {"match": False}]
    logged = last_call()
    assert (logged.operation, logged.fields, logged.results) == ("verify", [], 0)
    assert len(logged.subjects) == 1  # the person verified sees the check


def test_a_batch_is_authorised_whole_or_not_at_all(granted: Any, token: str, settings: Any) -> None:
    response = call(token, "batch", {"field": "id_number", "values": [WANG, LIU, CHEN]})
    assert response.status_code == 200
    assert len(response.json()["records"]) == 2
    assert_refused(call(token, "batch", {"field": "region", "values": ["330106", "330105"]}), 403, "field")
    settings.SHUZHENG_SHARING_BATCH_MAX = 2
    too_many = call(token, "batch", {"field": "id_number", "values": [WANG, LIU, CHEN]})
    assert too_many.status_code == 422
    assert too_many.json()["errors"][0]["field"] == "values"


def test_every_call_names_its_case(granted: Any, token: str) -> None:
    response = call(token, "lookup", {"field": "id_number", "value": WANG}, purpose="")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "X-Purpose"
    chinese = call(token, "lookup", {"field": "id_number", "value": WANG}, purpose="%E6%9D%8E%E5%A8%9C")
    assert chinese.status_code == 200
    assert last_call().case == "李娜"


def test_a_token_without_the_sharing_scope_or_a_citizen_is_refused(cast: dict[str, Any], granted: Any) -> None:
    other = api_token_create(user=cast["system"], name="其他", scopes=["privacy"], days=30).plaintext
    assert call(other, "lookup", {"field": "id_number", "value": WANG}).status_code == 403
    citizen = api_token_create(user=cast["citizen"], name="我的", scopes=[services.SCOPE], days=30).plaintext
    assert call(citizen, "lookup", {"field": "id_number", "value": WANG}).status_code == 403
    anonymous = Client().post(f"{BASE}/lookup", {"field": "id_number", "value": WANG}, content_type="application/json")
    assert anonymous.status_code == 401


def test_the_rate_and_the_daily_quota_answer_429_with_retry_after(granted: Any, token: str) -> None:
    # The minute's window must not end between the calls: the clock stands still.
    with time_machine.travel(timezone.now(), tick=False):
        granted.rate_per_minute, granted.daily_quota = 2, 1000
        granted.save()
        body = {"field": "id_number", "value": WANG}
        assert [call(token, "lookup", body).status_code for _ in range(2)] == [200, 200]
        limited = call(token, "lookup", body)
        assert_refused(limited, 429, "rate")
        assert int(limited["Retry-After"]) >= 1
        granted.rate_per_minute, granted.daily_quota = 1000, 2  # two calls served today already
        granted.save()
        assert_refused(call(token, "lookup", body), 429, "quota")


def test_calls_keep_the_datasets_description_but_read_the_grant_every_time(
    granted: Any, token: str, cast: dict[str, Any], settings: Any, django_assert_max_num_queries: Any
) -> None:
    settings.SHUZHENG_SHARING_CACHE_SECONDS = 60
    body = {"field": "id_number", "value": WANG}
    assert call(token, "lookup", body).status_code == 200
    # The token, the grant, and the call record: one INSERT.
    with django_assert_max_num_queries(3):
        assert call(token, "lookup", body).status_code == 200
    services.grant_set_status(official=cast["provider"], grant=granted, status=GrantStatus.REVOKED, reason="滥用")
    assert_refused(call(token, "lookup", body), 403, "no_grant")


def test_the_public_key_is_published(client: Client) -> None:
    key = client.get("/api/v1/sharing/keys").json()
    assert key["algorithm"] == "ed25519"
    assert "BEGIN PUBLIC KEY" in key["public_key"]


def test_a_consumer_lists_its_grants(granted: Any, token: str, cast: dict[str, Any]) -> None:
    response = Client().get("/api/v1/sharing/grants", headers={"Authorization": f"Bearer {token}"})
    assert [grant["dataset"] for grant in response.json()] == ["330100-000090"]
    stranger = api_token_create(user=cast["stranger"], name="社保", scopes=[services.SCOPE], days=30).plaintext
    assert Client().get("/api/v1/sharing/grants", headers={"Authorization": f"Bearer {stranger}"}).json() == []


def test_rate_and_quota_counters_are_shared_through_redis(settings: Any) -> None:
    # Several server processes count one grant's calls: on Redis, in one pipelined round trip.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/11",
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    assert isinstance(caches["default"], RedisCache)
    counters = [("sharing.rate.1.0", 120), ("sharing.quota.1.20261129", 60)]
    assert [gateway._counted(counters) for _ in range(3)] == [[1, 1], [2, 2], [3, 3]]
