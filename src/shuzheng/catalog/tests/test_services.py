"""The catalogue's rules and workflow: grades against open types, review, versions, departments."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from shuzheng.catalog import rules, selectors, services
from shuzheng.catalog.models import Dataset

pytestmark = pytest.mark.django_db


def create(
    staff: dict[str, Any], payload: Callable[..., dict[str, Any]], who: str = "market_cataloguer", **changes: Any
) -> Dataset:
    data = payload(**changes)
    fields = data.pop("fields")
    return services.dataset_create(author=staff[who], organisation=staff[who].organisation, data=data, fields=fields)


def codes(problems: list[rules.Problem]) -> set[tuple[str, str]]:
    return {(field, code) for field, code, _message in problems}


# --- rules -----------------------------------------------------------------------------------


def test_an_l4_field_refuses_any_opening(payload: Callable[..., dict[str, Any]]) -> None:
    data = payload(grade="L4", open_type="unconditional")
    personal = {"name": "id_number", "label": "身份证号码", "grade": "L4", "identifies_person": True}
    fields = [*data.pop("fields"), personal]
    found = codes(rules.dataset_problems(data, fields))
    assert ("fields.3.grade", "grade_forbids_open_type") in found
    assert ("open_type", "grade_forbids_open_type") in found


@pytest.mark.parametrize(
    ("grade", "open_type", "allowed"),
    [
        ("L1", "unconditional", True),
        ("L2", "unconditional", False),
        ("L2", "restricted", True),
        ("L3", "restricted", True),
        ("L3", "unconditional", False),
        ("L4", "restricted", False),
        ("L4", "none", True),
    ],
)
def test_open_type_never_looser_than_the_grade(
    payload: Callable[..., dict[str, Any]], grade: str, open_type: str, allowed: bool
) -> None:
    data = payload(grade=grade, open_type=open_type)
    fields = [{**field, "grade": grade} for field in data.pop("fields")]
    assert (("open_type", "grade_forbids_open_type") not in codes(rules.dataset_problems(data, fields))) == allowed


def test_dataset_grade_covers_its_fields_and_personal_fields_are_not_l1(payload: Callable[..., dict[str, Any]]) -> None:
    data = payload(grade="L1", open_type="none")
    fields = [*data.pop("fields"), {"name": "holder", "label": "持证人", "grade": "L1", "identifies_person": True}]
    fields[0] = {**fields[0], "grade": "L3"}
    found = codes(rules.dataset_problems(data, fields))
    assert ("grade", "grade_below_fields") in found
    assert ("fields.3.grade", "personal_data_too_open") in found


def test_sharing_needs_its_basis_and_refusal_its_reason(payload: Callable[..., dict[str, Any]]) -> None:
    data = payload(share_type="none")
    fields = data.pop("fields")
    assert {("share_basis", "required"), ("share_refusal_reason", "required")} <= codes(
        rules.dataset_problems(data, fields)
    )


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"national_level": "important"}, ("open_type", "important_data_open")),
        ({"national_level": "core", "open_type": "restricted"}, ("open_type", "core_data_open")),
        ({"grade": "L4", "open_type": "none"}, ("share_type", "too_sensitive_to_share_freely")),
    ],
)
def test_national_level_and_sensitivity_bound_opening_and_sharing(
    payload: Callable[..., dict[str, Any]], changes: dict[str, str], problem: tuple[str, str]
) -> None:
    data = payload(**changes)
    fields = data.pop("fields")
    assert problem in codes(rules.dataset_problems(data, fields))


def test_field_names_are_checked(payload: Callable[..., dict[str, Any]]) -> None:
    data = payload()
    fields = [{"name": "Bad Name", "grade": "L1"}, {"name": "x", "grade": "L1"}, {"name": "x", "grade": "L1"}]
    found = codes(rules.dataset_problems(data, fields))
    assert {("fields.0.name", "invalid"), ("fields.2.name", "duplicate")} <= found


def test_the_database_holds_the_grade_rule_too(staff: dict[str, Any], payload: Callable[..., dict[str, Any]]) -> None:
    dataset = create(staff, payload)
    with pytest.raises(IntegrityError), transaction.atomic():
        Dataset.objects.filter(pk=dataset.pk).update(grade="L4")


# --- workflow ---------------------------------------------------------------------------------


def test_draft_submit_review_publish(staff: dict[str, Any], payload: Callable[..., dict[str, Any]]) -> None:
    dataset = create(staff, payload)
    assert dataset.code == "330100-000001"
    assert dataset.status == "draft"
    services.dataset_submit(editor=staff["market_cataloguer"], dataset=dataset)
    published = services.dataset_review(reviewer=staff["market_officer"], dataset=dataset, approve=True)
    assert published.status == "published"
    assert selectors.datasets_open().filter(pk=dataset.pk).exists()
    assert [v.status for v in selectors.dataset_versions(dataset=dataset)] == ["draft", "submitted", "published"]


def test_nobody_approves_their_own_submission(staff: dict[str, Any], payload: Callable[..., dict[str, Any]]) -> None:
    dataset = create(staff, payload, who="market_officer")
    services.dataset_submit(editor=staff["market_officer"], dataset=dataset)
    with pytest.raises(services.CatalogInvalid, match="自己"):
        services.dataset_review(reviewer=staff["market_officer"], dataset=dataset, approve=True)


def test_returning_needs_a_reason(staff: dict[str, Any], payload: Callable[..., dict[str, Any]]) -> None:
    dataset = create(staff, payload)
    services.dataset_submit(editor=staff["market_cataloguer"], dataset=dataset)
    with pytest.raises(services.CatalogInvalid):
        services.dataset_review(reviewer=staff["market_officer"], dataset=dataset, approve=False)
    returned = services.dataset_review(
        reviewer=staff["market_officer"], dataset=dataset, approve=False, note="摘要过于简略"
    )
    assert returned.status == "draft"
    assert returned.review_note == "摘要过于简略"


def test_a_cataloguer_cannot_review(staff: dict[str, Any], payload: Callable[..., dict[str, Any]]) -> None:
    dataset = create(staff, payload, who="market_officer")
    services.dataset_submit(editor=staff["market_officer"], dataset=dataset)
    with pytest.raises(services.CatalogForbidden):
        services.dataset_review(reviewer=staff["market_cataloguer"], dataset=dataset, approve=True)


def test_changing_a_published_dataset_takes_it_back_to_review(
    staff: dict[str, Any], payload: Callable[..., dict[str, Any]]
) -> None:
    dataset = create(staff, payload)
    services.dataset_submit(editor=staff["market_cataloguer"], dataset=dataset)
    services.dataset_review(reviewer=staff["market_officer"], dataset=dataset, approve=True)
    data = payload(title="食品经营许可证信息（含注销）")
    fields = data.pop("fields")
    fields[2] = {**fields[2], "label": "经营者名称（全称）"}
    changed = services.dataset_update(editor=staff["market_cataloguer"], dataset=dataset, data=data, fields=fields)
    assert changed.status == "draft"
    assert not selectors.datasets_open().filter(pk=dataset.pk).exists()
    versions = list(selectors.dataset_versions(dataset=dataset))
    diff = selectors.snapshot_changes(versions[0].snapshot, versions[-1].snapshot)
    assert {change["path"] for change in diff} == {"title", "fields.company_name.label"}


def test_refused_changes_save_nothing(staff: dict[str, Any], payload: Callable[..., dict[str, Any]]) -> None:
    dataset = create(staff, payload)
    data = payload(grade="L4")  # fields stay L1, open type stays unconditional
    fields = data.pop("fields")
    with pytest.raises(services.CatalogInvalid):
        services.dataset_update(editor=staff["market_cataloguer"], dataset=dataset, data=data, fields=fields)
    dataset.refresh_from_db()
    assert dataset.grade == "L1"
    assert dataset.version == 1  # the draft only
    assert dataset.fields.count() == 3


def test_unknown_region_is_refused(staff: dict[str, Any], payload: Callable[..., dict[str, Any]]) -> None:
    with pytest.raises(services.CatalogInvalid) as caught:
        create(staff, payload, spatial="339999")
    assert ("spatial", "unknown") in codes(caught.value.problems)
    assert not Dataset.objects.exists()


# --- departments ------------------------------------------------------------------------------


def test_a_department_sees_and_edits_only_its_own_drafts(
    staff: dict[str, Any], payload: Callable[..., dict[str, Any]]
) -> None:
    draft = create(staff, payload)
    assert draft in selectors.datasets_for_official(user=staff["market_cataloguer"])
    assert draft not in selectors.datasets_for_official(user=staff["data_cataloguer"])
    assert draft not in selectors.datasets_for_official(user=staff["bystander"])  # same department, no role
    data = payload()
    fields = data.pop("fields")
    for who in ("data_cataloguer", "data_officer", "bystander", "citizen"):
        with pytest.raises(services.CatalogForbidden):
            services.dataset_update(editor=staff[who], dataset=draft, data=data, fields=fields)
    with pytest.raises(services.CatalogForbidden):
        services.dataset_create(
            author=staff["data_cataloguer"],
            organisation=staff["market_cataloguer"].organisation,
            data=data,
            fields=fields,
        )


def test_search_in_chinese(staff: dict[str, Any], payload: Callable[..., dict[str, Any]]) -> None:
    licence = create(staff, payload)
    other = create(staff, payload, title="行政处罚信息", description="市场监管领域行政处罚决定。", keywords=["处罚"])
    everything = Dataset.objects.all()
    assert list(selectors.datasets_matching(everything, "食品许可")) == [licence]
    assert list(selectors.datasets_matching(everything, "杭州市市场监督管理局 处罚")) == [other]
    assert set(selectors.datasets_matching(everything, "市场监督")) == {licence, other}
