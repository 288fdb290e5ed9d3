"""The values the corpus is made of: identifiers that pass their standards' checks, names, addresses,
and the look-alikes of government paperwork that are none of these.

Every identifier is built the way its issuer builds it: a resident ID number from a real GB/T 2260
county code in use in the holder's birth year, a real birth date and the MOD 11-2 check; a USCC from
an authority and category of GB 32100, a Zhejiang county code, an organisation code with its own
GB 11714 check, and the MOD 31 check; bank cards from UnionPay (62…) and a few Visa and Mastercard
BINs with the Luhn check. Names come from common surnames and given-name characters as they occur,
including the characters (民, 生, 月, 家 …) that also start ordinary words. Addresses come from the
real names of Zhejiang's cities and counties and common road, estate and village names.

People write the same number in several ways, and so does the corpus, at shares chosen to look like
pasted and typed text: split 6-8-4, 3-4-4 or 4-4-4-4 with spaces or dashes, full-width digits
(０-９, what Chinese input methods type in full-width mode), and glued to the words around it.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from functools import cache

from stdnum import luhn

from shuzheng.core import regions
from shuzheng.quality.rules.identifiers import ID_CHECK, ID_WEIGHTS, USCC_ALPHABET, USCC_WEIGHTS

Generator = Callable[[random.Random], str]


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


TODAY = datetime.date(2026, 11, 28)
# The most common surnames (national ranking) and a few more frequent in Zhejiang; then compound ones.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩邓冯曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚"
    "沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤"
    "康易乔赖文施洪章应楼俞童詹虞裘竺屠项鲍翁毕柯倪单"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "端木")
# Given-name characters roughly as often as they occur; 民, 生, 月, 家, 和, 平 start words too.
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国文辉玉萍红斌宇浩鹏飞鑫波俊帅婷雪琳晨欣怡子涵梓轩"
    "一诺雨思佳嘉睿博宏志海林峰春晓燕丹凤云梅琴莉慧颖倩璐瑶洁佩新民生月家和安宁德福荣庆祥成永亮东晶丽珍清"
    "立振泽楠彬凯翔健龙琪瑞雅婉欢钰昊然铭天俊伦若彤蕾茜"
)
ROADS = _words(
    "文三路 文二路 学院路 教工路 天目山路 莫干山路 延安路 中山北路 解放东路 体育场路 凤起路 庆春路"
    " 环城北路 秋涛路 江南大道 滨盛路 长河路 金城路 人民路 建设路 新华路 胜利路 解放路 中兴路"
    " 世纪大道 钱江路 之江路 五星路 丰潭路 古墩路 紫金港路 余杭塘路 天童南路 中山东路 车站路 学士路"
    " 环城西路 河坊街 南山路 湖墅南路 石桥路 东新路 南环路 百合街 市心中路 人民大道 县前街 城东路"
    " 工业大道 府前路 江滨路 望江路 鼓楼街"
)
ESTATES = _words(
    "翠苑一区 朝晖六区 德胜新村 阳光花园 金都华府 桂花城 大关西苑 和睦新村 嘉绿苑 西溪诚园 三墩北苑"
    " 新华家园 锦绣江南 世纪花城 春江花月 绿园 香樟公寓 紫金庭园 东方郡 翡翠城 蓝庭 金色海岸 文鼎苑"
    " 采荷新村 景芳三区 丁桥新苑 九堡家园 幸福里 滨江花园 月亮湾"
)
TOWNS = _words("新塘 东湖 河桥 临浦 瓜沥 义桥 新登 分水 梅城 塘栖 瓶窑 良渚 五常 仓前 闲林 勾庄 崇贤 北干 城厢 横溪")
VILLAGES = _words("前山 后塘 东溪 塘头 新联 金星 永丰 红旗 马家 下沙 南庄 上溪 白鹤 青山 石桥 大路 溪口 三联")
COMMUNITIES = _words("翠苑 文新 古荡 蒋村 朝晖 和睦 大关 小河 米市巷 长庆 湖滨 清波 闸弄口 四季青 采荷 笕桥")
# The leading digits of real card products (issuer BINs) and their lengths.
CARD_BINS = (
    ("622202", 19),  # 工商银行借记卡
    ("621226", 19),  # 工商银行
    ("622848", 19),  # 农业银行
    ("621700", 19),  # 建设银行
    ("621661", 19),  # 中国银行
    ("622262", 19),  # 交通银行
    ("621483", 16),  # 招商银行
    ("623091", 19),  # 农村商业银行
    ("621799", 19),  # 邮储银行
    ("622588", 16),  # 招商银行信用卡
    ("625807", 16),  # 银联信用卡
    ("436742", 16),  # 建设银行 Visa
    ("518710", 16),  # Mastercard
)
BANKS = _words(
    "中国工商银行 中国农业银行 中国建设银行 中国银行 交通银行 招商银行 杭州银行 浙江农商银行 中国邮政储蓄银行"
)
MOBILE_PREFIXES = _words(
    "130 131 132 133 134 135 136 137 138 139 145 147 150"
    " 151 152 153 155 156 157 158 159 166 170 172 173 175"
    " 176 177 178 180 181 182 183 184 185 186 187 188 189"
    " 191 193 195 196 198 199"
)
# Area codes with the length of their subscriber numbers.
AREA_CODES = (
    ("0571", 8),
    ("0571", 8),
    ("0574", 8),
    ("0577", 8),
    ("0573", 8),
    ("0572", 7),
    ("0575", 8),
    ("0579", 8),
    ("0570", 7),
    ("0580", 7),
    ("0576", 8),
    ("0578", 7),
    ("010", 8),
    ("021", 8),
    ("025", 8),
)
MAIL_DOMAINS = _words(
    "qq.com qq.com qq.com 163.com 163.com 126.com"
    " sina.com foxmail.com 139.com gmail.com hotmail.com"
    " outlook.com yeah.net hz.gov.cn zj.gov.cn zju.edu.cn"
    " zjtech.com.cn aliyun.com"
)
PINYIN = _words(
    "wang li zhang liu chen yang huang zhao wu zhou xu"
    " sun ma zhu hu guo he lin luo gao zheng wei fang na"
    " min jing li qiang lei jun yang yong yan jie juan tao"
    " ming chao xia ping gang hua jian guo wen hui yu"
)
PROVINCE_ABBREVIATIONS = "京津沪渝冀豫云辽黑湘皖鲁新苏赣鄂桂甘晋蒙陕吉闽贵粤青川宁琼"
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def full_width(text: str) -> str:
    """Half-width ASCII made full-width, as typed in an input method's full-width mode."""
    return "".join(chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char for char in text)


