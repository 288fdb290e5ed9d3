from __future__ import annotations

import time

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from shuzheng.core.identifiers import is_valid_resident_id
from shuzheng.privacy.detect import detect, fold
from shuzheng.privacy.registry import DETECTORS
from shuzheng.privacy.tests.identifiers import bank_cards, full_width, mobiles, resident_ids, usccs

PROPERTY = settings(max_examples=150, deadline=None)
# Chinese words around an identifier, glued to it or not.
BEFORE = st.sampled_from(["", "身份证号", "号码：", "请核实 ", "经查，", "（", "材料编号 "])
AFTER = st.sampled_from(["", "。", "，联系人已确认", " 已办结", "）", "号"])


def found(text: str, **options: object) -> list[tuple[str, str]]:
    return [(finding.kind, text[finding.start : finding.end]) for finding in detect(text, **options)]  # type: ignore[arg-type]


def six_eight_four(number: str, separator: str) -> str:
    return number[:6] + separator + number[6:14] + separator + number[14:]


@PROPERTY
@given(resident_ids(), BEFORE, AFTER, st.sampled_from(["", " ", "-"]), st.booleans())
def test_a_valid_resident_id_is_found_however_it_is_written(
    number: str, before: str, after: str, separator: str, wide: bool
) -> None:
    written = six_eight_four(number, separator)
    written = full_width(written) if wide else written
    assert found(before + written + after) == [("resident_id", written)]


@PROPERTY
@given(resident_ids(valid=False), BEFORE, AFTER)
def test_a_resident_id_with_a_wrong_check_digit_is_not_personal_data(number: str, before: str, after: str) -> None:
    assert found(before + number + after) == []


@PROPERTY
@given(usccs(), usccs(valid=False))
def test_credit_codes_are_found_by_their_check_character(code: str, wrong: str) -> None:
    assert found(f"统一社会信用代码{code}，另有{wrong}") == [("uscc", code)]


@PROPERTY
@given(bank_cards(), bank_cards(valid=False), st.sampled_from(["", " "]))
def test_bank_cards_need_the_luhn_check(card: str, wrong: str, separator: str) -> None:
    # One 18-digit number failing Luhn in many is a valid ID number (620000200004280006), and is
    # rightly reported as one.
    assume(not is_valid_resident_id(wrong))
    grouped = separator.join(card[i : i + 4] for i in range(0, len(card), 4))
    assert found(f"退款至{grouped}；原卡{wrong}已注销") == [("bank_card", grouped)]


def test_a_mistyped_card_number_that_passes_the_credit_code_check_is_not_a_credit_code() -> None:
    # 623303039401620010 fails Luhn but passes GB 32100's check (one number in 31 does).
    assert found("原卡623303039401620010已注销") == []
    assert found("统一社会信用代码623303039401620010") == [("uscc", "623303039401620010")]


@PROPERTY
@given(resident_ids())
def test_an_id_number_that_also_passes_luhn_is_an_id_number(number: str) -> None:
    assert found(f"卡号{number}") == [("resident_id", number)]


@PROPERTY
@given(mobiles(), st.sampled_from(["{}", "{} ", "+86 {}", "0086{}"]), st.booleans())
def test_mobiles_split_prefixed_or_full_width(number: str, shape: str, wide: bool) -> None:
    written = number[:3] + " " + number[3:7] + " " + number[7:] if shape.endswith(" ") else number
    text = "联系电话" + shape.strip().format(written) + "。"
    text = full_width(text) if wide else text
    [(kind, value)] = found(text)
    assert kind == "mobile"
    assert fold(value).replace(" ", "") == number


