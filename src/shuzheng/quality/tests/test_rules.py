"""Each rule type on rows that pass and rows that fail, computed in the engine; the identifier
checks agree with the platform's own validators on thousands of generated values."""

from __future__ import annotations

import datetime
import random
from typing import Any

import ibis
import pyarrow as pa
import pytest
from stdnum.cn import ric, uscc

from shuzheng.core.identifiers import is_valid_resident_id
from shuzheng.quality import engine
from shuzheng.quality.registry import Context, Declared

NOW = Context(now=datetime.datetime(2026, 11, 28, 12, tzinfo=datetime.UTC))


def failing(values: dict[str, list[Any]], rule: Declared, context: Context = NOW) -> list[int]:
    """The positions of the rows ``rule`` fails."""
    table = ibis.memtable({"_position": list(range(len(next(iter(values.values()))))), **values})
    marked = engine.flagged(table, [rule], context)
    found = marked.filter(marked["_rule_0"]).order_by("_position")["_position"].to_pyarrow().to_pylist()
    report = engine.run(table, [rule], context)
    assert report.outcomes[0].failed == len(found)
    return list(found)


D = datetime.date


CASES: list[tuple[Declared, dict[str, list[Any]], list[int]]] = [
    (Declared("not_null", ["a"]), {"a": ["x", None, "", " "]}, [1]),
    (Declared("not_blank", ["a"]), {"a": ["x", None, "", " "]}, [1, 2, 3]),
    (Declared("regex", ["a"], {"pattern": r"^\d{6}$"}), {"a": ["330106", "33010", None, "3301066"]}, [1, 3]),
    (Declared("enum", ["a"], {"values": ["男", "女"]}), {"a": ["男", "女", "未知", None]}, [2]),
    (Declared("range", ["n"], {"min": 0, "max": 150}), {"n": [0, 150, -1, 151, None]}, [2, 3]),
    (Declared("range", ["d"], {"min": "2000-01-01"}), {"d": [D(2000, 1, 1), D(1999, 12, 31)]}, [1]),
    (
        Declared("date_format", ["a"], {"format": "YYYYMMDD"}),
        {"a": ["20240229", "20230229", "2024-01-01", "", "20241301"]},
        [1, 2, 4],
    ),
    (
        Declared("date_format", ["a"], {"format": "YYYY年MM月DD日"}),
        {"a": ["2024年02月29日", "2024年2月9日", None]},
        [1],
    ),
    (
        Declared("resident_id", ["a"]),
        # valid; wrong check digit; lower-case x accepted; 15 digits; born in the future; unknown province
        {
            "a": [
                "11010519491231002X",
                "110105194912310021",
                "11010519491231002x",
                "110105491231002",
                "110105203001010017",
                "990105194912310021",
                None,
            ]
        },
        [1, 3, 4, 5],
    ),
    (
        Declared("uscc", ["a"]),
        {
            "a": [
                "91330100MA2H3X4Y6M",
                "91330100MA2H3X4Y6N",
                "91330100ma2h3x4y6m",
                "91330100MA2H3X4Y6",
                "I1330100MA2H3X4Y6M",
            ]
        },
        [1, 3, 4],
    ),
    (Declared("region_code", ["a"]), {"a": ["330106", "330199", "330184", "999999", ""]}, [1, 3]),
    (
        Declared("mobile", ["a"]),
        {"a": ["13857112345", "12857112345", "1385711234", "+8613857112345", None]},
        [1, 2, 3],
    ),
    (Declared("unique", ["a"]), {"a": ["x", "y", "x", None, None]}, [0, 2]),
    (Declared("unique", ["a", "b"]), {"a": ["x", "x", "x", "y"], "b": [1, 2, 1, 1]}, [0, 2]),
    (
        Declared("id_agrees", ["id"], {"birth_date": "birth", "sex": "sex"}),
        {
            "id": ["11010519491231002X", "11010519491231002X", "11010519491231002X", "11010519491231001X", "bad"],
            "birth": [D(1949, 12, 31), D(1949, 12, 30), D(1949, 12, 31), D(1949, 12, 31), D(2000, 1, 1)],
            "sex": ["女", "女", "男", "1", "男"],
        },
        [1, 2],
    ),
    (
        Declared("order", ["start", "end"]),
        {"start": [D(2024, 1, 1), D(2024, 1, 2), None], "end": [D(2024, 1, 1), D(2024, 1, 1), D(2024, 1, 1)]},
        [1],
    ),
]


