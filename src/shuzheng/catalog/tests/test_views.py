"""The catalogue workbench: list, draft with fields, submit, review with the changes, files, compare —
as the department's staff, as the same roles of another department, and as outsiders."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from shuzheng.catalog import services
from shuzheng.catalog.models import Dataset

pytestmark = pytest.mark.django_db


def form_data(payload: dict[str, Any], initial_forms: int = 0, **changes: Any) -> dict[str, Any]:
    """The edit page's POST: the metadata, and the fields as a formset with one blank extra row
    (``initial_forms`` of them the fields the page was shown with, as a browser posts them)."""
    data = {**payload, **changes}
    fields = data.pop("fields")
    post: dict[str, Any] = {key: value for key, value in data.items() if value is not None}
    post["keywords"] = " ".join(data.get("keywords", []))
    post.setdefault("national_level", "general")
    rows = [*fields, {}]
    post.update({"fields-TOTAL_FORMS": len(rows), "fields-INITIAL_FORMS": initial_forms, "fields-MAX_NUM_FORMS": 300})
    for index, field in enumerate(rows):
        for key, value in field.items():
            if key == "identifies_person":
                if value:
                    post[f"fields-{index}-{key}"] = "on"
            else:
                post[f"fields-{index}-{key}"] = value
    return post


@pytest.fixture
def draft(staff: dict[str, Any], departments: dict[str, Any], payload: Callable[..., Any]) -> Dataset:
    data = payload()
    fields = data.pop("fields")
    return services.dataset_create(
        author=staff["market_cataloguer"], organisation=departments["market"], data=data, fields=fields
    )


def test_the_list_shows_the_departments_drafts_to_it_alone(
    staff: dict[str, Any], draft: Dataset, signed_in: Callable[[Any], Client]
) -> None:
    assert draft.code in signed_in(staff["market_officer"]).get("/workbench/catalog/").content.decode()
    elsewhere = signed_in(staff["data_officer"])
    assert draft.code not in elsewhere.get("/workbench/catalog/").content.decode()
    assert draft.code not in elsewhere.get("/workbench/catalog/", {"scope": "all"}).content.decode()
    assert signed_in(staff["citizen"]).get("/workbench/catalog/").status_code == 403
    assert Client().get("/workbench/catalog/").status_code == 302


def test_drafting_with_fields_through_the_page(
    staff: dict[str, Any], signed_in: Callable[[Any], Client], payload: Callable[..., Any]
) -> None:
    client = signed_in(staff["market_cataloguer"])
    assert client.get("/workbench/catalog/new/").status_code == 200
    response = client.post("/workbench/catalog/new/", form_data(payload()))
    dataset = Dataset.objects.get()
    assert response["Location"] == f"/workbench/catalog/{dataset.code}/"
    assert [field.name for field in dataset.fields.order_by("position")] == ["licence_no", "uscc", "company_name"]
    assert dataset.keywords == ["食品", "许可证"]
    assert dataset.status == "draft"
    assert signed_in(staff["bystander"]).get("/workbench/catalog/new/").status_code == 403


def test_a_field_too_sensitive_for_the_open_type_is_shown_on_its_row(
    staff: dict[str, Any], signed_in: Callable[[Any], Client], payload: Callable[..., Any]
) -> None:
    fields = payload()["fields"]
    fields[1] = {**fields[1], "grade": "L4"}
    response = signed_in(staff["market_cataloguer"]).post(
        "/workbench/catalog/new/", form_data(payload(), fields=fields)
    )
    assert response.status_code == 200
    rows = response.context["formset"].forms
    assert "grade" in rows[1].errors
    assert not rows[0].errors
    assert not Dataset.objects.exists()


def test_edit_pages_as_owner_same_role_elsewhere_and_outsiders(
    staff: dict[str, Any], draft: Dataset, assert_access: Callable[..., None]
) -> None:
    for url in (f"/workbench/catalog/{draft.code}/", f"/workbench/catalog/{draft.code}/edit/"):
        assert_access(
            "get",
            url,
            anonymous=302,
            owner=(staff["market_cataloguer"], 200),
            same_role_elsewhere=(staff["data_cataloguer"], 404),
            citizen=(staff["citizen"], 403),
        )
    assert_access("get", f"/workbench/catalog/{draft.code}/edit/", bystander=(staff["bystander"], 404))


def test_review_shows_what_changed_since_publication(
    staff: dict[str, Any], draft: Dataset, signed_in: Callable[[Any], Client], payload: Callable[..., Any]
) -> None:
    cataloguer = signed_in(staff["market_cataloguer"])
    officer = signed_in(staff["market_officer"])
    cataloguer.post(f"/workbench/catalog/{draft.code}/", {"action": "submit"})
    first = officer.get(f"/workbench/catalog/{draft.code}/")
    assert (first.context["base"], first.context["changes"]) == (None, [])  # new as a whole
    returned = officer.post(f"/workbench/catalog/{draft.code}/", {"action": "return", "note": ""})
    assert "note" in returned.context["review_form"].errors
    officer.post(f"/workbench/catalog/{draft.code}/", {"action": "approve", "note": "同意发布"})
    cataloguer.post(
        f"/workbench/catalog/{draft.code}/edit/", form_data(payload(), initial_forms=3, title="食品经营许可信息")
    )
    cataloguer.post(f"/workbench/catalog/{draft.code}/", {"action": "submit"})
    draft.refresh_from_db()
    assert (draft.status, draft.version) == ("submitted", 5)
    assert cataloguer.get(f"/workbench/catalog/{draft.code}/").context["can_review"] is False
    page = officer.get(f"/workbench/catalog/{draft.code}/")
    assert page.context["base"].number == 3
    assert page.context["changes"] == [{"path": "title", "before": "食品经营许可证信息", "after": "食品经营许可信息"}]
    officer.post(f"/workbench/catalog/{draft.code}/", {"action": "approve", "note": ""})
    draft.refresh_from_db()
    assert draft.status == "published"
    compare = officer.get(f"/workbench/catalog/{draft.code}/compare/", {"base": 3, "other": 6})
    assert compare.context["changes"] == page.context["changes"]
    assert officer.get(f"/workbench/catalog/{draft.code}/compare/", {"base": 1, "other": 99}).status_code == 404
    assert officer.get(f"/workbench/catalog/{draft.code}/compare/", {"base": "x", "other": "2"}).status_code == 404
    # Published now, so every official may compare it; citizens and anonymous visitors may not.
    assert (
        signed_in(staff["data_officer"])
        .get(f"/workbench/catalog/{draft.code}/compare/", {"base": 3, "other": 6})
        .status_code
        == 200
    )
    assert signed_in(staff["citizen"]).get(f"/workbench/catalog/{draft.code}/compare/").status_code == 403
    assert Client().get(f"/workbench/catalog/{draft.code}/compare/").status_code == 302


def test_a_drafts_versions_are_the_departments_alone(
    staff: dict[str, Any], draft: Dataset, signed_in: Callable[[Any], Client]
) -> None:
    url = f"/workbench/catalog/{draft.code}/compare/"
    assert signed_in(staff["market_officer"]).get(url, {"base": 1, "other": 1}).status_code == 200
    assert signed_in(staff["data_officer"]).get(url, {"base": 1, "other": 1}).status_code == 404


def test_a_gb18030_file_loads_and_a_bad_one_stores_nothing(
    staff: dict[str, Any], draft: Dataset, signed_in: Callable[[Any], Client]
) -> None:
    client = signed_in(staff["market_cataloguer"])
    url = f"/workbench/catalog/{draft.code}/"
    good = "licence_no,uscc,company_name\nJY13301000000001,91330100MA2H3X4Y6M,杭州知味餐饮有限公司\n"
    client.post(
        url,
        {"action": "file", "name": "许可证清单", "file": SimpleUploadedFile("licences.csv", good.encode("gb18030"))},
    )
    assert draft.resources.get().row_count == 1
    bad = "licence_no,unknown_column\nJY1,x\n"
    refused = client.post(
        url, {"action": "file", "name": "坏文件", "file": SimpleUploadedFile("bad.csv", bad.encode())}
    )
    assert refused.status_code == 200
    assert refused.context["file_form"].errors
    assert draft.resources.count() == 1
    stranger = signed_in(staff["data_cataloguer"])
    upload = SimpleUploadedFile("licences.csv", good.encode())
    assert stranger.post(url, {"action": "file", "name": "x", "file": upload}).status_code == 404
