"""Precision, recall and F1 per kind against the corpus's gold spans, exact and relaxed.

Exact: a finding counts only if its kind, start and end are a gold span's. Relaxed: a finding
counts if it overlaps a gold span of its kind, and a gold span is found if a finding of its kind
overlaps it (a masking tool that covers 138 0013 8000 and the space after it still hid the number).
A finding that overlaps a span left out of the scoring (王女士, 王某, 籍贯) counts neither way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bench.privacy.corpus import KINDS, Record, Span


@dataclass
class Tally:
    found: int = 0  # findings, after those on ignored spans are dropped
    right: int = 0  # findings that match a gold span
    gold: int = 0
    recalled: int = 0  # gold spans that a finding matches

    @property
    def precision(self) -> float:
        return self.right / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.recalled / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


@dataclass
class Scores:
    exact: dict[str, Tally] = field(default_factory=lambda: {kind: Tally() for kind in KINDS})
    relaxed: dict[str, Tally] = field(default_factory=lambda: {kind: Tally() for kind in KINDS})

    def total(self, relaxed: bool = False, kinds: Sequence[str] = KINDS) -> Tally:
        tallies = [(self.relaxed if relaxed else self.exact)[kind] for kind in kinds]
        return Tally(
            *(sum(getattr(tally, name) for tally in tallies) for name in ("found", "right", "gold", "recalled"))
        )


@dataclass(frozen=True)
class Error:
    record: int
    kind: str
    expected: str | None  # the gold text missed or matched only in part
    found: str | None  # what the detector reported instead, if anything
    found_kind: str | None
    snippet: str


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _kept(record: Record, found: Sequence[Span]) -> list[Span]:
    return [span for span in found if not any(span.kind == i.kind and _overlaps(span, i) for i in record.ignored)]


def score(records: Sequence[Record], findings: Sequence[Sequence[Span]]) -> Scores:
    scores = Scores()
    for record, found in zip(records, findings, strict=True):
        kept = _kept(record, found)
        gold = set(record.gold)
        for span in kept:
            exact, relaxed = scores.exact[span.kind], scores.relaxed[span.kind]
            exact.found += 1
            relaxed.found += 1
            exact.right += span in gold
            relaxed.right += any(g.kind == span.kind and _overlaps(g, span) for g in record.gold)
        for span in record.gold:
            scores.exact[span.kind].gold += 1
            scores.relaxed[span.kind].gold += 1
            scores.exact[span.kind].recalled += span in kept
            scores.relaxed[span.kind].recalled += any(f.kind == span.kind and _overlaps(f, span) for f in kept)
    return scores


def _snippet(text: str, start: int, end: int, reach: int = 14) -> str:
    before = text[max(0, start - reach) : start]
    after = text[end : end + reach]
    return f"{before}⟦{text[start:end]}⟧{after}".replace("\n", "⏎")


def errors(records: Sequence[Record], findings: Sequence[Sequence[Span]]) -> list[Error]:
    """Every gold span not found exactly and every finding that is not a gold span, with context."""
    found_errors: list[Error] = []
    for number, (record, found) in enumerate(zip(records, findings, strict=True)):
        kept = _kept(record, found)
        gold = set(record.gold)
        text = record.text
        for span in record.gold:
            if span in kept:
                continue
            instead = next((f for f in kept if _overlaps(f, span)), None)
            found_errors.append(
                Error(
                    number,
                    span.kind,
                    text[span.start : span.end],
                    None if instead is None else text[instead.start : instead.end],
                    None if instead is None else instead.kind,
                    _snippet(text, span.start, span.end),
                )
            )
        for span in kept:
            if span in gold or any(_overlaps(span, g) for g in record.gold):
                continue  # reported above, against the gold span it overlaps
            found_errors.append(
                Error(
                    number,
                    span.kind,
                    None,
                    text[span.start : span.end],
                    span.kind,
                    _snippet(text, span.start, span.end),
                )
            )
    return found_errors