def _pick(rng: random.Random, shares: dict[str, float]) -> str:
    return rng.choices(list(shares), weights=list(shares.values()))[0]


def _digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(count))


# --- resident ID numbers ---------------------------------------------------------------------------


@cache
def _county_codes() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """County-level codes, Zhejiang's and the whole country's (historical ones too)."""
    counties = [
        code
        for code, record in regions.national_table().items()
        if record.level == regions.COUNTY and not record.is_aggregate
    ]
    return tuple(sorted(code for code in counties if code.startswith("33"))), tuple(sorted(counties))


def birth_date(rng: random.Random) -> datetime.date:
    return datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randrange(68 * 365))


def id_body(rng: random.Random) -> str:
    """The first 17 digits: a county code in use in the birth year, the birth date, a sequence."""
    zhejiang, everywhere = _county_codes()
    born = birth_date(rng)
    while True:
        code = rng.choice(zhejiang if rng.random() < 0.7 else everywhere)
        if regions.lookup(code, born.year) is not None:
            return f"{code}{born:%Y%m%d}{rng.randrange(1000):03d}"


def id_check(body: str) -> str:
    return ID_CHECK[sum(int(digit) * weight for digit, weight in zip(body, ID_WEIGHTS, strict=True)) % 11]


def _split_id(number: str, rng: random.Random) -> str:
    form = _pick(rng, {"plain": 0.82, "spaced": 0.06, "dashed": 0.04, "full": 0.06, "lower": 0.02})
    if form == "spaced":
        return f"{number[:6]} {number[6:14]} {number[14:]}"
    if form == "dashed":
        return f"{number[:6]}-{number[6:14]}-{number[14:]}"
    if form == "full":
        return full_width(number)
    return number.lower() if form == "lower" else number


