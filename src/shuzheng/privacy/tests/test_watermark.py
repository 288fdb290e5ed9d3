"""Marked extracts: what a leaked copy gives away, after the damage a leaker is likely to do."""

from __future__ import annotations

import csv
import datetime
import hashlib
import json
import random
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from stdnum.cn import ric
from stdnum.cn import uscc as stdnum_uscc

from shuzheng.core.identifiers import InvalidIdentifier, is_valid_resident_id, parse_uscc, validate_org_code
from shuzheng.privacy import watermark

ROWS = 3000
RELEASES = {f"release-{n}": hashlib.sha256(f"master key|release-{n}".encode()).digest() for n in (1, 2, 3)}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN_NAMES = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀英华"
COUNTIES = ("330102", "330105", "330106", "330108", "330110", "330324", "330402", "330521")


def rng(seed: int) -> random.Random:
    return random.Random(seed)  # noqa: S311 - test data


def resident_id(generator: random.Random) -> str:
    born = datetime.date(1950, 1, 1) + datetime.timedelta(days=generator.randrange(20000))
    stem = f"{generator.choice(COUNTIES)}{born:%Y%m%d}{generator.randrange(1, 1000):03d}"
    return stem + ric.calc_check_digit(stem + "?")


def uscc(generator: random.Random) -> str:
    stem = f"91{generator.choice(COUNTIES)}{generator.randrange(10**8):08d}"
    org_code = next(stem[8:] + c for c in "0123456789X" if is_org_code(stem[8:] + c))
    return stem[:8] + org_code + stdnum_uscc.calc_check_digit(stem[:8] + org_code)


def is_org_code(code: str) -> bool:
    try:
        validate_org_code(code)
    except InvalidIdentifier:
        return False
    return True


def population(rows: int = ROWS, *, seed: int = 7) -> pa.Table:
    """A city's subsidy register: ID numbers, names, amounts in yuan, dates and a district code."""
    generator = rng(seed)
    ids: dict[str, None] = {}
    while len(ids) < rows:
        ids[resident_id(generator)] = None
    return pa.table(
        {
            "id_number": list(ids),
            "name": [
                generator.choice(SURNAMES) + "".join(generator.choices(GIVEN_NAMES, k=generator.choice((1, 2))))
                for _ in range(rows)
            ],
            "subsidy": [round(generator.uniform(50, 5000), 2) for _ in range(rows)],
            "balance": pa.array(
                [Decimal(generator.randrange(10**7)).scaleb(-2) for _ in range(rows)], type=pa.decimal128(12, 2)
            ),
            "paid_on": [
                datetime.date(2024, 1, 1) + datetime.timedelta(days=generator.randrange(366)) for _ in range(rows)
            ],
            "district": [int(generator.choice(COUNTIES)) for _ in range(rows)],
        }
    )


@pytest.fixture(scope="module")
def register() -> pa.Table:
    return population()


@pytest.fixture(scope="module")
def releases(register: pa.Table) -> dict[str, pa.Table]:
    return {name: watermark.embed(register, secret=secret, key="id_number") for name, secret in RELEASES.items()}


