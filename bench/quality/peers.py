"""The benchmark's twenty rules in Great Expectations and in pandera, on a pandas DataFrame.

Each library states a rule with its own built-in check where it has one. The ID number, the USCC
and the agreement of birth date and sex with the ID number have none; they are written as each
library expects a custom check to be: a vectorised pandas condition, wrapped in a Column Map or
Multicolumn Map Expectation for Great Expectations and in a ``Check`` for pandera. The
conditions follow our engine's rules exactly: empty values pass validity checks, values are
trimmed of spaces, tabs and newlines, ID numbers and USCCs are upper-cased.

Both report, per rule, the failing rows by their position in the file, which the benchmark
compares with our engine's before anything is timed.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any, ClassVar, Literal

import great_expectations as gx
import numpy as np
import pandas as pd
import pandera.pandas as pandera
from great_expectations.data_context.types.base import ProgressBarsConfig
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation, MulticolumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnMapMetricProvider,
    MulticolumnMapMetricProvider,
    column_condition_partial,
    multicolumn_condition_partial,
)

from bench.quality.population import NOW
from shuzheng.quality.rules.consistency import FEMALE, MALE
from shuzheng.quality.rules.identifiers import (
    EARLIEST_BIRTH,
    ID_WEIGHTS,
    USCC_ALPHABET,
    USCC_WEIGHTS,
    province_prefixes,
    region_codes,
)

BLANK = r"[ \t\n]*"  # what our engine trims; a value of nothing else is empty
ID_FORMAT = r"[0-9]{17}[0-9X]"  # [0-9], not \d: Python's \d takes any script's digits, RE2's only ASCII ones
USCC_FORMAT = f"[{USCC_ALPHABET}]{{18}}"


def read(path: Path) -> pd.DataFrame:
    # Dates as datetime64, not Python date objects, so that comparing them is vectorised.
    return pd.read_parquet(path, to_pandas_kwargs={"date_as_object": False})


def _trimmed(values: pd.Series) -> pd.Series:
    return values.str.strip(" \t\n")


def _empty(values: pd.Series) -> pd.Series:
    return values.isna() | values.str.fullmatch(BLANK).fillna(False).astype(bool)


def _codes(text: pd.Series, width: int) -> np.ndarray:
    """Well-formed ASCII values of one width as a matrix of their character codes, one row each."""
    return np.frombuffer("".join(text.tolist()).encode("ascii"), np.uint8).reshape(-1, width)


def resident_id_valid(values: pd.Series) -> pd.Series:
    """True where a value is empty or a valid resident ID number (GB 11643)."""
    text = _trimmed(values).str.upper()
    well_formed = text.str.fullmatch(ID_FORMAT).fillna(False).astype(bool)
    good = text[well_formed]
    digits = _codes(good, 18).astype(np.int64) - ord("0")
    digits[:, 17] = np.where(digits[:, 17] == ord("X") - ord("0"), 10, digits[:, 17])
    checksum = (digits[:, :17] @ np.array(ID_WEIGHTS) + digits[:, 17]) % 11 == 1
    birth = pd.to_datetime(good.str.slice(6, 14), format="%Y%m%d", errors="coerce")
    born = birth.between(pd.Timestamp(EARLIEST_BIRTH), pd.Timestamp(NOW.date()))
    valid = pd.Series(False, index=values.index)
    valid[well_formed] = checksum & born.to_numpy() & good.str.slice(0, 2).isin(province_prefixes()).to_numpy()
    return valid | _empty(values)


def uscc_valid(values: pd.Series) -> pd.Series:
    """True where a value is empty or a valid unified social credit code (GB 32100)."""
    text = _trimmed(values).str.upper()
    well_formed = text.str.fullmatch(USCC_FORMAT).fillna(False).astype(bool)
    lookup = np.zeros(128, np.int64)
    lookup[[ord(char) for char in USCC_ALPHABET]] = np.arange(len(USCC_ALPHABET))
    valid = pd.Series(False, index=values.index)
    valid[well_formed] = (lookup[_codes(text[well_formed], 18)] @ np.array((*USCC_WEIGHTS, 1))) % 31 == 0
    return valid | _empty(values)


def id_agrees(frame: pd.DataFrame) -> pd.Series:
    """True where the birth date and sex agree with a readable ID number, or it is unreadable."""
    text = _trimmed(frame["id_number"]).str.upper()
    readable = text.str.fullmatch(ID_FORMAT).fillna(False).astype(bool)
    from_id = pd.to_datetime(text.str.slice(6, 14), format="%Y%m%d", errors="coerce")
    birth = frame["birth_date"]
    birth_wrong = birth.notna() & from_id.notna() & (birth != from_id)
    sex = _trimmed(frame["sex"])
    odd = pd.to_numeric(text.str.slice(16, 17), errors="coerce") % 2 == 1
    sex_wrong = (sex.isin(MALE) & ~odd) | (sex.isin(FEMALE) & odd)
    return ~(readable & (birth_wrong | sex_wrong))


# --- Great Expectations ------------------------------------------------------------------------


class ColumnValuesResidentId(ColumnMapMetricProvider):
    condition_metric_name = "column_values.resident_id"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, **kwargs: Any) -> pd.Series:
        return resident_id_valid(column)


class ColumnValuesUscc(ColumnMapMetricProvider):
    condition_metric_name = "column_values.uscc"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, **kwargs: Any) -> pd.Series:
        return uscc_valid(column)


class ColumnValuesNotBlank(ColumnMapMetricProvider):
    condition_metric_name = "column_values.not_blank"
    filter_column_isnull = False  # a missing value is blank too

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, **kwargs: Any) -> pd.Series:
        return ~_empty(column)


class MulticolumnValuesAgreeWithResidentId(MulticolumnMapMetricProvider):
    condition_metric_name = "multicolumn_values.agree_with_resident_id"

    @multicolumn_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_list: pd.DataFrame, **kwargs: Any) -> pd.Series:
        return id_agrees(column_list)


class ExpectColumnValuesToBeValidResidentIds(ColumnMapExpectation):
    map_metric = "column_values.resident_id"
    success_keys: ClassVar[tuple[str, ...]] = ("mostly",)


class ExpectColumnValuesToBeValidUsccs(ColumnMapExpectation):
    map_metric = "column_values.uscc"
    success_keys: ClassVar[tuple[str, ...]] = ("mostly",)


class ExpectColumnValuesToNotBeBlank(ColumnMapExpectation):
    map_metric = "column_values.not_blank"
    success_keys: ClassVar[tuple[str, ...]] = ("mostly",)


class ExpectMulticolumnValuesToAgreeWithResidentId(MulticolumnMapExpectation):
    """Columns: the ID number, the birth date, the sex."""

    map_metric = "multicolumn_values.agree_with_resident_id"
    success_keys: ClassVar[tuple[str, ...]] = ("mostly",)


def _expectations(mobile_pattern: str, name_pattern: str) -> list[Any]:
    """One expectation per rule, in the order of bench_quality.RULES."""
    e = gx.expectations
    earliest, latest = datetime.datetime(1900, 1, 1), datetime.datetime(2026, 11, 28)
    return [
        e.ExpectColumnValuesToNotBeNull(column="id_number"),
        ExpectColumnValuesToBeValidResidentIds(column="id_number"),
        e.ExpectColumnValuesToBeUnique(column="id_number"),
        ExpectMulticolumnValuesToAgreeWithResidentId(
            column_list=["id_number", "birth_date", "sex"], ignore_row_if="never"
        ),
        e.ExpectColumnValuesToNotBeNull(column="name"),
        ExpectColumnValuesToNotBeBlank(column="name"),
        e.ExpectColumnValuesToMatchRegex(column="name", regex=f"{name_pattern}|^{BLANK}$"),
        e.ExpectColumnValuesToBeInSet(column="sex", value_set=["男", "女"]),
        e.ExpectColumnValuesToNotBeNull(column="birth_date"),
        e.ExpectColumnValuesToBeBetween(column="birth_date", min_value=earliest, max_value=latest),
        e.ExpectColumnValuesToBeInSet(column="region", value_set=region_codes()),
        e.ExpectColumnValuesToNotBeNull(column="mobile"),
        e.ExpectColumnValuesToMatchRegex(column="mobile", regex=mobile_pattern),
        ExpectColumnValuesToBeValidUsccs(column="employer"),
        e.ExpectColumnValuesToNotBeNull(column="amount"),
        e.ExpectColumnValuesToBeBetween(column="amount", min_value=0, max_value=1_000_000),
        e.ExpectColumnPairValuesAToBeGreaterThanB(column_A="end_date", column_B="start_date", or_equal=True),
        e.ExpectColumnValuesToBeBetween(column="end_date", max_value=datetime.datetime(2030, 12, 31)),
        e.ExpectColumnValuesToBeInSet(column="status", value_set=["在职", "离职", "退休"]),
        e.ExpectCompoundColumnsToBeUnique(column_list=["id_number", "employer"]),
    ]


class GreatExpectations:
    """An ephemeral context with a pandas data source, the rules as one suite, one validation definition."""

    def __init__(self, *, mobile_pattern: str, name_pattern: str) -> None:
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        asset = self.context.data_sources.add_pandas("population").add_dataframe_asset("people")
        suite = self.context.suites.add(gx.ExpectationSuite(name="rules"))
        self.expectations = []
        for index, expectation in enumerate(_expectations(mobile_pattern, name_pattern)):
            expectation.meta = {"rule": index}
            self.expectations.append(suite.add_expectation(expectation))
        self.validation = self.context.validation_definitions.add(
            gx.ValidationDefinition(
                name="population", data=asset.add_batch_definition_whole_dataframe("all"), suite=suite
            )
        )

    def _run(self, frame: pd.DataFrame, result_format: Literal["BASIC", "COMPLETE"]) -> list[Any]:
        run = self.validation.run(batch_parameters={"dataframe": frame}, result_format=result_format)
        by_rule = {}
        for result in run.results:
            assert result.expectation_config is not None
            by_rule[result.expectation_config.meta["rule"]] = result.result
        return [by_rule[index] for index in range(len(self.expectations))]

    def counts(self, path: Path) -> list[int]:
        frame = read(path)
        return [len(frame), *(int(result["unexpected_count"]) for result in self._run(frame, "BASIC"))]

    def failing_rows(self, path: Path) -> list[set[int]]:
        results = self._run(read(path), "COMPLETE")
        return [set(result["unexpected_index_list"]) for result in results]


# --- pandera -----------------------------------------------------------------------------------


def pandera_schema(*, mobile_pattern: str, name_pattern: str) -> pandera.DataFrameSchema:
    """The rules as one DataFrameSchema; each check is named after its rule's position in RULES."""
    check = pandera.Check
    return pandera.DataFrameSchema(
        {
            "id_number": pandera.Column(
                nullable=False, unique=True, checks=check(resident_id_valid, name="1 resident_id")
            ),
            "name": pandera.Column(
                nullable=False,
                checks=[
                    check(lambda values: ~_empty(values), ignore_na=False, name="5 not_blank"),
                    check.str_matches(f"{name_pattern}|^{BLANK}$"),
                ],
            ),
            "sex": pandera.Column(nullable=True, checks=check.isin(["男", "女"])),
            "birth_date": pandera.Column(
                nullable=False,
                checks=check.in_range(pd.Timestamp(1900, 1, 1), pd.Timestamp(2026, 11, 28)),
            ),
            "region": pandera.Column(nullable=True, checks=check.isin(region_codes())),
            "mobile": pandera.Column(nullable=False, checks=check.str_matches(mobile_pattern)),
            "employer": pandera.Column(nullable=True, checks=check(uscc_valid, name="13 uscc")),
            "amount": pandera.Column(nullable=False, checks=check.in_range(0, 1_000_000)),
            "start_date": pandera.Column(nullable=True),
            "end_date": pandera.Column(nullable=True, checks=check.le(pd.Timestamp(2030, 12, 31))),
            "status": pandera.Column(nullable=True, checks=check.isin(["在职", "离职", "退休"])),
        },
        checks=[
            check(id_agrees, name="3 id_agrees"),
            check(lambda frame: ~(frame["end_date"] < frame["start_date"]), name="16 order"),
        ],
        unique=["id_number", "employer"],
    )


