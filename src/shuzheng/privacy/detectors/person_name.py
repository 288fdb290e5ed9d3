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
    "姓名|名字|联系人|申请人|法定代表人|法人代表|负责人|经办人|户主|户名|收件人|收货人|患者|当事人|被申请人|委托人|"
    "代理人|监护人|投诉人|举报人|诉求人|来电人|反映人|办理人|报案人|驾驶人|驾驶员|持卡人|持证人|承租人|出租人|借款人|"
    "配偶|签收人|被保险人|参保人|旅客|乘客|同行人|原告|被告|第三人|业主|租户|房东|车主|学生|家属|父亲|母亲|其子|其女|"
    "丈夫|妻子|儿子|女儿|子女|家人|老人|居民|市民|群众|值班人员|工作人员|管理员|网格员|我叫|我是|本人|发放至|汇至"
)
LABELLED = re.compile(rf"(?:{LABELS})(?:[ ]?[:为是][ ]?|[ ]?)(?P<name>[\u4e00-\u9fff]{{2,4}})")
HONOURED = re.compile(r"先生|女士|同志")
# 张三、李四、王五等 3 人: every item of a list that ends in "等 n 人" is a name.
LISTED = re.compile(r"(?:[\u4e00-\u9fff]{2,4}、){1,30}[\u4e00-\u9fff]{2,4}等[0-9一二三四五六七八九十]+(?:人|名)")
CELL = re.compile(r"[\u4e00-\u9fff]{2,4}")
# Characters that begin what follows a name rather than continue it.
STOP = frozenset("电先女身手联性男于在的是等住年日号已将向因从到对为与及或请户证出籍称反来持系名每就近均也曾")
# Words that are surnames too but, before a name, are more likely a preposition (于张伟先生, 向李华女士).
FUNCTION_SURNAMES = frozenset("于向将从和与及为由被把让请叫是在对给同")
# A column of place or organisation names is not a column of people.
NOT_NAME_ENDINGS = tuple("省市区县镇乡村局厅委办院所站店司街")


@cache
def surnames() -> tuple[frozenset[str], frozenset[str]]:
    """The single and compound surnames of ``privacy/data/surnames.txt``."""
    words = (Path(__file__).parent.parent / "data" / "surnames.txt").read_text("utf-8").split("\n", 1)[1].split()
    return frozenset(w for w in words if len(w) == 1), frozenset(w for w in words if len(w) == 2)


def name_at(chars: str) -> str | None:
    """The name that ``chars`` begins with: a surname and one or two characters before a stop.

    What follows a label may be an organisation or a place (当事人杭州东升科技有限公司,
    当事人于青田县): a "name" that is, or runs into, a place name is none."""
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
    places = place_names()
    if not given or chars[:2] in places or chars[:3] in places:
        return None
    rest = chars[len(surname) :]
    if rest[:2] in places or rest[:3] in places:
        return None
    return surname + given


def _honoured(text: str, at: int) -> tuple[int, float] | None:
    single, compound = surnames()
    four, three, two = text[max(0, at - 4) : at], text[max(0, at - 3) : at], text[max(0, at - 2) : at]
    if len(four) == 4 and four[:2] in compound:
        return at - 4, 0.85
    # 王小明先生 over 小明先生; but in 于张伟先生 the 于 is a word, not a surname, since 张 is one too.
    if len(three) == 3 and (
        three[:2] in compound or (three[0] in single and not (three[0] in FUNCTION_SURNAMES and three[1] in single))
    ):
        return at - 3, 0.85
    if len(two) == 2 and two[0] in single:
        return at - 2, 0.85
    return None


def _listed(text: str) -> Iterator[tuple[int, int]]:
    for match in LISTED.finditer(text):
        at = match.start()
        items = match[0].rsplit("等", 1)[0].split("、")
        for index, item in enumerate(items):
            # The first item may run on from the words before it (评选中入选张三): take its end.
            for start in (0, len(item) - 3, len(item) - 2) if index == 0 else (0,):
                if start >= 0 and name_at(item[start:]) == item[start:]:
                    yield at + start, at + len(item)
                    break
            at += len(item) + 1


@dataclass(frozen=True)
class NameDetector(Detector):
    def candidates(self, text: str) -> Iterator[Finding]:
        found: dict[tuple[int, int], float] = {}
        for match in LABELLED.finditer(text):
            start = match.start("name")
            name = name_at(match["name"])
            if name is not None:
                found[start, start + len(name)] = 0.95
        for match in HONOURED.finditer(text):
            honoured = _honoured(text, match.start())
            if honoured is not None:
                found.setdefault((honoured[0], match.start()), honoured[1])
        for span in _listed(text):
            found.setdefault(span, 0.9)
        # A name found once is the same name where it comes again (了解到李俊近期…).
        for name in {text[start:end] for start, end in found}:
            at = text.find(name)
            while at >= 0:
                found.setdefault((at, at + len(name)), 0.9)
                at = text.find(name, at + len(name))
        for (start, end), confidence in found.items():
            yield Finding(self.kind, start, end, confidence)


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
