"""The demo province's data quality: rules on open datasets that have sample rows, one check of
each, and what the checks find — the problems planted in the sample rows (a mistyped credit code,
licences past their term, missing phone numbers) — sent to the departments as open tickets, plus
one problem a resident reported from the open-data portal.

Idempotent: rules are declared once, a dataset already checked is not checked again, and the
resident's report is made once.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from shuzheng.catalog.selectors import datasets_with_codes
from shuzheng.quality import services
from shuzheng.quality.models import CheckRun, Ticket

# Each dataset's rule set as its department would write it (quality.ruleset's YAML).
RULES: dict[str, str] = {
    # 食品经营许可证信息, 杭州市市场监督管理局
    "330100-000001": """\
rules:
- type: unique
  fields: [licence_no]
  severity: high
  description: 许可证编号唯一
- type: uscc
  fields: [uscc]
  severity: high
  description: 经营者统一社会信用代码校验正确
- type: region_code
  fields: [district_code]
  severity: medium
  description: 所在区划代码有效
- type: order
  fields: [issue_date, valid_until]
  severity: medium
  description: 有效期至不早于发证日期
- type: range
  fields: [valid_until]
  params: {min: '2025-01-01'}
  severity: medium
  description: 在册许可证在数据截止日（2024-12-31）后仍有效
""",
    # 养老机构信息, 杭州市民政局
    "330100-000014": """\
rules:
- type: unique
  fields: [uscc]
  severity: high
  description: 统一社会信用代码唯一
- type: uscc
  fields: [uscc]
  severity: high
  description: 统一社会信用代码校验正确
- type: not_blank
  fields: [phone]
  severity: medium
  description: 联系电话已填写
- type: enum
  fields: [nature]
  params:
    values: [公办, 公建民营, 民办]
  severity: low
  description: 机构性质为规定取值
""",
    # 动物诊疗机构, 杭州市农业农村局
    "330100-000036": """\
rules:
- type: unique
  fields: [licence_no]
  severity: high
  description: 许可证编号唯一
- type: uscc
  fields: [uscc]
  severity: high
  description: 统一社会信用代码校验正确
- type: region_code
  fields: [district_code]
  severity: medium
  description: 所在区划代码有效
""",
    # 中小学校, 杭州市教育局
    "330100-000029": """\
rules:
- type: not_blank
  fields: [school_name]
  severity: high
  description: 学校名称已填写
- type: region_code
  fields: [district_code]
  severity: medium
  description: 所在区划代码有效
""",
}
REPORTED = (
    "330100-000014",
    "列表中“联系电话”为空的两家养老机构，电话无法查到，家属咨询入住时联系不上，请补充核实。",
)


def demo_seed() -> int:
    changed = 0
    datasets = {dataset.code: dataset for dataset in datasets_with_codes(codes=list(RULES))}
    for code, document in RULES.items():
        dataset = datasets.get(code)
        if dataset is None:
            continue
        changed += services.rules_import_yaml(editor=None, dataset=dataset, text=document).created
        if not CheckRun.objects.filter(dataset=dataset).exists():
            services.quality_check(dataset=dataset)
            changed += 1
    changed += _resident_report(datasets)
    return changed


def _resident_report(datasets: dict[str, Any]) -> int:
    citizen = get_user_model().objects.filter(username="citizen").first()
    code, description = REPORTED
    dataset = datasets.get(code)
    if citizen is None or dataset is None or Ticket.objects.filter(reported_by=citizen).exists():
        return 0
    services.ticket_report(reporter=citizen, dataset=dataset, description=description)
    return 1
