"""The demo province's sharing: 浙江省公安厅's population register holds the demo residents, and
杭州市市场监督管理局 verifies individual-business operators' identities against it — requested by
its data officer (market_data), checked by the city's data authority (data_officer), approved by
the police department's data officer (police_data). A few verifications already made include
王晓梅's, so the citizen persona finds them in 我的数据使用记录.

Idempotent: nothing is added once the request exists.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from shuzheng.accounts.selectors import demo_residents
from shuzheng.catalog import selectors as catalog
from shuzheng.catalog import services as catalog_services
from shuzheng.core import regions
from shuzheng.sharing import gateway, services
from shuzheng.sharing.models import ShareRequest

REGISTER = "330000-000006"  # 户籍人口基本信息, 浙江省公安厅
RESIDENTS = 60
# (case number, resident index) of the verifications already made; 0 is 王晓梅.
CALLS = (("GT2026110300017", 0), ("GT2026110400052", 3), ("GT2026111200008", 7), ("GT2026112000031", 0))


def _rows() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for number, resident in enumerate(demo_residents()[:RESIDENTS], start=1):
        county = resident.id_number[:6]
        born = datetime.date(
            int(resident.id_number[6:10]), int(resident.id_number[10:12]), int(resident.id_number[12:14])
        )
        district = regions.full_name(county) or "浙江省杭州市"
        rows.append(
            {
                "id_number": resident.id_number,
                "name": resident.name,
                "gender": "男" if int(resident.id_number[16]) % 2 else "女",
                "birth_date": born.isoformat(),
                "ethnicity": "汉族",
                "household_address": f"{district}文三路{number * 7 % 400 + 1}号",
                "household_no": f"{county}{number:06d}",
                "relation_to_head": "户主" if number % 3 else "配偶",
                "registration_authority": f"{district.removeprefix('浙江省')}公安分局",
                "moved_in_date": born.isoformat(),
            }
        )
    return rows


def demo_seed() -> int:
    dataset = catalog.dataset_published(code=REGISTER)
    if dataset is None or ShareRequest.objects.filter(dataset=dataset).exists():
        return 0
    catalog_services.resource_load_rows(dataset=dataset, name="样例数据", rows=_rows())
    users = get_user_model().objects.filter(username__in=["market_data", "data_officer", "police_data"])
    named = {user.username: user for user in users}
    if len(named) < 3:
        return 0
    consumer, platform, provider = named["market_data"], named["data_officer"], named["police_data"]
    share, _created = services.request_submit(
        official=consumer,
        dataset=dataset,
        fields=["id_number", "name"],
        purpose="个体工商户设立、变更登记时核验经营者的身份信息，免于申请人提交身份证复印件",
        scenario="个体工商户设立登记（许可类：市场主体登记）",
        legal_basis="《促进个体工商户发展条例》《中华人民共和国市场主体登记管理条例》第十九条",
        daily_calls=2000,
        valid_until=timezone.localdate() + datetime.timedelta(days=730),
    )
    services.request_check(official=platform, share=share, passed=True, note="用途明确，字段最小必要")
    services.request_decide(official=provider, share=share, approve=True, reason="同意以核验方式共享")
    residents = demo_residents()
    for case, index in CALLS:
        resident = residents[index]
        gateway.verify(
            caller=gateway.Caller(user=consumer, case=case),
            dataset=dataset,
            values={"id_number": resident.id_number, "name": resident.name},
        )
    services.calls_seal()
    return 1
