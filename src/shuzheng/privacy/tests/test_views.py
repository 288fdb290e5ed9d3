from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.test import Client

from shuzheng.privacy.models import FieldProposal, MaskingPolicy, ReleaseCheck

POLICIES = "/workbench/privacy/"


def page(register: Any) -> str:
    return f"/workbench/privacy/datasets/{register.code}/"


def test_pages_as_each_persona(register: Any, cast: dict[str, Any], assert_access: Callable[..., None]) -> None:
    for url in (POLICIES, page(register)):
        assert_access(
            "get",
            url,
            owner=(cast["officer"], 200),
            stranger=(cast["elsewhere"], 200),
            outsider=(cast["bystander"], 200),
            citizen=(cast["citizen"], 403),
            anonymous=302,
        )


def test_the_owning_officer_classifies_decides_and_checks(
    register: Any, cast: dict[str, Any], signed_in: Callable[[Any], Client]
) -> None:
    client = signed_in(cast["officer"])
    assert client.post(page(register), {"action": "classify"}).status_code == 302
    proposal = FieldProposal.objects.get(dataset=register, field_name="id_number")
    client.post(page(register), {"action": "accept", "proposal": proposal.pk})
    proposal.refresh_from_db()
    assert proposal.status == "accepted"
    shown = client.get(page(register)).content.decode()
    assert "居民身份证号" in shown
    form = {"action": "check", "quasi_identifiers": ["birth", "sex", "region"], "k": 5, "l_diversity": 1}
    assert client.post(page(register), form).status_code == 302
    failed = ReleaseCheck.objects.get()
    assert not failed.passed
    assert client.post(page(register), {"action": "apply", "check": failed.pk}).status_code == 302
    assert ReleaseCheck.objects.first().passed  # type: ignore[union-attr]
    catalogue = client.get(f"/workbench/catalog/{register.code}/").content.decode()
    assert 'data-testid="privacy"' in catalogue


def test_others_read_but_cannot_act(register: Any, cast: dict[str, Any], signed_in: Callable[[Any], Client]) -> None:
    for who in ("elsewhere", "bystander"):
        client = signed_in(cast[who])
        assert 'data-testid="read-only"' in client.get(page(register)).content.decode()
        assert client.post(page(register), {"action": "classify"}).status_code == 403
    assert not FieldProposal.objects.exists()


def test_any_official_tries_sample_values_and_nothing_is_kept(
    cast: dict[str, Any], signed_in: Callable[[Any], Client]
) -> None:
    response = signed_in(cast["bystander"]).post(
        POLICIES, {"action": "try", "text": "联系电话13800138000", "channel": "display", "grade": "L3"}
    )
    assert response.status_code == 200
    assert response.context["result"]["text"] == "联系电话138****8000"
    assert not MaskingPolicy.objects.exists()


def test_only_the_keeper_saves_policies(cast: dict[str, Any], signed_in: Callable[[Any], Client]) -> None:
    form = {
        "action": "save",
        "channel": "export",
        "grade": "L2",
        "purpose": "",
        "treatments": json.dumps({"*": {"method": "redact"}, "": {"method": "keep"}}),
    }
    assert signed_in(cast["officer"]).post(POLICIES, form).status_code == 403
    assert signed_in(cast["platform"]).post(POLICIES, form).status_code == 302
    assert MaskingPolicy.objects.get().treatments["*"] == {"method": "redact"}
    wrong = signed_in(cast["platform"]).post(POLICIES, {**form, "treatments": '{"*": {"method": "shred"}}'})
    assert wrong.status_code == 200
    assert "没有这种处理方法" in wrong.content.decode()
