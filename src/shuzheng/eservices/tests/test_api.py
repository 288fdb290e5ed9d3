from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from shuzheng.core.selectors import audit_events
from shuzheng.eservices.choices import CaseAction, CaseStatus
from shuzheng.eservices.models import Case, CaseMaterial
from shuzheng.eservices.tests.conftest import bad
from shuzheng.eservices.tests.factories import FORM

API = "/api/v1/eservices"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(name: str, content: bytes) -> io.BytesIO:
    file = io.BytesIO(content)
    file.name = name
    return file


@pytest.fixture
def as_(cast: dict[str, Any], signed_in: Callable[[Any], Client]) -> Callable[[str], Client]:
    return lambda who: signed_in(cast[who])


def test_the_catalogue_and_the_guide_are_public(item: Any) -> None:
    client = Client()
    listed = client.get(f"{API}/items", {"region": "330106"}).json()
    assert [row["name"] for row in listed] == ["个体工商户设立登记"]
    guide = client.get(f"{API}/items/{item.implementation_code}").json()
    assert guide["definition"]["promised_days"] == 3
    assert client.get(f"{API}/items/nothing").status_code == 404


def test_any_code_names_an_item_even_one_spelt_like_an_action(db: None, client: Client) -> None:
    """Import is posted to the catalogue, so no code under /items/ is taken by another route."""
    for code in ("import", "export"):
        assert client.get(f"{API}/items/{code}").status_code == 404


def test_export_gives_back_what_import_takes(item: Any, as_: Callable[[str], Client], cast: dict[str, Any]) -> None:
    exported = as_("clerk").get(f"{API}/items/{item.implementation_code}/export").json()
    exported["name"] = "个体工商户设立登记（试行）"
    response = as_("clerk").post(f"{API}/items", [exported], content_type="application/json")
    assert response.status_code == 201, response.content
    assert item.versions.count() == 2
    # Another department may not import into this one's items.
    assert as_("stranger").post(f"{API}/items", [exported], content_type="application/json").status_code == 403


def test_an_import_with_one_bad_item_imports_nothing(item: Any, as_: Callable[[str], Client]) -> None:
    exported = as_("clerk").get(f"{API}/items/{item.implementation_code}/export").json()
    good = {**exported, "basic_code": "000120001001"}
    bad = {**exported, "basic_code": "000120001002", "promised_days": 99}
    response = as_("clerk").post(f"{API}/items", [good, bad], content_type="application/json")
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert item.versions.count() == 1
    assert not type(item).objects.filter(basic_code="000120001001").exists()


def test_apply_with_a_draft_an_upload_and_a_submit(item: Any, as_: Callable[[str], Client]) -> None:
    client = as_("applicant")
    created = client.post(
        f"{API}/cases",
        {"item": item.implementation_code, "data": FORM, "submit": False},
        content_type="application/json",
    )
    assert created.status_code == 201
    uid = created.json()["uid"]
    assert created.json()["status"] == CaseStatus.DRAFT
    refused = client.post(f"{API}/cases/{uid}/submit")
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "materials.premises"
    stored = client.post(f"{API}/cases/{uid}/materials", {"material": "premises", "file": upload("租赁合同.pdf", PDF)})
    assert stored.status_code == 201, stored.content
    submitted = client.post(f"{API}/cases/{uid}/submit")
    assert submitted.json()["status"] == CaseStatus.SUBMITTED
    assert [material["material"] for material in submitted.json()["materials"]] == ["premises"]
    # Submitting again changes nothing.
    assert client.post(f"{API}/cases/{uid}/submit").json()["number"] == submitted.json()["number"]


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("合同.pdf", b"MZ\x90\x00" + b"\x00" * 200, "disguised"),
        ("合同.pdf", b"", "empty"),
        ("合同.pdf", b"<html><script>alert(1)</script></html>", "type"),
    ],
)
def test_a_disguised_or_empty_file_is_refused_and_nothing_is_stored(
    item: Any, as_: Callable[[str], Client], cast: dict[str, Any], name: str, content: bytes, code: str
) -> None:
    client = as_("applicant")
    uid = client.post(
        f"{API}/cases",
        {"item": item.implementation_code, "data": FORM, "submit": False},
        content_type="application/json",
    ).json()["uid"]
    response = client.post(f"{API}/cases/{uid}/materials", {"material": "premises", "file": upload(name, content)})
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] in {code, "type", "disguised"}
    assert not CaseMaterial.objects.exists()


