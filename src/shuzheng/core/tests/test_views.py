from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import DatabaseError
from django.test import Client

pytestmark = pytest.mark.django_db


def test_healthz_reports_ok(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["version"]
    assert "no-cache" in response["Cache-Control"]


def test_healthz_reports_a_dead_database(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db.backends.base.base import BaseDatabaseWrapper

    def refuse(self: Any, *args: Any) -> None:
        raise DatabaseError("connection refused: host db.internal user admin")

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "error"
    assert body["database"] == "error"
    assert "DatabaseError" in body["reason"]
    assert "db.internal" not in body["reason"]  # no hosts or users leak


def test_portal_home_is_chinese_and_has_no_external_assets(client: Client) -> None:
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html
    assert "办理时限计算" in html
    assert "http://" not in html.replace('xmlns="http://', "")
    assert "https://" not in html
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_problem_type_pages(client: Client) -> None:
    assert "请求参数有误" in client.get("/problems/validation-error").content.decode()
    assert client.get("/problems/no-such-problem").status_code == 404


def test_identifier_tool_full_page_and_fragment(client: Client) -> None:
    page = client.post("/tools/identifier/", {"kind": "uscc", "value": "91110000600037341L"})
    assert page.status_code == 200
    assert "号码有效" in page.content.decode()
    assert "<html" in page.content.decode()
    fragment = client.post(
        "/tools/identifier/", {"kind": "resident_id", "value": "110105194912310021"}, headers={"HX-Request": "true"}
    )
    assert "<html" not in fragment.content.decode()
    assert "号码无效" in fragment.content.decode()


def test_identifier_tool_rejects_an_empty_form(client: Client) -> None:
    response = client.post("/tools/identifier/", {"kind": "uscc", "value": ""})
    assert response.status_code == 200
    assert "result--bad" in response.content.decode()


def test_workdays_tool(client: Client) -> None:
    response = client.get("/tools/workdays/", {"start": "2026-09-30", "days": "1"})
    assert "2026-10-08" in response.content.decode()
    response = client.get("/tools/workdays/", {"start": "2026-12-30", "days": "5"})
    assert "尚未公布或录入" in response.content.decode()
    response = client.get("/tools/workdays/", {"start": "0001-01-02", "days": "-10"})
    assert "推算结果超出日期范围" in response.content.decode()
    response = client.get("/tools/workdays/", {"start": "bad", "days": "99999"})
    assert response.status_code == 200
    assert "field__error" in response.content.decode()


def test_workdays_tool_with_a_strict_calendar(client: Client, settings: Any) -> None:
    settings.SHUZHENG_CALENDAR_WEEKEND_FALLBACK = False
    response = client.get("/tools/workdays/", {"start": "2026-12-30", "days": "5"})
    assert response.status_code == 200
    assert "2027 年的节假日安排尚未录入" in response.content.decode()


def test_region_pages(client: Client, regions: None) -> None:
    assert 'href="/regions/330000/"' in client.get("/regions/").content.decode()
    province = client.get("/regions/330000/").content.decode()
    assert province.count('<span class="mono">33') == 11  # the eleven cities
    hangzhou = client.get("/regions/330100/").content.decode()
    assert "西湖区" in hangzhou
    assert "下城区" not in hangzhou
    old = client.get("/regions/332600/").content.decode()
    assert "停用" in old
    assert client.get("/regions/339999/").status_code == 404
