from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from shuzheng.privacy import keys
from shuzheng.privacy.masking import METHODS, Applied, Treatment, mask_batches, mask_record, mask_table
from shuzheng.privacy.tests.identifiers import resident_ids

TODAY = datetime.date(2026, 6, 15)
PROPERTY = settings(max_examples=30, deadline=None)


def engine(values: list[Any], treatment: Treatment, applied: Applied) -> list[Any]:
    table = ibis.memtable(pa.table({"v": pa.array(values)}))
    plan = {"v": (treatment, applied)}
    return [value for batch in mask_batches(table, plan) for value in batch.column("v").to_pylist()]


def python(values: list[Any], treatment: Treatment, applied: Applied) -> list[Any]:
    return [mask_record({"v": value}, {"v": (treatment, applied)})["v"] for value in values]


@pytest.mark.parametrize(
    ("kind", "value", "masked"),
    [
        ("resident_id", "330106199003071234", "33**************34"),
        ("mobile", "13800138000", "138****8000"),
        ("person_name", "张三", "张*"),
        ("person_name", "王小明", "王*明"),
        ("person_name", "欧阳娜娜", "欧**娜"),
        ("email", "zhang@example.com", "z****@example.com"),
        ("bank_card", "6222021234567890123", "622202*********0123"),
        (None, "", ""),
    ],
)
def test_masking_follows_the_national_convention(kind: str | None, value: str, masked: str) -> None:
    applied = Applied(kind=kind)
    assert python([value], Treatment("mask"), applied) == [masked]
    assert engine([value], Treatment("mask"), applied) == [masked]


TEXT = st.text(st.characters(codec="utf-8"), max_size=30)
STRING_TREATMENTS = st.sampled_from(
    [
        Treatment("mask"),
        Treatment("mask", {"first": 0, "last": 3}),
        Treatment("mask", {"first": 5, "last": 0, "keep_from": "@"}),
        Treatment("redact"),
        Treatment("region_only"),
        Treatment("region_city"),
        Treatment("month"),
        Treatment("keep"),
    ]
)
KINDS = st.sampled_from([None, "resident_id", "mobile", "person_name", "address", "email"])


@PROPERTY
@given(st.lists(st.one_of(st.none(), TEXT, st.sampled_from(["浙江省杭州市西湖区文三路1号", "a@b.cn", "330106"]))),
       STRING_TREATMENTS, KINDS)  # fmt: skip
def test_strings_masked_in_the_warehouse_equal_strings_masked_in_python(
    values: list[str | None], treatment: Treatment, kind: str | None
) -> None:
    applied = Applied(kind=kind, today=TODAY)
    assert engine(values, treatment, applied) == python(values, treatment, applied)


@PROPERTY
@given(st.lists(resident_ids(), min_size=1), st.sampled_from(["birth_year", "age_band", "region_city", "mask"]))
def test_id_numbers_generalised_in_the_warehouse_equal_python(numbers: list[str], method: str) -> None:
    applied = Applied(kind="resident_id", today=TODAY)
    treatment = Treatment(method, {"width": 5} if method == "age_band" else {})
    assert engine(numbers, treatment, applied) == python(numbers, treatment, applied)


@PROPERTY
@given(st.lists(st.one_of(st.none(), st.dates(datetime.date(1900, 1, 1), datetime.date(2030, 12, 31)))),
       st.sampled_from(["birth_year", "age_band", "month"]))  # fmt: skip
def test_dates_generalised_in_the_warehouse_equal_python(dates: list[datetime.date | None], method: str) -> None:
    applied = Applied(today=TODAY)
    assert engine(dates, Treatment(method), applied) == python(dates, Treatment(method), applied)


@PROPERTY
@given(st.lists(st.integers(-(10**12), 10**12)), st.sampled_from([1, 100, 1000, 5000]))
def test_amounts_in_ranges_in_the_warehouse_equal_python(amounts: list[int], width: int) -> None:
    treatment = Treatment("amount_range", {"width": width})
    assert engine(amounts, treatment, Applied()) == python(amounts, treatment, Applied())
    decimals = [Decimal(amount) / 100 for amount in amounts]
    assert engine(decimals, treatment, Applied()) == python(decimals, treatment, Applied())


def test_generalisations_read() -> None:
    applied = Applied(kind="resident_id", today=TODAY)
    number = "330106199003071234"
    assert python([number], Treatment("birth_year"), applied) == ["1990"]
    assert python([number], Treatment("age_band"), applied) == ["30-39"]
    assert python([number], Treatment("region_city"), applied) == ["330100"]
    assert python(["浙江省杭州市西湖区文三路478号"], Treatment("region_only"), Applied()) == ["浙江省杭州市西湖区****"]
    assert python([Decimal("1234.50")], Treatment("amount_range"), Applied()) == ["1000-2000"]
    assert python([datetime.date(2024, 3, 9)], Treatment("month"), Applied()) == ["2024-03"]


