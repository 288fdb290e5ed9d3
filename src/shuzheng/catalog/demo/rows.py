"""Sample rows of the demo catalogue's open datasets (无条件开放) and of one restricted
dataset (受限开放), the same on every run.

``rows(code)`` gives a dataset's rows, or None for a dataset without sample data
(closed ones never have any). Each generator is
seeded with the dataset's code, so the rows depend on nothing else. Places are
Hangzhou's real districts, subdistricts and roads; names of companies are
made up but their unified social credit codes are valid (check characters of
GB 32100 and of the embedded GB 11714 organisation code). No open row names a
natural person or carries a resident ID or mobile number: those datasets are
graded L2 and above and stay closed or restricted. The restricted register of
individual businesses names its (generated) operators, to show how an approved
applicant receives them de-identified.
"""

from __future__ import annotations

import datetime
import math
import random
from collections.abc import Callable
from typing import Any, NamedTuple

from stdnum.cn import uscc as stdnum_uscc

Row = dict[str, Any]


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


class District(NamedTuple):
    code: str
    name: str
    short: str  # as in 杭州市生态环境局西湖分局 and in document numbers
    subdistricts: tuple[str, ...]
    roads: tuple[str, ...]
    centre: tuple[float, float]  # longitude, latitude


DISTRICTS = (
    District(
        "330102",
        "上城区",
        "上城",
        words(
            "湖滨街道 清波街道 小营街道 望江街道 南星街道 "
            "紫阳街道 采荷街道 凯旋街道 闸弄口街道 四季青街道 "
            "笕桥街道 九堡街道 丁兰街道 彭埠街道"
        ),
        words("解放路 延安路 庆春路 中河中路 秋涛路 凯旋路 江锦路 钱江路 九堡大道 望江路 清泰街 建国南路"),
        (120.19, 30.27),
    ),
    District(
        "330105",
        "拱墅区",
        "拱墅",
        words(
            "米市巷街道 湖墅街道 小河街道 和睦街道 拱宸桥街道 "
            "大关街道 上塘街道 祥符街道 康桥街道 半山街道 "
            "武林街道 天水街道 朝晖街道 潮鸣街道 长庆街道 "
            "石桥街道 东新街道"
        ),
        words("湖墅南路 莫干山路 上塘路 丽水路 大关路 登云路 石祥路 体育场路 环城北路 中山北路 德胜路 东新路"),
        (120.15, 30.32),
    ),
    District(
        "330106",
        "西湖区",
        "西湖",
        words(
            "北山街道 西溪街道 灵隐街道 翠苑街道 文新街道 古荡街道 西湖街道 留下街道 转塘街道 蒋村街道 三墩镇 双浦镇"
        ),
        words("文三路 文二路 天目山路 学院路 古墩路 西溪路 教工路 文一西路 紫金港路 之江路 留和路 余杭塘路"),
        (120.13, 30.26),
    ),
    District(
        "330108",
        "滨江区",
        "滨江",
        words("西兴街道 长河街道 浦沿街道"),
        words("江南大道 滨盛路 江陵路 长河路 网商路 滨安路 火炬大道 物联网街 江汉路 六和路"),
        (120.21, 30.21),
    ),
    District(
        "330109",
        "萧山区",
        "萧山",
        words("城厢街道 北干街道 蜀山街道 新塘街道 宁围街道 新街街道 闻堰街道 瓜沥镇 临浦镇 义桥镇"),
        words("人民路 市心中路 金城路 通惠路 建设一路 山阴路 湘湖路 萧绍路 工人路 育才路"),
        (120.26, 30.18),
    ),
    District(
        "330110",
        "余杭区",
        "余杭",
        words("五常街道 闲林街道 仓前街道 余杭街道 中泰街道 良渚街道 瓶窑镇 径山镇 黄湖镇 鸬鸟镇 百丈镇"),
        words("文一西路 五常大道 良渚大道 高教路 龙潭路 海曙路 文二西路 绿汀路"),
        (120.00, 30.29),
    ),
    District(
        "330111",
        "富阳区",
        "富阳",
        words("富春街道 东洲街道 银湖街道 春江街道 鹿山街道 新登镇 场口镇 万市镇"),
        words("金桥北路 富春街 江滨西大道 桂花路 大桥路 公望街"),
        (119.96, 30.05),
    ),
    District(
        "330112",
        "临安区",
        "临安",
        words("锦城街道 玲珑街道 青山湖街道 锦南街道 锦北街道 於潜镇 昌化镇 太湖源镇"),
        words("钱王街 衣锦街 万马路 科技大道 农林大路 武肃街"),
        (119.72, 30.23),
    ),
    District(
        "330113",
        "临平区",
        "临平",
        words("临平街道 南苑街道 东湖街道 星桥街道 乔司街道 运河街道 崇贤街道 塘栖镇"),
        words("世纪大道 迎宾路 藕花洲大街 人民大道 南苑街 东湖中路"),
        (120.30, 30.42),
    ),
    District(
        "330114",
        "钱塘区",
        "钱塘",
        words("白杨街道 下沙街道 河庄街道 义蓬街道 新湾街道 临江街道 前进街道"),
        words("学林街 文泽路 学正街 福城路 下沙路 江东大道 文渊路 海达南路"),
        (120.35, 30.30),
    ),
)
URBAN = DISTRICTS[:5]

# Counties of Hangzhou with towns and villages rather than streets: (code, name, towns, centre).
COUNTIES = (
    ("330122", "桐庐县", ("富春江镇", "横村镇", "分水镇", "百江镇", "钟山乡"), (119.68, 29.80)),
    ("330127", "淳安县", ("千岛湖镇", "文昌镇", "石林镇", "威坪镇", "汾口镇", "临岐镇"), (119.04, 29.61)),
    ("330182", "建德市", ("寿昌镇", "乾潭镇", "梅城镇", "大同镇", "杨村桥镇"), (119.28, 29.47)),
)
VILLAGES = words(
    "新桥村 石门村 长乐村 溪口村 前山村 塘湾村 光明村 上溪村 双溪村 里山村 东山村 桃源村 下畈村 金竹村 乌石村 青龙村"
)
BRANDS = words(
    "云栖 西溪 钱江 之江 拱宸 湘湖 良渚 富春 天目 "
    "运河 青山 文澜 星澜 博远 恒润 嘉禾 瑞丰 华睿 "
    "明德 德润 安和 临江 丰源 汇通 睿达 禾丰 启明 "
    "远景 宏图 聚力 新程 浙诚 同心 和畅 知行 澄明 "
    "绿源 鼎盛 东方 锦程 和瑞 瀚海 鸿远 众创 方圆 "
    "蓝天 海纳 春晖"
)
CITIES = (
    ("330100", "杭州市"),
    ("330200", "宁波市"),
    ("330300", "温州市"),
    ("330400", "嘉兴市"),
    ("330500", "湖州市"),
    ("330600", "绍兴市"),
    ("330700", "金华市"),
    ("330800", "衢州市"),
    ("330900", "舟山市"),
    ("331000", "台州市"),
    ("331100", "丽水市"),
)

_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


# --- small helpers ----------------------------------------------------------------------------


def uscc(rng: random.Random, region: str, kind: str = "91") -> str:
    """A valid unified social credit code: registration authority and category, region, organisation code."""
    # Codes assigned since 2015 start with M and a letter of the assigning register (A 工商, B 机构编制, J 民政).
    stem = {"1": "MB", "5": "MJ"}.get(kind[0], "MA") + "".join(rng.choice(_USCC_CHARS) for _ in range(6))
    check = 11 - sum(int(char, 36) * weight for char, weight in zip(stem, _ORG_WEIGHTS, strict=True)) % 11
    body = kind + region + stem + {10: "X", 11: "0"}.get(check, str(check))
    return body + stdnum_uscc.calc_check_digit(body)


def company(rng: random.Random, business: str, city: str = "杭州") -> str:
    return f"{city}{rng.choice(BRANDS)}{business}有限公司"


def address(rng: random.Random, district: District) -> str:
    return f"杭州市{district.name}{rng.choice(district.roads)}{rng.randint(1, 899)}号"


def phone(rng: random.Random) -> str:
    return f"0571-8{rng.randint(1000000, 9999999)}"


def day(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, (end - start).days))


def iso(value: datetime.date) -> str:
    return value.isoformat()


def years_later(value: datetime.date, years: int) -> str:
    """The last day of a term of ``years`` starting on ``value``."""
    try:
        end = value.replace(year=value.year + years)
    except ValueError:  # 29 February
        end = value.replace(year=value.year + years, day=28)
    return iso(end - datetime.timedelta(days=1))


def weighted(rng: random.Random, choices: tuple[tuple[Any, int], ...]) -> Any:
    return rng.choices([value for value, _ in choices], [weight for _, weight in choices])[0]


def near(rng: random.Random, centre: tuple[float, float], spread: float = 0.03) -> tuple[float, float]:
    return round(centre[0] + rng.uniform(-spread, spread), 6), round(centre[1] + rng.uniform(-spread, spread), 6)


def stem(subdistrict: str) -> str:
    return subdistrict.removesuffix("街道").removesuffix("镇")


D_2005, D_2015, D_2019, D_2021 = (datetime.date(y, 1, 1) for y in (2005, 2015, 2019, 2021))
D_2023, D_2024, D_END = datetime.date(2023, 1, 1), datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)


# --- 市场监督管理 ------------------------------------------------------------------------------

BUSINESSES = (
    ("网络科技", "技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广；软件开发；信息系统集成服务"),
    ("餐饮管理", "餐饮服务；餐饮管理；食品销售（仅销售预包装食品）"),
    ("贸易", "货物进出口；技术进出口；日用百货销售；服装服饰批发"),
    ("建设工程", "建设工程施工；建筑材料销售；园林绿化工程施工"),
    ("供应链管理", "供应链管理服务；国内货物运输代理；普通货物仓储服务"),
    ("生物科技", "生物技术研发；化妆品批发；第一类医疗器械销售"),
    ("电子商务", "互联网销售（除销售需要许可的商品）；品牌管理；市场营销策划"),
    ("文化传媒", "组织文化艺术交流活动；广告设计、代理；会议及展览服务"),
    ("智能装备", "通用设备制造（不含特种设备制造）；机械零件、零部件加工"),
    ("茶业", "茶叶种植；初级农产品收购；食品销售"),
    ("新能源科技", "新能源汽车换电设施销售；储能技术服务；合同能源管理"),
    ("企业管理咨询", "企业管理咨询；信息咨询服务（不含许可类信息咨询服务）"),
)
ENTERPRISE_TYPES = (
    ("有限责任公司（自然人投资或控股）", 60),
    ("有限责任公司（自然人独资）", 15),
    ("有限责任公司（非自然人投资或控股的法人独资）", 12),
    ("股份有限公司（非上市、自然人投资或控股）", 8),
    ("有限责任公司（外国法人独资）", 5),
)


def _enterprises(rng: random.Random) -> list[Row]:
    rows = []
    for _ in range(200):
        district = rng.choice(DISTRICTS)
        business, scope = rng.choice(BUSINESSES)
        rows.append(
            {
                "uscc": uscc(rng, district.code),
                "company_name": company(rng, business),
                "enterprise_type": weighted(rng, ENTERPRISE_TYPES),
                "registered_capital": rng.choice((10, 50, 100, 200, 300, 500, 1000, 2000, 5000)),
                "establishment_date": iso(day(rng, D_2005, D_END)),
                "registration_authority": f"杭州市{district.name}市场监督管理局",
                "business_scope": scope,
                "address": address(rng, district),
                "district_code": district.code,
                "status": weighted(rng, (("存续", 90), ("注销", 8), ("吊销，未注销", 2))),
            }
        )
    return rows