def test_idempotent_submission_over_http(item: Any, as_: Callable[[str], Client]) -> None:
    client = as_("applicant")
    body = {"item": item.implementation_code, "data": FORM, "pledge": True}
    first = client.post(f"{API}/cases", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="abc")
    again = client.post(f"{API}/cases", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="abc")
    assert first.json()["uid"] == again.json()["uid"]
    other = client.post(
        f"{API}/cases",
        {**body, "data": {**FORM, "scope": "零售"}},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="abc",
    )
    assert other.status_code == 422
    assert Case.objects.count() == 1


def test_case_pages_of_the_api_per_persona(
    submitted: Case, assert_access: Callable[..., None], cast: dict[str, Any]
) -> None:
    url = f"{API}/cases/{submitted.uid}"
    assert_access(
        "get",
        url,
        owner=(cast["applicant"], 200),
        clerk=(cast["clerk"], 200),
        stranger=(cast["stranger"], 404),
        neighbour=(cast["neighbour"], 404),
        supervisor=(cast["supervisor"], 404),
        anonymous=401,
    )
    # The clerk's read of the application is on the record; the applicant's own is not.
    assert audit_events(action="eservices.case.read", actor_id=cast["clerk"].pk).count() == 1
    assert not audit_events(action="eservices.case.read", actor_id=cast["applicant"].pk).exists()


def test_actions_over_http_and_a_second_action_on_the_same_revision(
    submitted: Case, as_: Callable[[str], Client], cast: dict[str, Any]
) -> None:
    url = f"{API}/cases/{submitted.uid}/actions"
    seen = as_("clerk").get(f"{API}/cases/{submitted.uid}").json()
    assert set(seen["actions"]) == {"accept", "correction_request", "reject", "transfer"}
    body = {"action": CaseAction.ACCEPT, "revision": seen["revision"]}
    first = as_("clerk").post(url, body, content_type="application/json")
    assert first.status_code == 200
    second = as_("clerk").post(url, {**body, "action": "reject", "note": "材料不全"}, content_type="application/json")
    assert second.status_code == 409
    assert second["Content-Type"].startswith("application/problem+json")
    refused = as_("stranger").post(url, {**body, "revision": first.json()["revision"]}, content_type="application/json")
    assert refused.status_code == 404
    applicant = as_("applicant").post(
        url, {"action": "approve", "revision": first.json()["revision"]}, content_type="application/json"
    )
    assert applicant.status_code == 403


def test_only_those_who_see_the_case_download_its_materials(
    item: Any, as_: Callable[[str], Client], cast: dict[str, Any], assert_access: Callable[..., None]
) -> None:
    client = as_("applicant")
    uid = client.post(
        f"{API}/cases",
        {"item": item.implementation_code, "data": FORM, "submit": False},
        content_type="application/json",
    ).json()["uid"]
    material = client.post(
        f"{API}/cases/{uid}/materials", {"material": "premises", "file": upload("合同.pdf", PDF)}
    ).json()["uid"]
    client.post(f"{API}/cases/{uid}/submit")
    url = f"{API}/cases/{uid}/materials/{material}"
    assert b"".join(client.get(url).streaming_content) == PDF  # type: ignore[attr-defined]
    assert_access(
        "get",
        url,
        clerk=(cast["clerk"], 200),
        stranger=(cast["stranger"], 404),
        neighbour=(cast["neighbour"], 404),
        anonymous=401,
    )
    assert audit_events(action="eservices.case.material.read", actor_id=cast["clerk"].pk).exists()