def _case_id(value: Any) -> str:
    return value.rule_type if isinstance(value, Declared) else ""


@pytest.mark.parametrize(("rule", "values", "expected"), CASES, ids=_case_id)
def test_each_rule_type_passes_and_fails_the_right_rows(
    rule: Declared, values: dict[str, Any], expected: list[int]
) -> None:
    assert failing(values, rule) == expected


# Values that are not dates or numbers where the rules cast them: PostgreSQL has no TRY_CAST, and
# one such value must not stop the whole check there.
UNCASTABLE: list[tuple[Declared, dict[str, list[Any]], list[int]]] = [
    (
        Declared("resident_id", ["a"]),
        {"a": ["999999999999999999", "11010519491331002X", "1101051949123100XX"]},
        [0, 1, 2],
    ),
    (
        Declared("id_agrees", ["id"], {"birth_date": "birth"}),
        # disagrees; a birth date that is none and an ID number whose date is none are left to validity rules
        {
            "id": ["11010519491231002X", "11010519491231002X", "11010519490230002X"],
            "birth": ["1949-12-30", "1949-13-31", "1949-02-30"],
        },
        [0],
    ),
    (
        Declared("date_format", ["a"]),
        {"a": ["2024-02-29", "2023-02-29", "2024-00-10", "2024-04-31", "2024-12-31"]},
        [1, 2, 3],
    ),
]


@pytest.mark.parametrize(("rule", "values", "expected"), CASES + UNCASTABLE, ids=_case_id)
def test_each_rule_type_finds_the_same_rows_in_a_postgresql_warehouse(
    postgres_warehouse: str, rule: Declared, values: dict[str, Any], expected: list[int]
) -> None:
    connection = ibis.connect(postgres_warehouse)
    rows = pa.table({"_position": list(range(len(next(iter(values.values()))))), **values})
    table = connection.create_table("rule_case", rows, temp=True, overwrite=True)
    marked = engine.flagged(table, [rule], NOW)
    found = marked.filter(marked["_rule_0"]).order_by("_position")["_position"].to_pyarrow().to_pylist()
    assert found == expected
    assert engine.run(table, [rule], NOW).outcomes[0].failed == len(expected)
    assert failing(values, rule) == expected  # and in DuckDB


def test_a_dataset_is_fresh_while_its_newest_row_is_young_enough() -> None:
    rule = Declared("fresh", ["updated"], {"frequency": "daily"})
    fresh = ibis.memtable({"updated": [D(2026, 11, 20), D(2026, 11, 27)]})
    stale = ibis.memtable({"updated": [D(2026, 11, 20), D(2026, 11, 25)]})
    empty = ibis.memtable({"updated": [None]}, schema={"updated": "date"})
    assert [engine.run(table, [rule], NOW).outcomes[0].failed for table in (fresh, stale, empty)] == [0, 1, 1]


def test_a_value_must_exist_among_another_datasets_keys() -> None:
    enterprises = ibis.memtable({"uscc": ["91330100MA2H3X4Y6M"]})
    staff = ibis.memtable({"employer": ["91330100MA2H3X4Y6M", "91330106MA2H0000X1", None]})
    rule = Declared("exists_in", ["employer"], {"dataset": "330000-000001", "field": "uscc"})
    report = engine.run(staff, [rule], Context(tables={"330000-000001": enterprises}))
    assert report.outcomes[0].failed == 1
    assert report.outcomes[0].sample == [{"employer": "91330106MA2H0000X1"}]


def test_all_rules_in_one_pass_find_what_each_finds_alone() -> None:
    table = ibis.memtable(
        {
            "id": ["11010519491231002X", "110105194912310021", None, "11010519491231002X"],
            "mobile": ["13857112345", "12345", None, "13900000000"],
            "sex": ["女", "男", "女", "女"],
        }
    )
    rules = [
        Declared("resident_id", ["id"]),
        Declared("not_null", ["id"]),
        Declared("unique", ["id"]),
        Declared("mobile", ["mobile"]),
        Declared("enum", ["sex"], {"values": ["男", "女"]}),
    ]
    together = engine.run(table, rules, NOW)
    alone = [engine.run(table, [rule], NOW).outcomes[0] for rule in rules]
    assert together.rows == 4
    assert [outcome.failed for outcome in together.outcomes] == [outcome.failed for outcome in alone] == [1, 1, 2, 1, 0]
    assert together.outcomes == alone


