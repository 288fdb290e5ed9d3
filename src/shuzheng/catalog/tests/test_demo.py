"""The demo catalogue: big enough to show, consistent with the grading rules, and free of personal data where open."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest

from shuzheng.catalog import rules
from shuzheng.catalog.choices import Grade, NationalLevel, OpenType
from shuzheng.catalog.demo import datasets as demo_data
from shuzheng.catalog.demo import demo_seed
from shuzheng.catalog.demo import rows as demo_rows
from shuzheng.catalog.models import Dataset
from shuzheng.catalog.schemas import DatasetIn
from shuzheng.core.identifiers import is_valid_uscc

# Anything shaped like a resident ID or a mobile number, valid or not, between non-digits.
RESIDENT_ID = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")

OPEN = [spec for spec in demo_data.DATASETS if spec["data"]["open_type"] == OpenType.UNCONDITIONAL]


def by_code(spec: dict[str, Any]) -> str:
    return str(spec["code"])


def test_the_catalogue_is_big_enough() -> None:
    departments = {spec["organisation"] for spec in demo_data.DATASETS}
    assert len(demo_data.DATASETS) >= 60
    assert len(departments) >= 12
    assert departments <= {name for name, kind, _region, _parent in demo_data.DEPARTMENTS if kind == "department"}
    assert all(3 <= count <= 8 for count in Counter(spec["organisation"] for spec in demo_data.DATASETS).values())


def test_codes_are_unique_and_name_the_departments_region() -> None:
    regions = {name: region for name, _kind, region, _parent in demo_data.DEPARTMENTS}
    codes = [spec["code"] for spec in demo_data.DATASETS]
    assert len(set(codes)) == len(codes)
    for spec in demo_data.DATASETS:
        assert re.fullmatch(rf"{regions[spec['organisation']]}-\d{{6}}", spec["code"]), spec["code"]


def test_every_parent_is_a_government_the_seeder_creates() -> None:
    governments = {name for name, _kind, _region, _parent in demo_data.GOVERNMENTS}
    assert {parent for _name, _kind, _region, parent in demo_data.DEPARTMENTS} <= governments


@pytest.mark.parametrize("spec", demo_data.DATASETS, ids=by_code)
def test_every_dataset_passes_the_rules_and_the_schema(spec: dict[str, Any]) -> None:
    assert rules.dataset_problems(spec["data"], spec["fields"]) == []
    DatasetIn(**spec["data"], fields=spec["fields"])
    assert 3 <= len(spec["data"]["keywords"]) <= 6
    assert 4 <= len(spec["fields"]) <= 15
    assert re.fullmatch(r"0571-8\d{7}", spec["data"]["contact_phone"])
    assert spec["data"]["legal_basis"].startswith("《")


def test_open_types_are_spread_as_a_real_catalogue_is() -> None:
    counts = Counter(spec["data"]["open_type"] for spec in demo_data.DATASETS)
    assert counts[OpenType.UNCONDITIONAL] >= 35
    assert counts[OpenType.RESTRICTED] >= 12
    assert counts[OpenType.NONE] >= 10
    levels = Counter(spec["data"]["national_level"] for spec in demo_data.DATASETS)
    assert levels[NationalLevel.IMPORTANT] >= 1
    assert levels[NationalLevel.CORE] == 0


def test_l4_is_never_opened_and_open_data_is_l1() -> None:
    l4 = [spec for spec in demo_data.DATASETS if spec["data"]["grade"] == Grade.L4]
    assert len(l4) >= 5
    assert all(spec["data"]["open_type"] == OpenType.NONE for spec in l4)
    assert all(spec["data"]["grade"] == Grade.L1 for spec in OPEN)


def test_open_datasets_have_no_personal_fields() -> None:
    for spec in OPEN:
        assert not any(field["identifies_person"] for field in spec["fields"]), spec["code"]


@pytest.mark.parametrize("spec", OPEN, ids=by_code)
def test_open_datasets_have_sample_rows_matching_their_fields(spec: dict[str, Any]) -> None:
    rows = demo_rows.rows(spec["code"])
    assert rows is not None
    assert 30 <= len(rows) <= 300
    names = [field["name"] for field in spec["fields"]]
    assert all(list(row) == names for row in rows)
    assert rows == demo_rows.rows(spec["code"]), "rows must be the same on every call"


@pytest.mark.parametrize("spec", OPEN, ids=by_code)
def test_open_sample_rows_carry_no_id_or_mobile_number(spec: dict[str, Any]) -> None:
    for row in demo_rows.rows(spec["code"]) or []:
        for value in row.values():
            text = str(value)
            assert not RESIDENT_ID.search(text), (spec["code"], text)
            assert not MOBILE.search(text), (spec["code"], text)


def test_unified_social_credit_codes_in_sample_rows_are_valid_but_the_planted_ones() -> None:
    seen = 0
    for spec in OPEN:
        for index, row in enumerate(demo_rows.rows(spec["code"]) or []):
            if "uscc" in row:
                planted = "uscc" in demo_rows.PLANTED_DEFECTS.get((spec["code"], index), {})
                assert is_valid_uscc(row["uscc"]) != planted, (spec["code"], row["uscc"])
                seen += 1
    assert seen > 1000


def test_closed_datasets_have_no_sample_rows_and_one_restricted_has() -> None:
    closed = [spec["code"] for spec in demo_data.DATASETS if spec["data"]["open_type"] == OpenType.NONE]
    assert all(demo_rows.rows(code) is None for code in closed)
    restricted = [spec["code"] for spec in demo_data.DATASETS if spec["data"]["open_type"] == OpenType.RESTRICTED]
    assert [code for code in restricted if demo_rows.rows(code) is not None] == ["330100-000003"]
    assert demo_rows.rows("330000-999999") is None


@pytest.mark.django_db
def test_seeding_twice_changes_nothing_the_second_time(regions: None) -> None:
    # Entries, and the tables of the open ones and of the one restricted with sample rows.
    assert demo_seed() == len(demo_data.DATASETS) + len(OPEN) + 1
    assert demo_seed() == 0
    assert Dataset.objects.filter(status="published").count() == len(demo_data.DATASETS)
    hospitals = Dataset.objects.get(code="330000-000011")
    assert hospitals.organisation.name == "浙江省卫生健康委员会"
    parent = hospitals.organisation.parent
    assert parent is not None
    assert parent.name == "浙江省人民政府"
    assert hospitals.fields.count() == 9
