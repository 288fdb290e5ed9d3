"""Test data of the restricted-opening tests: a restricted dataset's fields and rows, applications."""

from __future__ import annotations

from typing import Any

from shuzheng.opendata import services
from shuzheng.privacy import selectors as privacy_selectors
from shuzheng.privacy import services as privacy

FIELDS: list[dict[str, Any]] = [
    {"name": "uscc", "label": "统一社会信用代码", "data_type": "string", "grade": "L1"},
    {"name": "operator_name", "label": "经营者姓名", "data_type": "string", "grade": "L3", "identifies_person": True},
    {"name": "mobile", "label": "联系电话", "data_type": "string", "grade": "L2", "identifies_person": True},
    {"name": "address", "label": "经营场所", "data_type": "string", "grade": "L2"},
    {"name": "staff", "label": "从业人数", "data_type": "integer", "grade": "L1"},
]
ROWS: list[dict[str, Any]] = [
    {"uscc": "92330106MA2H0000X1", "operator_name": "周建国", "mobile": "13857112345", "address": "西湖区文三路1号"},
    {"uscc": "92330106MA2H0001X2", "operator_name": "陈美玲", "mobile": "13957154321", "address": "上城区解放路8号"},
    {"uscc": "92330106MA2H0002X3", "operator_name": "周建国", "mobile": "13857112345", "address": "拱墅区湖墅南路3号"},
]


def application_body(dataset: str = "ds-330100-000050", **changes: Any) -> dict[str, Any]:
    body = {
        "dataset": dataset,
        "purpose": "研究杭州市个体工商户的行业分布与就业带动情况",
        "scenario": "浙江大学公共管理学院课题组的学术研究，成果以汇总统计发表",
        "security_measures": "数据存放在学院内网服务器，专人管理，访问留痕，课题结束即删除",
        "days": 90,
        "agreed": True,
        "signed_name": "王晓梅",
    }
    body.update(changes)
    return body


def submit(world: dict[str, Any], **changes: Any) -> Any:
    data = application_body(**changes)
    data.pop("dataset")
    application, _created = services.application_submit(
        applicant=world["applicant"], dataset=world["restricted"], **data
    )
    return application


def approved(world: dict[str, Any]) -> Any:
    application = submit(world)
    return services.application_decide(
        official=world["officer"], application=application, approve=True, reason="同意，限学术研究使用"
    )


def release_checked(dataset: Any, officer: Any, grant: Any) -> Any:
    """The department's data officer has checked the release: the three operators share one staff
    count, so that quasi-identifier forms one class of three (k = 3 passes)."""
    grant(officer, privacy_selectors.CLASSIFY)
    check = privacy.release_check(user=officer, dataset=dataset, quasi_identifiers=["staff"], k=3)
    assert check.passed, check.report
    return check