def test_another_persons_case_is_not_found_by_any_operation(
    item: Any, as_: Callable[[str], Client], cast: dict[str, Any]
) -> None:
    uid = (
        as_("applicant")
        .post(
            f"{API}/cases",
            {"item": item.implementation_code, "data": FORM, "submit": False},
            content_type="application/json",
        )
        .json()["uid"]
    )
    for who in ("neighbour", "stranger", "clerk"):  # the clerk sees submitted cases, never drafts
        client = as_(who)
        assert client.post(f"{API}/cases/{uid}/submit").status_code == 404
        assert (
            client.post(
                f"{API}/cases/{uid}/materials", {"material": "premises", "file": upload("a.pdf", PDF)}
            ).status_code
            == 404
        )
        action = {"action": "withdraw", "revision": 1}
        assert client.post(f"{API}/cases/{uid}/actions", action, content_type="application/json").status_code == 404
    assert Client().post(f"{API}/cases/{uid}/submit").status_code == 401
    assert not CaseMaterial.objects.exists()


def test_items_are_submitted_and_reviewed_over_the_api(
    cast: dict[str, Any], signed_in: Callable[[Any], Client]
) -> None:
    from shuzheng.eservices import services
    from shuzheng.eservices.tests.factories import definition

    version = services.item_draft_save(definition=definition(), user=cast["clerk"])
    code = version.item.implementation_code
    assert signed_in(cast["stranger"]).post(f"{API}/items/{code}/submit").status_code == 404
    assert signed_in(cast["clerk"]).post(f"{API}/items/{code}/submit").json()["status"] == "review"
    own = signed_in(cast["clerk"]).post(
        f"{API}/items/{code}/review", {"approve": True}, content_type="application/json"
    )
    assert own.status_code == 403  # the clerk holds no reviewing role
    done = signed_in(cast["reviewer"]).post(
        f"{API}/items/{code}/review", {"approve": True}, content_type="application/json"
    )
    assert done.json()["status"] == "published"
    assert Client().get(f"{API}/items/{code}").status_code == 200


def test_rating_over_the_api_once_and_its_rectification_shown(
    finished: Case, as_: Callable[[str], Client], cast: dict[str, Any]
) -> None:
    url = f"{API}/cases/{finished.uid}/rating"
    assert as_("neighbour").post(url, {"level": 5}, content_type="application/json").status_code == 404
    refused = as_("applicant").post(url, {"level": 2}, content_type="application/json")
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "text"
    given = as_("applicant").post(
        url, {"level": 2, "dimensions": {"efficiency": 1}, "text": "排队太久"}, content_type="application/json"
    )
    assert given.status_code == 201
    assert given.json()["rectification"]["status"] == "open"
    assert as_("applicant").post(url, {"level": 5}, content_type="application/json").status_code == 409
    assert as_("clerk").get(url).json()["level"] == 2
    assert as_("stranger").get(url).status_code == 404


