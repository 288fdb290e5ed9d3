"""Identifier checks: published examples, awkward input, and properties against the standards' own algorithms."""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from typing import NamedTuple

import pytest
from django.test import override_settings
from django.utils import translation
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from stdnum.cn import ric as stdnum_ric
from stdnum.cn import uscc as stdnum_uscc

from shuzheng.core import regions
from shuzheng.core.choices import IdentifierKind
from shuzheng.core.identifiers import (
    InvalidIdentifier,
    check,
    is_valid_resident_id,
    is_valid_uscc,
    normalize,
    parse_mobile,
    parse_resident_id,
    parse_uscc,
    validate_org_code,
)

# 600 examples per property: each identifier meets about 3 000 valid and
# corrupted numbers per run, and a different 3 000 the next run.
PROPERTY = settings(max_examples=300, deadline=None)
TODAY = datetime.date(2025, 6, 30)

# --- reference implementations, written from the standards' text ------------------------------

# GB 11643 / ISO 7064 MOD 11-2: position i (1-based, the check character is 18) weighs 2^(18-i) mod 11.
RIC_WEIGHTS = [2 ** (18 - i) % 11 for i in range(1, 18)]
RIC_CHECKS = "10X98765432"  # indexed by the weighted sum mod 11

# GB 32100: 31 characters valued by their index; position i (0-based) weighs 3^i mod 31.
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [3**i % 31 for i in range(17)]

# GB 11714: 0-9 then A = 10 … Z = 35.
ORG_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]

# GB 32100 authority → categories, as listed in the domain reference (Y: 1 per the
# standard's notes, 9 as seen in the wild).
USCC_CATEGORIES = {
    "1": "1239",
    "2": "19",
    "3": "123459",
    "4": "19",
    "5": "1239",
    "6": "129",
    "7": "129",
    "8": "19",
    "9": "123",
    "A": "19",
    "N": "1239",
    "Y": "19",
}
USCC_PAIRS = sorted(
    authority + category for authority, categories in USCC_CATEGORIES.items() for category in categories
)


def ref_ric_check(body: str) -> str:
    return RIC_CHECKS[sum(int(char) * weight for char, weight in zip(body, RIC_WEIGHTS, strict=True)) % 11]


def ref_uscc_check(body: str) -> str:
    value = 31 - sum(USCC_CHARS.index(char) * weight for char, weight in zip(body, USCC_WEIGHTS, strict=True)) % 31
    return USCC_CHARS[0 if value == 31 else value]


