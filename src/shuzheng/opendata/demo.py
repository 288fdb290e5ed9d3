"""The demo's restricted-opening case: the demo citizen has applied for the register of individual
businesses, and the market regulator's data officer (``market_data``) has it in the inbox.
Idempotent: once the citizen has an application for it, nothing changes."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from shuzheng.catalog.selectors import datasets_open
from shuzheng.opendata import services
from shuzheng.opendata.models import AccessApplication

DATASET = "330100-000003"  # 个体工商户登记信息, 杭州市市场监督管理局


@transaction.atomic
def demo_seed() -> int:
    citizen = get_user_model().objects.filter(username="citizen").first()
    dataset = datasets_open(include_restricted=True).filter(code=DATASET).first()
    if citizen is None or dataset is None or AccessApplication.objects.filter(applicant=citizen).exists():
        return 0
    services.application_submit(
        applicant=citizen,
        dataset=dataset,
        purpose="分析西湖区、上城区个体工商户的行业结构和存续情况，为社区便民服务网点规划提供依据",
        scenario="浙江工业大学城市规划课题组的研究项目，结果以区、街道汇总的图表形式发表",
        security_measures="数据仅存放在课题组内网服务器，专人账号访问并记录日志，项目结束后删除",
        days=180,
        agreed=True,
        signed_name=citizen.name,
        fields=["trade_name", "operator_name", "business_form", "business_scope", "address", "establishment_date"],
    )
    return 1
