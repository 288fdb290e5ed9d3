"""Chinese identifiers: resident ID, USCC, organisation code and mobile number.

Each ``parse_*`` function normalizes what people paste (full-width characters,
spaces, hyphens), checks the number against its standard and returns its parts,
or raises :class:`InvalidIdentifier` with a stable ``code``. What only a
register could settle (a region code missing from our tables, an authority and
category pair our secondary-source table lacks) is a warning, not an error:
turning away a real person's number costs more than accepting an odd one.

python-stdnum supplies the check characters, never the verdict: its
``validate`` rejects resident IDs whose region code postdates the birth year
and USCCs starting with A, N or Y, all of which are legitimate.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric
from stdnum.cn import uscc as stdnum_uscc

from shuzheng.core import regions
from shuzheng.core.choices import IdentifierKind

# Longer input is refused before normalizing, so a pasted document fails fast.
MAX_INPUT_LENGTH = 64
DEFAULT_MOBILE_PATTERN = r"^1[3-9]\d{9}$"

# Word and WeChat paste no-break, ideographic and zero-width spaces and assorted dashes.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u200b-\u200d\u2060\ufeff]+")
_RIC_FORMAT = re.compile(r"[0-9]{17}[0-9X]")
_FIRST_GENERATION = re.compile(r"[0-9]{15}")
_EARLIEST_BIRTH = datetime.date(1900, 1, 1)
# GB 32100's 31 characters, each worth its index (I, O, S, V and Z are not used).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_ALPHABET = frozenset(USCC_ALPHABET)
_ORG_FORMAT = re.compile(r"[0-9A-Z]{8}[0-9X]")
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_MOBILE_PREFIX = re.compile(r"^(?:\+86|0086|86)(?=[0-9]{11}$)")


def normalize(value: str) -> str:
    """Half-width, upper-case and without spaces or hyphens: pasted text becomes the bare number."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", value)).upper()


