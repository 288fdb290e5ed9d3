"""Find personal data in free text: every registered detector, then overlaps settled.

People type identifiers in full-width digits, split them with spaces or dashes
and glue them to Chinese words; the detectors' patterns expect half-width
text with such separators, so the text is folded first with a one-to-one
character map — a finding's offsets are the same in the original text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

from shuzheng.privacy.registry import DETECTORS, Finding

# Full-width ASCII (！ to ～) and the ideographic space become their half-width selves.
_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]+")


def fold(text: str) -> str:
    """``text`` with full-width letters, digits and punctuation made half-width, offsets unchanged."""
    # Only the runs that need it go through the map: most texts have a few full-width commas.
    return _FULL_WIDTH.sub(lambda run: run[0].translate(_FOLD), text)


def detect(text: str, *, kinds: Iterable[str] | None = None, min_confidence: float = 0.5) -> list[Finding]:
    """The personal data in ``text``, in reading order; where spans overlap, priority then length wins."""
    folded = fold(text)
    wanted = DETECTORS.values() if kinds is None else [DETECTORS[kind] for kind in kinds]
    ranked: list[tuple[int, int, Finding]] = []
    for detector in wanted:
        for finding in detector.candidates(folded):
            if finding.confidence >= min_confidence:
                ranked.append((detector.priority, finding.end - finding.start, finding))
    return resolve(ranked)


def resolve(ranked: list[tuple[int, int, Finding]]) -> list[Finding]:
    """Keep the best of overlapping findings: higher priority first, then the longer span, then the earlier."""
    ranked.sort(key=lambda item: (-item[0], -item[1], item[2].start))
    starts: list[int] = []
    kept: list[Finding] = []
    for _, _, finding in ranked:
        at = bisect.bisect_left(starts, finding.start)
        if at > 0 and kept[at - 1].end > finding.start:
            continue
        if at < len(kept) and kept[at].start < finding.end:
            continue
        starts.insert(at, finding.start)
        kept.insert(at, finding)
    return kept