def ref_org_check(body: str) -> str:
    value = 11 - sum(ORG_CHARS.index(char) * weight for char, weight in zip(body, ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def resident_id(region: str, birth: str, sequence: str) -> str:
    body = region + birth + sequence
    return body + ref_ric_check(body)


def uscc(head: str, org_code: str) -> str:
    body = head + org_code
    return body + ref_uscc_check(body)


def full_width(text: str) -> str:
    return "".join(chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char for char in text)


def substitute(text: str, position: int, alphabet: str, offset: int) -> str:
    """``text`` with one character replaced by a different one from ``alphabet``."""
    replacement = alphabet[(alphabet.index(text[position]) + offset) % len(alphabet)]
    return text[:position] + replacement + text[position + 1 :]


def transpose(text: str, position: int) -> str:
    return text[:position] + text[position + 1] + text[position] + text[position + 2 :]


def rejection(parse: Callable[[str], object], value: str) -> InvalidIdentifier:
    with pytest.raises(InvalidIdentifier) as caught:
        parse(value)
    return caught.value


def test_reference_weights_match_the_published_tables() -> None:
    assert RIC_WEIGHTS == [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    assert USCC_WEIGHTS == [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


# --- resident ID: examples ----------------------------------------------------------------------


def test_published_resident_ids() -> None:
    first = parse_resident_id("360426199101010071")
    assert (first.birth_date, first.sex, first.region_code) == (datetime.date(1991, 1, 1), "male", "360426")
    assert first.region_name == "江西省九江市德安县"
    assert first.warnings == ()
    second = parse_resident_id("11010519491231002X")
    assert (second.birth_date, second.sex, second.region_name) == (
        datetime.date(1949, 12, 31),
        "female",
        "北京市朝阳区",
    )


def test_code_newer_than_the_birth_year_is_valid_with_a_warning() -> None:
    number = resident_id("330102", "19500101", "001")  # 330102 上城区 dates from 1983
    assert not stdnum_ric.is_valid(number)  # why stdnum's verdict is not ours
    parsed = parse_resident_id(number)
    assert parsed.region_name == "浙江省杭州市上城区"
    assert len(parsed.warnings) == 1
    assert "330102" in parsed.warnings[0]


def test_new_district_linping() -> None:
    parsed = parse_resident_id(resident_id("330113", "20220315", "002"))
    assert parsed.region_name == "浙江省杭州市临平区"
    assert parsed.warnings == ()


def test_retired_prefecture_code_carries_its_name_of_the_birth_year() -> None:
    parsed = parse_resident_id(resident_id("332601", "19900101", "003"))
    assert parsed.region_name == "浙江省台州地区椒江市"
    assert parsed.warnings == ()


def test_unknown_county_in_a_known_province_is_a_warning() -> None:
    parsed = parse_resident_id(resident_id("339999", "19900101", "003"))
    assert parsed.region_name == ""
    assert len(parsed.warnings) == 1


def test_unknown_province_is_an_error() -> None:
    assert rejection(parse_resident_id, resident_id("990101", "19900101", "003")).code == "region"


@pytest.mark.parametrize(
    "birth", ["19490230", "19901301", "18991231", "20250701"], ids=["feb-30", "month-13", "before-1900", "future"]
)
def test_impossible_birth_dates(birth: str) -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        parse_resident_id(resident_id("330106", birth, "001"), today=TODAY)
    assert caught.value.code == "birth_date"


def test_born_today_is_valid() -> None:
    assert parse_resident_id(resident_id("330106", "20250630", "001"), today=TODAY).birth_date == TODAY


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "length"),
        ("   ", "length"),
        ("\u3000\t\n", "length"),
        ("330106800101001", "length"),  # first generation, 15 digits
        ("3601061991010100711", "length"),
        ("36042619910101007", "length"),
        ("36042619910101OO71", "format"),
        ("X60426199101010071", "format"),
        ("٣٦٠٤٢٦١٩٩١٠١٠١٠٠٧١", "format"),  # Arabic-Indic digits survive NFKC; they are not ours
        ("360426199101010072", "checksum"),
    ],
)
def test_awkward_resident_ids(value: str, code: str) -> None:
    assert rejection(parse_resident_id, value).code == code


def test_first_generation_number_says_so() -> None:
    with translation.override("zh-hans"):
        assert "15 位" in rejection(parse_resident_id, "330106800101001").message


def test_pasted_forms_are_accepted() -> None:
    assert parse_resident_id("11010519491231002x").number == "11010519491231002X"
    assert parse_resident_id(" 110105 1949-1231 002ｘ\n").number == "11010519491231002X"
    assert parse_resident_id("３６０４２６\u3000１９９１０１０１\u00a0００７１").number == "360426199101010071"
    assert normalize("ａｂｃ－１２３") == "ABC123"


@pytest.mark.parametrize("kind", IdentifierKind.values)
@pytest.mark.parametrize("value", ["1" * 20_000, "３" * 20_000, " " * 20_000])
def test_huge_input_fails_fast(kind: str, value: str) -> None:
    start = time.perf_counter()
    result = check(kind, value)
    assert time.perf_counter() - start < 0.5
    assert not result.valid
    assert result.errors[0]["code"] == "length"


def test_messages_are_chinese() -> None:
    with translation.override("zh-hans"):
        error = rejection(parse_resident_id, "360426199101010072")
        assert error.message == "校验码错误：按前面各位计算应为 1，请逐位核对"
        assert str(error) == error.message
        assert rejection(parse_uscc, "9111000060OI37341L").message.startswith("含有统一社会信用代码不使用的字符：I O")


# --- resident ID: properties --------------------------------------------------------------------

REGION_CODES = sorted(code for code in regions.national_table() if regions.province_code_known(code))


class GeneratedId(NamedTuple):
    number: str
    region: str
    birth_date: datetime.date
    sequence: int


@st.composite
def resident_ids(draw: st.DrawFn) -> GeneratedId:
    region = draw(st.sampled_from(REGION_CODES))
    birth_date = draw(st.dates(min_value=datetime.date(1900, 1, 1), max_value=TODAY))
    sequence = draw(st.integers(0, 999))
    return GeneratedId(resident_id(region, f"{birth_date:%Y%m%d}", f"{sequence:03d}"), region, birth_date, sequence)


@PROPERTY
@given(resident_ids())
def test_generated_resident_ids_are_accepted(generated: GeneratedId) -> None:
    parsed = parse_resident_id(generated.number, today=TODAY)
    assert parsed.number == generated.number
    assert parsed.birth_date == generated.birth_date
    assert parsed.sex == ("male" if generated.sequence % 2 else "female")
    assert parsed.region_code == generated.region
    assert parsed.region_name
    in_use = regions.lookup(generated.region, generated.birth_date.year) is not None
    assert len(parsed.warnings) == (0 if in_use else 1)


@PROPERTY
@given(resident_ids(), st.integers(0, 16), st.integers(1, 10))
def test_resident_id_with_one_character_changed_is_rejected(generated: GeneratedId, position: int, offset: int) -> None:
    rejection(
        lambda value: parse_resident_id(value, today=TODAY),
        substitute(generated.number, position, "0123456789X", offset),
    )


@PROPERTY
@given(resident_ids(), st.integers(0, 16))
def test_resident_id_with_neighbours_swapped_is_rejected(generated: GeneratedId, position: int) -> None:
    assume(generated.number[position] != generated.number[position + 1])
    rejection(lambda value: parse_resident_id(value, today=TODAY), transpose(generated.number, position))


@PROPERTY
@given(resident_ids(), st.integers(1, 10))
def test_resident_id_with_wrong_check_character_is_rejected(generated: GeneratedId, offset: int) -> None:
    wrong = substitute(generated.number, 17, RIC_CHECKS, offset)
    assert rejection(lambda value: parse_resident_id(value, today=TODAY), wrong).code == "checksum"


@PROPERTY
@given(resident_ids(), st.integers(0, 17), st.booleans())
def test_resident_id_of_wrong_length_is_rejected(generated: GeneratedId, position: int, drop: bool) -> None:
    number = generated.number
    changed = number[:position] + number[position + 1 :] if drop else number[:position] + "7" + number[position:]
    assert rejection(parse_resident_id, changed).code == "length"


@PROPERTY
@given(st.text("0123456789", min_size=17, max_size=17), st.sampled_from(RIC_CHECKS))
def test_resident_id_checksum_agrees_with_reference(body: str, check_character: str) -> None:
    result = check("resident_id", body + check_character)
    assert ([error["code"] for error in result.errors] == ["checksum"]) == (ref_ric_check(body) != check_character)


@PROPERTY
@given(resident_ids(), st.sampled_from([" ", "\u3000", "-", "－", "\u00a0", ""]))
def test_full_width_resident_id_gives_the_same_result(generated: GeneratedId, separator: str) -> None:
    wide = full_width(generated.number).lower()
    pasted = f" {wide[:6]}{separator}{wide[6:14]}{separator}{wide[14:]}\n"
    assert parse_resident_id(pasted, today=TODAY) == parse_resident_id(generated.number, today=TODAY)


# --- USCC ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["91110000600037341L", "91110108551385082Q", "91350100M000100Y43"])
def test_published_usccs(code: str) -> None:
    parsed = parse_uscc(code)
    assert (parsed.registration_authority_name, parsed.category_name) == ("工商", "企业")
    assert parsed.org_code == code[8:17]
    assert parsed.warnings == ()


def test_village_collective_is_valid_although_stdnum_rejects_it() -> None:
    org_body = "MA2B3C4D"
    code = uscc("N2330106", org_body + ref_org_check(org_body))
    assert not stdnum_uscc.is_valid(code)
    parsed = parse_uscc(code)
    assert (parsed.registration_authority_name, parsed.category_name) == ("农业", "村级集体经济组织")
    assert parsed.region_code == "330106"
    assert parsed.warnings == ()
    assert is_valid_uscc(code)


def test_unlisted_category_of_a_known_authority_is_a_warning() -> None:
    parsed = parse_uscc(uscc("95330106", "600037341"))
    assert parsed.category_name == ""
    assert len(parsed.warnings) == 1


def test_embedded_org_code_with_bad_check_is_a_warning() -> None:
    parsed = parse_uscc(uscc("91330106", "600037342"))
    assert len(parsed.warnings) == 1
    assert "600037342" in parsed.warnings[0]


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "length"),
        ("9111000060003734L", "length"),
        ("9111000060OO37341L", "format"),  # O is not in the alphabet
        ("9111000060II37341L", "format"),
        ("91110000600037341S", "format"),
        ("911A0000600037341L", "format"),  # region code must be digits
        (uscc("B1330106", "600037341"), "registration_authority"),
        ("91110000600037341M", "checksum"),
    ],
)
def test_awkward_usccs(value: str, code: str) -> None:
    assert rejection(parse_uscc, value).code == code