def resident_id(rng: random.Random) -> str:
    body = id_body(rng)
    return _split_id(body + id_check(body), rng)


def bad_resident_id(rng: random.Random) -> str:
    """A real-looking number with a wrong check character: a typing slip."""
    body = id_body(rng)
    right = id_check(body)
    return body + rng.choice([char for char in ID_CHECK if char != right])


def masked_id(rng: random.Random) -> str:
    """As public notices print them: 330106********1234."""
    body = id_body(rng)
    number = body + id_check(body)
    return rng.choice(
        [number[:6] + "*" * 8 + number[14:], number[:4] + "*" * 10 + number[14:], number[:1] + "*" * 16 + number[17:]]
    )


# --- organisations ---------------------------------------------------------------------------------

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _org_check(body: str) -> str:
    check = 11 - sum(int(char, 36) * weight for char, weight in zip(body, _ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def _org_body(rng: random.Random) -> str:
    if rng.random() < 0.6:  # codes issued with a USCC since 2015 start MA (市场监管) and use its alphabet
        return "MA" + "".join(rng.choice(USCC_ALPHABET) for _ in range(6))
    return _digits(rng, 8)


def org_code(rng: random.Random) -> str:
    body = _org_body(rng)
    code = body + _org_check(body)
    return code if rng.random() < 0.15 else f"{code[:8]}-{code[8]}"


def uscc_check(body: str) -> str:
    total = sum(USCC_ALPHABET.index(char) * weight for char, weight in zip(body, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def _uscc_body(rng: random.Random) -> str:
    authority = _pick(
        rng, {"91": 0.7, "92": 0.1, "93": 0.03, "12": 0.06, "11": 0.03, "52": 0.04, "51": 0.02, "N2": 0.02}
    )
    zhejiang, _ = _county_codes()
    body = _org_body(rng)
    return authority + rng.choice(zhejiang) + body + _org_check(body)


def uscc(rng: random.Random) -> str:
    body = _uscc_body(rng)
    code = body + uscc_check(body)
    return full_width(code) if rng.random() < 0.04 else code


def bad_uscc(rng: random.Random) -> str:
    body = _uscc_body(rng)
    right = uscc_check(body)
    return body + rng.choice([char for char in USCC_ALPHABET if char != right])


COMPANY_WORDS = _words("鑫源 恒达 华瑞 新锐 天成 博远 宏达 万象 金诚 汇通 东升 绿源 安泰 众诚 嘉禾 百川 云帆 永兴")
TRADES = _words("科技 网络科技 餐饮管理 建筑工程 贸易 物业管理 电子商务 文化传媒 食品 汽车服务 教育咨询 环保科技")


def company(rng: random.Random) -> str:
    city = rng.choice(["杭州", "宁波", "温州", "绍兴", "浙江", "嘉兴", "杭州", "金华"])
    return f"{city}{rng.choice(COMPANY_WORDS)}{rng.choice(TRADES)}有限公司"


# --- phones, e-mail, cards -------------------------------------------------------------------------


def _mobile_digits(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + _digits(rng, 8)


def mobile(rng: random.Random) -> str:
    number = _mobile_digits(rng)
    form = _pick(rng, {"plain": 0.8, "spaced": 0.07, "dashed": 0.05, "full": 0.06, "plus": 0.02})
    if form == "spaced":
        return f"{number[:3]} {number[3:7]} {number[7:]}"
    if form == "dashed":
        return f"{number[:3]}-{number[3:7]}-{number[7:]}"
    return full_width(number) if form == "full" else number


def mobile_with_country_code(rng: random.Random) -> tuple[str, str]:
    """(the prefix, the national number): the prefix is written before the number but is not part of it."""
    return rng.choice(["+86 ", "+86", "0086-", "86-"]), _mobile_digits(rng)


def masked_mobile(rng: random.Random) -> str:
    number = _mobile_digits(rng)
    return number[:3] + "****" + number[7:]


def landline(rng: random.Random) -> str:
    area, length = rng.choice(AREA_CODES)
    subscriber = rng.choice("2345678") + _digits(rng, length - 1)
    form = _pick(rng, {"dash": 0.55, "brackets": 0.1, "spaced": 0.05, "compact": 0.15, "split": 0.05, "full": 0.1})
    if form == "brackets":
        number = f"({area}){subscriber}"
    elif form == "spaced":
        number = f"{area} {subscriber}"
    elif form == "compact":
        number = area + subscriber
    elif form == "split" and length == 8:
        number = f"{area}-{subscriber[:4]} {subscriber[4:]}"
    else:
        number = f"{area}-{subscriber}"
    if rng.random() < 0.05:
        number += f"转{_digits(rng, 3)}"
    return full_width(number) if form == "full" else number


def email(rng: random.Random) -> str:
    style = _pick(rng, {"qq": 0.25, "pinyin": 0.45, "dotted": 0.15, "initials": 0.15})
    if style == "qq":
        return f"{rng.choice('123456789')}{_digits(rng, rng.randint(5, 9))}@qq.com"
    if style == "pinyin":
        local = rng.choice(PINYIN) + rng.choice(PINYIN) + (_digits(rng, rng.choice([0, 2, 4])))
    elif style == "dotted":
        local = f"{rng.choice(PINYIN)}.{rng.choice(PINYIN)}{rng.choice(['', '_', '-'])}{_digits(rng, 2)}"
    else:
        local = "".join(rng.choice("abcdefghjklmnpqrstwxyz") for _ in range(3)) + _digits(rng, 4)
    value = f"{local}@{rng.choice(MAIL_DOMAINS)}"
    return full_width(value) if rng.random() < 0.02 else value


def _card_body(rng: random.Random) -> str:
    prefix, length = rng.choice(CARD_BINS)
    return prefix + _digits(rng, length - len(prefix) - 1)


def _grouped(number: str, separator: str) -> str:
    return separator.join(number[at : at + 4] for at in range(0, len(number), 4))


def bank_card(rng: random.Random) -> str:
    body = _card_body(rng)
    number = body + luhn.calc_check_digit(body)
    form = _pick(rng, {"plain": 0.7, "spaced": 0.2, "dashed": 0.03, "full": 0.07})
    if form == "spaced":
        return _grouped(number, " ")
    if form == "dashed":
        return _grouped(number, "-")
    return full_width(number) if form == "full" else number


def bad_bank_card(rng: random.Random) -> str:
    body = _card_body(rng)
    right = luhn.calc_check_digit(body)
    number = body + rng.choice([digit for digit in "0123456789" if digit != right])
    return _grouped(number, " ") if rng.random() < 0.2 else number


def bank(rng: random.Random) -> str:
    return rng.choice(BANKS) + rng.choice(["", "杭州分行", "西湖支行", "城西支行", "营业部"])


# --- travel documents ------------------------------------------------------------------------------


def passport(rng: random.Random) -> str:
    form = _pick(rng, {"E8": 0.5, "EL7": 0.35, "G8": 0.15})
    if form == "EL7":
        return "E" + rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") + _digits(rng, 7)
    return form[0] + _digits(rng, 8)


def hk_macau_permit(rng: random.Random) -> str:
    form = _pick(rng, {"C8": 0.5, "CL7": 0.35, "W8": 0.15})
    if form == "CL7":
        return "C" + rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") + _digits(rng, 7)
    return form[0] + _digits(rng, 8)


def home_return_permit(rng: random.Random) -> str:
    return rng.choice("HHM") + _digits(rng, 10 if rng.random() < 0.2 else 8)


def taiwan_permit(rng: random.Random) -> str:
    return _digits(rng, 8)


# --- vehicles, networks ----------------------------------------------------------------------------


def plate(rng: random.Random) -> str:
    province = "浙" if rng.random() < 0.7 else rng.choice(PROVINCE_ABBREVIATIONS)
    office = rng.choice("ABCDEFGHJKL") if province == "浙" else rng.choice("ABCDEFGH")
    form = _pick(rng, {"ordinary": 0.75, "small_ev": 0.2, "large_ev": 0.05})
    if form == "small_ev":
        rest = rng.choice("DF") + rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") + _digits(rng, 4)
    elif form == "large_ev":
        rest = _digits(rng, 5) + rng.choice("DF")
    else:
        chars = list(_digits(rng, 5))
        for at in rng.sample(range(5), rng.choice([0, 0, 1, 1, 2])):
            chars[at] = rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ")
        rest = "".join(chars)
    separator = _pick(rng, {"": 0.8, "·": 0.15, " ": 0.05})
    return f"{province}{office}{separator}{rest}"


def ip(rng: random.Random) -> str:
    if rng.random() < 0.15:
        groups = [f"{rng.randrange(0x10000):x}" for _ in range(4)]
        return (
            rng.choice(["2408:8207:", "240e:3a1:", "2409:8a28:", "2001:da8:"]) + ":".join(groups[:2]) + "::" + groups[3]
        )
    first = rng.choice(["115.236", "60.191", "183.129", "223.93", "112.17", "10.12", "192.168", "172.16"])
    return f"{first}.{rng.randrange(256)}.{rng.randrange(1, 255)}"


# --- people and places ------------------------------------------------------------------------------

_SURNAME_WEIGHTS = [1 / (rank + 1) ** 0.8 for rank in range(len(SURNAMES))]


def surname(rng: random.Random) -> str:
    if rng.random() < 0.01:
        return rng.choice(COMPOUND_SURNAMES)
    return rng.choices(SURNAMES, weights=_SURNAME_WEIGHTS)[0]


def person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.75 else "")
    return surname(rng) + given


def masked_name(rng: random.Random) -> str:
    name = person_name(rng)
    return name[0] + "*" * (len(name) - 1) if rng.random() < 0.5 else name[0] + "*" + name[2:]


def pseudonym(rng: random.Random) -> str:
    """How judgments and notices hide a name: 王某, 王某某."""
    return surname(rng) + rng.choice(["某", "某某"])


@cache
def _zhejiang_places() -> tuple[tuple[str, str, str], ...]:
    """(province, prefecture, county) names of Zhejiang's current counties, districts and county-level cities."""
    table = regions.national_table()
    places = []
    for code, record in table.items():
        if code.startswith("33") and record.level == regions.COUNTY and record.is_current and not record.is_aggregate:
            prefecture = table.get(code[:4] + "00")
            if prefecture is not None and prefecture.is_current:
                places.append((table["330000"].name, prefecture.name, record.name))
    return tuple(sorted(places))


def region_prefix(rng: random.Random) -> str:
    province, prefecture, county = rng.choice(_zhejiang_places())
    form = _pick(rng, {"full": 0.25, "city": 0.45, "county": 0.17, "short": 0.05, "none": 0.08})
    if form == "full":
        return province + prefecture + county
    if form == "city":
        return prefecture + county
    if form == "county":
        return county
    return prefecture.removesuffix("市") + county if form == "short" else ""


def street_part(rng: random.Random) -> str:
    form = _pick(rng, {"road": 0.45, "estate": 0.35, "village": 0.2})
    if form == "road":
        address = f"{rng.choice(ROADS)}{rng.randint(1, 999)}号"
        if rng.random() < 0.6:
            address += f"{rng.randint(1, 30)}{rng.choice(['幢', '栋', '号楼'])}"
            if rng.random() < 0.5:
                address += f"{rng.randint(1, 6)}单元"
            address += f"{rng.randint(1, 28)}{rng.randint(1, 4):02d}室"
        return address
    if form == "estate":
        town = f"{rng.choice(COMMUNITIES)}街道" if rng.random() < 0.3 else ""
        community = f"{rng.choice(COMMUNITIES)}社区" if town and rng.random() < 0.5 else ""
        unit = f"{rng.randint(1, 6)}单元" if rng.random() < 0.5 else ""
        building = f"{rng.choice(ESTATES)}{rng.randint(1, 40)}幢{unit}"
        return f"{town}{community}{building}{rng.randint(1, 28)}{rng.randint(1, 4):02d}室"
    town = rng.choice(TOWNS) + rng.choice(["镇", "镇", "街道"])
    group = f"{rng.randint(1, 12)}组" if rng.random() < 0.4 else ""
    return f"{town}{rng.choice(VILLAGES)}村{group}{rng.randint(1, 200)}号"


def address(rng: random.Random) -> str:
    value = region_prefix(rng) + street_part(rng)
    return full_width(value) if rng.random() < 0.03 else value


def place(rng: random.Random) -> str:
    """A place named as such, not anyone's address: a city, a district, a county."""
    _, prefecture, county = rng.choice(_zhejiang_places())
    return rng.choice([prefecture, prefecture + county, county, "浙江省" + prefecture])


def office(rng: random.Random) -> str:
    """A government office, named after its place."""
    _, prefecture, county = rng.choice(_zhejiang_places())
    return rng.choice(
        [
            f"{prefecture}{county}人民政府",
            f"{county}市场监督管理局",
            f"{prefecture}公安局{county}分局",
            f"{county}{rng.choice(COMMUNITIES)}街道办事处",
            f"{county}{rng.choice(TOWNS)}镇人民政府",
            f"{prefecture}人力资源和社会保障局",
            f"{county}{rng.choice(COMMUNITIES)}社区居民委员会",
            f"{prefecture}{county}住房和城乡建设局",
        ]
    )


def hometown(rng: random.Random) -> str:
    _, prefecture, county = rng.choice(_zhejiang_places())
    return rng.choice(["浙江" + prefecture.removesuffix("市"), "浙江省" + prefecture, prefecture + county])


def road(rng: random.Random) -> str:
    return rng.choice(ROADS)


def estate(rng: random.Random) -> str:
    return rng.choice(ESTATES)


# --- what is not personal data, but looks like it ---------------------------------------------------


def date(rng: random.Random) -> str:
    day = datetime.date(2023, 1, 1) + datetime.timedelta(days=rng.randrange(1000))
    form = _pick(rng, {"cn": 0.5, "iso": 0.3, "dots": 0.1, "compact": 0.05, "slash": 0.05})
    if form == "cn":
        return f"{day.year}年{day.month}月{day.day}日"
    if form == "dots":
        return f"{day:%Y.%m.%d}"
    if form == "compact":
        return f"{day:%Y%m%d}"
    return f"{day:%Y/%m/%d}" if form == "slash" else f"{day:%Y-%m-%d}"


def birth_text(rng: random.Random) -> str:
    born = birth_date(rng)
    return rng.choice([f"{born.year}年{born.month}月{born.day}日", f"{born:%Y-%m-%d}", f"{born:%Y.%m}"])


def datetime_text(rng: random.Random) -> str:
    day = datetime.date(2023, 1, 1) + datetime.timedelta(days=rng.randrange(1000))
    hour, minute, second = rng.randrange(24), rng.randrange(60), rng.randrange(60)
    if rng.random() < 0.5:
        return f"{day:%Y-%m-%d} {hour:02d}:{minute:02d}:{second:02d}"
    return f"{day.year}年{day.month}月{day.day}日{hour}时{minute}分"


def amount(rng: random.Random) -> str:
    value = rng.choice([rng.randint(1, 999), rng.randint(1000, 99999), rng.randint(100000, 9999999)])
    cents = rng.randrange(100)
    form = _pick(rng, {"yuan": 0.4, "comma": 0.25, "sign": 0.15, "wan": 0.1, "int": 0.1})
    if form == "comma":
        return f"{value:,}.{cents:02d}元"
    if form == "sign":
        return f"￥{value}.{cents:02d}"
    if form == "wan":
        return f"{value / 10000:.2f}万元"
    return f"{value}元" if form == "int" else f"{value}.{cents:02d}元"


def version(rng: random.Random) -> str:
    parts = [rng.randint(1, 12), rng.randint(0, 20), rng.randint(0, 30)]
    if rng.random() < 0.5:
        parts.append(rng.choice([rng.randint(0, 200), rng.randint(1000, 30000)]))
    return rng.choice(["V", "v", ""]) + ".".join(map(str, parts))


_COUNTY_SHORT = _words("杭西 杭上 杭拱 杭滨 杭萧 杭余 甬鄞 甬海 温鹿 温瓯 绍越 绍柯 嘉南 湖吴 金婺 台椒")


def case_number(rng: random.Random) -> str:
    year = rng.randint(2019, 2026)
    return rng.choice(
        [
            f"浙{rng.choice(_COUNTY_SHORT)}行罚〔{year}〕{rng.randint(1, 999)}号",
            f"{rng.choice(_COUNTY_SHORT)}市监处罚〔{year}〕{rng.randint(1, 999)}号",
            f"（{year}）浙{rng.choice(['0106', '0105', '0110', '0212', '0302', '0602'])}民初{rng.randint(1, 19999)}号",
            f"（{year}）浙{rng.choice(['01', '02', '03'])}行终{rng.randint(1, 999)}号",
        ]
    )


def document_number(rng: random.Random) -> str:
    year = rng.randint(2019, 2026)
    return rng.choice(
        [
            f"浙政办发〔{year}〕{rng.randint(1, 80)}号",
            f"杭政函〔{year}〕{rng.randint(1, 200)}号",
            f"{rng.choice(['杭', '甬', '温'])}人社发〔{year}〕{rng.randint(1, 99)}号",
            # 公安交通管理简易程序处罚决定书: the county code, then ten digits
            f"{rng.choice(_county_codes()[0])}{_digits(rng, 10)}",
        ]
    )


def ticket(rng: random.Random) -> str:
    """12345 work-order numbers: a date and a sequence, with or without a letter prefix."""
    day = datetime.date(2023, 1, 1) + datetime.timedelta(days=rng.randrange(1000))
    return rng.choice(["HZ", "ZJ", "", "", "GD"]) + f"{day:%Y%m%d}" + _digits(rng, rng.choice([6, 8]))


def order_number(rng: random.Random) -> str:
    return rng.choice(
        [
            rng.choice("1234") + _digits(rng, rng.choice([17, 18])),  # 淘宝, 天猫
            rng.choice("123456789") + _digits(rng, 11),  # 京东
            f"{rng.randint(230101, 251231)}-{_digits(rng, 15)}",  # 拼多多
        ]
    )


def transaction_number(rng: random.Random) -> str:
    return rng.choice(["42000" + _digits(rng, 23), "2024" + _digits(rng, 24), _digits(rng, 20)])


def express_number(rng: random.Random) -> str:
    return rng.choice(
        ["SF" + _digits(rng, 13), "YT" + _digits(rng, 13), "7" + _digits(rng, 13), "JT" + _digits(rng, 13)]
    )


def invoice_code(rng: random.Random) -> str:
    """Paper VAT invoices: 0, the issuing tax office's region, the year, the kind and a batch."""
    region = rng.choice(["3300", "3301", "3302", "3303", "3306"])
    return f"0{region}{rng.randint(19, 24)}{rng.choice(['00', '01', '11'])}{_digits(rng, 3)}"


def invoice_number(rng: random.Random) -> str:
    return _digits(rng, 8) if rng.random() < 0.6 else "24" + _digits(rng, 18)


def postcode(rng: random.Random) -> str:
    return rng.choice(["31", "32"]) + _digits(rng, 4)


def hotline(rng: random.Random) -> str:
    return rng.choice(["12345", "0571-12345", "96345", "12315", "12333", "110", "0571-96345"])


def icp(rng: random.Random) -> str:
    return f"浙ICP备{_digits(rng, 8)}号-{rng.randint(1, 3)}"


def small_number(rng: random.Random) -> str:
    return str(rng.randint(1, 12))


def age(rng: random.Random) -> str:
    return str(rng.randint(18, 90))


def article(rng: random.Random) -> str:
    return str(rng.randint(1, 120))


def room(rng: random.Random) -> str:
    return f"{rng.randint(1, 30)}-{rng.randint(1, 6)}-{rng.randint(1, 28)}{rng.randint(1, 4):02d}"


def parking(rng: random.Random) -> str:
    return f"{rng.choice('ABC')}{rng.randint(1, 3)}-{rng.randint(1, 600):03d}"


def year(rng: random.Random) -> str:
    return str(rng.randint(2019, 2026))
