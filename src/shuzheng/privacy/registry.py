"""The detector registry: each kind of personal data knows how to find itself in text.

A detector gives candidate spans with its own regular expressions and then
confirms each one (check digits, calendars, region codes, context words) with a
confidence, or drops it. Detectors live in ``privacy/detectors/``, one file per
kind, and register themselves when ``PrivacyConfig.ready()`` imports them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.utils.functional import Promise

# A candidate's confidence from its own text and what surrounds it; None drops it.
Confirm = Callable[[str, str, int, int], float | None]


@dataclass(frozen=True, slots=True)
class Finding:
    """One span of personal data in a text: its kind, where it is and how sure the detector is."""

    kind: str
    start: int
    end: int
    confidence: float


@dataclass(frozen=True)
class Detector:
    """One kind of personal data: how to find it, how sure to be, and the grade a column of it implies.

    ``patterns`` run over the text after full-width characters are folded to
    half-width (offsets are unchanged). ``priority`` settles overlaps: an ID
    number that also passes the bank-card check is an ID number. ``personal``
    says whether the kind identifies a natural person rather than an
    organisation, which is what grading cares about.
    """

    kind: str
    label: str | Promise
    grade: str
    priority: int
    patterns: tuple[re.Pattern[str], ...]
    confirm: Confirm
    personal: bool = True
    # The part of a match that is the value, when a pattern also matches its context (姓名：张三).
    group: str | int = 0
    # How sure a whole table cell is of this kind, where the cell is more than a pattern match
    # (a column of bare names has no 姓名 before each one); by default the cell must match a pattern.
    cell: Callable[[str], float | None] | None = None

    def cell_confidence(self, value: str) -> float | None:
        """How sure this detector is that a whole cell value (already folded) is of its kind."""
        if self.cell is not None:
            return self.cell(value)
        for pattern in self.patterns:
            match = pattern.fullmatch(value)
            if match is not None and match.span(self.group) == (0, len(value)):
                return self.confirm(value, value, 0, len(value))
        return None

    def candidates(self, text: str) -> Iterator[Finding]:
        for pattern in self.patterns:
            for match in pattern.finditer(text):
                start, end = match.span(self.group)
                if start < 0:
                    continue
                confidence = self.confirm(text[start:end], text, start, end)
                if confidence is not None:
                    yield Finding(self.kind, start, end, confidence)


DETECTORS: dict[str, Detector] = {}


def detector_register(detector: Detector) -> Detector:
    if detector.kind in DETECTORS:
        raise ValueError(f"detector {detector.kind!r} is registered twice")
    DETECTORS[detector.kind] = detector
    return detector


def detector(kind: str) -> Detector:
    return DETECTORS[kind]


def bounded(first: str, rest: str, *, word: str = "0-9A-Za-z") -> re.Pattern[str]:
    """A pattern that starts with one of ``first`` and is no part of a longer word of ``word`` characters.

    The boundary is checked just after the first character, not before it: a
    pattern that starts with a character set lets the regular-expression engine
    skip ahead to the next candidate character, which keeps a long text cheap.
    """
    return re.compile(rf"[{first}](?<![{word}].){rest}(?![{word}])")


def context_before(text: str, start: int, words: tuple[str, ...], *, reach: int = 12) -> bool:
    """Whether one of ``words`` appears shortly before ``start`` (联系电话：…, 护照号码 …)."""
    window = text[max(0, start - reach) : start]
    return any(word in window for word in words)