def test_every_method_has_both_forms_or_says_it_is_keyed() -> None:
    assert {name for name, method in METHODS.items() if method.engine is None} == {"hash", "token", "suppress"}


def test_suppressed_fields_leave_the_record_and_the_table() -> None:
    plan = {"phone": (Treatment("suppress"), Applied()), "name": (Treatment("mask"), Applied(kind="person_name"))}
    assert mask_record({"name": "王小明", "phone": "13800138000", "n": 1}, plan) == {"name": "王*明", "n": 1}
    table = ibis.memtable({"name": ["王小明"], "phone": ["13800138000"], "n": [1]})
    assert mask_table(table, plan).columns == ("name", "n")


# --- keyed methods ----------------------------------------------------------------------------------


def ring_file(tmp_path: Path, name: str, ring: dict[str, Any]) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(ring))
    return str(path)


@given(TEXT, st.text(max_size=8))
@settings(max_examples=50, deadline=None)
def test_tokens_round_trip_and_are_deterministic(value: str, domain: str) -> None:
    token = keys.tokenize(value, domain=domain)
    assert token.startswith("T1.k0.")
    assert token == keys.tokenize(value, domain=domain)
    assert keys.detokenize(token, domain=domain) == value


def test_a_token_is_refused_under_another_domain_tampered_or_without_its_key(tmp_path: Path) -> None:
    old = ring_file(tmp_path, "old.json", {"active": "2025", "keys": {"2025": "22" * 16}})
    new = ring_file(tmp_path, "new.json", {"active": "2026", "keys": {"2026": "11" * 16}})
    with override_settings(SHUZHENG_PRIVACY_KEY_FILE=old):
        token = keys.tokenize("330106199003071234", domain="sharing.grant.7")
        with pytest.raises(keys.TokenError, match="另一个用途"):
            keys.detokenize(token, domain="sharing.grant.8")
        flipped = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
        with pytest.raises(keys.TokenError, match="篡改"):
            keys.detokenize(flipped, domain="sharing.grant.7")
        with pytest.raises(keys.TokenError, match="不是本平台的令牌"):
            keys.detokenize("330106199003071234")
    with override_settings(SHUZHENG_PRIVACY_KEY_FILE=new), pytest.raises(keys.TokenError, match="2025"):
        keys.detokenize(token, domain="sharing.grant.7")


def test_rotation_reissues_old_tokens_under_the_active_key(tmp_path: Path) -> None:
    before = ring_file(tmp_path, "before.json", {"active": "2025", "keys": {"2025": "22" * 16}})
    after = ring_file(tmp_path, "after.json", {"active": "2026", "keys": {"2026": "11" * 16, "2025": "22" * 16}})
    with override_settings(SHUZHENG_PRIVACY_KEY_FILE=before):
        old = keys.tokenize("13800138000")
    with override_settings(SHUZHENG_PRIVACY_KEY_FILE=after):
        assert keys.detokenize(old) == "13800138000"
        rotated = keys.token_rotate(old)
        assert rotated.startswith("T1.2026.")
        assert keys.detokenize(rotated) == "13800138000"


def test_a_hashed_column_joins_across_datasets_under_one_key_and_not_under_another(tmp_path: Path) -> None:
    people = ibis.memtable({"id": ["330106199003071234", "11010519491231002X"], "name": ["王小明", "李华"]})
    benefits = ibis.memtable({"id": ["11010519491231002X", "330106199003071234"], "amount": [1200, 800]})

    def hashed(table: Any, key: str) -> Any:
        plan = {"id": (Treatment("hash", {"key": key}), Applied(kind="resident_id"))}
        return ibis.memtable(pa.Table.from_batches(list(mask_batches(table, plan))))

    ring = ring_file(tmp_path, "ring.json", {"active": "a", "keys": {"a": "11" * 16, "b": "22" * 16}})
    with override_settings(SHUZHENG_PRIVACY_KEY_FILE=ring):
        same = hashed(people, "a").join(hashed(benefits, "a"), "id").to_pyarrow()
        other = hashed(people, "a").join(hashed(benefits, "b"), "id").to_pyarrow()
    assert sorted(zip(same["name"].to_pylist(), same["amount"].to_pylist(), strict=True)) == [
        ("李华", 1200),
        ("王小明", 800),
    ]
    assert other.num_rows == 0
    assert "330106" not in "".join(same["id"].to_pylist())


def test_a_broken_key_file_stops_with_a_clear_message(tmp_path: Path) -> None:
    broken = ring_file(tmp_path, "broken.json", {"active": "x", "keys": {"y": "11" * 16}})
    with override_settings(SHUZHENG_PRIVACY_KEY_FILE=broken), pytest.raises(ImproperlyConfigured, match="active"):
        keys.tokenize("a")
