"""The sharing pages as each person sees them: the workbench for the provider, the consumer, the
platform and outsiders; the portal's 我的数据使用记录 for the person concerned and for others."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from shuzheng.accounts.services import legal_person_register
from shuzheng.catalog import services as catalog
from shuzheng.sharing import gateway, services
from shuzheng.sharing.choices import GrantStatus, RequestStatus
from shuzheng.sharing.models import CallRecord, Objection, ShareRequest
from shuzheng.sharing.tests.conftest import submitted
from shuzheng.sharing.tests.factories import WANG, payload

pytestmark = pytest.mark.django_db
SignedIn = Callable[[Any], Client]


def looked_up(cast: dict[str, Any], dataset: Any, field: str, value: str, case: str = "MZ2026-000123") -> None:
    caller = gateway.Caller(user=cast["system"], case=case)
    gateway.lookup(caller=caller, dataset=dataset, key_field=field, values=[value])
    services.calls_seal()  # the worker's part, within a second of the call


def test_each_side_sees_its_part_of_the_sharing_workbench(
    cast: dict[str, Any], register: Any, signed_in: SignedIn
) -> None:
    share = submitted(cast, register)
    platform = signed_in(cast["platform"]).get("/workbench/sharing/").content.decode()
    assert share.number in platform
    assert (
        share.number not in signed_in(cast["provider"]).get("/workbench/sharing/").content.decode()
    )  # not checked yet
    assert share.number in signed_in(cast["consumer"]).get("/workbench/sharing/").content.decode()
    for user in ("stranger", "bystander"):
        assert share.number not in signed_in(cast[user]).get("/workbench/sharing/").content.decode()
    assert signed_in(cast["citizen"]).get("/workbench/sharing/").status_code == 403
    assert Client().get("/workbench/sharing/").status_code == 302


def test_a_request_page_is_for_its_two_departments_and_the_platform(
    cast: dict[str, Any], register: Any, assert_access: Callable[..., None]
) -> None:
    share = submitted(cast, register)
    assert_access(
        "get",
        f"/workbench/sharing/requests/{share.number}/",
        consumer=(cast["consumer"], 200),
        provider=(cast["provider"], 200),
        platform=(cast["platform"], 200),
        stranger=(cast["stranger"], 404),
        bystander=(cast["bystander"], 404),
        citizen=(cast["citizen"], 403),
        anonymous=302,
    )


def test_request_check_and_answer_in_the_workbench(cast: dict[str, Any], register: Any, signed_in: SignedIn) -> None:
    response = signed_in(cast["consumer"]).post(
        f"/workbench/sharing/new/{register.code}/",
        {
            "columns": ["id_number", "name"],
            "purpose": "低保审核核对户籍",
            "scenario": "最低生活保障审核确认",
            "legal_basis": "《社会救助暂行办法》",
            "daily_calls": "200",
            "valid_until": (timezone.localdate() + datetime.timedelta(days=100)).isoformat(),
            "scope_field": "region",
            "scope_values": "330106，330108",
        },
    )
    share = ShareRequest.objects.get()
    assert response.status_code == 302
    assert share.row_filter == {"region": ["330106", "330108"]}
    url = f"/workbench/sharing/requests/{share.number}/"
    assert signed_in(cast["stranger"]).post(url, {"action": "pass"}).status_code == 404
    signed_in(cast["provider"]).post(url, {"action": "approve"})  # too early: still with the platform
    share.refresh_from_db()
    assert share.status == RequestStatus.CHECKING
    signed_in(cast["platform"]).post(url, {"action": "pass"})
    signed_in(cast["provider"]).post(url, {"action": "approve", "columns": ["name"]})
    share.refresh_from_db()
    assert share.status == RequestStatus.GRANTED
    assert share.grant.fields == ["name"]


def test_the_dataset_page_offers_to_request_it(cast: dict[str, Any], register: Any, signed_in: SignedIn) -> None:
    page = signed_in(cast["consumer"]).get(f"/workbench/catalog/{register.code}/").content.decode()
    assert f"/workbench/sharing/new/{register.code}/" in page
    own = signed_in(cast["provider"]).get(f"/workbench/catalog/{register.code}/").content.decode()
    assert "/workbench/sharing/new/" not in own


def test_a_grant_is_managed_by_its_owner_and_seen_by_its_consumer(
    cast: dict[str, Any], granted: Any, signed_in: SignedIn, assert_access: Callable[..., None]
) -> None:
    url = f"/workbench/sharing/grants/{granted.pk}/"
    assert_access(
        "get", url, provider=(cast["provider"], 200), consumer=(cast["consumer"], 200), stranger=(cast["stranger"], 404)
    )
    assert signed_in(cast["consumer"]).post(url, {"status": "suspended", "reason": "x"}).status_code == 403
    signed_in(cast["provider"]).post(url, {"status": "suspended", "reason": "核查调用异常"})
    granted.refresh_from_db()
    assert granted.status == GrantStatus.SUSPENDED


def test_the_call_log_shows_each_department_its_calls(cast: dict[str, Any], granted: Any, signed_in: SignedIn) -> None:
    looked_up(cast, granted.dataset, "id_number", WANG)
    for user in ("provider", "consumer", "platform"):
        assert "MZ2026-000123" in signed_in(cast[user]).get("/workbench/sharing/calls/").content.decode()
    assert "MZ2026-000123" not in signed_in(cast["stranger"]).get("/workbench/sharing/calls/").content.decode()
    verified = signed_in(cast["platform"]).post("/workbench/sharing/calls/").content.decode()
    assert "哈希链完整" in verified


def test_a_citizen_sees_exactly_the_calls_about_them(cast: dict[str, Any], granted: Any, signed_in: SignedIn) -> None:
    looked_up(cast, granted.dataset, "id_number", WANG, case="MZ2026-000777")
    looked_up(cast, granted.dataset, "id_number", "330106199211201443", case="MZ2026-000888")  # 刘思远
    mine = signed_in(cast["citizen"]).get("/my/data-use/").content.decode()
    assert "MZ2026-000777" in mine
    assert "杭州市民政局" in mine
    assert "MZ2026-000888" not in mine
    assert "MZ2026-000777" not in signed_in(cast["neighbour"]).get("/my/data-use/").content.decode()
    assert "MZ2026-000777" not in signed_in(cast["consumer"]).get("/my/data-use/").content.decode()
    assert Client().get("/my/data-use/").status_code == 302


def test_a_citizen_objects_to_a_call_and_the_platform_answers(
    cast: dict[str, Any], granted: Any, signed_in: SignedIn
) -> None:
    looked_up(cast, granted.dataset, "id_number", WANG)
    call = CallRecord.objects.get()
    assert signed_in(cast["neighbour"]).post("/my/data-use/", {"call": call.pk, "text": "不是我"}).status_code == 404
    signed_in(cast["citizen"]).post("/my/data-use/", {"call": call.pk, "text": "我没有申请过低保，为何查询我的户籍？"})
    objection = Objection.objects.get()
    assert objection.raised_by == cast["citizen"]
    assert signed_in(cast["provider"]).get("/workbench/sharing/objections/").status_code == 403
    page = signed_in(cast["platform"]).get("/workbench/sharing/objections/").content.decode()
    assert "我没有申请过低保" in page
    signed_in(cast["platform"]).post(
        "/workbench/sharing/objections/",
        {"objection": objection.pk, "answer": "经核查，系办理其家属申请时误录，已责令整改。"},
    )
    assert "已责令整改" in signed_in(cast["citizen"]).get("/my/data-use/").content.decode()


def test_an_enterprise_sees_the_calls_about_its_credit_code(
    cast: dict[str, Any], make_organisation: Any, make_user: Callable[..., Any], signed_in: SignedIn
) -> None:
    market = make_organisation("杭州市市场监督管理局", "330100")
    fields = [
        {"name": "uscc", "label": "统一社会信用代码", "data_type": "string", "grade": "L1"},
        {"name": "name", "label": "企业名称", "data_type": "string", "grade": "L1"},
    ]
    enterprises, _ = catalog.dataset_import_published(
        organisation=market,
        data=payload("企业登记信息", grade="L1", share_type="unconditional"),
        fields=fields,
        code="330100-000093",
    )
    catalog.resource_load_rows(
        dataset=enterprises, name="企业", rows=[{"uscc": "91330100MA2H3X4Y6M", "name": "杭州云栖数智科技有限公司"}]
    )
    share = submitted(cast, enterprises, fields=["uscc", "name"])
    services.request_check(official=cast["platform"], share=share, passed=True)
    looked_up(cast, enterprises, "uscc", "91330100MA2H3X4Y6M", case="MZ2026-000999")
    manager = make_user("zhou_ming", name="周明")
    legal_person_register(uscc="91330100MA2H3X4Y6M", name="杭州云栖数智科技有限公司", legal_representative=manager)
    assert "MZ2026-000999" in signed_in(manager).get("/my/data-use/").content.decode()
    assert "MZ2026-000999" not in signed_in(cast["citizen"]).get("/my/data-use/").content.decode()


def test_a_refused_call_is_no_use_of_anyones_data(cast: dict[str, Any], granted: Any, signed_in: SignedIn) -> None:
    services.grant_set_status(official=cast["provider"], grant=granted, status=GrantStatus.SUSPENDED, reason="核查")
    with pytest.raises(gateway.CallRefused):
        looked_up(cast, granted.dataset, "id_number", WANG, case="MZ2026-000555")
    assert "MZ2026-000555" not in signed_in(cast["citizen"]).get("/my/data-use/").content.decode()


def test_the_request_form_is_for_departments_with_the_role(
    cast: dict[str, Any], register: Any, signed_in: SignedIn, assert_access: Callable[..., None]
) -> None:
    url = f"/workbench/sharing/new/{register.code}/"
    assert_access("get", url, consumer=(cast["consumer"], 200), citizen=(cast["citizen"], 403), anonymous=302)
    assert signed_in(cast["consumer"]).get("/workbench/sharing/new/330100-999999/").status_code == 404
    body = {
        "columns": ["name"],
        "purpose": "核对",
        "scenario": "低保",
        "legal_basis": "《社会救助暂行办法》",
        "daily_calls": "10",
        "valid_until": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
    }
    assert signed_in(cast["bystander"]).post(url, body).status_code == 403  # no role to request
    own = signed_in(cast["provider"]).post(url, body)  # its own data: refused with the reason
    assert own.status_code == 200
    assert "本部门的数据无需申请共享" in own.content.decode()
    late = signed_in(cast["consumer"]).post(url, {**body, "valid_until": "2020-01-01"})
    assert "使用期限应在今天之后" in late.content.decode()
    assert not ShareRequest.objects.exists()


def test_only_a_person_the_call_touched_may_object_to_it(cast: dict[str, Any], granted: Any) -> None:
    looked_up(cast, granted.dataset, "id_number", WANG)
    call = CallRecord.objects.get()
    with pytest.raises(services.SharingForbidden):
        services.objection_raise(person=cast["neighbour"], call=call, text="查一下")
    with pytest.raises(services.SharingInvalid):
        services.objection_raise(person=cast["citizen"], call=call, text=" ")
    assert not Objection.objects.exists()