def shuffle_half(table: pa.Table, *, seed: int = 1) -> pa.Table:
    """Half of the rows, at random, in a random order."""
    order = list(range(table.num_rows))
    rng(seed).shuffle(order)
    return table.take(order[: len(order) // 2])


def damage(table: pa.Table, *, seed: int = 1) -> pa.Table:
    """What a leaker does: shuffle the rows, keep half of them, drop a column."""
    return shuffle_half(table, seed=seed).drop_columns(["balance"])


def rows_as_text(table: pa.Table) -> list[list[str]]:
    return [["" if value is None else str(value) for value in row.values()] for row in table.to_pylist()]


def write_csv(table: pa.Table, path: Path, encoding: str) -> Path:
    with path.open("w", encoding=encoding, newline="") as file:
        csv.writer(file).writerows([table.column_names, *rows_as_text(table)])
    return path


def write_pyarrow_csv(table: pa.Table, path: Path) -> Path:
    pacsv.write_csv(table, path)
    return path


def write_xlsx(table: pa.Table, path: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(table.column_names)
    for row in table.to_pylist():
        # Amounts go in as numbers and ID numbers as text, as a spreadsheet user keeps them.
        sheet.append([float(value) if isinstance(value, Decimal) else value for value in row.values()])
    workbook.save(path)
    return path


def write_json_lines(table: pa.Table, path: Path) -> Path:
    records = [dict(zip(table.column_names, row, strict=True)) for row in rows_as_text(table)]
    path.write_text("\n".join(json.dumps(record, ensure_ascii=False) for record in records), encoding="utf-8")
    return path


def write_json_array(table: pa.Table, path: Path) -> Path:
    path.write_text(json.dumps(table.to_pylist(), ensure_ascii=False, default=str), encoding="utf-8")
    return path


def write_parquet(table: pa.Table, path: Path) -> Path:
    pq.write_table(table, path)
    return path


LEAKS: dict[str, Callable[[pa.Table, Path], Path]] = {
    "UTF-8 CSV with BOM": lambda table, tmp: write_csv(table, tmp / "leak.csv", "utf-8-sig"),
    "GBK CSV": lambda table, tmp: write_csv(table, tmp / "leak.csv", "gbk"),
    "CSV written by Arrow": lambda table, tmp: write_pyarrow_csv(table, tmp / "leak.csv"),
    "XLSX": lambda table, tmp: write_xlsx(table, tmp / "leak.xlsx"),
    "JSON lines": lambda table, tmp: write_json_lines(table, tmp / "leak.jsonl"),
    "JSON array": lambda table, tmp: write_json_array(table, tmp / "leak.json"),
    "Parquet": lambda table, tmp: write_parquet(table, tmp / "leak.parquet"),
}


@pytest.mark.parametrize("form", LEAKS)
def test_a_damaged_leak_is_traced_to_its_release_alone(releases, tmp_path, form):
    leak = watermark.read_extract(LEAKS[form](damage(releases["release-2"]), tmp_path))

    ranked = watermark.trace(leak, RELEASES, key="id_number")

    assert ranked[0][0] == "release-2"
    best, *others = [evidence for _, evidence in ranked]
    assert best.identified
    assert best.honey_found >= 2
    assert best.bits_matched == best.bits_tested > 100
    assert not any(evidence.identified for evidence in others)
    assert all(evidence.honey_found == 0 and evidence.p_value > 1e-3 for evidence in others)


def test_the_key_column_is_found_when_the_leak_renamed_it(releases):
    leak = damage(releases["release-3"]).rename_columns(["证件号码", "姓名", "补贴金额", "发放日期", "区县"])

    ranked = watermark.trace(leak, RELEASES)

    assert ranked[0][0] == "release-3"
    assert ranked[0][1].identified
    assert watermark.guess_key(leak, RELEASES.values()) == "证件号码"


@pytest.mark.parametrize("seed", range(5))
def test_an_unmarked_table_is_never_identified(register, seed):
    for _, evidence in watermark.trace(damage(register, seed=seed), RELEASES, key="id_number"):
        assert not evidence.identified
        assert evidence.honey_found == 0
        assert evidence.p_value > 1e-3


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(secret=st.binary(min_size=1, max_size=32))
def test_no_other_secret_identifies_a_table(register, releases, secret):
    for table in (register, releases["release-1"]):
        assert not watermark.score(damage(table), secret=secret, key="id_number").identified


def test_a_table_without_decimals_is_identified_by_its_honey_records(register):
    plain = register.select(["id_number", "name", "paid_on", "district"])
    marked = watermark.embed(plain, secret=RELEASES["release-1"], key="id_number")

    evidence = watermark.score(shuffle_half(marked, seed=5), secret=RELEASES["release-1"], key="id_number")

    assert evidence.bits_tested == 0
    assert evidence.honey_found >= 2
    assert evidence.identified


def test_embedding_is_deterministic_for_a_secret(register, releases):
    again = watermark.embed(register, secret=RELEASES["release-1"], key="id_number")

    assert again.equals(releases["release-1"])
    assert not again.equals(releases["release-2"])


def test_honey_records_are_valid_id_numbers_of_the_extract_s_province_among_real_rows(register, releases):
    real = set(register.column("id_number").to_pylist())
    names = set(register.column("name").to_pylist())
    for marked in releases.values():
        keys = marked.column("id_number").to_pylist()
        fakes = [at for at, key in enumerate(keys) if key not in real]

        assert len(fakes) == 8  # 3000 rows: the floor of one per thousand
        assert all(is_valid_resident_id(keys[at]) for at in fakes)
        assert {keys[at][:2] for at in fakes} == {"33"}
        assert max(fakes) < marked.num_rows - 8  # spread among the rows, not appended
        assert all(marked.column("name")[at].as_py() in names for at in fakes)


def test_perturbation_moves_amounts_by_one_unit_in_the_last_place_and_nothing_else(register, releases):
    marked = releases["release-1"]
    real = marked.filter(pc.is_in(marked.column("id_number"), register.column("id_number")))

    for name in ("id_number", "name", "paid_on", "district"):
        assert real.column(name).equals(register.column(name))
    for name in ("subsidy", "balance"):
        before, after = register.column(name).to_pylist(), real.column(name).to_pylist()
        changes = {abs(Decimal(str(a)) - Decimal(str(b))) for a, b in zip(after, before, strict=True) if a != b}
        assert changes == {Decimal("0.01")}
        assert sum(a != b for a, b in zip(after, before, strict=True)) < ROWS / 10


@settings(max_examples=40, deadline=None)
@given(
    amounts=st.lists(st.decimals(min_value=-(10**6), max_value=10**6, places=2, allow_nan=False), min_size=1),
    secret=st.binary(min_size=1, max_size=32),
)
def test_any_amount_moves_by_at_most_one_unit_of_the_column_s_scale_and_never_to_or_from_zero(amounts, secret):
    table = pa.table({"id": range(len(amounts)), "amount": [float(amount) for amount in amounts]})
    # The scale is what the values show: amounts that all end in 0 are kept to one decimal.
    unit = min(int(Decimal(repr(float(amount))).as_tuple().exponent) for amount in amounts)

    marked = watermark.embed(table, secret=secret, key="id", gamma=1, honey=0)

    for before, after in zip(amounts, marked.column("amount").to_pylist(), strict=True):
        assert abs(Decimal(repr(after)) - before) <= Decimal(1).scaleb(unit)
        assert (before == 0) == (after == 0)


def test_integer_columns_are_marked_only_when_named(register):
    named = watermark.embed(register, secret=b"s", key="id_number", columns=["district", "subsidy"])
    unnamed = watermark.embed(register, secret=b"s", key="id_number")

    assert named.column("subsidy").equals(unnamed.column("subsidy"))
    assert not named.column("district").equals(unnamed.column("district"))
    assert not named.column("balance").equals(unnamed.column("balance"))
    leak = shuffle_half(named).select(["id_number", "district"])
    assert watermark.score(leak, secret=b"s", key="id_number", columns=["district"]).bits_tested > 100
    with pytest.raises(ValueError, match="only numeric columns"):
        watermark.embed(register, secret=b"s", key="id_number", columns=["paid_on"])


def test_companies_get_valid_credit_codes_of_their_province():
    generator = rng(3)
    codes = list(dict.fromkeys(uscc(generator) for _ in range(1200)))
    table = pa.table({"uscc": codes, "capital": [round(generator.uniform(1, 1000), 4) for _ in codes]})

    marked = watermark.embed(table, secret=b"s", key="uscc", honey=12)
    fakes = set(marked.column("uscc").to_pylist()) - set(codes)

    assert len(fakes) == 12
    assert all(parse_uscc(code).warnings == () and code[:4] == "9133" for code in fakes)
    assert watermark.score(shuffle_half(marked).select(["uscc"]), secret=b"s", key="uscc").identified


def test_integer_keys_get_unused_integers_within_their_range():
    ids = sorted(rng(4).sample(range(100_000, 900_000), 2000))
    table = pa.table({"id": ids, "visits": [n % 7 for n in ids], "fee": [n % 9973 / 100 for n in ids]})

    marked = watermark.embed(table, secret=b"s", key="id", honey=10)
    fakes = set(marked.column("id").to_pylist()) - set(ids)
    evidence = watermark.score(shuffle_half(marked), secret=b"s", key="id")

    assert len(fakes) == 10
    assert all(min(ids) <= fake <= max(ids) for fake in fakes)
    assert evidence.identified
    # Real keys fill an integer range far more than ID numbers fill theirs: each honey key weighs less.
    assert evidence.honey_found >= 4
    assert 1e-9 < evidence.honey_p < 1e-4


def test_other_keys_get_keys_of_the_same_shape():
    keys = [f"ZJ2024-{n:06d}" for n in rng(5).sample(range(10**6), 1500)]
    table = pa.table({"case": keys, "fee": [n / 100 for n in range(1500)]})

    marked = watermark.embed(table, secret=b"s", key="case", honey=8)
    fakes = set(marked.column("case").to_pylist()) - set(keys)

    assert len(fakes) == 8
    assert all(fake.startswith("ZJ2024-") and fake[7:].isdigit() and len(fake) == 13 for fake in fakes)


def test_read_extract_refuses_what_it_cannot_read(tmp_path):
    (tmp_path / "leak.pdf").write_bytes(b"%PDF")

    with pytest.raises(ValueError, match="only CSV"):
        watermark.read_extract(tmp_path / "leak.pdf")