class InvalidIdentifier(ValueError):
    """A number its standard rejects; ``code`` is for machines, ``message`` for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _compact(value: str, length: int) -> str:
    if len(value) > MAX_INPUT_LENGTH:
        raise _length_error(length, len(value))
    number = normalize(value)
    if len(number) != length:
        raise _length_error(length, len(number))
    return number


def _length_error(expected: int, actual: int) -> InvalidIdentifier:
    if actual == 0:
        return InvalidIdentifier("length", gettext("未填写号码"))
    return InvalidIdentifier(
        "length", gettext("应为 %(expected)d 位，实际为 %(actual)d 位") % {"expected": expected, "actual": actual}
    )


def _checksum_error(expected: str) -> InvalidIdentifier:
    return InvalidIdentifier(
        "checksum", gettext("校验码错误：按前面各位计算应为 %(expected)s，请逐位核对") % {"expected": expected}
    )


# --- resident ID (GB 11643, ISO 7064 MOD 11-2) -------------------------------------------------


@dataclass(frozen=True, slots=True)
class ResidentId:
    """A resident ID number that passed its checks, with what it says about the holder."""

    number: str
    birth_date: datetime.date
    sex: Literal["male", "female"]
    region_code: str
    region_name: str
    warnings: tuple[str, ...] = ()


def parse_resident_id(value: str, *, today: datetime.date | None = None) -> ResidentId:
    """Check an 18-character resident ID number and split it into its parts."""
    try:
        number = _compact(value, 18)
    except InvalidIdentifier:
        if len(value) <= MAX_INPUT_LENGTH and _FIRST_GENERATION.fullmatch(normalize(value)):
            raise InvalidIdentifier(
                "length", gettext("这是已停止使用的 15 位第一代身份证号码，请填写 18 位号码")
            ) from None
        raise
    if not _RIC_FORMAT.fullmatch(number):
        raise InvalidIdentifier("format", gettext("前 17 位应为数字，第 18 位应为数字或 X"))
    expected = ric.calc_check_digit(number)  # reads the first 17 characters of the full number
    if number[17] != expected:
        raise _checksum_error(expected)
    birth_date = _birth_date(number[6:14], today if today is not None else timezone.localdate())
    region_code = number[:6]
    if not regions.province_code_known(region_code):
        raise InvalidIdentifier(
            "region",
            gettext("地址码 %(code)s 的省级代码 %(province)s 不存在")
            % {"code": region_code, "province": region_code[:2]},
        )
    region_name, warnings = _region_name(region_code, birth_date.year)
    return ResidentId(
        number=number,
        birth_date=birth_date,
        sex="male" if int(number[16]) % 2 else "female",
        region_code=region_code,
        region_name=region_name,
        warnings=warnings,
    )


def _birth_date(digits: str, today: datetime.date) -> datetime.date:
    shown = f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"
    try:
        birth_date = datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise InvalidIdentifier("birth_date", gettext("出生日期 %(date)s 不存在") % {"date": shown}) from None
    if birth_date < _EARLIEST_BIRTH:
        raise InvalidIdentifier("birth_date", gettext("出生日期 %(date)s 早于 1900 年") % {"date": shown})
    if birth_date > today:
        raise InvalidIdentifier("birth_date", gettext("出生日期 %(date)s 晚于今天") % {"date": shown})
    return birth_date


def _region_name(code: str, year: int) -> tuple[str, tuple[str, ...]]:
    if regions.lookup(code, year) is not None:
        return regions.full_name(code, year=year), ()
    # People born before a re-coding got numbers under the new code, and codes
    # retire while their holders live on: both are real numbers, so only warn.
    if regions.lookup(code) is not None:
        warning = gettext(
            "出生年份 %(year)d 年时，地址码 %(code)s 尚未启用或已停用；行政区划调整前后出生的人可能持有此类号码，请核对"
        )
        return regions.full_name(code), (warning % {"code": code, "year": year},)
    return "", (gettext("地址码 %(code)s 不在行政区划代码表中，请核对") % {"code": code},)


def is_valid_resident_id(value: str) -> bool:
    """Whether ``value`` is a valid resident ID number (warnings do not count against it)."""
    try:
        parse_resident_id(value)
    except InvalidIdentifier:
        return False
    return True


# --- unified social credit code (GB 32100) -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class RegistrationAuthority:
    """A GB 32100 registration authority and the organisation categories it assigns."""

    name: Promise
    categories: dict[str, Promise]


_OTHER = _("其他")

# GB 32100 appendix as quoted by secondary sources (ntnyq/uscc-utils and others);
# the standard itself was not at hand, so a pair missing here is only a warning.
REGISTRATION_AUTHORITIES: dict[str, RegistrationAuthority] = {
    "1": RegistrationAuthority(
        _("机构编制"), {"1": _("机关"), "2": _("事业单位"), "3": _("编办直接管理机构编制的群众团体"), "9": _OTHER}
    ),
    "2": RegistrationAuthority(_("外交"), {"1": _("外国常驻新闻机构"), "9": _OTHER}),
    "3": RegistrationAuthority(
        _("司法行政"),
        {
            "1": _("律师执业机构"),
            "2": _("公证处"),
            "3": _("基层法律服务所"),
            "4": _("司法鉴定机构"),
            "5": _("仲裁委员会"),
            "9": _OTHER,
        },
    ),
    "4": RegistrationAuthority(_("文化"), {"1": _("外国在华文化中心"), "9": _OTHER}),
    "5": RegistrationAuthority(
        _("民政"), {"1": _("社会团体"), "2": _("民办非企业单位"), "3": _("基金会"), "9": _OTHER}
    ),
    "6": RegistrationAuthority(
        _("旅游"),
        {"1": _("外国旅游部门常驻代表机构"), "2": _("港澳台地区旅游部门常驻内地（大陆）代表机构"), "9": _OTHER},
    ),
    "7": RegistrationAuthority(_("宗教"), {"1": _("宗教活动场所"), "2": _("宗教院校"), "9": _OTHER}),
    "8": RegistrationAuthority(_("工会"), {"1": _("基层工会"), "9": _OTHER}),
    "9": RegistrationAuthority(_("工商"), {"1": _("企业"), "2": _("个体工商户"), "3": _("农民专业合作社")}),
    "A": RegistrationAuthority(_("中央军委改革和编制办公室"), {"1": _("军队事业单位"), "9": _OTHER}),
    "N": RegistrationAuthority(
        _("农业"),
        {"1": _("组级集体经济组织"), "2": _("村级集体经济组织"), "3": _("乡镇级集体经济组织"), "9": _OTHER},
    ),
    # Sources say Y is not subdivided and uses 1; 9 ("other") turns up as well.
    "Y": RegistrationAuthority(_("其他"), {"1": _OTHER, "9": _OTHER}),
}


@dataclass(frozen=True, slots=True)
class Uscc:
    """A unified social credit code that passed its checks, split into its parts."""

    code: str
    registration_authority: str
    registration_authority_name: str
    category: str
    category_name: str
    region_code: str
    org_code: str
    warnings: tuple[str, ...] = ()


def parse_uscc(value: str) -> Uscc:
    """Check an 18-character unified social credit code and split it into its parts."""
    code = _compact(value, 18)
    foreign = sorted(set(code) - _USCC_ALPHABET)
    if foreign:
        raise InvalidIdentifier(
            "format",
            gettext("含有统一社会信用代码不使用的字符：%(chars)s（不使用 I、O、S、V、Z 及符号）")
            % {"chars": " ".join(foreign)},
        )
    if not code[2:8].isdigit():
        raise InvalidIdentifier("format", gettext("第 3–8 位（登记管理部门行政区划码）应为数字"))
    authority = REGISTRATION_AUTHORITIES.get(code[0])
    if authority is None:
        raise InvalidIdentifier(
            "registration_authority", gettext("第 1 位登记管理部门代码 %(code)s 不存在") % {"code": code[0]}
        )
    expected = stdnum_uscc.calc_check_digit(code)  # weights the first 17 characters only
    if code[17] != expected:
        raise _checksum_error(expected)
    warnings: list[str] = []
    category_name = authority.categories.get(code[1])
    if category_name is None:
        warnings.append(
            gettext("机构类别 %(category)s 不在登记管理部门“%(authority)s”的已知类别中，请核对")
            % {"category": code[1], "authority": authority.name}
        )
    org_code = code[8:17]
    if _ORG_FORMAT.fullmatch(org_code) is None or _org_code_check(org_code) != org_code[8]:
        warnings.append(
            gettext("第 9–17 位主体标识码 %(org_code)s 不符合组织机构代码的校验规则，请核对") % {"org_code": org_code}
        )
    return Uscc(
        code=code,
        registration_authority=code[0],
        registration_authority_name=str(authority.name),
        category=code[1],
        category_name="" if category_name is None else str(category_name),
        region_code=code[2:8],
        org_code=org_code,
        warnings=tuple(warnings),
    )


def is_valid_uscc(value: str) -> bool:
    """Whether ``value`` is a valid unified social credit code (warnings do not count against it)."""
    try:
        parse_uscc(value)
    except InvalidIdentifier:
        return False
    return True


# --- organisation code (GB 11714) --------------------------------------------------------------


def _org_code_check(code: str) -> str:
    total = sum(int(char, 36) * weight for char, weight in zip(code[:8], _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def validate_org_code(value: str) -> str:
    """Check an organisation code (``XXXXXXXX-X`` or compact) and return its 9-character form."""
    code = _compact(value, 9)
    if not _ORG_FORMAT.fullmatch(code):
        raise InvalidIdentifier("format", gettext("组织机构代码应为 8 位数字或大写字母，加 1 位数字或 X 校验码"))
    expected = _org_code_check(code)
    if code[8] != expected:
        raise _checksum_error(expected)
    return code


# --- mobile number -----------------------------------------------------------------------------


def parse_mobile(value: str) -> str:
    """Check a mainland mobile number (with or without +86) and return its 11 digits."""
    if len(value) > MAX_INPUT_LENGTH:
        raise _length_error(11, len(value))
    number = _MOBILE_PREFIX.sub("", normalize(value).replace("(", "").replace(")", ""))
    if not number:
        raise _length_error(11, 0)
    pattern = getattr(settings, "SHUZHENG_MOBILE_PATTERN", DEFAULT_MOBILE_PATTERN)
    # ASCII: "\d" must not admit Arabic-Indic or other digits that NFKC leaves alone.
    if re.fullmatch(pattern, number, re.ASCII) is None:
        raise InvalidIdentifier("format", gettext("不是有效的手机号码"))
    return number


# --- one entry point for the API and the portal ------------------------------------------------


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The verdict on one value: valid or not, its normalized form, parts, errors and warnings."""

    kind: str
    valid: bool
    normalized: str
    details: dict[str, str] = field(default_factory=dict)
    errors: list[dict[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


_Checked = tuple[str, dict[str, str], tuple[str, ...]]


def _check_resident_id(value: str) -> _Checked:
    parsed = parse_resident_id(value)
    details = {
        "birth_date": parsed.birth_date.isoformat(),
        "sex": parsed.sex,
        "region_code": parsed.region_code,
        "region_name": parsed.region_name,
    }
    return parsed.number, details, parsed.warnings


def _check_uscc(value: str) -> _Checked:
    parsed = parse_uscc(value)
    details = {
        "registration_authority": parsed.registration_authority,
        "registration_authority_name": parsed.registration_authority_name,
        "category": parsed.category,
        "category_name": parsed.category_name,
        "region_code": parsed.region_code,
        "org_code": parsed.org_code,
    }
    return parsed.code, details, parsed.warnings


_CHECKERS: dict[str, Callable[[str], _Checked]] = {
    IdentifierKind.RESIDENT_ID.value: _check_resident_id,
    IdentifierKind.USCC.value: _check_uscc,
    IdentifierKind.ORG_CODE.value: lambda value: (validate_org_code(value), {}, ()),
    IdentifierKind.MOBILE.value: lambda value: (parse_mobile(value), {}, ()),
}


def check(kind: str, value: str) -> CheckResult:
    """Check ``value`` as an identifier of ``kind``; raises ValueError only for an unknown kind."""
    checker = _CHECKERS.get(kind)
    if checker is None:
        raise ValueError(f"unknown identifier kind: {kind!r}")
    try:
        normalized, details, warnings = checker(value)
    except InvalidIdentifier as exc:
        return CheckResult(str(kind), False, "", errors=[{"code": exc.code, "detail": exc.message}])
    return CheckResult(str(kind), True, normalized, details, warnings=list(warnings))
