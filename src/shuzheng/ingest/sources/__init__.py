"""The registry of source kinds: each reads a source's rows as numbered records.

A kind is one file here, registered when ``IngestConfig.ready()`` imports it.
Readers stream: they yield records one at a time and never hold a whole
source in memory. A row that cannot even be parsed (a wrong number of cells,
a broken JSON line, a truncated end) is yielded with a ``problem`` and lands
in quarantine; a source that cannot be read at all raises ``SourceRefused``
and the run fails before anything changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.functional import Promise


class SourceRefused(ValueError):
    """The source as a whole cannot be read; the message says why, in the user's words."""


@dataclass(frozen=True)
class Record:
    line: int  # the file's line (header = 1), or the row's position for other sources
    values: Mapping[str, Any]
    problem: str = ""  # why the row could not be parsed; values then hold what was there


@dataclass
class Reading:
    """What a reader found: the columns, the number of rows when known, and the rows."""

    columns: list[str]
    records: Iterator[Record]
    total: int | None = None
    # The highest updated-at value seen, for the next incremental load.
    watermark: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Request:
    """What a run asks of a source."""

    options: Mapping[str, Any]
    path: Path | None = None  # the uploaded file, for file sources
    file_name: str = ""
    updated_column: str = ""
    since: str = ""  # only rows changed after this (incremental loads), when the kind can ask for that


Read = Callable[[Request], Reading]
# Problems with a source's options, as (option, message): checked before a source is saved.
Validate = Callable[[Mapping[str, Any]], list[tuple[str, str]]]


@dataclass(frozen=True)
class SourceKindSpec:
    code: str
    name: Promise | str
    read: Read
    validate: Validate
    needs_file: bool = False


_kinds: dict[str, SourceKindSpec] = {}


def source_kind_register(kind: SourceKindSpec) -> SourceKindSpec:
    if kind.code in _kinds and _kinds[kind.code] is not kind:
        raise ValueError(f"source kind {kind.code!r} is already registered")
    _kinds[kind.code] = kind
    return kind


def source_kind(code: str) -> SourceKindSpec:
    return _kinds[code]


def source_kinds() -> dict[str, SourceKindSpec]:
    return dict(_kinds)