def test_lowercase_and_spaced_uscc_is_accepted() -> None:
    assert parse_uscc("9111 0000 6000 3734 1l").code == "91110000600037341L"
    assert parse_uscc(full_width("91350100m000100y43")).code == "91350100M000100Y43"


class GeneratedUscc(NamedTuple):
    code: str
    org_code_valid: bool


@st.composite
def usccs(draw: st.DrawFn) -> GeneratedUscc:
    pair = draw(st.sampled_from(USCC_PAIRS))
    region = draw(st.sampled_from(REGION_CODES))
    if draw(st.booleans()):
        org_body = draw(st.text(USCC_CHARS, min_size=8, max_size=8))
        org_code = org_body + ref_org_check(org_body)
    else:
        org_code = draw(st.text(USCC_CHARS, min_size=9, max_size=9))
    return GeneratedUscc(uscc(pair + region, org_code), ref_org_check(org_code[:8]) == org_code[8])


@PROPERTY
@given(usccs())
def test_generated_usccs_are_accepted(generated: GeneratedUscc) -> None:
    code = generated.code
    parsed = parse_uscc(code)
    assert (parsed.code, parsed.registration_authority, parsed.category) == (code, code[0], code[1])
    assert (parsed.region_code, parsed.org_code) == (code[2:8], code[8:17])
    assert parsed.registration_authority_name
    assert parsed.category_name
    assert len(parsed.warnings) == (0 if generated.org_code_valid else 1)
    if code[0].isdigit():
        assert stdnum_uscc.is_valid(code)


