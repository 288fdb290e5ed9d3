"""Chinese personal names, where the text says a name follows (姓名：, 联系人, 申请人) or is honoured (先生, 女士).

A bare two- or three-character word is a name only by context: without a
label it could be any word, and a statistical tagger that guesses costs
milliseconds a text. A name is a known surname and one or two more
characters; characters that start the words usually written after a name
(电话, 先生, 于, 身份证) end it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from shuzheng.privacy.detectors.address import place_names
from shuzheng.privacy.registry import Detector, Finding, detector_register

LABELS = (
    "姓名|联系人|申请人|法定代表人|法人代表|负责人|经办人|户主|收件人|收货人|患者|当事人|被申请人|委托人|代理人|"
    "监护人|投诉人|举报人|来电人|办理人|报案人|驾驶人|持卡人|承租人|出租人|借款人|配偶|签收人|被保险人|参保人"
)
LABELLED = re.compile(rf"(?:{LABELS})(?:[ ]?[:为是][ ]?|[ ]?)(?P<name>[\u4e00-\u9fff]{{2,4}})")
HONOURED = re.compile(r"先生|女士|同志")
CELL = re.compile(r"[\u4e00-\u9fff]{2,4}")
# Characters that begin what follows a name rather than continue it.
STOP = frozenset("电先女同身手联性男于在的是和等住年月日号已将向因从到对为与及或请现家户证出生籍民族")
# A column of place or organisation names is not a column of people.
NOT_NAME_ENDINGS = tuple("省市区县镇乡村局厅委办院所站店司街")


@cache
def surnames() -> tuple[frozenset[str], frozenset[str]]:
    """The single and compound surnames of ``privacy/data/surnames.txt``."""
    words = (Path(__file__).parent.parent / "data" / "surnames.txt").read_text("utf-8").split("\n", 1)[1].split()
    return frozenset(w for w in words if len(w) == 1), frozenset(w for w in words if len(w) == 2)


def name_at(chars: str) -> str | None:
    """The name that ``chars`` begins with: a surname and one or two characters before a stop."""
    single, compound = surnames()
    if chars[:2] in compound:
        surname = chars[:2]
    elif chars[:1] in single:
        surname = chars[:1]
    else:
        return None
    given = ""
    for char in chars[len(surname) : len(surname) + 2]:
        if char in STOP:
            break
        given += char
    return surname + given if given else None


def _honoured(text: str, at: int) -> tuple[int, float] | None:
    single, compound = surnames()
    three, two = text[max(0, at - 3) : at], text[max(0, at - 2) : at]
    # 王小明先生 over 小明先生; but in 于张伟先生 the 于 is a word, not a surname, since 张 is one too.
    if len(three) == 3 and (three[:2] in compound or (three[0] in single and three[1] not in single)):
        return at - 3, 0.85
    if len(two) == 2 and two[0] in single:
        return at - 2, 0.85
    return None


@dataclass(frozen=True)
class NameDetector(Detector):
    def candidates(self, text: str) -> Iterator[Finding]:
        for match in LABELLED.finditer(text):
            start = match.start("name")
            name = name_at(match["name"])
            if name is not None:
                yield Finding(self.kind, start, start + len(name), 0.95)
        for match in HONOURED.finditer(text):
            found = _honoured(text, match.start())
            if found is not None:
                yield Finding(self.kind, found[0], match.start(), found[1])


def cell(value: str) -> float | None:
    if not CELL.fullmatch(value) or value.endswith(NOT_NAME_ENDINGS) or value in place_names():
        return None
    return 0.6 if name_at(value) == value else None


detector_register(
    NameDetector(
        kind="person_name",
        label=_("姓名"),
        grade="L2",
        priority=25,
        patterns=(LABELLED,),
        confirm=lambda value, text, start, end: 0.95,
        cell=cell,
    )
)
