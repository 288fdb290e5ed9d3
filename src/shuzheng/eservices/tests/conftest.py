"""The e-services tests' cast: 杭州市市场监督管理局 runs the item (its clerk acts on cases),
杭州市民政局's clerk holds the same role elsewhere (stranger), a supervisor of the city, and
two citizens — the applicant and a neighbour."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest

from shuzheng.eservices import selectors, services
from shuzheng.eservices.choices import CaseAction
from shuzheng.eservices.models import Case, Rating
from shuzheng.eservices.tests.factories import FORM, definition

CLERK_ACTIONS = (selectors.CASE_VIEW, *selectors.STAGE_ACTIONS.values(), selectors.ITEM_EDIT)


@pytest.fixture
def cast(
    organisation: Any, make_user: Callable[..., Any], make_organisation: Callable[..., Any], grant: Callable[..., Any]
) -> dict[str, Any]:
    civil = make_organisation("杭州市民政局", "330100")
    people = {
        "clerk": make_user("market_clerk", kind="official", name="李娜"),
        "reviewer": make_user("market_reviewer", kind="official", name="钱立群"),
        "stranger": make_user("civil_clerk", kind="official", organisation=civil, name="孙丽"),
        "supervisor": make_user("city_supervisor", kind="official", organisation=civil, name="周正华"),
        "applicant": make_user("citizen_wang", name="王晓梅"),
        "neighbour": make_user("citizen_zhao", name="赵一鸣"),
    }
    grant(people["clerk"], *CLERK_ACTIONS)
    grant(people["stranger"], *CLERK_ACTIONS)
    grant(people["reviewer"], selectors.ITEM_REVIEW, selectors.ITEM_EDIT)
    grant(people["supervisor"], selectors.CASE_SUPERVISE)
    return people


@pytest.fixture
def item(cast: dict[str, Any]) -> Any:
    """个体工商户设立登记, published by 杭州市市场监督管理局."""
    version = services.item_draft_save(definition=definition(), user=cast["clerk"])
    services.version_submit(version=version, user=cast["clerk"])
    services.version_review(version=version, user=cast["reviewer"], approve=True)
    version.item.refresh_from_db()
    return version.item


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "场地证明.pdf", content: bytes = PDF) -> io.BytesIO:
    file = io.BytesIO(content)
    file.name = name
    return file


def apply(applicant: Any, item: Any, data: dict[str, Any] = FORM) -> Case:
    """An application as the portal makes it: a draft, the required upload, then submission."""
    draft = services.case_draft_save(applicant=applicant, item=item, data=data)
    services.material_attach(applicant=applicant, case=draft, material="premises", upload=pdf())
    return services.case_draft_submit(applicant=applicant, case=draft)


@pytest.fixture
def submitted(cast: dict[str, Any], item: Any) -> Case:
    """王晓梅's application, waiting for acceptance."""
    return apply(cast["applicant"], item)


def act(case: Any, user: Any, action: str, **values: Any) -> Any:
    case.refresh_from_db()
    return services.case_act(case=case, user=user, action=action, revision=case.revision, **values)


@pytest.fixture
def finished(cast: dict[str, Any], submitted: Case) -> Case:
    case = submitted
    for action in (CaseAction.ACCEPT, CaseAction.APPROVE, CaseAction.APPROVE, CaseAction.APPROVE):
        case = act(case, cast["clerk"], action)
    return case


@pytest.fixture
def reviewer(cast: dict[str, Any], grant: Any) -> Any:
    grant(cast["supervisor"], selectors.RATING_REVIEW)
    return type(cast["supervisor"]).objects.get(pk=cast["supervisor"].pk)


@pytest.fixture
def handler(cast: dict[str, Any], grant: Any) -> Any:
    grant(cast["clerk"], selectors.RATING_HANDLE)
    grant(cast["stranger"], selectors.RATING_HANDLE)
    return type(cast["clerk"]).objects.get(pk=cast["clerk"].pk)


def bad(cast: dict[str, Any], case: Case) -> Rating:
    return services.rating_give(
        applicant=cast["applicant"], case=case, level=2, dimensions={"efficiency": 1}, text="窗口答复含糊，跑了两次"
    )
