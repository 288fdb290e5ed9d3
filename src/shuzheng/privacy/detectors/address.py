"""Addresses: a chain of GB/T 2260 place names (浙江省杭州市西湖区, 杭州西湖区) and what follows it
up to the door (文三路 478 号 2 幢 301 室), or what follows a label such as 住址 or 收货地址.

Place names are found from their last character (省, 市, 区, 县, 州, 盟, 旗) by
looking the few characters before it up in a set, which keeps a long text
linear; the short forms of provinces and cities (浙江, 杭州) extend a chain
backwards. A place name alone is a place, not someone's address: it needs a
label or a street and number after it.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from functools import cache

from django.utils.translation import gettext_lazy as _

from shuzheng.core import regions
from shuzheng.privacy.registry import Detector, Finding, context_before, detector_register

SUFFIX = re.compile(r"[省市区县州盟旗]")
# 省, 市, 区 or 县, and the short form of one of them said twice (杭州 then 杭州市).
MAX_LINKS = 4
# Longer labels first: the alternation takes the first that matches (现住址 before 现住).
LABELLED = re.compile(
    r"(?:现住址|居住地址|户籍地址|送达地址|收货地址|通讯地址|联系地址|经营场所|住址|地址|住所|家住|现住|居住地|户籍地"
    r"|居住在|住在)[ ]?:?[ ]?"
)
# What may follow the place names within one address: no spaces or punctuation, at most 40 characters.
TAIL = re.compile(r"[^\s,.;:!?，。；：！？、()（）\"'“”‘’《》<>\[\]【】/|]{0,40}")
# The last piece that makes the tail part of an address, and a door number.
# Door-level words count after a number only (1004室, not 楼下 or 独居老人楼).
DETAIL_END = re.compile(
    r".*(?:[0-9A-Za-z一二三四五六七八九十百零](?:号楼(?![下上前后旁])|号|室|弄|栋|幢|单元|楼(?![下上前后旁])|层|座|组)"
    r"|路|街|巷|大道|村|里|苑|园|庄)",
    re.DOTALL,
)
# An office named after its place (四季青街道办事处, 米市巷社区居民委员会) is not an address.
OFFICE = re.compile(r"道?(?:社区)?(?:办事处|居民委员会|村民委员会|委员会|居委会|村委会|人民政府|派出所|管理局)")
# Where people live or work, written without place names: 住石桥路501号, 在义桥街道白鹤村164号经营.
PLACED = re.compile("[省市区县旗在址]")
STREET_ONLY = re.compile(
    r"(?:住|在|居住的|位于)(?P<address>[\u4e00-\u9fff]{1,12}?(?:路|街|大道|巷|村|苑|园|小区|新村|花园|广场)"
    r"(?:[0-9]+组)?[0-9]+(?:号|弄)(?:[0-9]+(?:号楼|幢|栋|单元|室|层))*)"
)
DOOR = re.compile(r"[0-9一二三四五六七八九十百零]+(?:号|室|弄|栋|幢|单元|号楼|层)")
STREET = re.compile(r"路|街|巷|道|村|镇|乡|弄|里|社区|小区")
CONTEXT = ("住址", "地址", "住所", "家住", "现住", "居住", "户籍", "送达", "收货", "寄往")
_SHORTENED = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")


@cache
def place_names() -> dict[str, str]:
    """Every current place name with its code, and the short forms of provinces and prefectures."""
    names: dict[str, str] = {}
    for record in regions.national_table().values():
        if not record.is_current or record.is_aggregate:
            continue
        names.setdefault(record.name, record.code)
        if record.level != regions.COUNTY:
            for suffix in _SHORTENED:
                short = record.name.removesuffix(suffix)
                if short != record.name and len(short) >= 2:
                    names.setdefault(short, record.code)
                    break
    return names


@cache
def _lengths() -> dict[str, tuple[int, ...]]:
    """For each last character, the lengths of the place names ending with it, longest first."""
    lengths: dict[str, set[int]] = {}
    for name in place_names():
        lengths.setdefault(name[-1], set()).add(len(name))
    return {char: tuple(sorted(found, reverse=True)) for char, found in lengths.items()}


def _name_ending(text: str, end: int, floor: int) -> int | None:
    """Where the longest place name that ends at ``end`` starts (not before ``floor``)."""
    names = place_names()
    for length in _lengths().get(text[end - 1 : end], ()):
        if end - length >= floor and text[end - length : end] in names:
            return end - length
    return None


def _places(text: str) -> Iterator[tuple[int, int, float]]:
    """Addresses that start with place names, as (start, end, confidence).

    A chain grows while each name touches or overlaps it (杭州 then 杭州市, then 西湖区), up to
    ``MAX_LINKS`` names; the text after it, up to the door, is the rest of the address, and no
    new chain starts inside that rest.
    """
    start = end = resume = -1
    links = 0
    at = 0
    while (match := SUFFIX.search(text, at)) is not None:
        stop = at = match.end()
        growing = end >= 0 and links < MAX_LINKS
        begin = _name_ending(text, stop, max(start if growing else end, resume, 0))
        if begin is None:
            continue
        if growing and begin <= end:
            end, links = stop, links + 1
            continue
        if end >= 0:
            resume = yield from _address(text, start, end)
            at = max(at, resume)
            if stop <= resume:
                start = end = -1
                continue
        start, end, links = begin, stop, 1
        # A short form just before (杭州 in 杭州西湖区, 浙江 in 浙江杭州市) belongs to the chain.
        for _step in range(2):
            before = _name_ending(text, start, max(resume, 0))
            if before is None:
                break
            start = before
    if end >= 0:
        yield from _address(text, start, end)


def _address(text: str, start: int, end: int) -> Generator[tuple[int, int, float], None, int]:
    stop, confidence = _detail_end(text, end)
    if context_before(text, start, CONTEXT, reach=6):
        confidence = 0.95
    yield start, stop, confidence or 0.3
    return max(stop, TAIL.match(text, end).end())  # type: ignore[union-attr]  # TAIL accepts ""


def _detail_end(text: str, at: int) -> tuple[int, float]:
    tail = TAIL.match(text, at)
    assert tail is not None  # TAIL accepts the empty string
    detail = DETAIL_END.match(tail[0])
    if detail is None:
        return at, 0.0
    piece = detail[0]
    if OFFICE.match(text, at + len(piece)):
        return at, 0.0
    return at + len(piece), 0.9 if DOOR.search(piece) else 0.8 if STREET.search(piece) else 0.0


@dataclass(frozen=True)
class AddressDetector(Detector):
    def candidates(self, text: str) -> Iterator[Finding]:
        for start, stop, confidence in _places(text):
            yield Finding(self.kind, start, stop, confidence)
        for match in LABELLED.finditer(text):
            stop, confidence = _detail_end(text, match.end())
            if confidence:
                yield Finding(self.kind, match.end(), stop, 0.95)
        for match in STREET_ONLY.finditer(text):
            # With place names, or after a longer label (住在, 住址), the other two ways find it whole.
            if not PLACED.search(match["address"]):
                yield Finding(self.kind, *match.span("address"), 0.85)


def cell(value: str) -> float | None:
    for start, _stop, confidence in _places(value):
        return 0.9 if start == 0 and confidence > 0.5 else None
    return None


detector_register(
    AddressDetector(
        kind="address",
        label=_("住址"),
        grade="L3",
        priority=20,
        patterns=(LABELLED,),
        confirm=lambda value, text, start, end: 0.95,
        cell=cell,
    )
)