def test_a_bad_rating_is_rectified_and_appealed_over_the_api(
    finished: Case, handler: Any, reviewer: Any, as_: Callable[[str], Client], cast: dict[str, Any]
) -> None:
    """The department lists its bad ratings, calls back, appeals; the region's reviewer rejects the
    appeal; the department rectifies. Another department's handler and the applicant find nothing."""
    rectification = bad(cast, finished).rectification
    base = f"{API}/rectifications/{rectification.pk}"

    def post(who: str, action: str, body: dict[str, Any]) -> Any:
        return as_(who).post(f"{base}/{action}", body, content_type="application/json")

    (row,) = as_("clerk").get(f"{API}/rectifications", {"status": "open"}).json()
    assert (row["id"], row["case_uid"], row["level"], row["status"]) == (rectification.pk, str(finished.uid), 2, "open")
    assert as_("stranger").get(f"{API}/rectifications").json() == []
    for who in ("stranger", "applicant"):
        assert post(who, "callback", {"note": "已回访"}).status_code == 404
    assert post("clerk", "complete", {"note": "已整改"}).status_code == 422  # call back first
    assert post("clerk", "callback", {"note": "电话回访，申请人同意"}).json()["called_back_at"]
    blank = post("clerk", "appeal", {"note": "   "})  # refused as sent, not under the service's own name
    assert (blank.status_code, blank.json()["errors"][0]["field"]) == (422, "note")
    assert post("clerk", "appeal", {"note": "评价内容与本办件无关"}).json()["status"] == "appealed"
    assert [row["id"] for row in as_("supervisor").get(f"{API}/appeals").json()] == [rectification.pk]
    assert as_("clerk").get(f"{API}/appeals").json() == []
    assert post("clerk", "review", {"upheld": True, "note": "同意"}).status_code == 403  # not a reviewer
    rejected = post("supervisor", "review", {"upheld": False, "note": "核实为窗口答复不清，申诉不成立"})
    assert (rejected.json()["status"], rejected.json()["appeal_note"]) == ("open", "核实为窗口答复不清，申诉不成立")
    done = post("clerk", "complete", {"note": "已对窗口人员开展一次性告知培训"})
    assert done.json()["status"] == "done"
    assert as_("applicant").get(f"{API}/cases/{finished.uid}/rating").json()["rectification"]["status"] == "done"


def test_commitments_are_checked_over_the_api(
    cast: dict[str, Any], item: Any, as_: Callable[[str], Client], grant: Callable[..., Any]
) -> None:
    from shuzheng.eservices import selectors, services

    case = services.case_submit(applicant=cast["applicant"], item=item, data=FORM, pledge=True)
    grant(cast["clerk"], selectors.PLEDGE_VERIFY)
    (row,) = as_("clerk").get(f"{API}/commitments").json()
    assert row["case"] == case.number
    assert as_("stranger").get(f"{API}/commitments").json() == []
    url = f"{API}/commitments/{row['id']}/check"
    assert (
        as_("stranger").post(url, {"passed": True, "note": "属实"}, content_type="application/json").status_code == 404
    )
    checked = as_("clerk").post(url, {"passed": True, "note": "现场核查属实"}, content_type="application/json")
    assert checked.json()["status"] == "verified"


def test_an_enterprise_applies_through_its_representative_and_no_one_else(
    cast: dict[str, Any], as_: Callable[[str], Client]
) -> None:
    from shuzheng.accounts.services import legal_person_register
    from shuzheng.eservices import services
    from shuzheng.eservices.tests.factories import definition

    uscc = "91330100MA2H3X4Y6M"
    legal_person_register(uscc=uscc, name="杭州云栖数智科技有限公司", legal_representative=cast["applicant"])
    version = services.item_draft_save(definition=definition(service_object="enterprise"), user=cast["clerk"])
    services.version_publish_unreviewed(version=version)
    body = {"item": version.item.implementation_code, "data": FORM, "pledge": True, "legal_person": uscc}
    refused = as_("neighbour").post(f"{API}/cases", body, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["field"] == "legal_person"
    assert not Case.objects.exists()
    made = as_("applicant").post(
        f"{API}/cases", {**body, "legal_person": uscc.lower()}, content_type="application/json"
    )
    assert made.status_code == 201, made.content
    assert Case.objects.values_list("legal_person__uscc", flat=True).get() == uscc


def test_the_officials_lists_are_empty_for_a_citizen(submitted: Case, as_: Callable[[str], Client]) -> None:
    for path in ("todo", "overdue", "commitments", "ratings/statistics"):
        response = as_("applicant").get(f"{API}/{path}")
        assert (path, response.status_code, response.json()) == (path, 200, [])
    assert len(as_("clerk").get(f"{API}/todo").json()) == 1
