from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from shuzheng.eservices.choices import CaseAction, CaseStatus
from shuzheng.eservices.models import Case, CaseMaterial
from shuzheng.eservices.tests.conftest import act

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FIELDS = {"f-shop_name": "西湖区晓梅小吃店", "f-scope": "餐饮服务", "f-address": "杭州市西湖区文三路 90 号"}


def pdf(name: str = "场地证明.pdf", content: bytes = PDF) -> io.BytesIO:
    file = io.BytesIO(content)
    file.name = name
    return file


@pytest.fixture
def applicant(cast: dict[str, Any], signed_in: Callable[[Any], Client]) -> Client:
    return signed_in(cast["applicant"])


def draft_url(client: Client, item: Any) -> str:
    response = client.post(reverse("eservices:apply", args=[item.implementation_code]))
    assert response.status_code == 302
    return str(response["Location"])


def test_the_catalogue_and_guide_are_public_and_plain(item: Any) -> None:
    client = Client()
    page = client.get(reverse("eservices:items"), {"q": "个体"})
    assert page.status_code == 200
    assert "个体工商户设立登记" in page.content.decode()
    assert "个体工商户设立登记" not in client.get(reverse("eservices:items"), {"q": "结婚"}).content.decode()
    guide = client.get(reverse("eservices:guide", args=[item.implementation_code])).content.decode()
    for text in (
        "承诺 3 个工作日办结",
        "经营场所使用证明",
        "免提交：由部门通过数据共享获取",
        "可以网上办理吗",
        "登录后在线申请",
    ):
        assert text in guide
    assert client.get(reverse("eservices:guide", args=["nothing"])).status_code == 404


def test_applying_needs_an_account(item: Any) -> None:
    response = Client().post(reverse("eservices:apply", args=[item.implementation_code]))
    assert response.status_code == 302
    assert "login" in str(response["Location"])


def test_one_draft_per_item_kept_between_visits(item: Any, applicant: Client) -> None:
    url = draft_url(applicant, item)
    assert draft_url(applicant, item) == url
    saved = applicant.post(url, {"intent": "save", "f-shop_name": "晓梅小吃"})
    assert saved.status_code == 302
    assert Case.objects.get().data == {"shop_name": "晓梅小吃"}
    assert 'value="晓梅小吃"' in applicant.get(url).content.decode()


def test_submit_checks_the_form_and_materials_then_makes_one_case(item: Any, applicant: Client) -> None:
    url = draft_url(applicant, item)
    refused = applicant.post(url, {"intent": "submit", "f-shop_name": "晓梅小吃"})
    assert refused.status_code == 422
    text = refused.content.decode()
    assert "这个字段是必填项" in text or "必填" in text
    assert "请上传此项材料" in text
    done = applicant.post(url, {"intent": "submit", **FIELDS, "material-premises": pdf()})
    assert done.status_code == 302
    case = Case.objects.get()
    assert case.status == CaseStatus.SUBMITTED
    assert done["Location"] == reverse("eservices:my-case", args=[case.uid])
    # A second click on "submit" finds the case already made.
    again = applicant.post(url, {"intent": "submit", **FIELDS})
    assert again.status_code == 302
    assert Case.objects.count() == 1


def test_a_disguised_file_is_refused_on_its_field_and_nothing_kept(item: Any, applicant: Client) -> None:
    url = draft_url(applicant, item)
    response = applicant.post(
        url, {"intent": "submit", **FIELDS, "material-premises": pdf("证明.pdf", b"MZ\x90\x00" + b"\0" * 100)}
    )
    assert response.status_code == 422
    assert "可执行程序" in response.content.decode()
    assert not CaseMaterial.objects.exists()
    assert Case.objects.get().status == CaseStatus.DRAFT


def test_my_cases_and_a_case_per_persona(
    submitted: Case, cast: dict[str, Any], assert_access: Callable[..., None], signed_in: Callable[[Any], Client]
) -> None:
    url = reverse("eservices:my-case", args=[submitted.uid])
    assert_access(
        "get",
        url,
        owner=(cast["applicant"], 200),
        neighbour=(cast["neighbour"], 404),
        clerk=(cast["clerk"], 404),
        anonymous=302,
    )
    number = str(submitted.number)
    assert number in signed_in(cast["applicant"]).get(reverse("eservices:my-cases")).content.decode()
    assert number not in signed_in(cast["neighbour"]).get(reverse("eservices:my-cases")).content.decode()


def test_a_correction_shows_what_is_asked_and_resumes_the_case(
    submitted: Case, cast: dict[str, Any], applicant: Client
) -> None:
    case = act(submitted, cast["clerk"], CaseAction.ACCEPT)
    act(case, cast["clerk"], CaseAction.CORRECTION_REQUEST, note="请上传门店照片")
    url = reverse("eservices:edit", args=[case.uid])
    page = applicant.get(url).content.decode()
    assert "请上传门店照片" in page
    case.refresh_from_db()
    done = applicant.post(
        url, {"intent": "correct", "revision": case.revision, **FIELDS, "material-photo": pdf("门店.pdf")}
    )
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.PROCESSING
    assert CaseMaterial.objects.filter(case=case, material="photo").exists()


def test_withdraw_from_the_case_page(submitted: Case, applicant: Client, cast: dict[str, Any]) -> None:
    url = reverse("eservices:my-case", args=[submitted.uid])
    assert "确认撤回" in applicant.get(url).content.decode()
    applicant.post(url, {"action": "withdraw", "revision": submitted.revision})
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.WITHDRAWN


def test_only_the_applicant_downloads_their_material(
    item: Any, applicant: Client, cast: dict[str, Any], assert_access: Callable[..., None]
) -> None:
    url = draft_url(applicant, item)
    applicant.post(url, {"intent": "save", "material-premises": pdf()})
    material = CaseMaterial.objects.get()
    download = reverse("eservices:my-material", args=[material.case.uid, material.uid])
    assert b"".join(applicant.get(download).streaming_content) == PDF  # type: ignore[attr-defined]
    assert_access("get", download, neighbour=(cast["neighbour"], 404), clerk=(cast["clerk"], 404))


def test_discarding_a_draft_removes_it_and_its_files(
    item: Any, applicant: Client, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    url = draft_url(applicant, item)
    applicant.post(url, {"intent": "save", "material-premises": pdf()})
    case = Case.objects.get()
    stored = settings.SHUZHENG_UPLOAD_ROOT / CaseMaterial.objects.get().path
    assert stored.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = applicant.post(reverse("eservices:discard", args=[case.uid]))
    assert response.status_code == 302
    assert not Case.objects.exists()
    assert not stored.exists()