# The rules pandera reports under its built-in checks' names (up to the parenthesis), by column;
# the custom checks carry their rule's position in their own names.
_PANDERA_BUILT_IN = {
    ("id_number", "not_nullable"): 0,
    ("id_number", "field_uniqueness"): 2,
    ("name", "not_nullable"): 4,
    ("name", "str_matches"): 6,
    ("sex", "isin"): 7,
    ("birth_date", "not_nullable"): 8,
    ("birth_date", "in_range"): 9,
    ("region", "isin"): 10,
    ("mobile", "not_nullable"): 11,
    ("mobile", "str_matches"): 12,
    ("amount", "not_nullable"): 14,
    ("amount", "in_range"): 15,
    ("end_date", "less_than_or_equal_to"): 17,
    ("status", "isin"): 18,
}


class Pandera:
    def __init__(self, *, mobile_pattern: str, name_pattern: str) -> None:
        self.schema = pandera_schema(mobile_pattern=mobile_pattern, name_pattern=name_pattern)

    def _failing_rows(self, frame: pd.DataFrame) -> list[set[int]]:
        rows: list[set[int]] = [set() for _ in range(20)]
        try:
            self.schema.validate(frame, lazy=True)
        except pandera.errors.SchemaErrors as errors:
            cases = errors.failure_cases
            for (context, column, name), group in cases.groupby(["schema_context", "column", "check"], dropna=False):
                rule = _rule_of(str(context), column, str(name))
                rows[rule] |= set(group["index"].dropna().astype(int))
        return rows

    def counts(self, path: Path) -> list[int]:
        frame = read(path)
        return [len(frame), *(len(found) for found in self._failing_rows(frame))]

    def failing_rows(self, path: Path) -> list[set[int]]:
        return self._failing_rows(read(path))


def _rule_of(schema_context: str, column: Any, check_name: str) -> int:
    built_in = check_name.partition("(")[0]
    if (column, built_in) in _PANDERA_BUILT_IN:
        return _PANDERA_BUILT_IN[(column, built_in)]
    if schema_context == "DataFrameSchema" and built_in == "multiple_fields_uniqueness":
        return 19
    number, _, _ = check_name.partition(" ")
    if not number.isdigit():
        raise LookupError(f"a failure pandera reports under an unknown check: {column} {check_name}")
    return int(number)
