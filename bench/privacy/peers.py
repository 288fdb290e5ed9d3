"""Microsoft Presidio's AnalyzerEngine, configured for the same fifteen kinds of Chinese personal data.

Presidio's own recognizers are written for English and other Latin-script languages (``\\b`` word
boundaries that never fall between a Chinese character and a digit, US and European numbers), and
its NER recognizers need a model that cannot be downloaded here. So the analyzer is given one
PatternRecognizer per kind, written as Presidio's documentation shows: regular expressions with
scores, context words, and ``validate_result`` overrides that implement the check digits (GB 11643
MOD 11-2, GB 32100 MOD 31, GB 11714, Luhn, the IP parser), so that the checksum types are compared
on equal terms. The patterns follow ours where the standards fix the shape; names and addresses
get the same surname list and the same table of place names our detectors use.

No NER model runs. Two NLP engines are measured, since they change both speed and accuracy:

* Presidio's ``NoOpNlpEngine``: no tokens, so context words in the text cannot raise a score.
  The fastest way to run Presidio, and the comparison the speed target is judged by.
* spaCy's blank ``zh`` pipeline with the jieba segmenter (jieba is already a dependency of ours,
  and ships its dictionary: nothing is fetched), wrapped as a ``SpacyNlpEngine``. Its tokens give
  Presidio's context enhancer words to find (联系电话, 台胞证: context words are kept as short
  as jieba's words, since Presidio matches them within single tokens); spaCy's blank pipeline has no
  lemmatizer, so each token's text serves as its lemma. pkuseg, spaCy's other Chinese segmenter,
  needs a model download; the character segmenter gives one-character tokens no context word matches.

Full-width characters are folded to half-width before analysis with the same one-to-one map as
ours (offsets unchanged), as anyone deploying Presidio on Chinese text would have to. Presidio
returns overlapping results of different entities; as its anonymizer does, the higher score wins,
then the longer span, then the kinds in the order of our registry.
"""

from __future__ import annotations

import datetime
import ipaddress
import logging
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import spacy
from presidio_analyzer import AnalyzerEngine, Pattern, PatternRecognizer, RecognizerRegistry, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts, NoOpNlpEngine, SpacyNlpEngine
from spacy.tokens import Doc
from stdnum import luhn

from bench.privacy.corpus import KINDS, Span
from shuzheng.privacy.detect import fold
from shuzheng.privacy.detectors.address import place_names
from shuzheng.privacy.detectors.person_name import surnames
from shuzheng.quality.rules.identifiers import ID_CHECK, ID_WEIGHTS, USCC_ALPHABET, USCC_WEIGHTS

LANGUAGE = "zh"
THRESHOLD = 0.5  # the same as our detect(min_confidence=0.5)
PROVINCES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
    ]
)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_SEPARATORS = str.maketrans("", "", " -")
# Not a word of Chinese or Latin letters and digits on either side.
_START = r"(?<![0-9A-Za-z])"
_END = r"(?![0-9A-Za-z])"
_CJK = "\u4e00-\u9fff"


def _compact(text: str) -> str:
    return text.translate(_SEPARATORS).upper()


def _resident_id_valid(text: str) -> bool:
    number = _compact(text)
    if len(number) != 18 or not number[:17].isdigit() or number[:2] not in PROVINCES:
        return False
    try:
        born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if not datetime.date(1900, 1, 1) <= born <= datetime.date.today():
        return False
    return (
        ID_CHECK[sum(int(digit) * weight for digit, weight in zip(number[:17], ID_WEIGHTS, strict=True)) % 11]
        == number[17]
    )