@PROPERTY
@given(usccs(), st.integers(0, 16), st.integers(1, 30))
def test_uscc_with_one_character_changed_is_rejected(generated: GeneratedUscc, position: int, offset: int) -> None:
    rejection(parse_uscc, substitute(generated.code, position, USCC_CHARS, offset))


@PROPERTY
@given(usccs(), st.integers(0, 16))
def test_uscc_with_neighbours_swapped_is_rejected(generated: GeneratedUscc, position: int) -> None:
    assume(generated.code[position] != generated.code[position + 1])
    rejection(parse_uscc, transpose(generated.code, position))


@PROPERTY
@given(usccs(), st.integers(1, 30))
def test_uscc_with_wrong_check_character_is_rejected(generated: GeneratedUscc, offset: int) -> None:
    assert rejection(parse_uscc, substitute(generated.code, 17, USCC_CHARS, offset)).code == "checksum"


@PROPERTY
@given(usccs(), st.integers(0, 17), st.booleans())
def test_uscc_of_wrong_length_is_rejected(generated: GeneratedUscc, position: int, drop: bool) -> None:
    code = generated.code
    changed = code[:position] + code[position + 1 :] if drop else code[:position] + "7" + code[position:]
    assert rejection(parse_uscc, changed).code == "length"


@PROPERTY
@given(usccs())
def test_full_width_uscc_gives_the_same_result(generated: GeneratedUscc) -> None:
    pasted = "\u3000" + full_width(generated.code[:9]).lower() + " " + full_width(generated.code[9:])
    assert parse_uscc(pasted) == parse_uscc(generated.code)


# --- organisation code --------------------------------------------------------------------------


def org_code_accepted(value: str) -> bool:
    try:
        validate_org_code(value)
    except InvalidIdentifier:
        return False
    return True


@st.composite
def org_codes(draw: st.DrawFn) -> str:
    body = draw(st.text(ORG_CHARS, min_size=8, max_size=8))
    return body + ref_org_check(body)


@pytest.mark.parametrize("value", ["60003734-1", "551385082", "M000100Y-4", " ｍ０００１００ｙ－４ "])
def test_org_codes_from_published_usccs(value: str) -> None:
    assert validate_org_code(value) == normalize(value)


