"""A labelled corpus of Chinese government texts with the exact span of every piece of personal data.

Each record is one template filled from a fixed seed. The templates are written the way the texts
are: 12345 hotline work orders and their follow-ups, administrative penalty decisions, case and
police records, public notices, application forms, complaints typed by citizens, system logs,
entry-exit and traffic records, court texts. Some state the data with labels (姓名：, 联系电话),
many do not: names stand before 先生/女士 and in running text (独居老人张桂英, 我叫…), numbers are
glued to the words around them.

A placeholder ``{kind}`` in a template is replaced by a value and, for the kinds of personal data,
recorded as a gold span; ``{kind#2}`` is a second value of the same kind, and a placeholder used
twice in one template is the same value twice (the same person named again). ``[a|b|]`` picks one
of its options. Placeholders for look-alikes (bad check digits, masked numbers, order, case and
document numbers, dates, amounts, versions, offices named after places) leave no span: a detector
that reports them is wrong. A few values are neither right nor wrong to report and are left out of
the scoring: a surname alone before 先生 (王女士), a pseudonym (王某), a place of origin (籍贯).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from bench.privacy import values

SEED = 20261128
COUNT = 10_000
KINDS = (
    "resident_id",
    "uscc",
    "org_code",
    "mobile",
    "landline",
    "email",
    "bank_card",
    "passport",
    "hk_macau_permit",
    "home_return_permit",
    "taiwan_permit",
    "plate",
    "ip",
    "person_name",
    "address",
)


@dataclass(frozen=True, slots=True)
class Span:
    kind: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Record:
    text: str
    gold: tuple[Span, ...]
    ignored: tuple[Span, ...]  # spans where a finding of that kind is neither right nor wrong
    template: int


# Placeholder → (the kind it is, or None for a look-alike; whether it is scored; its generator).
Slot = tuple[str | None, bool, Callable[[random.Random], str]]
SLOTS: dict[str, Slot] = {
    **{kind: (kind, True, getattr(values, kind)) for kind in KINDS},
    "name": ("person_name", True, values.person_name),
    "office_phone": ("landline", True, values.landline),
    "surname": ("person_name", False, values.surname),
    "pseudonym": ("person_name", False, values.pseudonym),
    "hometown": ("address", False, values.hometown),
    "bad_id": (None, True, values.bad_resident_id),
    "bad_uscc": (None, True, values.bad_uscc),
    "bad_card": (None, True, values.bad_bank_card),
    "masked_id": (None, True, values.masked_id),
    "masked_mobile": (None, True, values.masked_mobile),
    "masked_name": (None, True, values.masked_name),
    "company": (None, True, values.company),
    "bank": (None, True, values.bank),
    "place": (None, True, values.place),
    "office": (None, True, values.office),
    "road": (None, True, values.road),
    "estate": (None, True, values.estate),
    "date": (None, True, values.date),
    "birth": (None, True, values.birth_text),
    "datetime": (None, True, values.datetime_text),
    "amount": (None, True, values.amount),
    "version": (None, True, values.version),
    "case_no": (None, True, values.case_number),
    "doc_no": (None, True, values.document_number),
    "ticket": (None, True, values.ticket),
    "order_no": (None, True, values.order_number),
    "txn_no": (None, True, values.transaction_number),
    "express": (None, True, values.express_number),
    "invoice_code": (None, True, values.invoice_code),
    "invoice_no": (None, True, values.invoice_number),
    "postcode": (None, True, values.postcode),
    "hotline": (None, True, values.hotline),
    "icp": (None, True, values.icp),
    "n": (None, True, values.small_number),
    "age": (None, True, values.age),
    "article": (None, True, values.article),
    "room": (None, True, values.room),
    "parking": (None, True, values.parking),
    "year": (None, True, values.year),
}

# (weight, template). Weights put each kind a few hundred times or more into 10 000 records.
TEMPLATES: tuple[tuple[float, str], ...] = (
    # 12345 hotline work orders
    (
        8,
        "工单编号：{ticket}\n来电时间：{datetime}\n[来电人|诉求人|联系人]：{name}\n[联系电话|来电号码|联系方式]：{mobile}\n"
        "诉求类型：[投诉|求助|咨询]\n诉求内容：[市民|来电人|群众]{name}[先生|女士]来电反映，[其|]居住的{address}"
        "[楼下|附近|旁边|]有[一家|]餐馆[夜间|凌晨|长期]油烟及噪音扰民，[已持续半个月|多次与店家沟通无果]，要求相关部门[尽快|]处理。"
        "[请{office}核实处理。|]",
    ),
    (
        5,
        "{surname}[女士|先生]来电：[本人|我]于{date}在[网上|某商场|{estate}附近的店铺]购买[手机|冰箱|电动车|空调]一[台|辆]，"
        "[订单号|订单编号][：|]{order_no}，[商家拒绝退货|出现质量问题后商家不予处理]，[来电人|诉求人]要求[退款|维权]。"
        "[回访电话|联系电话]{mobile}。",
    ),
    (
        4,
        "【{ticket}】[市民|来电人]{name}（{mobile}）反映：{road}与{road#2}交叉口[红绿灯故障|路面塌陷|窨井盖缺失]，"
        "[存在安全隐患|影响出行]，请{office}[尽快|]处理。[处理时限|办理时限]：{n}个工作日。",
    ),
    (
        4,
        "回访情况：{date}，经办人与诉求人{surname}[先生|女士]（{masked_mobile}）电话联系，[诉求人|对方]表示[满意|基本满意|不满意]。"
        "[办理单位|承办单位]：{office}，[联系人|经办人]{name}，[电话|联系电话]{office_phone}。",
    ),
    (
        3,
        "[工单|诉求]摘要：{name}[先生|女士]称其母亲{name#2}[于|在]{date}[申请|办理]养老保险待遇，至今未到账，"
        "请[协助查询|帮忙核实]，[其|]身份证号[码|]{resident_id}，[联系|]手机{mobile}。",
    ),
    # administrative penalties and case records
    (
        5,
        "{case_no}\n当事人：{company}\n统一社会信用代码：{uscc}\n[住所|经营场所]：{address}\n法定代表人：{name}\n"
        "[身份证号码|身份证件号码]：{resident_id}\n联系电话：{landline}\n经查，当事人于{date}在{address#2}经营期间"
        "[未按规定公示营业执照|销售超过保质期的食品|超范围经营]，违法所得{amount}。依据《中华人民共和国食品安全法》第{article}条，"
        "决定[给予警告并|]处罚款{amount#2}。",
    ),
    (
        4,
        "当事人{name}，[男|女]，{birth}出生，汉族，身份证号{resident_id}，户籍地{address}，现住{address#2}，联系电话{mobile}。"
        "{date}，当事人[在|于]{place}[无证经营|占道经营|违规搭建]，[执法人员|城管队员]当场制止。[本案|该案]案号{case_no}。",
    ),
    (
        3,
        "经[核查|比对]，[申请人|当事人]填报的身份证号{bad_id}校验位错误，系统无法通过[实名|身份]核验，请[重新核对|更正后再次提交]。"
        "[所填|]统一社会信用代码{bad_uscc}[亦|]不存在。[银行账号|收款账号]{bad_card}无效，[款项|补贴]已退回。",
    ),
    (
        3,
        "报案人{name}，{age}岁，住{address}，[手机|联系电话]{mobile}。报称其于{datetime}在{place}被盗[电动自行车一辆|手机一部|钱包一个]，"
        "[价值|损失]约{amount}。[接警民警|民警]已[调取监控|登记]。",
    ),
    (
        3,
        "原告{name}，[男|女]，{birth}生，汉族，住{address}。\n被告{pseudonym}，[男|女]，住{hometown}。\n"
        "案号：{case_no}。原告诉称，[被告|{pseudonym#2}]于{date}向原告借款{amount}，至今未还。",
    ),
    # traffic
    (
        4,
        "[驾驶人|当事人]{name}（[驾驶证号|身份证号]{resident_id}）于{datetime}驾驶号牌为{plate}的[小型汽车|新能源汽车|货车]"
        "在{road}与{road#2}交叉口[闯红灯|未礼让行人|违法停车]，[罚款|处]200元、记3分。[决定书编号|文书编号]：{doc_no}。",
    ),
    (
        3,
        "业主{name}，房号{room}，车位号{parking}，[车牌|车牌号码]{plate}，[联系方式|电话]{mobile}。"
        "[另有|登记]第二辆车[车牌|]{plate#2}，已办理月卡，有效期至{date}。",
    ),
    (
        2,
        "[监控显示|经调取监控]，[一辆|]{plate}[白色|黑色|银色]轿车于{datetime}在{estate}门口[剐蹭|碰撞]停放车辆后驶离，"
        "[车主|受损车主]{surname}[先生|女士]要求[查找肇事车辆|赔偿]。",
    ),
    # forms
    (
        7,
        "[申请人|姓名]：{name}　性别：[男|女]　民族：汉　出生日期：{birth}\n身份证号码：{resident_id}\n"
        "户籍地址：{address}\n[现居住地址|现住址|通讯地址]：{address#2}\n联系电话：{mobile}　电子邮箱：{email}\n"
        "开户银行：{bank}　银行账号：{bank_card}\n"
        "申请事项：[公租房保障|人才安居补贴|灵活就业社保补贴|创业担保贷款]",
    ),
    (
        4,
        "[申请人|姓名]：{name}，身份证号：{resident_id}，[手机号码|手机]：{mobile}，[家庭住址|住址]：{address}。"
        "[配偶|共同申请人]：{name#2}，身份证号：{resident_id#2}。[子女|其子|其女]{name#3}[在|就读于]{place}[某|第一|实验]小学[就读|]。",
    ),
    (
        3,
        "{company}（统一社会信用代码{uscc}[，原组织机构代码{org_code}|]）[法定代表人|负责人]{name}，[企业|公司]地址{address}，"
        "[联系电话|电话]{office_phone}，[邮箱|电子邮箱]{email}，开户行{bank}，[对公账号|账号]{bank_card}。",
    ),
    (
        2,
        "组织机构代码：{org_code}\n单位名称：{company}\n单位地址：{address}\n邮政编码：{postcode}\n联系人：{name}\n联系电话：{office_phone}",
    ),
    (
        3,
        "[补贴|救助金|养老金]已于{date}发放至{name}名下{bank}账户（[卡号|账号]{bank_card}），金额{amount}，"
        "[交易流水号|流水号]{txn_no}。[如有疑问|如未到账]请拨打{hotline}。",
    ),
    # citizens' own words
    (
        5,
        "我是住在{address}的[居民|业主]，[我叫{name}，|]电话{mobile}。[小区物业|开发商]{estate}项目[地下车库长期漏水|电梯经常故障]，"
        "多次拨打物业电话{office_phone}无人接听，希望政府[部门|]帮忙[协调|解决]，谢谢！",
    ),
    (
        3,
        "[你好|您好]，帮忙查一下[社保缴费记录|医保报销进度|公积金提取进度]，身份证{resident_id}，名字{name}，[手机|电话]{mobile}，谢谢",
    ),
    (
        3,
        "快递单号{express}，收件人{name}，[收件地址|收货地址]{address}，电话{mobile}。[快递员|快递公司]未经同意将快递放在驿站，"
        "[要求|希望]{office}[处理|约谈快递公司]。",
    ),
    (
        2,
        "[本人|我是|我叫]{name}，[手机|电话]{mobile_intl}，[在国外|在外地]无法回杭，[请问|]能否委托[家人|父亲]{name#2}代办？"
        "[家人|他]的电话{mobile}。",
    ),
    # running text with names and no labels
    (
        4,
        "{date}，{office}工作人员走访了[辖区内|]独居老人{name}，了解到{name}近期身体状况良好，[其子|其女]{name#2}每周探望一次。"
        "[工作人员|网格员]叮嘱老人注意[防诈骗|用电安全]，并留下了[联系电话|服务电话]{office_phone}。",
    ),
    (
        3,
        "在{year}年度[“最美家庭”|“优秀网格员”|道德模范]评选中，{name}、{name#2}、{name#3}等{n}人[获得表彰|入选]。"
        "其中，{name}扎根社区{n#2}年，[累计|先后]帮助[困难群众|独居老人]{article}人次。",
    ),
    # notices and documents with nothing personal
    (
        5,
        "{doc_no}\n关于印发《[{place}公共数据授权运营管理办法|{place}政务服务“一网通办”实施方案]》的通知\n"
        "各[区、县（市）|乡镇]人民政府，[市|县]级各部门：\n现将[该办法|实施方案]印发给你们，请认真贯彻执行。"
        "本办法自{date}起施行，[有效期|试行期]{n}年。[文号|附件]：{case_no}。\n{office}\n{date#2}",
    ),
    (
        4,
        "关于{year}年度[最低生活保障|临时救助|困难残疾人生活补贴]拟享受对象的公示\n经个人申请、入户调查、民主评议，"
        "现将名单公示如下：{masked_name}，身份证号{masked_id}，家庭人口{n}人；{masked_name#2}，身份证号{masked_id#2}，"
        "[联系电话|电话]{masked_mobile}。公示期{date}至{date#2}，如有异议请拨打{hotline}。",
    ),
    (
        3,
        "[系统|平台]升级公告：[政务服务平台|“浙里办”接口]将于{datetime}升级至{version}，[预计|]持续{n}小时。"
        "[升级期间|届时]发票代码{invoice_code}、发票号码{invoice_no}的[查询|开具]暂停，已开具金额{amount}不受影响。"
        "[网站备案号|备案号]：{icp}，[咨询|服务]电话{hotline}。",
    ),
    (
        2,
        "{place}[统计局|发改委]发布数据：{year}年全市实现地区生产总值{amount}，同比增长{n}.{n#2}%。"
        "[截至|至]{date}，新增市场主体{article}万户，[工单|诉求]办结率{n#3}{n#4}.{n#5}%。",
    ),
    # systems and networks
    (
        4,
        "[系统运维|安全审计]日志：用户{email}于{datetime}自IP{ip}登录[政务服务平台|OA系统|数据共享平台]，"
        "客户端版本{version}，连续{n}次[密码错误|登录失败]，账号已锁定。[管理员|值班人员]{name}已[电话|短信]通知。",
    ),
    (
        2,
        "[网站|系统]{place}政务网于{datetime}遭到来自{ip}的[扫描|暴力破解]，[另有|以及]{ip#2}[多次|]访问异常，"
        "已[封禁|加入黑名单]。[网站|]备案号{icp}，[事件|]编号{ticket}。",
    ),
    # entry and exit, Hong Kong, Macau and Taiwan
    (
        4,
        "[出入境|边检]记录：旅客{name}，持普通护照，护照号码{passport}，于{date}经[杭州萧山国际机场|宁波栎社国际机场]口岸出境"
        "前往[泰国|日本|新加坡|马来西亚]。同行人{name#2}持往来港澳通行证{hk_macau_permit}[前往香港|前往澳门]。",
    ),
    (
        3,
        "港澳居民{name}（港澳居民来往内地通行证[号码|]：{home_return_permit}）[申请|办理][居住证|社保卡|个体工商户登记]，"
        "[内地联系电话|联系电话]{mobile}，[暂住|居住]地址{address}。",
    ),
    (
        3,
        "台湾居民{name}（台胞证[号码|号]：{taiwan_permit}）于{date}[来|到]{place}[投资兴业|就业|探亲]，"
        "[申请办理|办理]{company}[营业执照|就业登记]，联系电话{mobile}，[电子邮箱|邮箱]{email}。",
    ),
    (
        2,
        "[申请人|持证人]{name}，[护照号|护照号码]{passport}，[回乡证|港澳居民来往内地通行证]{home_return_permit}，"
        "[台湾居民来往大陆通行证|台胞证]号码{taiwan_permit}，[拟|]于{date}入境。",
    ),
    # health and schools
    (
        3,
        "患者{name}，[男|女]，{age}岁，身份证号{resident_id}，[住址|家庭住址]{address}。[家属|监护人]{name#2}（电话{mobile}）"
        "[陪同就诊|签署知情同意书]。[医保|]结算金额{amount}，[发票号码|票据号]{invoice_no}。",
    ),
    (
        2,
        "学生{name}，[就读于|]{place}[实验|第一|第二]小学{n}年级，[父亲|母亲|监护人]{name#2}，[联系电话|电话]{mobile}，"
        "[家庭住址|住址]：{address}，籍贯：{hometown}。",
    ),
)

_CHOICE = re.compile(r"\[([^\[\]]*)\]")
_SLOT = re.compile(r"\{([a-z_]+)(#[0-9])?\}")


def _choose(template: str, rng: random.Random) -> str:
    """Every ``[a|b|c]`` replaced by one of its options, innermost first."""
    while (found := _CHOICE.search(template)) is not None:
        option = rng.choice(found[1].split("|"))
        template = template[: found.start()] + option + template[found.end() :]
    return template


def fill(template: str, rng: random.Random, number: int = 0) -> Record:
    """The template's text with its placeholders filled, and the gold spans."""
    text = _choose(template, rng)
    parts: list[str] = []
    gold: list[Span] = []
    ignored: list[Span] = []
    filled: dict[str, str] = {}
    at = 0  # where the next part starts in the output
    last = 0  # where the rest of the template starts
    for slot in _SLOT.finditer(text):
        literal = text[last : slot.start()]
        parts.append(literal)
        at += len(literal)
        last = slot.end()
        key, name = slot[0], slot[1]
        before = ""
        kind: str | None
        if name == "mobile_intl":  # the country code is written before the number, not part of it
            if key not in filled:
                prefix, number_only = values.mobile_with_country_code(rng)
                filled[key] = prefix + "\0" + number_only
            before, value = filled[key].split("\0")
            kind, scored = "mobile", True
        else:
            kind, scored, generate = SLOTS[name]
            if key not in filled:
                filled[key] = generate(rng)
            value = filled[key]
        parts.append(before + value)
        at += len(before)
        if kind is not None:
            (gold if scored else ignored).append(Span(kind, at, at + len(value)))
        at += len(value)
    parts.append(text[last:])
    return Record("".join(parts), tuple(gold), tuple(ignored), number)


@cache
def corpus(count: int = COUNT, seed: int = SEED) -> tuple[Record, ...]:
    """``count`` records from a fixed seed, each a template chosen by its weight."""
    rng = random.Random(seed)
    weights = [weight for weight, _ in TEMPLATES]
    chosen = rng.choices(range(len(TEMPLATES)), weights=weights, k=count)
    return tuple(fill(TEMPLATES[index][1], rng, index) for index in chosen)