def _uscc_valid(text: str) -> bool:
    code = _compact(text)
    if len(code) != 18 or any(char not in USCC_ALPHABET for char in code):
        return False
    total = sum(USCC_ALPHABET.index(char) * weight for char, weight in zip(code[:17], USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31] == code[17]


def _org_code_valid(text: str) -> bool:
    code = _compact(text)
    if len(code) != 9 or not code[:8].isalnum():
        return False
    check = 11 - sum(int(char, 36) * weight for char, weight in zip(code[:8], _ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(check, str(check)) == code[8]


def _landline_valid(text: str) -> bool:
    digits = "".join(char for char in text.split("转")[0] if char.isdigit())
    area = 3 if digits[1] in "12" else 4
    return len(digits) - area in ((8,) if area == 3 else (7, 8))


def _ip_valid(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


class Recognizer(PatternRecognizer):
    """A PatternRecognizer whose matches a check function confirms or drops.

    Presidio raises the score of a match that ``validate_result`` confirms to 1.0, which is right
    for a check digit (as its own credit-card recognizer does) but not for a shape check that one
    random string in eleven passes (an organisation code) or a parse (an IP address): those only
    drop what fails, through ``invalidate_result``, and keep their pattern's score.
    """

    def __init__(
        self, kind: str, patterns: list[Pattern], context: list[str], check: Any = None, *, checksum: bool = False
    ) -> None:
        super().__init__(
            supported_entity=kind.upper(), patterns=patterns, context=context, supported_language=LANGUAGE, name=kind
        )
        self.kind = kind
        self.check = check
        self.checksum = checksum

    def validate_result(self, pattern_text: str) -> bool | None:
        return bool(self.check(pattern_text)) if self.checksum else None

    def invalidate_result(self, pattern_text: str) -> bool | None:
        return False if self.checksum or self.check is None else not self.check(pattern_text)


class BankCardRecognizer(Recognizer):
    def __init__(self, kind: str, patterns: list[Pattern], context: list[str]) -> None:
        super().__init__(kind, patterns, context, checksum=True)

    def validate_result(self, pattern_text: str) -> bool | None:
        digits = _compact(pattern_text)
        return digits.isdigit() and 16 <= len(digits) <= 19 and luhn.is_valid(digits)

    def invalidate_result(self, pattern_text: str) -> bool | None:
        # An 18-digit resident ID number passes Luhn one time in ten: it is an ID number.
        return len(_compact(pattern_text)) == 18 and _resident_id_valid(pattern_text)


def _names_pattern() -> str:
    single, compound = surnames()
    return f"(?:{'|'.join(sorted(compound))}|[{''.join(sorted(single))}])"


_LABELS = (
    "姓名|联系人|申请人|法定代表人|法人代表|负责人|经办人|户主|收件人|收货人|患者|当事人|被申请人|委托人|代理人|"
    "监护人|投诉人|举报人|来电人|诉求人|办理人|报案人|驾驶人|持卡人|承租人|出租人|借款人|配偶|签收人|原告|被告|业主"
)
# Words that usually follow a name: where the name ends.
_AFTER = "先生|女士|同志|性别|电话|手机|联系|身份|男|女|于|在|的|是|和|等|住|称|向|已|将|名下|持|出生|年龄|，"
_ADDRESS_TAIL = (
    r"[^\s,，。；;:：、()（）]{0,30}?[0-9一二三四五六七八九十]+(?:号楼|号|室|组|弄)"
    r"(?:[0-9]+(?:号楼|号|幢|栋|单元|层|室))*"
)
_ADDRESS_LABELS = "住址|地址|住所|家住|现住|居住地|户籍地|送达地址|收货地址|收件地址|通讯地址|联系地址"


def trie_pattern(words: list[str]) -> str:
    """One regular expression for many words, as a trie (杭州(?:市)?…): a flat alternation of
    thousands of names makes the engine try each of them at every position."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict[str, Any]) -> str:
        ends = "" in node
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
        if ends:  # a word ends here and longer ones go on: the longer first, greedily
            return f"(?:{body})?" if len(branches) > 1 or len(branches[0]) > 1 else f"{body}?"
        return body

    return f"(?:{pattern(trie)})"


@cache
def _place_pattern() -> str:
    return trie_pattern(sorted(place_names()))


def recognizers() -> list[Recognizer]:
    name = _names_pattern()
    plate_letters = "A-HJ-NP-Z"
    return [
        Recognizer(
            "resident_id",
            [
                Pattern(
                    "resident_id",
                    rf"{_START}[1-9][0-9]{{5}}[ -]?(?:18|19|20)[0-9]{{2}}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
                    rf"[ -]?[0-9]{{3}}[0-9Xx]{_END}",
                    0.5,
                )
            ],
            ["身份证", "证件号", "公民身份号码"],
            _resident_id_valid,
            checksum=True,
        ),
        Recognizer(
            "uscc",
            [Pattern("uscc", rf"{_START}[0-9ANY][0-9A-HJ-NP-RTUW-Y][0-9]{{6}}[0-9A-HJ-NP-RTUW-Y]{{10}}{_END}", 0.5)],
            ["统一社会信用代码", "信用代码", "纳税人识别号"],
            _uscc_valid,
            checksum=True,
        ),
        Recognizer(
            "org_code",
            [
                Pattern("org_code_hyphen", r"(?<![0-9A-Za-z-])[0-9A-Z]{8}-[0-9X](?![0-9A-Za-z-])", 0.6),
                Pattern("org_code", rf"{_START}[0-9A-Z]{{8}}[0-9X]{_END}", 0.2),
            ],
            ["机构", "代码"],
            _org_code_valid,
        ),
        Recognizer(
            "mobile",
            [Pattern("mobile", r"(?:(?<![0-9])|(?<=86)|(?<=86[ -]))1[3-9][0-9](?:[ -]?[0-9]{4}){2}(?![0-9])", 0.7)],
            ["手机", "电话", "联系", "号码", "来电"],
        ),
        Recognizer(
            "landline",
            [
                Pattern(
                    "landline",
                    r"(?:\(0[1-9][0-9]{1,2}\)|(?<![0-9])0[1-9][0-9]{1,2})[ -]?[2-9][0-9]{2,3}[ -]?[0-9]{4}"
                    r"(?:转[0-9]{1,5})?(?![0-9])",
                    0.6,
                )
            ],
            ["电话", "座机", "联系", "传真"],
            _landline_valid,
        ),
        Recognizer(
            "email",
            [
                Pattern(
                    "email",
                    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}"
                    r"\.[A-Za-z]{2,24}(?![A-Za-z0-9-])",
                    0.9,
                )
            ],
            ["邮箱", "email", "邮件"],
        ),
        BankCardRecognizer(
            "bank_card",
            [
                Pattern("bank_card", r"(?<![0-9])[1-9][0-9]{15,18}(?![0-9])", 0.5),
                Pattern(
                    "bank_card_grouped", r"(?<![0-9])[0-9]{4}(?:[ -][0-9]{4}){3}(?:[ -]?[0-9]{1,3})?(?![0-9])", 0.5
                ),
            ],
            ["卡号", "银行卡", "账号", "帐号", "账户"],
        ),
        Recognizer(
            "passport",
            [
                Pattern(
                    "passport", rf"{_START}(?:E[{plate_letters}0-9][0-9]{{7}}|G[0-9]{{8}}|[SDP]E?[0-9]{{8}}){_END}", 0.6
                )
            ],
            ["护照"],
        ),
        Recognizer(
            "hk_macau_permit",
            [Pattern("hk_macau_permit", rf"{_START}(?:C[{plate_letters}0-9][0-9]{{7}}|W[0-9]{{8}}){_END}", 0.6)],
            ["通行证", "港澳"],
        ),
        Recognizer(
            "home_return_permit",
            [Pattern("home_return_permit", rf"{_START}[HM][0-9]{{8}}(?:[0-9]{{2}})?{_END}", 0.6)],
            ["回乡证", "内地", "港澳"],
        ),
        Recognizer(
            "taiwan_permit",
            [Pattern("taiwan_permit", rf"{_START}[0-9]{{8}}{_END}", 0.2)],
            ["台胞", "台湾", "大陆"],
        ),
        Recognizer(
            "plate",
            [
                Pattern(
                    "plate",
                    rf"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][{plate_letters}][ ·•]?"
                    rf"(?:[DF][{plate_letters}0-9][0-9]{{4}}|[0-9]{{5}}[DF]|[{plate_letters}0-9]{{4}}[{plate_letters}0-9挂学警港澳])"
                    rf"{_END}",
                    0.6,
                )
            ],
            ["车牌", "号牌", "车辆"],
        ),
        Recognizer(
            "ip",
            [
                Pattern("ipv4", r"(?<![0-9.])(?:[0-9]{1,3}\.){3}[0-9]{1,3}(?![0-9]|\.[0-9])", 0.6),
                Pattern("ipv6", r"(?<![0-9A-Fa-f:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![0-9A-Fa-f:])", 0.6),
            ],
            ["IP", "地址"],
            _ip_valid,
        ),
        Recognizer(
            "person_name",
            [
                Pattern(
                    "labelled_name",
                    rf"(?<=(?:{_LABELS})[:：为是 ]?){name}[{_CJK}]{{1,2}}?(?=[^{_CJK}]|$|{_AFTER})",
                    0.85,
                ),
                Pattern("honoured_name", rf"{name}[{_CJK}]{{1,2}}(?=先生|女士|同志)", 0.7),
            ],
            [],
        ),
        Recognizer(
            "address",
            [
                Pattern("labelled_address", rf"(?<=(?:{_ADDRESS_LABELS})[:：]?\s?){_ADDRESS_TAIL}", 0.85),
                Pattern("place_address", rf"{_place_pattern()}{{1,4}}{_ADDRESS_TAIL}", 0.6),
            ],
            ["住址", "地址", "住", "居住"],
        ),
    ]


class JiebaSpacyEngine(SpacyNlpEngine):
    """spaCy's blank Chinese pipeline segmented by jieba: tokens for the context words, no model."""

    def __init__(self) -> None:
        super().__init__(models=[{"lang_code": LANGUAGE, "model_name": "blank"}])

    def load(self) -> None:
        # Presidio types this attribute by its None before loading.
        self.nlp = {LANGUAGE: spacy.blank(LANGUAGE, config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})}  # type: ignore[assignment]

    def _doc_to_nlp_artifact(self, doc: Doc, language: str) -> NlpArtifacts:
        return NlpArtifacts(
            entities=[],
            tokens=doc,
            tokens_indices=[token.idx for token in doc],
            lemmas=[token.text for token in doc],  # a blank pipeline has no lemmatizer
            nlp_engine=self,
            language=language,
            scores=[],
        )


ENGINES = ("no-op", "jieba")
_ORDER = {kind.upper(): rank for rank, kind in enumerate(KINDS)}


@dataclass
class Presidio:
    engine: str  # one of ENGINES
    kinds: tuple[str, ...] = KINDS

    def __post_init__(self) -> None:
        logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
        logging.getLogger("jieba").setLevel(logging.ERROR)
        nlp_engine = (
            NoOpNlpEngine(models=[{"lang_code": LANGUAGE, "model_name": "none"}])
            if self.engine == "no-op"
            else JiebaSpacyEngine()
        )
        wanted = [recognizer for recognizer in recognizers() if recognizer.kind in self.kinds]
        registry = RecognizerRegistry(recognizers=wanted, supported_languages=[LANGUAGE])
        self.analyzer = AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=[LANGUAGE])

    def analyze(self, text: str) -> list[RecognizerResult]:
        return self.analyzer.analyze(fold(text), language=LANGUAGE, score_threshold=THRESHOLD)

    def detect(self, text: str) -> list[Span]:
        """Presidio's results without overlaps: higher score, then longer span, then our kinds' order."""
        results = sorted(
            self.analyze(text), key=lambda r: (-r.score, -(r.end - r.start), _ORDER[r.entity_type], r.start)
        )
        kept: list[Span] = []
        for result in results:
            if all(result.end <= span.start or span.end <= result.start for span in kept):
                kept.append(Span(result.entity_type.lower(), result.start, result.end))
        return sorted(kept, key=lambda span: span.start)
