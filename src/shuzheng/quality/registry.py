"""The rule-type registry: each rule type compiles one declared rule to an Ibis expression.

A row rule gives a boolean column, true where a row fails; a table rule gives
a boolean scalar, true when the dataset as a whole fails (timeliness). The
engine puts every rule of a dataset into one query, so adding rules adds
columns to a pass, not passes. Rule types live in ``quality/rules/``, one file
per family, and register themselves when ``QualityConfig.ready()`` imports them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from django.utils.functional import Promise


@dataclass(frozen=True)
class Context:
    """What a rule may need besides its own table: other datasets' tables, and the time of the check."""

    tables: Mapping[str, Any] = field(default_factory=dict)  # dataset code → Ibis table
    now: datetime.datetime = field(default_factory=lambda: datetime.datetime.now(datetime.UTC))


@dataclass(frozen=True)
class Declared:
    """A rule as declared on a dataset: the type, the fields it reads, its parameters."""

    rule_type: str
    fields: Sequence[str]
    params: Mapping[str, Any] = field(default_factory=dict)


Compile = Callable[[Any, Declared, Context], Any]
# Problems with a declaration, as (what, message): checked before a rule is saved.
Validate = Callable[[Declared, Mapping[str, str]], list[tuple[str, str]]]


@dataclass(frozen=True)
class RuleType:
    code: str
    name: Promise | str
    dimension: Literal["completeness", "validity", "uniqueness", "consistency", "referential", "timeliness"]
    compile: Compile
    fields: int  # how many fields it reads (0: any number, at least one)
    kind: Literal["row", "table"] = "row"
    validate: Validate | None = None


_types: dict[str, RuleType] = {}


def rule_type_register(rule_type: RuleType) -> RuleType:
    if rule_type.code in _types and _types[rule_type.code] is not rule_type:
        raise ValueError(f"rule type {rule_type.code!r} is already registered")
    _types[rule_type.code] = rule_type
    return rule_type


def rule_types() -> dict[str, RuleType]:
    return dict(_types)


def rule_type(code: str) -> RuleType:
    return _types[code]