VIOLATIONS = (
    ("销售超过保质期的食品", "《中华人民共和国食品安全法》第一百二十四条", "食品", (5000, 50000)),
    ("未取得食品经营许可从事食品经营活动", "《中华人民共和国食品安全法》第一百二十二条", "餐饮管理", (50000, 100000)),
    ("发布虚假广告", "《中华人民共和国广告法》第五十五条", "文化传媒", (20000, 200000)),
    ("不按规定明码标价", "《中华人民共和国价格法》第四十二条", "贸易", (500, 5000)),
    (
        "销售不符合保障人体健康和人身、财产安全的国家标准的产品",
        "《中华人民共和国产品质量法》第四十九条",
        "贸易",
        (3000, 60000),
    ),
    ("使用未经定期检验的特种设备", "《中华人民共和国特种设备安全法》第八十四条", "智能装备", (30000, 100000)),
    ("销售侵犯注册商标专用权的商品", "《中华人民共和国商标法》第六十条", "电子商务", (10000, 150000)),
)


INDIVIDUAL_TRADES = (
    ("小吃店", "餐饮服务（不含冷菜、生食、裱花蛋糕）"),
    ("便利店", "食品销售（仅销售预包装食品）；日用百货销售"),
    ("理发店", "理发服务；生活美容服务"),
    ("水果店", "食用农产品零售；新鲜水果零售"),
    ("五金店", "五金产品零售；建筑材料销售"),
    ("服装店", "服装服饰零售；鞋帽零售"),
    ("修车铺", "机动车修理和维护；非机动车及配件零售"),
    ("打印店", "打字复印；办公用品销售"),
)
OPERATOR_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
OPERATOR_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华建国志红玲"


def _individual_businesses(rng: random.Random) -> list[Row]:
    rows = []
    for _ in range(120):
        district = rng.choice(DISTRICTS)
        trade, scope = rng.choice(INDIVIDUAL_TRADES)
        operator = rng.choice(OPERATOR_SURNAMES) + "".join(
            rng.choice(OPERATOR_GIVEN) for _ in range(rng.choice((1, 2)))
        )
        rows.append(
            {
                "uscc": uscc(rng, district.code, "92"),
                "trade_name": f"杭州市{district.name}{operator[0]}记{trade}",
                "operator_name": operator,
                "business_form": weighted(rng, (("个人经营", 92), ("家庭经营", 8))),
                "business_scope": scope,
                "address": address(rng, district),
                "establishment_date": iso(day(rng, D_2015, D_END)),
                "status": weighted(rng, (("存续", 88), ("注销", 12))),
            }
        )
    return rows