@pytest.mark.parametrize(
    ("value", "code"), [("", "length"), ("60003734", "length"), ("60003734-2", "checksum"), ("6000373A-A", "format")]
)
def test_awkward_org_codes(value: str, code: str) -> None:
    assert rejection(validate_org_code, value).code == code


@PROPERTY
@given(org_codes())
def test_generated_org_codes_are_accepted(code: str) -> None:
    assert validate_org_code(code) == code
    assert validate_org_code(f"{code[:8]}-{code[8]}".lower()) == code
    assert validate_org_code(full_width(code)) == code


@PROPERTY
@given(org_codes(), st.integers(0, 7), st.integers(1, 35))
def test_org_code_substitution_agrees_with_reference(code: str, position: int, offset: int) -> None:
    changed = substitute(code, position, ORG_CHARS, offset)
    accepted = org_code_accepted(changed)
    assert accepted == (ref_org_check(changed[:8]) == changed[8])
    # MOD 11 over 36 symbols misses a change by a multiple of 11 (0 → B); every other one is caught.
    if (ORG_CHARS.index(changed[position]) - ORG_CHARS.index(code[position])) % 11:
        assert not accepted


@PROPERTY
@given(org_codes(), st.integers(0, 7))
def test_org_code_transposition_agrees_with_reference(code: str, position: int) -> None:
    assume(code[position] != code[position + 1])
    changed = transpose(code, position)
    accepted = org_code_accepted(changed)
    assert accepted == (changed[8] in "0123456789X" and ref_org_check(changed[:8]) == changed[8])
    if position < 7 and (ORG_CHARS.index(code[position]) - ORG_CHARS.index(code[position + 1])) % 11:
        assert not accepted


@PROPERTY
@given(org_codes(), st.integers(1, 10))
def test_org_code_with_wrong_check_character_is_rejected(code: str, offset: int) -> None:
    assert rejection(validate_org_code, substitute(code, 8, "0123456789X", offset)).code == "checksum"


# --- mobile -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "13800138000",
        "+86 138-0013-8000",
        "0086 138 0013 8000",
        "8613800138000",
        "１３８００１３８０００",
        "(+86)13800138000",
    ],
)
def test_mobile_forms(value: str) -> None:
    assert parse_mobile(value) == "13800138000"


@pytest.mark.parametrize("value", ["", "12345678901", "1380013800", "138001380001", "+1 13800138000", "138001380٠٠"])
def test_bad_mobiles(value: str) -> None:
    rejection(parse_mobile, value)


def test_mobile_pattern_comes_from_settings() -> None:
    with override_settings(SHUZHENG_MOBILE_PATTERN=r"^1[0-9]\d{9}$"):
        assert parse_mobile("12345678901") == "12345678901"


# --- check() ------------------------------------------------------------------------------------


def test_check_resident_id() -> None:
    result = check("resident_id", "11010519491231002x")
    assert result.valid
    assert result.normalized == "11010519491231002X"
    assert result.details == {
        "birth_date": "1949-12-31",
        "sex": "female",
        "region_code": "110105",
        "region_name": "北京市朝阳区",
    }
    assert (result.errors, result.warnings) == ([], [])


def test_check_uscc_details() -> None:
    result = check(IdentifierKind.USCC, "91350100M000100Y43")
    assert result.kind == "uscc"
    assert result.details["registration_authority_name"] == "工商"
    assert result.details["org_code"] == "M000100Y4"


def test_check_reports_error_and_warning() -> None:
    with translation.override("zh-hans"):
        bad = check("uscc", "91110000600037341M")
    assert (bad.valid, bad.normalized, bad.details) == (False, "", {})
    assert bad.errors == [{"code": "checksum", "detail": "校验码错误：按前面各位计算应为 L，请逐位核对"}]
    warned = check("resident_id", resident_id("330102", "19500101", "001"))
    assert warned.valid
    assert len(warned.warnings) == 1


def test_check_org_code_and_mobile() -> None:
    assert check("org_code", "60003734-1").normalized == "600037341"
    assert check("mobile", "+86 138-0013-8000").normalized == "13800138000"


def test_check_unknown_kind() -> None:
    with pytest.raises(ValueError, match="passport"):
        check("passport", "E12345678")


def test_convenience_predicates() -> None:
    assert is_valid_resident_id("360426199101010071")
    assert not is_valid_resident_id("360426199101010072")
    assert is_valid_uscc("91110000600037341L")
    assert not is_valid_uscc("91110000600037341M")