def test_a_mobile_inside_a_longer_number_is_not_a_mobile() -> None:
    assert found("订单号 2024113800138000123") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("办公电话0571-87654321转802", [("landline", "0571-87654321转802")]),
        ("请拨打(010)12345678", []),  # a Beijing number does not start with 1
        ("请拨打(010)62345678咨询", [("landline", "(010)62345678")]),
        ("邮箱：zhang.san@zj.gov.cn，抄送", [("email", "zhang.san@zj.gov.cn")]),
        ("护照号E12345678，港澳通行证C12345678", [("passport", "E12345678"), ("hk_macau_permit", "C12345678")]),
        ("台胞证号码 12345678", [("taiwan_permit", "12345678")]),
        ("编号12345678", []),  # eight bare digits are a Taiwan permit only when labelled
        ("浙A12345与浙AD12345、浙A12345D", [("plate", "浙A12345"), ("plate", "浙AD12345"), ("plate", "浙A12345D")]),
        ("浙江省杭州市", []),  # a place is not an address by itself
        ("IP：192.168.10.25，IPv6 2001:db8::8a2e:7334", [("ip", "192.168.10.25"), ("ip", "2001:db8::8a2e:7334")]),
        ("会议于12:30:45开始，版本号 v1.2.3", []),
        ("组织机构代码：MA27U0XX-8", []),  # the check character would be something else
    ],
)
def test_other_kinds(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("申请人：王小明，身份证号见附件", "王小明"),
        ("联系人张伟电话13800138000", "张伟"),
        ("姓名:欧阳娜娜 性别:女", "欧阳娜娜"),
        ("感谢李秀英女士来电反映", "李秀英"),
        ("由于张伟先生未到场", "张伟"),
    ],
)
def test_names_follow_labels_or_come_before_honorifics(text: str, name: str) -> None:
    assert ("person_name", name) in found(text)


def test_a_word_without_a_label_is_not_a_name() -> None:
    assert found("王府井大街的商户向工作人员反映了情况") == []


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("住址：浙江省杭州市西湖区文三路478号2幢301室，", "浙江省杭州市西湖区文三路478号2幢301室"),
        ("家住杭州西湖区留下街道东岳村5组", "杭州西湖区留下街道东岳村5组"),
        ("现居宁波市鄞州区首南街道日丽中路777号。", "宁波市鄞州区首南街道日丽中路777号"),
        ("收货地址：文一西路969号", "文一西路969号"),
    ],
)
def test_addresses_run_from_place_names_to_the_door(text: str, address: str) -> None:
    assert ("address", address) in found(text)


def test_overlapping_findings_keep_the_higher_priority_then_the_longer() -> None:
    text = "联系人王小明（电话13800138000，住址杭州市上城区解放路1号）"
    assert found(text) == [
        ("person_name", "王小明"),
        ("mobile", "13800138000"),
        ("address", "杭州市上城区解放路1号"),
    ]


def test_kinds_and_confidence_narrow_the_search() -> None:
    text = "车牌浙A12345，电话13800138000"
    assert found(text, kinds=["mobile"]) == [("mobile", "13800138000")]
    assert found("流水号 13800138000", min_confidence=0.9) == []


ADVERSARIAL = [
    "1" * 100_000,
    "1 " * 50_000,
    "a@" * 50_000,
    "a." * 50_000,
    "1." * 50_000,
    ":" * 100_000,
    "f:" * 50_000,
    "杭州市" * 33_000,
    "姓名" * 50_000,
    "住址：" + "号" * 100_000,
    "浙A" * 50_000,
    "E1" * 50_000,
]


def test_a_megabyte_of_adversarial_text_takes_well_under_a_second() -> None:
    text = "".join(ADVERSARIAL)
    assert len(text.encode()) > 1_000_000
    detect("warm up")
    started = time.process_time()
    detect(text)
    # CPU time of this process, so that other load on the machine does not count.
    assert time.process_time() - started < 1.0


@pytest.mark.parametrize(
    ("kind", "value", "sure"),
    [
        ("resident_id", "11010519491231002X", True),
        ("mobile", "13800138000", True),
        ("person_name", "王小明", True),
        ("person_name", "杭州", False),
        ("person_name", "温州市", False),
        ("address", "浙江省杭州市西湖区文三路478号", True),
        ("address", "西湖区", False),
        ("email", "a@b.cn", True),
    ],
)
def test_cells_are_judged_whole(kind: str, value: str, sure: bool) -> None:
    confidence = DETECTORS[kind].cell_confidence(value)
    assert (confidence is not None and confidence >= 0.5) is sure