def _penalties(rng: random.Random) -> list[Row]:
    rows = []
    for number in range(120):
        district = rng.choice(DISTRICTS)
        violation, basis, business, (low, high) = rng.choice(VIOLATIONS)
        fine = rng.randint(low // 100, high // 100) * 100
        confiscated = rng.choice((0, 0, rng.randint(3, 300) * 10))
        penalty = f"罚款人民币{fine}元"
        if confiscated:
            penalty = f"没收违法所得人民币{confiscated}元，{penalty}"
        decided = day(rng, D_2023, D_END)
        publicity_days = 90 if fine <= 10000 and not confiscated else 3 * 365
        rows.append(
            {
                "decision_no": f"杭{district.short}市监处罚〔{decided.year}〕{number + rng.randint(10, 900)}号",
                "party_name": company(rng, business),
                "uscc": uscc(rng, district.code),
                "violation": violation,
                "legal_basis": basis,
                "penalty": penalty,
                "fine_amount": fine + confiscated,
                "decision_date": iso(decided),
                "authority": f"杭州市{district.name}市场监督管理局",
                "publicity_until": iso(decided + datetime.timedelta(days=publicity_days)),
            }
        )
    return rows


FOOD_CATEGORIES = (
    ("114", "茶叶及相关制品", "茶业"),
    ("124", "糕点", "食品"),
    ("115", "酒类", "酒业"),
    ("106", "饮料", "饮品"),
    ("103", "调味品", "调味品"),
    ("104", "肉制品", "食品"),
    ("111", "速冻食品", "食品"),
    ("118", "炒货食品及坚果制品", "炒货食品"),
    ("122", "水产制品", "水产食品"),
    ("125", "豆制品", "豆制品"),
)


def _food_production(rng: random.Random) -> list[Row]:
    rows = []
    for _ in range(80):
        district = rng.choice(DISTRICTS)
        code, category, business = rng.choice(FOOD_CATEGORIES)
        issued = day(rng, D_2021, D_END)
        rows.append(
            {
                "licence_no": f"SC{code}{district.code}{rng.randint(1, 9999):04d}{rng.randint(0, 9)}",
                "producer_name": company(rng, business),
                "uscc": uscc(rng, district.code),
                "food_category": category,
                "address": address(rng, district),
                "district_code": district.code,
                "issue_date": iso(issued),
                "valid_until": years_later(issued, 5),
                "authority": f"杭州市{district.name}市场监督管理局",
            }
        )
    return rows


FOOD_BUSINESS = (
    (
        "1",
        "食品销售经营者",
        "商贸",
        ("预包装食品（含冷藏冷冻食品）销售", "预包装食品（不含冷藏冷冻食品）销售；散装食品销售"),
    ),
    (
        "2",
        "餐饮服务经营者",
        "餐饮管理",
        ("热食类食品制售", "热食类食品制售；冷食类食品制售", "糕点类食品（含裱花蛋糕）制售；自制饮品制售"),
    ),
    ("3", "单位食堂", "科技", ("热食类食品制售",)),
)


def _food_business(rng: random.Random) -> list[Row]:
    rows = []
    for _ in range(150):
        district = rng.choice(DISTRICTS)
        digit, form, business, items = weighted(rng, tuple(zip(FOOD_BUSINESS, (45, 45, 10), strict=True)))
        issued = day(rng, D_2021, D_END)
        rows.append(
            {
                "licence_no": f"JY{digit}{district.code}{rng.randint(1, 999999):06d}{rng.randint(0, 9)}",
                "operator_name": company(rng, business),
                "uscc": uscc(rng, district.code),
                "business_form": form,
                "business_items": rng.choice(items),
                "address": address(rng, district),
                "district_code": district.code,
                "issue_date": iso(issued),
                "valid_until": years_later(issued, 5),
            }
        )
    return rows


INSPECTIONS = (
    ("食品销售单位", "贸易", "食品经营许可事项检查；食品安全管理制度落实情况检查"),
    ("特种设备使用单位", "智能装备", "特种设备使用登记及定期检验情况检查"),
    ("广告发布单位", "文化传媒", "广告发布登记及广告内容检查"),
    ("企业公示信息", "网络科技", "企业公示信息情况检查"),
    ("产品质量", "贸易", "生产、销售产品质量情况检查"),
)


def _inspections(rng: random.Random) -> list[Row]:
    rows = []
    results = (
        ("未发现问题", 80),
        ("发现问题，已责令改正", 12),
        ("未按规定公示应当公示的信息", 4),
        ("通过登记的住所（经营场所）无法联系", 4),
    )
    for _ in range(100):
        district = rng.choice(DISTRICTS)
        target, business, items = rng.choice(INSPECTIONS)
        inspected = day(rng, D_2024, D_END)
        rows.append(
            {
                "task_name": f"{inspected.year}年{district.name}{target}“双随机、一公开”抽查",
                "inspected_name": company(rng, business),
                "uscc": uscc(rng, district.code),
                "inspection_items": items,
                "result": weighted(rng, results),
                "inspection_date": iso(inspected),
                "authority": f"杭州市{district.name}市场监督管理局",
            }
        )
    return rows


# --- 公安 --------------------------------------------------------------------------------------

# 2015 户籍人口 (万人) and yearly growth of each city.
POPULATION = (723.6, 586.6, 814.0, 352.1, 264.8, 444.5, 477.6, 257.4, 97.3, 600.8, 268.0)
POPULATION_GROWTH = (0.024, 0.010, 0.005, 0.012, 0.004, 0.003, 0.006, 0.001, -0.002, 0.003, 0.001)


def _population(rng: random.Random) -> list[Row]:
    rows = []
    for year in range(2015, 2025):
        for (code, name), base, growth in zip(CITIES, POPULATION, POPULATION_GROWTH, strict=True):
            population = round(base * 10000 * (1 + growth) ** (year - 2015) * rng.uniform(0.998, 1.002))
            male = round(population * rng.uniform(0.499, 0.506))
            birth_rate = 0.0105 - 0.0005 * (year - 2015) + rng.uniform(-0.0008, 0.0008)
            rows.append(
                {
                    "year": year,
                    "city_code": code,
                    "city_name": name,
                    "households": round(population / rng.uniform(2.55, 2.85)),
                    "population": population,
                    "male": male,
                    "female": population - male,
                    "births": round(population * birth_rate),
                    "deaths": round(population * rng.uniform(0.0062, 0.0078)),
                }
            )
    return rows


def _accidents(rng: random.Random) -> list[Row]:
    rows = []
    for month in range(1, 13):
        for district in DISTRICTS:
            accidents = rng.randint(25, 110) if district in URBAN else rng.randint(12, 70)
            rows.append(
                {
                    "month": f"2024-{month:02d}",
                    "district_code": district.code,
                    "district_name": district.name,
                    "accidents": accidents,
                    "deaths": rng.randint(0, max(1, accidents // 18)),
                    "injuries": round(accidents * rng.uniform(0.9, 1.3)),
                    "direct_loss": round(accidents * rng.uniform(0.3, 0.9), 2),
                }
            )
    return rows


def _police_stations(rng: random.Random) -> list[Row]:
    rows = []
    hours = (
        "周一至周五 8:30-12:00，14:00-17:30",
        "周一至周五 8:30-12:00，13:30-17:00；周六 9:00-12:00（户政延时服务）",
    )
    services = (
        "户籍业务；居民身份证办理；居住登记；开具户籍类证明",
        "户籍业务；居民身份证办理；居住登记；出入境证件受理；交通违法处理",
    )
    for district in DISTRICTS[:4]:
        for subdistrict in district.subdistricts:
            rows.append(
                {
                    "station_name": f"杭州市公安局{district.name}分局{stem(subdistrict)}派出所",
                    "district_code": district.code,
                    "address": address(rng, district),
                    "phone": phone(rng),
                    "office_hours": rng.choice(hours),
                    "services": rng.choice(services),
                }
            )
    return rows


# --- 人力资源和社会保障 ------------------------------------------------------------------------

HR_SERVICES = words(
    "职业中介活动 人力资源供求信息的收集和发布 "
    "就业和创业指导 人力资源管理咨询 人力资源测评 "
    "人力资源培训 承接人力资源服务外包 劳务派遣"
)


def _hr_agencies(rng: random.Random) -> list[Row]:
    rows = []
    for _ in range(60):
        district = rng.choice(DISTRICTS)
        issued = day(rng, datetime.date(2018, 10, 1), D_END)
        scope = sorted(rng.sample(range(len(HR_SERVICES)), rng.randint(2, 5)))
        rows.append(
            {
                "licence_no": f"（浙）人服证字〔{issued.year}〕第{district.code[2:]}{rng.randint(1, 999999):06d}号",
                "org_name": company(rng, rng.choice(("人力资源", "人才服务", "企业管理咨询"))),
                "uscc": uscc(rng, district.code),
                "address": address(rng, district),
                "district_code": district.code,
                "service_scope": "；".join(HR_SERVICES[i] for i in scope),
                "issue_date": iso(issued),
                "authority": f"杭州市{district.name}人力资源和社会保障局",
            }
        )
    return rows


OCCUPATIONS = words(
    "电工 焊工 育婴员 保育师 中式烹调师 中式面点师 "
    "美容师 茶艺师 评茶员 养老护理员 家政服务员 "
    "电子商务师 互联网营销师 人工智能训练师 "
    "计算机程序设计员 网络与信息安全管理员 数控车工 "
    "汽车维修工"
)
LEVELS = ("五级/初级工至三级/高级工", "四级/中级工至二级/技师", "五级/初级工至一级/高级技师")


def _skill_assessors(rng: random.Random) -> list[Row]:
    rows = []
    for _ in range(60):
        district = rng.choice(DISTRICTS)
        school = rng.random() < 0.4
        filed = day(rng, datetime.date(2020, 7, 1), D_END)
        rows.append(
            {
                "org_name": f"杭州{rng.choice(BRANDS)}职业技能培训学校" if school else company(rng, "教育科技"),
                "uscc": uscc(rng, district.code, "52" if school else "91"),
                "occupation": rng.choice(OCCUPATIONS),
                "levels": rng.choice(LEVELS),
                "address": address(rng, district),
                "district_code": district.code,
                "filing_date": iso(filed),
                "valid_until": years_later(filed, 3),
            }
        )
    return rows


POSITIONS = (
    ("Java开发工程师", "本科", 12000, 25000),
    ("前端开发工程师", "本科", 10000, 20000),
    ("数据分析师", "本科", 12000, 22000),
    ("电商运营专员", "大专", 6000, 10000),
    ("直播运营", "大专", 6000, 12000),
    ("会计", "大专", 5500, 8000),
    ("行政专员", "大专", 5000, 7000),
    ("数控车床操作工", "中专/技校", 6500, 9000),
    ("普工", "不限", 5500, 7500),
    ("销售代表", "大专", 5000, 12000),
    ("厨师", "不限", 6000, 9000),
    ("养老护理员", "初中", 5000, 7000),
    ("质检员", "中专/技校", 5500, 7500),
    ("仓库管理员", "高中", 5500, 7000),
    ("保洁员", "不限", 3500, 4500),
    ("幼儿园保育员", "中专/技校", 4500, 6000),
)


def _job_posts(rng: random.Random) -> list[Row]:
    rows = []
    for number in range(200):
        district = rng.choice(DISTRICTS)
        position, education, low, high = rng.choice(POSITIONS)
        published = day(rng, datetime.date(2024, 10, 1), D_END)
        rows.append(
            {
                "post_id": f"HZ{published:%Y%m%d}{number + 1:05d}",
                "employer_name": company(rng, rng.choice(BUSINESSES)[0]),
                "uscc": uscc(rng, district.code),
                "position": position,
                "headcount": rng.choice((1, 1, 2, 3, 5, 10)),
                "education": education,
                "salary_min": low,
                "salary_max": high,
                "district_code": district.code,
                "publish_date": iso(published),
                "valid_until": iso(published + datetime.timedelta(days=60)),
            }
        )
    return rows


def _wage_arrears(rng: random.Random) -> list[Row]:
    reasons = (
        "克扣、无故拖欠农民工工资达到认定拒不支付劳动报酬罪数额标准",
        "因拖欠农民工工资违法行为引发群体性事件、极端事件，造成严重不良社会影响",
    )
    rows = []
    for number in range(36):
        district = rng.choice(DISTRICTS)
        listed = day(rng, D_2021, D_END)
        workers = rng.randint(5, 80)
        removed = listed + datetime.timedelta(days=3 * 365) if rng.random() < 0.3 else None
        rows.append(
            {
                "employer_name": company(rng, rng.choice(("建筑劳务", "建设工程", "装饰工程", "服饰"))),
                "uscc": uscc(rng, district.code),
                "reason": weighted(rng, tuple(zip(reasons, (85, 15), strict=True))),
                "amount_owed": workers * rng.randint(50, 300) * 100,
                "workers": workers,
                "decision_no": f"杭人社欠薪列〔{listed.year}〕{number + 1}号",
                "listing_date": iso(listed),
                "removal_date": iso(removed) if removed and removed <= D_END else None,
            }
        )
    return rows


# --- 卫生健康 ----------------------------------------------------------------------------------

HOSPITALS = (
    ("浙江大学医学院附属第一医院", "综合医院", "330102", 3200, "杭州市上城区庆春路79号"),
    ("浙江大学医学院附属第二医院", "综合医院", "330102", 3200, "杭州市上城区解放路88号"),
    ("浙江大学医学院附属邵逸夫医院", "综合医院", "330102", 2400, "杭州市上城区庆春东路3号"),
    ("浙江大学医学院附属妇产科医院", "专科医院", "330102", 1000, "杭州市上城区学士路1号"),
    ("浙江大学医学院附属儿童医院", "专科医院", "330108", 1900, "杭州市滨江区滨盛路3333号"),
    ("浙江省人民医院", "综合医院", "330105", 2800, "杭州市拱墅区上塘路158号"),
    ("浙江省中医院", "中医医院", "330102", 1600, "杭州市上城区邮电路54号"),
    ("浙江省肿瘤医院", "专科医院", "330105", 1800, "杭州市拱墅区半山东路1号"),
    ("浙江医院", "综合医院", "330106", 1200, "杭州市西湖区灵隐路12号"),
    ("浙江省立同德医院", "中医医院", "330106", 1300, "杭州市西湖区古翠路234号"),
    ("杭州市第一人民医院", "综合医院", "330102", 1900, "杭州市上城区浣纱路261号"),
    ("杭州市中医院", "中医医院", "330105", 1400, "杭州市拱墅区体育场路453号"),
    ("杭州市第三人民医院", "综合医院", "330106", 900, "杭州市西湖区西溪路38号"),
    ("杭州市红十字会医院", "综合医院", "330102", 1300, "杭州市上城区环城东路208号"),
    ("杭州市第七人民医院", "专科医院", "330106", 1000, "杭州市西湖区天目山路305号"),
)


def _medical_institutions(rng: random.Random) -> list[Row]:
    rows = [
        {
            "institution_name": name,
            "institution_type": kind,
            "level": "三级甲等",
            "ownership": "公立",
            "address": where,
            "district_code": code,
            "beds": beds,
            "phone": phone(rng),
            "insurance_designated": True,
        }
        for name, kind, code, beds, where in HOSPITALS
    ]
    for district in DISTRICTS:
        for subdistrict in rng.sample(district.subdistricts, min(5, len(district.subdistricts))):
            rows.append(
                {
                    "institution_name": f"杭州市{district.name}{subdistrict}社区卫生服务中心",
                    "institution_type": "社区卫生服务中心",
                    "level": "未定级",
                    "ownership": "公立",
                    "address": address(rng, district),
                    "district_code": district.code,
                    "beds": rng.choice((0, 0, 20, 30, 50)),
                    "phone": phone(rng),
                    "insurance_designated": True,
                }
            )
    for _ in range(15):
        district = rng.choice(DISTRICTS)
        kind, business = rng.choice((("口腔医院", "口腔医院"), ("门诊部", "门诊部"), ("专科医院", "眼科医院")))
        rows.append(
            {
                "institution_name": company(rng, business),
                "institution_type": kind,
                "level": "未定级" if kind == "门诊部" else rng.choice(("二级", "未定级")),
                "ownership": "非公立",
                "address": address(rng, district),
                "district_code": district.code,
                "beds": 0 if kind == "门诊部" else rng.randint(20, 150),
                "phone": phone(rng),
                "insurance_designated": rng.random() < 0.6,
            }
        )
    return rows


# (name, class, typical monthly cases, months of the peak, deaths per 1 000 cases)
DISEASES = (
    ("病毒性肝炎", "乙类", 1500, (), 1.5),
    ("肺结核", "乙类", 1300, (3, 4), 2.0),
    ("梅毒", "乙类", 2200, (), 0.0),
    ("淋病", "乙类", 600, (), 0.0),
    ("艾滋病", "乙类", 130, (), 250.0),
    ("猩红热", "乙类", 150, (5, 6, 12), 0.0),
    ("细菌性和阿米巴性痢疾", "乙类", 50, (7, 8), 0.0),
    ("百日咳", "乙类", 900, (3, 4, 5), 0.0),
    ("新型冠状病毒感染", "乙类", 2500, (7, 8), 1.0),
    ("登革热", "乙类", 15, (8, 9, 10), 0.0),
    ("布鲁氏菌病", "乙类", 6, (), 0.0),
    ("流行性感冒", "丙类", 25000, (1, 2, 12), 0.01),
    ("手足口病", "丙类", 3500, (5, 6, 7), 0.0),
    ("其他感染性腹泻病", "丙类", 7000, (7, 8), 0.0),
    ("流行性腮腺炎", "丙类", 350, (4, 5, 6), 0.0),
)


def _infectious_diseases(rng: random.Random) -> list[Row]:
    rows = []
    for month in range(1, 13):
        for name, disease_class, typical, peak, fatality in DISEASES:
            cases = round(typical * (2.2 if month in peak else 1.0) * rng.uniform(0.75, 1.25))
            rows.append(
                {
                    "month": f"2024-{month:02d}",
                    "disease_name": name,
                    "disease_class": disease_class,
                    "cases": cases,
                    "deaths": round(cases * fatality / 1000 * rng.uniform(0.5, 1.5)),
                }
            )
    return rows


def _vaccination_clinics(rng: random.Random) -> list[Row]:
    rows = []
    hours = ("周一至周五 8:00-11:30，13:30-16:30", "周二至周六 8:00-11:30，13:30-16:00", "周一、三、五 8:00-11:30")
    for district in DISTRICTS:
        for subdistrict in district.subdistricts[:6]:
            rows.append(
                {
                    "clinic_name": f"杭州市{district.name}{subdistrict}社区卫生服务中心预防接种门诊",
                    "district_code": district.code,
                    "address": address(rng, district),
                    "phone": phone(rng),
                    "service_hours": rng.choice(hours),
                    "services": rng.choice(
                        ("儿童免疫规划疫苗接种；非免疫规划疫苗接种", "儿童免疫规划疫苗接种；成人疫苗接种；HPV疫苗接种")
                    ),
                    "digital_clinic": rng.random() < 0.8,
                }
            )
    for name, _kind, code, _beds, where in HOSPITALS[8:12]:
        rows.append(
            {
                "clinic_name": f"{name}狂犬病暴露预防处置门诊",
                "district_code": code,
                "address": where,
                "phone": phone(rng),
                "service_hours": "全天 24 小时",
                "services": "狂犬病暴露预防处置；破伤风疫苗接种",
                "digital_clinic": True,
            }
        )
    return rows


# --- 民政 --------------------------------------------------------------------------------------

TRADES = words("软件行业 电子商务 茶叶 物流与供应链 服装 农产品流通 餐饮 旅游 建筑业 数字经济")


def _social_organisations(rng: random.Random) -> list[Row]:
    rows = []
    for _ in range(80):
        district = rng.choice(DISTRICTS)
        kind = weighted(rng, (("社会团体", 50), ("民办非企业单位", 40), ("基金会", 10)))
        if kind == "社会团体":
            provincial = rng.random() < 0.4
            name = f"浙江省{rng.choice(TRADES)}协会" if provincial else f"杭州市{district.name}{rng.choice(TRADES)}商会"
            region, code, funds = ("330000" if provincial else district.code), "51", rng.choice((3, 5, 10, 30))
            authority = "浙江省民政厅" if provincial else f"杭州市{district.name}民政局"
        elif kind == "民办非企业单位":
            service = rng.choice(("社会工作服务中心", "养老服务中心", "青少年发展中心", "公益服务中心"))
            name, region, code = f"杭州市{district.name}{rng.choice(BRANDS)}{service}", district.code, "52"
            funds, authority = rng.choice((3, 5, 10, 50)), f"杭州市{district.name}民政局"
        else:
            name = f"浙江省{rng.choice(BRANDS)}{rng.choice(('慈善', '教育', '助学', '乡村振兴'))}基金会"
            region, code, funds, authority = "330000", "53", rng.choice((200, 400, 800, 2000)), "浙江省民政厅"
        rows.append(
            {
                "uscc": uscc(rng, region, code),
                "org_name": name,
                "org_type": kind,
                "supervisor": "无（直接登记）",
                "registration_authority": authority,
                "establishment_date": iso(day(rng, D_2005, D_END)),
                "registered_funds": funds,
                "address": address(rng, district),
                "status": weighted(rng, (("正常", 95), ("注销", 5))),
            }
        )
    return rows


def _elderly_care(rng: random.Random) -> list[Row]:
    rows = []
    for _ in range(80):
        district = rng.choice(DISTRICTS)
        nature = weighted(rng, (("公办", 30), ("公建民营", 35), ("民办", 35)))
        if nature == "民办":
            name = company(rng, rng.choice(("颐养院", "康养中心", "护理院")))
        else:
            suffix = rng.choice(("养老服务中心", "颐养院", "敬老院"))
            name = f"杭州市{district.name}{stem(rng.choice(district.subdistricts))}{suffix}"
        beds = rng.choice((40, 60, 80, 120, 150, 200, 300, 500))
        rows.append(
            {
                "institution_name": name,
                "uscc": uscc(rng, district.code, "52" if nature != "公办" else "12"),
                "nature": nature,
                "district_code": district.code,
                "address": address(rng, district),
                "beds": beds,
                "rating": weighted(
                    rng, (("未评定", 25), ("一级", 10), ("二级", 25), ("三级", 25), ("四级", 10), ("五级", 5))
                ),
                "medical_integration": beds >= 150 or rng.random() < 0.3,
                "phone": phone(rng),
                "filing_date": iso(day(rng, D_2015, D_END)),
            }
        )
    return rows


def _roads(rng: random.Random) -> list[Row]:
    rows = []
    for district in DISTRICTS:
        for road in district.roads:
            start, end = rng.sample([other for other in district.roads if other != road], 2)
            road_class = (
                "主干路"
                if road.endswith(("大道", "大街"))
                else weighted(rng, (("主干路", 30), ("次干路", 45), ("支路", 25)))
            )
            rows.append(
                {
                    "road_name": road,
                    "district_code": district.code,
                    "road_class": road_class,
                    "start_point": start,
                    "end_point": end,
                    "length_m": rng.randint(8, 90) * 100,
                    "width_m": {"主干路": rng.choice((40, 50, 60)), "次干路": rng.choice((24, 30, 32))}.get(
                        road_class, rng.choice((12, 16, 20))
                    ),
                    "approval_date": iso(day(rng, datetime.date(1985, 1, 1), datetime.date(2022, 12, 31))),
                }
            )
    return rows


# --- 自然资源 ----------------------------------------------------------------------------------

LAND_USES = (
    ("住宅用地", (2.0, 3.0), (18000, 55000), "置业"),
    ("商服用地", (2.5, 5.0), (3000, 12000), "商业管理"),
    ("工业用地", (1.5, 3.0), (900, 2500), "智能装备"),
)


def _land_sales(rng: random.Random) -> list[Row]:
    rows = []
    for number in range(60):
        district = rng.choice(DISTRICTS)
        use, (low_ratio, high_ratio), (low_price, high_price), business = weighted(
            rng, tuple(zip(LAND_USES, (45, 20, 35), strict=True))
        )
        area = rng.randint(80, 1200) * 100
        ratio = round(rng.uniform(low_ratio, high_ratio), 1)
        floor_area = area * (1 if use == "工业用地" else ratio)
        dealt = day(rng, D_2023, D_END)
        road, cross = rng.sample(district.roads, 2)
        kind = "工" if use == "工业用地" else "储"
        rows.append(
            {
                "parcel_no": f"杭政{kind}出〔{dealt.year}〕{number + 1}号",
                "location": f"{district.name}{rng.choice(district.subdistricts)}{road}与{cross}交叉口"
                f"{rng.choice(('东北', '东南', '西北', '西南'))}角",
                "district_code": district.code,
                "land_use": use,
                "area_m2": area,
                "plot_ratio": ratio,
                "method": "挂牌" if use != "住宅用地" else weighted(rng, (("拍卖", 40), ("挂牌", 60))),
                "transferee": company(rng, business),
                "price": round(floor_area * rng.randint(low_price, high_price) / 10000),
                "deal_date": iso(dealt),
            }
        )
    return rows


PROJECT_KINDS = (
    ("{}地块安置房项目", "城市建设发展"),
    ("{}科技园二期", "科技园开发"),
    ("{}中学新建工程", "城市建设发展"),
    ("{}商业综合体", "商业管理"),
    ("{}地块住宅项目", "置业"),
    ("{}智能制造基地", "智能装备"),
)


def _planning_permits(rng: random.Random) -> list[Row]:
    rows = []
    for number in range(80):
        district = rng.choice(DISTRICTS)
        issued = day(rng, D_2023, D_END)
        template, business = rng.choice(PROJECT_KINDS)
        rows.append(
            {
                "permit_no": f"建字第{district.code}{issued.year}{number + rng.randint(100, 900):05d}号",
                "project_name": template.format(stem(rng.choice(district.subdistricts))),
                "developer": company(rng, business),
                "location": f"{district.name}{rng.choice(district.roads)}{rng.choice('东西南北')}侧",
                "district_code": district.code,
                "building_area_m2": rng.randint(50, 2500) * 100,
                "building_height_m": round(rng.uniform(18, 150), 1),
                "issue_date": iso(issued),
            }
        )
    return rows


MINERALS = (
    ("建筑用石料（凝灰岩）", (50, 300)),
    ("建筑用石料（灰岩）", (50, 250)),
    ("水泥用灰岩", (100, 400)),
    ("萤石", (3, 10)),
    ("建筑用砂", (10, 60)),
)


def _mines(rng: random.Random) -> list[Row]:
    places = [(d.code, d.name, d.subdistricts[-3:]) for d in DISTRICTS[5:8]] + [c[:3] for c in COUNTIES]
    rows = []
    for _ in range(30):
        code, name, towns = rng.choice(places)
        mineral, (low, high) = rng.choice(MINERALS)
        start = day(rng, D_2015, D_END)
        rows.append(
            {
                "licence_no": f"C{code}{start.year}{start.month:02d}{rng.randint(1, 9999999):07d}",
                "mine_name": f"杭州市{name}{rng.choice(towns)}{rng.choice(VILLAGES)[:-1]}{mineral}矿",
                "holder": company(rng, rng.choice(("矿业", "建材"))),
                "mineral": mineral,
                "mining_method": "地下开采" if mineral == "萤石" else "露天开采",
                "capacity": rng.randint(low, high),
                "area_km2": round(rng.uniform(0.05, 0.9), 4),
                "district_code": code,
                "valid_from": iso(start),
                "valid_until": years_later(start, rng.choice((10, 15))),
            }
        )
    return rows


# --- 生态环境 ----------------------------------------------------------------------------------

# (section, river, city, typical dissolved oxygen, permanganate index, ammonia nitrogen, total phosphorus)
WATER_STATIONS = (
    ("街口", "新安江", "杭州市", 8.6, 1.6, 0.06, 0.02),
    ("闻家堰", "钱塘江", "杭州市", 7.8, 2.4, 0.15, 0.07),
    ("富春江大坝", "富春江", "杭州市", 8.2, 2.0, 0.10, 0.05),
    ("义桥", "浦阳江", "杭州市", 7.0, 3.4, 0.35, 0.12),
    ("瓶窑", "东苕溪", "杭州市", 7.5, 2.8, 0.22, 0.09),
    ("奉口", "东苕溪", "杭州市", 7.2, 3.0, 0.28, 0.10),
    ("新市", "京杭运河", "湖州市", 6.2, 4.2, 0.45, 0.15),
    ("王江泾", "京杭运河", "嘉兴市", 5.8, 4.6, 0.55, 0.17),
    ("小梅口", "太湖", "湖州市", 8.0, 3.8, 0.12, 0.05),
    ("三江口", "甬江", "宁波市", 6.0, 3.6, 0.50, 0.14),
    ("梅岙", "瓯江", "温州市", 8.4, 1.8, 0.10, 0.04),
    ("樟树潭", "衢江", "衢州市", 8.3, 1.9, 0.12, 0.05),
    ("兰溪", "兰江", "金华市", 7.6, 2.6, 0.25, 0.09),
    ("开潭", "瓯江", "丽水市", 8.5, 1.6, 0.08, 0.03),
    ("永宁", "椒江", "台州市", 7.1, 3.1, 0.30, 0.11),
)
# Upper bounds of classes Ⅰ–Ⅴ in GB 3838-2002 (dissolved oxygen: lower bounds).
_DO, _CODMN = (7.5, 6, 5, 3, 2), (2, 4, 6, 10, 15)
_NH3N, _TP = (0.15, 0.5, 1.0, 1.5, 2.0), (0.02, 0.1, 0.2, 0.3, 0.4)
_CLASSES = ("Ⅰ类", "Ⅱ类", "Ⅲ类", "Ⅳ类", "Ⅴ类", "劣Ⅴ类")


def water_class(dissolved_oxygen: float, permanganate: float, ammonia: float, phosphorus: float) -> str:
    """The class of a sample by its worst indicator (single-factor evaluation)."""
    ranks = [next((i for i, low in enumerate(_DO) if dissolved_oxygen >= low), 5)]
    for value, limits in ((permanganate, _CODMN), (ammonia, _NH3N), (phosphorus, _TP)):
        ranks.append(next((i for i, high in enumerate(limits) if value <= high), 5))
    return _CLASSES[max(ranks)]


def _surface_water(rng: random.Random) -> list[Row]:
    rows = []
    for offset in range(14):
        sampled = datetime.date(2024, 6, 1) + datetime.timedelta(days=offset)
        for name, river, city, oxygen, permanganate, ammonia, phosphorus in WATER_STATIONS:
            values = (
                round(oxygen * rng.uniform(0.85, 1.1), 2),
                round(permanganate * rng.uniform(0.8, 1.25), 2),
                round(ammonia * rng.uniform(0.6, 1.5), 3),
                round(phosphorus * rng.uniform(0.7, 1.35), 3),
            )
            rows.append(
                {
                    "station_name": name,
                    "river": river,
                    "city_name": city,
                    "monitor_date": iso(sampled),
                    "water_temperature": round(rng.uniform(22, 27), 1),
                    "ph": round(rng.uniform(6.9, 8.1), 2),
                    "dissolved_oxygen": values[0],
                    "permanganate_index": values[1],
                    "ammonia_nitrogen": values[2],
                    "total_phosphorus": values[3],
                    "quality_class": water_class(*values),
                }
            )
    return rows


POLLUTERS = (
    ("印染", "纺织业", "水环境重点排污单位", "化学需氧量、氨氮、总氮"),
    ("化工", "化学原料和化学制品制造业", "大气环境重点排污单位", "挥发性有机物、氮氧化物"),
    ("热电", "电力、热力生产和供应业", "大气环境重点排污单位", "二氧化硫、氮氧化物、颗粒物"),
    ("水务", "水的生产和供应业", "水环境重点排污单位", "化学需氧量、氨氮、总氮、总磷"),
    ("表面处理", "金属制品业", "土壤污染重点监管单位", "总铬、六价铬、总镍"),
    ("药业", "医药制造业", "水环境重点排污单位", "化学需氧量、氨氮、挥发性有机物"),
    ("纸业", "造纸和纸制品业", "水环境重点排污单位", "化学需氧量、氨氮、悬浮物"),
    ("环境科技", "生态保护和环境治理业", "环境风险重点管控单位", "危险废物"),
)


def _key_polluters(rng: random.Random) -> list[Row]:
    rows = []
    for _ in range(80):
        district = rng.choice(DISTRICTS[4:])
        business, industry, category, pollutants = rng.choice(POLLUTERS)
        rows.append(
            {
                "year": 2024,
                "company_name": company(rng, business),
                "uscc": uscc(rng, district.code),
                "district_code": district.code,
                "industry": industry,
                "category": category,
                "main_pollutants": pollutants,
            }
        )
    return rows


AIR_STATIONS = (
    ("卧龙桥", "330106"),
    ("浙江农大", "330102"),
    ("下沙", "330114"),
    ("朝晖五区", "330105"),
    ("和睦小学", "330105"),
    ("千岛湖", "330127"),
    ("云栖", "330106"),
    ("西溪", "330106"),
    ("滨江", "330108"),
    ("临平镇", "330113"),
    ("城厢镇", "330109"),
)
# Concentration limits of each IAQI band (HJ 633-2012, 24-hour values; O3 as the daily 8-hour maximum).
_IAQI = (0, 50, 100, 150, 200, 300)
_BANDS = {
    "PM2.5": (0, 35, 75, 115, 150, 250),
    "PM10": (0, 50, 150, 250, 350, 420),
    "O3": (0, 100, 160, 215, 265, 800),
    "NO2": (0, 40, 80, 180, 280, 565),
    "SO2": (0, 50, 150, 475, 800, 1600),
    "CO": (0, 2, 4, 14, 24, 36),
}
_LEVELS = ((50, "优"), (100, "良"), (150, "轻度污染"), (200, "中度污染"), (300, "重度污染"))


def iaqi(pollutant: str, value: float) -> int:
    bands = _BANDS[pollutant]
    for i in range(1, len(bands)):
        if value <= bands[i]:
            low, high = bands[i - 1], bands[i]
            return math.ceil(_IAQI[i - 1] + (_IAQI[i] - _IAQI[i - 1]) * (value - low) / (high - low))
    return 300


def _air_quality(rng: random.Random) -> list[Row]:
    rows = []
    for offset in range(14):
        sampled = datetime.date(2024, 11, 1) + datetime.timedelta(days=offset)
        weather = rng.uniform(0.6, 1.6)  # one day's weather acts on every station
        for name, code in AIR_STATIONS:
            clean = 0.7 if name == "千岛湖" else 1.0
            values = {
                "PM2.5": round(32 * weather * clean * rng.uniform(0.8, 1.2)),
                "PM10": round(55 * weather * clean * rng.uniform(0.8, 1.2)),
                "O3": round(rng.uniform(70, 150)),
                "NO2": round(40 * weather * clean * rng.uniform(0.7, 1.3)),
                "SO2": round(rng.uniform(4, 9)),
                "CO": round(0.7 * weather * rng.uniform(0.8, 1.2), 1),
            }
            scores = {pollutant: iaqi(pollutant, value) for pollutant, value in values.items()}
            aqi = max(scores.values())
            rows.append(
                {
                    "station_name": name,
                    "district_code": code,
                    "monitor_date": iso(sampled),
                    "aqi": aqi,
                    "quality_level": next((level for top, level in _LEVELS if aqi <= top), "严重污染"),
                    "primary_pollutant": max(scores, key=scores.__getitem__) if aqi > 50 else "—",
                    "pm25": values["PM2.5"],
                    "pm10": values["PM10"],
                    "o3_8h": values["O3"],
                    "no2": values["NO2"],
                    "so2": values["SO2"],
                    "co": values["CO"],
                }
            )
    return rows


EIA_PROJECTS = (
    ("年产{n}万件汽车零部件生产线建设项目", "智能装备", 5),
    ("新建研发中心及中试基地项目", "生物科技", 8),
    ("年产{n}万吨食品加工技术改造项目", "食品", 12),
    ("{n}千伏输变电工程", "电力工程", 15),
    ("数据中心建设项目", "网络科技", 10),
    ("污水处理厂提标改造工程", "水务", 30),
)


def _eia_approvals(rng: random.Random) -> list[Row]:
    rows = []
    for number in range(80):
        district = rng.choice(DISTRICTS)
        template, business, environmental_share = rng.choice(EIA_PROJECTS)
        approved = day(rng, D_2023, D_END)
        investment = rng.randint(5, 800) * 100
        developer = company(rng, business)
        rows.append(
            {
                "approval_no": f"杭环{district.short}评批〔{approved.year}〕{number + 1}号",
                "project_name": developer.removesuffix("有限公司")
                + template.format(n=rng.choice((10, 20, 50, 110, 220))),
                "developer": developer,
                "uscc": uscc(rng, district.code),
                "district_code": district.code,
                "document_type": weighted(rng, (("报告表", 85), ("报告书", 15))),
                "investment": investment,
                "environmental_investment": round(investment * environmental_share / 100 * rng.uniform(0.5, 1.5)),
                "approval_date": iso(approved),
            }
        )
    return rows


def _discharge_permits(rng: random.Random) -> list[Row]:
    rows = []
    for _ in range(80):
        district = rng.choice(DISTRICTS)
        business, industry, _category, _pollutants = rng.choice(POLLUTERS)
        code = uscc(rng, district.code)
        key = rng.random() < 0.35
        start = day(rng, D_2021, D_END)
        rows.append(
            {
                "permit_no": f"{code}001{'V' if key else 'U'}",
                "company_name": company(rng, business),
                "uscc": code,
                "industry": industry,
                "management_class": "重点管理" if key else "简化管理",
                "district_code": district.code,
                "valid_from": iso(start),
                "valid_until": years_later(start, 5),
                "authority": f"杭州市生态环境局{district.short}分局",
            }
        )
    return rows


# --- 交通运输 ----------------------------------------------------------------------------------

ROAD_TRANSPORT = (
    ("道路普通货物运输", "物流", 50),
    ("道路普通货物运输；货物专用运输（集装箱）", "供应链管理", 15),
    ("道路危险货物运输（2类1项、3类）", "危险品运输", 8),
    ("道路旅客运输（省际、市际包车客运）", "旅游客运", 10),
    ("网络预约出租汽车经营", "网约车服务", 7),
    ("大型物件运输", "物流", 10),
)


def _road_transport(rng: random.Random) -> list[Row]:
    rows = []
    for _ in range(100):
        district = rng.choice(DISTRICTS)
        scope, business = weighted(rng, tuple(((s, b), w) for s, b, w in ROAD_TRANSPORT))
        issued = day(rng, D_2021, D_END)
        rows.append(
            {
                "licence_no": f"浙交运管许可杭字{district.code}{rng.randint(1, 999999):06d}号",
                "company_name": company(rng, business),
                "uscc": uscc(rng, district.code),
                "business_scope": scope,
                "address": address(rng, district),
                "district_code": district.code,
                "issue_date": iso(issued),
                "valid_until": years_later(issued, rng.choice((4, 6))),
            }
        )
    return rows


# 2017 公路总里程 and 高速公路 (km) of each city.
ROADS_2017 = (
    (16500, 730),
    (11200, 540),
    (14300, 450),
    (8400, 430),
    (9000, 330),
    (10300, 420),
    (15900, 560),
    (10500, 330),
    (2200, 70),
    (12100, 330),
    (14200, 470),
)


def _road_mileage(rng: random.Random) -> list[Row]:
    rows = []
    for year in range(2017, 2025):
        for (code, name), (total, expressway) in zip(CITIES, ROADS_2017, strict=True):
            total_now = total * (1.004 ** (year - 2017)) * rng.uniform(0.998, 1.002)
            expressway_now = expressway * (1.04 ** (year - 2017))
            trunk = total_now * 0.17
            rows.append(
                {
                    "year": year,
                    "city_code": code,
                    "city_name": name,
                    "total_km": round(total_now, 1),
                    "expressway_km": round(expressway_now, 1),
                    "trunk_road_km": round(trunk, 1),
                    "rural_road_km": round(total_now - expressway_now - trunk, 1),
                }
            )
    return rows


TERMINI = words(
    "城站火车站 灵隐 武林广场北 龙翔桥 黄龙体育中心 "
    "浙大紫金港校区 火车东站东 汽车北站 三墩 九堡客运中心 "
    "杭州火车南站 临平汽车站 留下 转塘 梅家坞 植物园 "
    "古荡 半山 石桥 丁桥 彭埠 钱江新城 市民中心 "
    "奥体中心 西兴 浦沿 闻堰 良渚 勾庄 仓前 未来科技城 "
    "下沙高教东区 萧山汽车站 湘湖 临平新城"
)


def _bus_lines(rng: random.Random) -> list[Row]:
    rows = []
    for number in sorted(rng.sample(range(1, 600), 80)):
        start, end = rng.sample(TERMINI, 2)
        length = round(rng.uniform(6, 32), 1)
        rows.append(
            {
                "line_name": f"{number}路",
                "start_stop": start,
                "end_stop": end,
                "first_bus": f"0{rng.choice((5, 6))}:{rng.choice((0, 15, 30, 45)):02d}",
                "last_bus": f"{rng.choice((20, 21, 22))}:{rng.choice((0, 15, 30, 45)):02d}",
                "fare": 2 if length < 20 else 3,
                "length_km": length,
                "stops": round(length * rng.uniform(1.2, 1.8)),
                "operator": "杭州市公共交通集团有限公司",
            }
        )
    return rows


def _bike_stations(rng: random.Random) -> list[Row]:
    rows = []
    for number in range(200):
        district = rng.choice(DISTRICTS)
        road, cross = rng.sample(district.roads, 2)
        longitude, latitude = near(rng, district.centre)
        rows.append(
            {
                "station_no": f"{district.code[-2:]}{number + 1:04d}",
                "station_name": f"{road}{cross}口",
                "district_code": district.code,
                "address": f"{district.name}{road}与{cross}交叉口{rng.choice(('东北', '东南', '西北', '西南'))}侧",
                "docks": rng.randint(12, 40),
                "longitude": longitude,
                "latitude": latitude,
                "service_hours": weighted(rng, (("06:00-21:00", 70), ("24小时", 30))),
            }
        )
    return rows


# --- 住房和城乡建设 ----------------------------------------------------------------------------

QUALIFICATIONS = (
    ("建筑工程施工总承包特级", "1"),
    ("建筑工程施工总承包壹级", "2"),
    ("市政公用工程施工总承包壹级", "2"),
    ("建筑工程施工总承包贰级", "3"),
    ("市政公用工程施工总承包贰级", "3"),
    ("建筑装修装饰工程专业承包贰级", "3"),
    ("地基基础工程专业承包贰级", "3"),
    ("钢结构工程专业承包贰级", "3"),
    ("施工劳务不分等级", "3"),
)
QUALIFICATION_AUTHORITIES = {
    "1": "中华人民共和国住房和城乡建设部",
    "2": "浙江省住房和城乡建设厅",
    "3": "杭州市城乡建设委员会",
}


def _contractors(rng: random.Random) -> list[Row]:
    rows = []
    for _ in range(100):
        district = rng.choice(DISTRICTS)
        qualification, level = weighted(
            rng, tuple(zip(QUALIFICATIONS, (2, 10, 6, 18, 10, 18, 10, 10, 16), strict=True))
        )
        issued = day(rng, D_2021, D_END)
        rows.append(
            {
                "certificate_no": f"D{level}33{rng.randint(0, 999999):06d}",
                "company_name": company(rng, rng.choice(("建设集团", "建筑工程", "市政工程", "建筑劳务", "装饰工程"))),
                "uscc": uscc(rng, district.code),
                "qualification": qualification,
                "district_code": district.code,
                "issue_date": iso(issued),
                "valid_until": years_later(issued, 5),
                "authority": QUALIFICATION_AUTHORITIES[level],
            }
        )
    return rows


ESTATE_WORDS = words("云栖 湖境 江澜 春晓 桂语 映月 晓风 澜庭 星河 云谷 溪岸 望江 锦绣 翠湖 紫金 融湖 和鸣 悦府")
ESTATE_SUFFIXES = ("府", "苑", "里", "园", "轩", "庭", "湾", "宸院")


def _presale_permits(rng: random.Random) -> list[Row]:
    rows = []
    for number in range(80):
        district = rng.choice(DISTRICTS)
        issued = day(rng, D_2023, D_END)
        units = rng.randint(60, 600)
        blocks = sorted(rng.sample(range(1, 20), rng.randint(1, 4)))
        rows.append(
            {
                "permit_no": f"杭售许字({issued.year})第{number + rng.randint(100, 600):06d}号",
                "project_name": f"{rng.choice(ESTATE_WORDS)}{rng.choice(ESTATE_SUFFIXES)}",
                "developer": company(rng, "房地产开发"),
                "uscc": uscc(rng, district.code),
                "location": f"{district.name}{rng.choice(district.subdistricts)}{rng.choice(district.roads)}",
                "district_code": district.code,
                "buildings": "、".join(f"{block}幢" for block in blocks),
                "units": units,
                "presale_area_m2": round(units * rng.uniform(85, 145), 2),
                "issue_date": iso(issued),
            }
        )
    return rows


def _property_projects(rng: random.Random) -> list[Row]:
    rows = []
    for _ in range(120):
        district = rng.choice(DISTRICTS)
        kind = weighted(rng, (("住宅", 75), ("商业", 10), ("办公", 15)))
        households = rng.randint(200, 3000) if kind == "住宅" else 0
        name = f"{rng.choice(ESTATE_WORDS)}{rng.choice(ESTATE_SUFFIXES)}"
        rows.append(
            {
                "project_name": name
                if kind == "住宅"
                else f"{rng.choice(BRANDS)}{'中心' if kind == '商业' else '大厦'}",
                "project_type": kind,
                "property_company": company(rng, "物业服务"),
                "uscc": uscc(rng, district.code),
                "district_code": district.code,
                "subdistrict": rng.choice(district.subdistricts),
                "address": address(rng, district),
                "building_area_m2": households * rng.randint(90, 130) if households else rng.randint(200, 1500) * 100,
                "households": households,
                "service_start": iso(day(rng, D_2005, D_END)),
            }
        )
    return rows


# --- 教育 --------------------------------------------------------------------------------------

# (name, city, authority, level, nature, 双一流)
UNIVERSITIES = (
    ("浙江大学", "杭州市", "教育部", "本科", "公办", True),
    ("中国美术学院", "杭州市", "浙江省", "本科", "公办", True),
    ("宁波大学", "宁波市", "浙江省", "本科", "公办", True),
    ("浙江工业大学", "杭州市", "浙江省", "本科", "公办", False),
    ("浙江师范大学", "金华市", "浙江省", "本科", "公办", False),
    ("浙江理工大学", "杭州市", "浙江省", "本科", "公办", False),
    ("杭州电子科技大学", "杭州市", "浙江省", "本科", "公办", False),
    ("浙江工商大学", "杭州市", "浙江省", "本科", "公办", False),
    ("中国计量大学", "杭州市", "浙江省", "本科", "公办", False),
    ("浙江中医药大学", "杭州市", "浙江省", "本科", "公办", False),
    ("浙江财经大学", "杭州市", "浙江省", "本科", "公办", False),
    ("浙江农林大学", "杭州市", "浙江省", "本科", "公办", False),
    ("浙江海洋大学", "舟山市", "浙江省", "本科", "公办", False),
    ("温州医科大学", "温州市", "浙江省", "本科", "公办", False),
    ("温州大学", "温州市", "浙江省", "本科", "公办", False),
    ("杭州师范大学", "杭州市", "杭州市", "本科", "公办", False),
    ("湖州师范学院", "湖州市", "浙江省", "本科", "公办", False),
    ("绍兴文理学院", "绍兴市", "浙江省", "本科", "公办", False),
    ("台州学院", "台州市", "浙江省", "本科", "公办", False),
    ("丽水学院", "丽水市", "浙江省", "本科", "公办", False),
    ("嘉兴大学", "嘉兴市", "浙江省", "本科", "公办", False),
    ("浙江科技大学", "杭州市", "浙江省", "本科", "公办", False),
    ("浙江传媒学院", "杭州市", "浙江省", "本科", "公办", False),
    ("浙江外国语学院", "杭州市", "浙江省", "本科", "公办", False),
    ("浙江警察学院", "杭州市", "浙江省", "本科", "公办", False),
    ("浙江水利水电学院", "杭州市", "浙江省", "本科", "公办", False),
    ("衢州学院", "衢州市", "浙江省", "本科", "公办", False),
    ("杭州医学院", "杭州市", "浙江省", "本科", "公办", False),
    ("浙江音乐学院", "杭州市", "浙江省", "本科", "公办", False),
    ("浙大城市学院", "杭州市", "杭州市", "本科", "公办", False),
    ("宁波工程学院", "宁波市", "宁波市", "本科", "公办", False),
    ("西湖大学", "杭州市", "浙江省", "本科", "民办", False),
    ("浙江万里学院", "宁波市", "浙江省", "本科", "民办", False),
    ("浙江树人学院", "杭州市", "浙江省", "本科", "民办", False),
    ("宁波诺丁汉大学", "宁波市", "浙江省", "本科", "中外合作办学", False),
    ("温州肯恩大学", "温州市", "浙江省", "本科", "中外合作办学", False),
    ("浙江金融职业学院", "杭州市", "浙江省", "专科", "公办", False),
    ("杭州职业技术学院", "杭州市", "杭州市", "专科", "公办", False),
    ("浙江经济职业技术学院", "杭州市", "浙江省", "专科", "公办", False),
    ("浙江交通职业技术学院", "杭州市", "浙江省", "专科", "公办", False),
    ("浙江旅游职业学院", "杭州市", "浙江省", "专科", "公办", False),
    ("浙江建设职业技术学院", "杭州市", "浙江省", "专科", "公办", False),
    ("宁波职业技术学院", "宁波市", "宁波市", "专科", "公办", False),
    ("温州职业技术学院", "温州市", "温州市", "专科", "公办", False),
    ("嘉兴职业技术学院", "嘉兴市", "嘉兴市", "专科", "公办", False),
    ("湖州职业技术学院", "湖州市", "湖州市", "专科", "公办", False),
    ("台州职业技术学院", "台州市", "台州市", "专科", "公办", False),
    ("丽水职业技术学院", "丽水市", "丽水市", "专科", "公办", False),
    ("衢州职业技术学院", "衢州市", "衢州市", "专科", "公办", False),
    ("浙江国际海运职业技术学院", "舟山市", "舟山市", "专科", "公办", False),
)


def _universities(rng: random.Random) -> list[Row]:
    return [
        {
            "school_name": name,
            "city_name": city,
            "authority": authority,
            "level": level,
            "nature": nature,
            "double_first_class": first_class,
        }
        for name, city, authority, level, nature, first_class in UNIVERSITIES
    ]


SCHOOLS = (
    ("杭州学军中学", "普通高中", "330106"),
    ("杭州第二中学", "普通高中", "330108"),
    ("杭州高级中学", "普通高中", "330105"),
    ("杭州第十四中学", "普通高中", "330105"),
    ("杭州外国语学校", "九年一贯制", "330106"),
    ("杭州市学军小学", "小学", "330106"),
    ("杭州市天长小学", "小学", "330102"),
    ("杭州市胜利小学", "小学", "330102"),
    ("杭州市文三街小学", "小学", "330106"),
    ("杭州市保俶塔实验学校", "初中", "330106"),
)
SCHOOL_KINDS = (
    ("小学", "小学", 55, (18, 48), 42),
    ("初中", "初级中学", 25, (12, 36), 45),
    ("九年一贯制", "实验学校", 10, (27, 54), 43),
    ("普通高中", "高级中学", 10, (24, 48), 45),
)


def _schools(rng: random.Random) -> list[Row]:
    by_code = {district.code: district for district in DISTRICTS}
    rows, seen = [], set()
    size = {kind: (classes, per_class) for kind, _suffix, _weight, classes, per_class in SCHOOL_KINDS}
    for name, kind, code in SCHOOLS:
        seen.add(name)
        classes = rng.randint(*size[kind][0])
        rows.append(
            {
                "school_name": name,
                "school_type": kind,
                "nature": "公办",
                "district_code": code,
                "address": address(rng, by_code[code]),
                "phone": phone(rng),
                "classes": classes,
                "students": classes * size[kind][1] - rng.randint(0, 60),
            }
        )
    while len(rows) < 120:
        district = rng.choice(DISTRICTS)
        kind, suffix, _weight, _classes, _per_class = weighted(rng, tuple((k, k[2]) for k in SCHOOL_KINDS))
        name = (
            f"杭州市{district.name}{stem(rng.choice(district.subdistricts))}{rng.choice(('', '第一', '第二'))}{suffix}"
        )
        if name in seen:
            continue
        seen.add(name)
        classes = rng.randint(*size[kind][0])
        rows.append(
            {
                "school_name": name,
                "school_type": kind,
                "nature": weighted(rng, (("公办", 92), ("民办", 8))),
                "district_code": district.code,
                "address": address(rng, district),
                "phone": phone(rng),
                "classes": classes,
                "students": classes * size[kind][1] - rng.randint(0, 60),
            }
        )
    return rows


TRAINING = (
    ("学科类", "语文；数学；英语", "培训学校", 10),
    ("非学科类（体育）", "游泳；篮球；跆拳道", "体育文化发展", 30),
    ("非学科类（文化艺术）", "美术；书法；钢琴；舞蹈", "艺术培训学校", 40),
    ("非学科类（科技）", "编程；机器人；科学实验", "教育科技", 20),
)


def _training_institutions(rng: random.Random) -> list[Row]:
    rows = []
    for _ in range(80):
        district = rng.choice(DISTRICTS)
        kind, courses, business, _weight = weighted(rng, tuple((t, t[3]) for t in TRAINING))
        school = business.endswith("学校")
        rows.append(
            {
                "institution_name": f"杭州市{district.name}{rng.choice(BRANDS)}{business}"
                if school
                else company(rng, business),
                "uscc": uscc(rng, district.code, "52" if school else "91"),
                "licence_no": f"教民1{district.code}{rng.randint(1, 9)}{rng.randint(1, 9999999):07d}号",
                "training_type": kind,
                "courses": courses,
                "district_code": district.code,
                "address": address(rng, district),
                "status": weighted(rng, (("正常办学", 90), ("停止办学", 10))),
                "approval_date": iso(day(rng, datetime.date(2021, 9, 1), D_END)),
            }
        )
    return rows


# --- 水利 --------------------------------------------------------------------------------------

# (name, city, county, river, scale, total capacity 万m³, normal level m, functions, completed)
RESERVOIRS = (
    ("新安江水库", "杭州市", "淳安县", "新安江", "大(1)型", 2162600, 108.0, "发电、防洪、供水", 1960),
    ("富春江水库", "杭州市", "桐庐县", "富春江", "大(1)型", 87400, 23.0, "发电、航运、防洪", 1968),
    ("青山水库", "杭州市", "临安区", "南苕溪", "大(2)型", 21300, 23.2, "防洪、供水", 1964),
    ("分水江水库", "杭州市", "桐庐县", "分水江", "大(2)型", 23500, 58.0, "防洪、发电", 2009),
    ("对河口水库", "杭州市", "余杭区", "北苕溪", "中型", 1490, 44.0, "防洪、灌溉、供水", 1962),
    ("四岭水库", "杭州市", "余杭区", "中苕溪", "中型", 2470, 62.0, "防洪、供水", 1960),
    ("里畈水库", "杭州市", "临安区", "南苕溪", "中型", 3310, 232.0, "防洪、供水、发电", 1971),
    ("四明湖水库", "宁波市", "余姚市", "姚江", "大(2)型", 12270, 16.0, "灌溉、防洪、供水", 1960),
    ("皎口水库", "宁波市", "海曙区", "鄞江", "大(2)型", 11980, 68.0, "供水、防洪", 1975),
    ("亭下水库", "宁波市", "奉化区", "剡江", "大(2)型", 15300, 80.0, "供水、防洪、灌溉", 1985),
    ("横山水库", "宁波市", "奉化区", "县江", "大(2)型", 10880, 74.0, "供水、防洪", 1966),
    ("白溪水库", "宁波市", "宁海县", "白溪", "大(2)型", 16840, 166.0, "供水、防洪、发电", 2001),
    ("周公宅水库", "宁波市", "海曙区", "大皎溪", "大(2)型", 11180, 230.0, "供水、防洪", 2006),
    ("珊溪水库", "温州市", "文成县", "飞云江", "大(1)型", 182400, 142.0, "供水、防洪、发电", 2000),
    ("横锦水库", "金华市", "东阳市", "东阳江", "大(2)型", 27400, 152.0, "供水、灌溉、防洪", 1964),
    ("南江水库", "金华市", "东阳市", "南江", "大(2)型", 11600, 142.0, "灌溉、供水、防洪", 1969),
    ("安地水库", "金华市", "婺城区", "梅溪", "中型", 6500, 120.0, "灌溉、供水", 1964),
    ("沙畈水库", "金华市", "婺城区", "白沙溪", "大(2)型", 10200, 185.0, "供水、防洪、发电", 2002),
    ("湖南镇水库", "衢州市", "衢江区", "乌溪江", "大(1)型", 206000, 230.0, "发电、防洪、灌溉", 1980),
    ("铜山源水库", "衢州市", "衢江区", "铜山源", "大(2)型", 16100, 103.0, "灌溉、供水", 1980),
    ("紧水滩水库", "丽水市", "云和县", "瓯江", "大(1)型", 139300, 184.0, "发电、防洪", 1988),
    ("滩坑水库", "丽水市", "景宁畲族自治县", "小溪", "大(1)型", 416000, 160.0, "发电、防洪", 2008),
    ("长潭水库", "台州市", "黄岩区", "永宁江", "大(2)型", 73200, 35.0, "供水、防洪、灌溉", 1964),
    ("里石门水库", "台州市", "天台县", "始丰溪", "大(2)型", 19800, 181.0, "灌溉、供水、防洪", 1978),
    ("牛头山水库", "台州市", "临海市", "逆溪", "大(2)型", 30400, 75.0, "供水、防洪", 2002),
    ("下岸水库", "台州市", "仙居县", "永安溪", "大(2)型", 13500, 292.0, "供水、防洪、发电", 2003),
    ("老石坎水库", "湖州市", "安吉县", "西苕溪", "大(2)型", 11500, 77.0, "防洪、灌溉", 1971),
    ("赋石水库", "湖州市", "安吉县", "西溪", "大(2)型", 21800, 86.0, "防洪、灌溉、供水", 1979),
    ("合溪水库", "湖州市", "长兴县", "合溪", "大(2)型", 11000, 18.0, "防洪、供水", 2008),
    ("老虎潭水库", "湖州市", "吴兴区", "埭溪", "中型", 9970, 30.0, "供水、防洪", 2008),
    ("汤浦水库", "绍兴市", "上虞区", "小舜江", "大(2)型", 23500, 33.0, "供水、防洪", 2000),
    ("长诏水库", "绍兴市", "新昌县", "澄潭江", "大(2)型", 16800, 150.0, "灌溉、防洪、供水", 1978),
    ("钦寸水库", "绍兴市", "新昌县", "新昌江", "大(2)型", 24400, 155.0, "供水、防洪", 2017),
    ("南山水库", "绍兴市", "嵊州市", "长乐江", "大(2)型", 11200, 134.0, "灌溉、防洪", 1970),
    ("石壁水库", "绍兴市", "诸暨市", "开化江", "大(2)型", 11800, 71.0, "防洪、灌溉", 1966),
)


def _reservoirs(rng: random.Random) -> list[Row]:
    keys = (
        "reservoir_name",
        "city_name",
        "county",
        "river",
        "scale",
        "total_capacity",
        "normal_level",
        "functions",
        "completion_year",
    )
    return [dict(zip(keys, reservoir, strict=True)) for reservoir in RESERVOIRS]


# (code, station, river, usual level m, warning level m)
HYDRO_STATIONS = (
    ("70111300", "闸口", "钱塘江", 4.6, 7.0),
    ("70111500", "七堡", "钱塘江", 4.9, 7.2),
    ("70108200", "桐庐", "富春江", 5.8, 8.5),
    ("70106400", "兰溪", "兰江", 25.2, 29.0),
    ("70104100", "衢州", "衢江", 59.5, 63.5),
    ("70105200", "金华", "金华江", 32.6, 36.5),
    ("70112600", "诸暨", "浦阳江", 8.4, 10.6),
    ("70201200", "瓶窑", "东苕溪", 4.1, 7.0),
    ("70301500", "余姚", "姚江", 1.6, 2.7),
    ("70401800", "圩仁", "瓯江", 21.3, 27.0),
    ("70501300", "西门", "椒江", 2.2, 4.5),
    ("70601100", "峃口", "飞云江", 16.5, 22.0),
)


def _water_levels(rng: random.Random) -> list[Row]:
    rows = []
    start = datetime.datetime(2024, 6, 20, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    for code, name, river, usual, warning in HYDRO_STATIONS:
        level = usual
        for hour in range(24):
            rain = round(rng.choice((0, 0, 0, rng.uniform(0.5, 6), rng.uniform(5, 25))), 1) if 6 <= hour <= 18 else 0.0
            level = round(level + rain * 0.02 + rng.uniform(-0.03, 0.05), 2)
            rows.append(
                {
                    "station_code": code,
                    "station_name": name,
                    "river": river,
                    "observed_at": (start + datetime.timedelta(hours=hour)).isoformat(),
                    "water_level": level,
                    "warning_level": warning,
                    "rainfall": rain,
                }
            )
    return rows


# (name, type, 河湖长层级, basin, district, length km, area km², start, end)
WATERS = (
    ("钱塘江", "河道", "省级", "钱塘江", "330102", 69.0, None, "富阳区与桐庐县交界", "钱塘区与海宁市交界"),
    ("富春江", "河道", "省级", "钱塘江", "330111", 110.0, None, "建德市梅城镇", "富阳区与萧山区交界"),
    ("新安江", "河道", "省级", "钱塘江", "330182", 41.0, None, "新安江水电站", "建德市梅城镇"),
    ("分水江", "河道", "市级", "钱塘江", "330122", 86.0, None, "临安区与桐庐县交界", "桐庐县城注入富春江"),
    ("浦阳江", "河道", "省级", "钱塘江", "330109", 38.0, None, "诸暨市与萧山区交界", "萧山区闻堰注入钱塘江"),
    ("东苕溪", "河道", "省级", "太湖", "330110", 53.0, None, "余杭区余杭街道", "德清县交界"),
    ("南苕溪", "河道", "市级", "太湖", "330112", 63.0, None, "临安区东天目山", "余杭区余杭街道"),
    ("中苕溪", "河道", "市级", "太湖", "330110", 48.0, None, "临安区西北", "余杭区瓶窑镇"),
    ("北苕溪", "河道", "市级", "太湖", "330110", 47.0, None, "余杭区鸬鸟镇", "余杭区瓶窑镇"),
    ("京杭大运河（杭州段）", "河道", "省级", "运河", "330105", 54.0, None, "塘栖镇", "三堡船闸"),
    ("上塘河", "河道", "市级", "运河", "330105", 48.0, None, "拱墅区长安桥", "临平区与海宁市交界"),
    ("余杭塘河", "河道", "市级", "运河", "330110", 30.0, None, "余杭街道", "拱墅区汇入京杭运河"),
    ("贴沙河", "河道", "区级", "运河", "330102", 5.6, None, "凯旋路", "钱塘江"),
    ("中河", "河道", "区级", "运河", "330102", 6.0, None, "环城北路", "凤山水城门"),
    ("东河", "河道", "区级", "运河", "330102", 4.1, None, "坝子桥", "断河头"),
    ("新开河", "河道", "区级", "运河", "330105", 3.8, None, "京杭运河", "东河"),
    ("胜利河", "河道", "区级", "运河", "330105", 2.6, None, "京杭运河", "上塘河"),
    ("古新河", "河道", "区级", "运河", "330105", 2.8, None, "西湖引水", "京杭运河"),
    ("沿山河", "河道", "区级", "运河", "330106", 12.0, None, "留下", "京杭运河"),
    ("紫金港", "河道", "区级", "运河", "330106", 4.6, None, "西溪湿地", "余杭塘河"),
    ("蒋村港", "河道", "区级", "运河", "330106", 5.2, None, "五常港", "紫金港"),
    ("五常港", "河道", "区级", "运河", "330110", 6.8, None, "五常街道", "蒋村港"),
    ("闲林港", "河道", "区级", "运河", "330110", 9.5, None, "闲林水库", "五常港"),
    ("和睦港", "河道", "区级", "运河", "330106", 7.0, None, "五常港", "余杭塘河"),
    ("西小江", "河道", "区级", "钱塘江", "330109", 30.0, None, "萧山区临浦镇", "萧山区与柯桥区交界"),
    ("永兴河", "河道", "区级", "钱塘江", "330109", 22.0, None, "萧山区河上镇", "萧山区临浦镇"),
    ("壶源溪", "河道", "区级", "钱塘江", "330111", 30.0, None, "富阳区常安镇", "富阳区场口镇注入富春江"),
    ("渌渚江", "河道", "区级", "钱塘江", "330111", 28.0, None, "富阳区新登镇", "富阳区注入富春江"),
    ("天目溪", "河道", "区级", "钱塘江", "330112", 59.0, None, "临安区西天目山", "临安区与桐庐县交界"),
    ("昌化溪", "河道", "区级", "钱塘江", "330112", 96.0, None, "临安区龙岗镇", "临安区与桐庐县交界"),
    ("丁山河", "河道", "区级", "运河", "330113", 7.5, None, "临平区东湖街道", "上塘河"),
    ("西湖", "湖泊", "市级", "钱塘江", "330106", None, 6.39, "", ""),
    ("湘湖", "湖泊", "区级", "钱塘江", "330109", None, 6.1, "", ""),
    ("千岛湖", "湖泊", "省级", "钱塘江", "330127", None, 573.0, "", ""),
    ("白马湖", "湖泊", "区级", "钱塘江", "330108", None, 1.1, "", ""),
    ("铜鉴湖", "湖泊", "区级", "钱塘江", "330106", None, 0.7, "", ""),
    ("南湖", "湖泊", "区级", "太湖", "330110", None, 2.0, "", ""),
)


def _waters(rng: random.Random) -> list[Row]:
    keys = (
        "water_name",
        "water_type",
        "management_level",
        "basin",
        "district_code",
        "length_km",
        "area_km2",
        "start_point",
        "end_point",
    )
    return [dict(zip(keys, water, strict=True)) for water in WATERS]


# (水源类型, 水源, 用途, 年取水量 万m³, holder's business, districts that draw on it)
WATER_SOURCES = (
    ("地表水", "钱塘江", "城镇公共供水", (5000, 40000), "水务", ("330102", "330108", "330109")),
    ("地表水", "富春江", "城镇公共供水", (2000, 20000), "水务", ("330111",)),
    ("地表水", "东苕溪", "工业", (50, 800), "纺织", ("330110", "330113")),
    ("地表水", "浦阳江", "农业灌溉", (100, 1500), "农业开发", ("330109",)),
    ("地表水", "分水江", "水力发电", (10000, 80000), "水电开发", ("330112",)),
    ("地下水", "深层承压水", "工业", (5, 60), "食品", ("330113", "330114", "330109")),
    ("地表水", "京杭运河", "工业", (30, 500), "热电", ("330105", "330113")),
)


def _water_permits(rng: random.Random) -> list[Row]:
    by_code = {district.code: district for district in DISTRICTS}
    rows = []
    for number in range(60):
        kind, source, purpose, (low, high), business, codes = rng.choice(WATER_SOURCES)
        district = by_code[rng.choice(codes)]
        start = day(rng, D_2021, D_END)
        rows.append(
            {
                "permit_no": f"取水(杭{district.short})字〔{start.year}〕第{number + 1:03d}号",
                "holder": company(rng, business),
                "uscc": uscc(rng, district.code),
                "source_type": kind,
                "source_name": source,
                "annual_volume": round(rng.uniform(low, high), 1),
                "purpose": purpose,
                "district_code": district.code,
                "valid_from": iso(start),
                "valid_until": years_later(start, 5),
            }
        )
    return rows


TREES = (
    ("香樟", "Cinnamomum camphora", 30),
    ("银杏", "Ginkgo biloba", 12),
    ("枫香", "Liquidambar formosana", 10),
    ("苦槠", "Castanopsis sclerophylla", 8),
    ("朴树", "Celtis sinensis", 8),
    ("桂花", "Osmanthus fragrans", 6),
    ("柳杉", "Cryptomeria japonica var. sinensis", 6),
    ("金钱松", "Pseudolarix amabilis", 4),
    ("马尾松", "Pinus massoniana", 4),
    ("枫杨", "Pterocarya stenoptera", 4),
    ("南方红豆杉", "Taxus wallichiana var. mairei", 3),
    ("香榧", "Torreya grandis 'Merrillii'", 3),
    ("榉树", "Zelkova serrata", 2),
)


def _ancient_trees(rng: random.Random) -> list[Row]:
    places = [(d.code, d.name, d.subdistricts, d.centre) for d in DISTRICTS[2:3] + DISTRICTS[4:8]] + list(COUNTIES)
    counters: dict[str, int] = {}
    rows = []
    for _ in range(150):
        code, name, towns, centre = rng.choice(places)
        species, latin = weighted(rng, tuple(((s, n), w) for s, n, w in TREES))
        age = weighted(rng, (((100, 299), 70), ((300, 499), 20), ((500, 1200), 10)))
        age = rng.randint(*age) // 10 * 10
        counters[code] = counters.get(code, 0) + 1
        longitude, latitude = near(rng, centre, 0.12)
        rows.append(
            {
                "tree_no": f"{code}{counters[code]:05d}",
                "species": species,
                "latin_name": latin,
                "age": age,
                "protection_grade": "一级" if age >= 500 else "二级" if age >= 300 else "三级",
                "height_m": round(rng.uniform(8, 30), 1),
                "girth_cm": round(age * rng.uniform(0.9, 1.6)) + 100,
                "district_code": code,
                "location": f"{name}{rng.choice(towns)}{rng.choice(VILLAGES)}",
                "longitude": longitude,
                "latitude": latitude,
            }
        )
    return rows


# --- 农业农村 ----------------------------------------------------------------------------------

# (product, category, test item, limit mg/kg)
SAMPLES = (
    ("青菜", "蔬菜", "毒死蜱", 0.02),
    ("芹菜", "蔬菜", "毒死蜱", 0.05),
    ("豇豆", "蔬菜", "灭蝇胺", 0.5),
    ("韭菜", "蔬菜", "腐霉利", 0.2),
    ("黄瓜", "蔬菜", "啶虫脒", 1.0),
    ("草莓", "水果", "嘧菌酯", 10.0),
    ("杨梅", "水果", "多菌灵", 0.5),
    ("茶叶", "茶叶", "联苯菊酯", 5.0),
    ("茶叶", "茶叶", "吡虫啉", 0.5),
    ("猪肉", "畜禽产品", "恩诺沙星", 0.1),
    ("鸡蛋", "畜禽产品", "氟苯尼考", 0.01),
    ("鲈鱼", "水产品", "孔雀石绿", 0.002),
    ("南美白对虾", "水产品", "恩诺沙星", 0.1),
)


def _farm_product_checks(rng: random.Random) -> list[Row]:
    places = [d.code for d in DISTRICTS[4:]] + [c[0] for c in COUNTIES]
    rows = []
    for number in range(150):
        product, category, item, limit = rng.choice(SAMPLES)
        sampled = day(rng, D_2024, D_END)
        detected = rng.random() < 0.3
        result = round(limit * rng.uniform(0.05, 0.9 if rng.random() < 0.93 else 2.5), 4) if detected else None
        rows.append(
            {
                "sample_no": f"ZJNY{sampled:%Y%m}{number + 1:04d}",
                "product_name": product,
                "product_category": category,
                "sampled_unit": company(rng, rng.choice(("农业开发", "生态农业", "水产养殖", "茶业"))),
                "district_code": rng.choice(places),
                "test_item": item,
                "result": result,
                "limit": limit,
                "conclusion": "不合格" if result is not None and result > limit else "合格",
                "sampling_date": iso(sampled),
            }
        )
    return rows


# (city, county with prefix, county code, main industry)
COOP_PLACES = (
    ("杭州市", "杭州市西湖区", "330106", "茶叶"),
    ("杭州市", "杭州市余杭区", "330110", "茶叶"),
    ("杭州市", "杭州市临安区", "330112", "山核桃"),
    ("杭州市", "建德市", "330182", "草莓"),
    ("宁波市", "象山县", "330225", "柑橘"),
    ("宁波市", "慈溪市", "330282", "杨梅"),
    ("嘉兴市", "嘉善县", "330421", "黄桃"),
    ("湖州市", "安吉县", "330523", "白茶"),
    ("湖州市", "长兴县", "330522", "茶叶"),
    ("绍兴市", "新昌县", "330624", "茶叶"),
    ("金华市", "磐安县", "330727", "中药材"),
    ("金华市", "浦江县", "330726", "葡萄"),
    ("衢州市", "常山县", "330822", "胡柚"),
    ("衢州市", "开化县", "330824", "茶叶"),
    ("台州市", "仙居县", "331024", "杨梅"),
    ("台州市", "台州市黄岩区", "331003", "柑橘"),
    ("丽水市", "庆元县", "331126", "香菇"),
    ("丽水市", "缙云县", "331122", "茭白"),
)


def _cooperatives(rng: random.Random) -> list[Row]:
    rows = []
    for _ in range(80):
        city, county, code, industry = rng.choice(COOP_PLACES)
        rows.append(
            {
                "coop_name": f"{county}{rng.choice(VILLAGES)[:-1]}{industry}专业合作社",
                "uscc": uscc(rng, code, "93"),
                "city_name": city,
                "county": county.removeprefix(city),
                "main_industry": industry,
                "members": rng.randint(5, 600),
                "designated_year": rng.randint(2018, 2024),
            }
        )
    return rows


def _pesticide_dealers(rng: random.Random) -> list[Row]:
    rows = []
    for number in range(60):
        district = rng.choice(DISTRICTS[4:])
        issued = day(rng, D_2021, D_END)
        rows.append(
            {
                "licence_no": f"农药经许（浙）{district.code}{issued.year}{number + 1:04d}",
                "holder_name": company(rng, rng.choice(("农资", "农业生产资料", "植保科技"))),
                "uscc": uscc(rng, district.code),
                "address": address(rng, district),
                "district_code": district.code,
                "restricted_pesticides": rng.random() < 0.2,
                "issue_date": iso(issued),
                "valid_until": years_later(issued, 5),
            }
        )
    return rows


def _animal_clinics(rng: random.Random) -> list[Row]:
    rows = []
    for number in range(80):
        district = rng.choice(DISTRICTS)
        hospital = rng.random() < 0.6
        rows.append(
            {
                "clinic_name": company(rng, "宠物医院" if hospital else "动物诊所"),
                "uscc": uscc(rng, district.code),
                "licence_no": f"（浙）动诊证字第{district.code}{number + 1:03d}号",
                "scope": "动物诊疗；动物颅腔、胸腔和腹腔手术" if hospital else "动物诊疗（不含颅腔、胸腔和腹腔手术）",
                "address": address(rng, district),
                "district_code": district.code,
                "issue_date": iso(day(rng, D_2019, D_END)),
            }
        )
    return rows


GENERATORS: dict[str, Callable[[random.Random], list[Row]]] = {
    "330000-000001": _enterprises,
    "330000-000002": _penalties,
    "330000-000003": _food_production,
    "330100-000001": _food_business,
    "330100-000002": _inspections,
    "330100-000003": _individual_businesses,
    "330000-000005": _population,
    "330100-000005": _accidents,
    "330100-000006": _police_stations,
    "330000-000008": _hr_agencies,
    "330000-000010": _skill_assessors,
    "330100-000008": _job_posts,
    "330100-000009": _wage_arrears,
    "330000-000011": _medical_institutions,
    "330000-000012": _infectious_diseases,
    "330100-000011": _vaccination_clinics,
    "330000-000014": _social_organisations,
    "330100-000014": _elderly_care,
    "330100-000015": _roads,
    "330000-000017": _land_sales,
    "330100-000017": _planning_permits,
    "330100-000018": _mines,
    "330000-000020": _surface_water,
    "330000-000021": _key_polluters,
    "330100-000020": _air_quality,
    "330100-000021": _eia_approvals,
    "330100-000022": _discharge_permits,
    "330000-000023": _road_transport,
    "330000-000024": _road_mileage,
    "330100-000023": _bus_lines,
    "330100-000024": _bike_stations,
    "330000-000026": _contractors,
    "330100-000026": _presale_permits,
    "330100-000027": _property_projects,
    "330000-000029": _universities,
    "330100-000029": _schools,
    "330100-000030": _training_institutions,
    "330000-000032": _reservoirs,
    "330000-000033": _water_levels,
    "330100-000032": _waters,
    "330100-000033": _water_permits,
    "330100-000034": _ancient_trees,
    "330000-000035": _farm_product_checks,
    "330000-000036": _cooperatives,
    "330000-000037": _pesticide_dealers,
    "330100-000036": _animal_clinics,
}


def _wrong_check_character(code: str) -> str:
    return code[:-1] + ("0" if code[-1] != "0" else "1")


# Defects planted on purpose, as real registers have them, so that the demo's data-quality checks
# find something to send back to the departments: (dataset code, row index) → changed values.
PLANTED_DEFECTS: dict[tuple[str, int], dict[str, Callable[[Any], Any]]] = {
    # A code typed with the wrong check character; a licence that ran out before the list's cut-off.
    ("330100-000001", 17): {"uscc": _wrong_check_character},
    ("330100-000001", 58): {"valid_until": lambda _value: "2024-06-30"},
    ("330100-000001", 121): {"valid_until": lambda _value: "2023-12-31"},
    # Contact numbers never filled in, and another mistyped code.
    ("330100-000014", 5): {"phone": lambda _value: None},
    ("330100-000014", 33): {"phone": lambda _value: ""},
    ("330100-000014", 61): {"uscc": _wrong_check_character},
}


def rows(code: str) -> list[Row] | None:
    """The sample rows of a dataset, or None if it has none."""
    generator = GENERATORS.get(code)
    if generator is None:
        return None
    generated = generator(random.Random(f"shuzheng demo {code}"))  # noqa: S311 - sample data, not secrets
    for (planted_in, index), changes in PLANTED_DEFECTS.items():
        if planted_in == code:
            row = generated[index]
            row.update({name: change(row[name]) for name, change in changes.items()})
    return generated