def _mutations(rng: random.Random, valid: str) -> list[str]:
    position = rng.randrange(18)
    replaced = valid[:position] + rng.choice("0123456789X") + valid[position + 1 :]
    swap = rng.randrange(17)
    swapped = valid[:swap] + valid[swap + 1] + valid[swap] + valid[swap + 2 :]
    return [valid, replaced, swapped, valid[:17], valid + "0"]


def _valid_id(rng: random.Random) -> str:
    region = rng.choice(["110105", "330106", "330184", "330110", "440305", "510104"])
    born = D(1930, 1, 1) + datetime.timedelta(days=rng.randrange(33_000))
    body = f"{region}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return body + ric.calc_check_digit(body)


def test_the_id_check_in_the_engine_agrees_with_the_platforms_validator() -> None:
    rng = random.Random(20261128)  # noqa: S311 - test data
    values = [mutated for _ in range(200) for mutated in _mutations(rng, _valid_id(rng))]
    assert len(values) == 1000
    found = set(failing({"a": values}, Declared("resident_id", ["a"])))
    disagreements = [value for index, value in enumerate(values) if (index in found) == is_valid_resident_id(value)]
    assert disagreements == []


def test_the_id_checksum_of_the_largest_digits_stays_within_64_bit_integers() -> None:
    # The checksum sums unreduced remainders of the 17 digits as one integer: the largest must not overflow.
    assert failing({"a": ["999999999999999999", "99999999999999999X"]}, Declared("resident_id", ["a"])) == [0, 1]


@pytest.mark.parametrize(
    ("rule", "values", "expected"),
    [
        (
            Declared("resident_id", ["a"]),
            {
                "a": [
                    " 11010519491231002x",
                    "11010519491231002X\t",
                    "\n11010519491231002X \n",
                    " \t\n",
                    "1101051949 1231002X",
                ]
            },
            [4],
        ),
        (
            Declared("uscc", ["a"]),
            {"a": ["\t91330100ma2h3x4y6m ", "91330100MA2H3X4Y6M\n", " \n", "91330100 MA2H3X4Y6M"]},
            [3],
        ),
        (Declared("mobile", ["a"]), {"a": [" 13857112345", "13857112345\n", "\t", "1385711 2345"]}, [3]),
        (Declared("region_code", ["a"]), {"a": [" 330106", "330106\t", "\n", "3301 06"]}, [3]),
        (Declared("not_blank", ["a"]), {"a": ["x", " \t\n", "\t", " x ", None, ""]}, [1, 2, 4, 5]),
        (
            Declared("id_agrees", ["id"], {"sex": "sex"}),
            {
                "id": ["11010519491231002X", " 11010519491231002x ", "11010519491231002X"],
                "sex": [" 女\t", "\n男", "女"],
            },
            [1],
        ),
    ],
    ids=lambda value: value.rule_type if isinstance(value, Declared) else "",
)
def test_values_are_checked_without_the_spaces_tabs_and_newlines_around_them(
    rule: Declared, values: dict[str, Any], expected: list[int]
) -> None:
    assert failing(values, rule) == expected


def test_the_uscc_check_in_the_engine_agrees_with_the_check_character_of_gb_32100() -> None:
    rng = random.Random(32100)  # noqa: S311 - test data
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    bodies = ["".join(rng.choice(alphabet) for _ in range(17)) for _ in range(500)]
    values = [body + rng.choice(alphabet) for body in bodies] + [body + uscc.calc_check_digit(body) for body in bodies]
    found = set(failing({"a": values}, Declared("uscc", ["a"])))
    disagreements = [
        value
        for index, value in enumerate(values)
        if (index in found) == (value[17] == uscc.calc_check_digit(value[:17]))
    ]
    assert disagreements == []
