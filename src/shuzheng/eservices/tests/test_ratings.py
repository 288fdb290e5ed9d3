"""好差评: one rating per finished case; a bad one opens a rectification the department calls back,
rectifies and reports, or appeals to a reviewer who may set the rating aside."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from shuzheng.core.errors import Problem
from shuzheng.core.selectors import messages_of
from shuzheng.eservices import selectors, services
from shuzheng.eservices.choices import RectificationStatus
from shuzheng.eservices.models import Case
from shuzheng.eservices.tests.conftest import apply, bad
from shuzheng.eservices.tests.test_services import on


def test_only_the_applicant_rates_a_finished_case_once(cast: dict[str, Any], submitted: Case, finished: Case) -> None:
    with pytest.raises(PermissionDenied):
        services.rating_give(applicant=cast["neighbour"], case=finished, level=5)
    rating = services.rating_give(applicant=cast["applicant"], case=finished, level=5, dimensions={"guide": 4})
    assert rating.official == cast["clerk"]
    assert not hasattr(rating, "rectification")
    with pytest.raises(Problem) as problem:
        services.rating_give(applicant=cast["applicant"], case=finished, level=1, text="改主意了")
    assert problem.value.status == 409


def test_an_open_case_cannot_be_rated_nor_a_bad_rating_without_reason(
    cast: dict[str, Any], submitted: Case, finished: Case, item: Any
) -> None:
    other = apply(cast["applicant"], item)
    with pytest.raises(Problem):
        services.rating_give(applicant=cast["applicant"], case=other, level=5)
    with pytest.raises(Problem) as problem:
        services.rating_give(applicant=cast["applicant"], case=finished, level=1)
    assert {error["field"] for error in problem.value.errors} == {"text"}
    with pytest.raises(Problem):
        services.rating_give(applicant=cast["applicant"], case=finished, level=5, dimensions={"speed": 5})


def test_a_bad_rating_is_called_back_rectified_and_the_applicant_told(
    cast: dict[str, Any], finished: Case, handler: Any
) -> None:
    with on(datetime.date(2026, 11, 2)):
        rating = bad(cast, finished)
    rectification = rating.rectification
    assert rectification.due == datetime.date(2026, 11, 9)  # five working days
    assert list(selectors.rectifications_for(user=handler)) == [rectification]
    assert list(selectors.rectifications_for(user=cast["stranger"])) == []
    with pytest.raises(PermissionDenied):
        services.rectification_callback(official=cast["stranger"], rectification=rectification, note="已回访")
    with pytest.raises(Problem):  # call back first
        services.rectification_complete(official=handler, rectification=rectification, result="已整改")
    services.rectification_callback(official=handler, rectification=rectification, note="电话回访，申请人同意")
    services.rectification_complete(
        official=handler, rectification=rectification, result="已对窗口人员开展一次性告知培训"
    )
    rectification.refresh_from_db()
    assert rectification.status == RectificationStatus.DONE
    assert any("已整改" in message.subject for message in messages_of(user=cast["applicant"]))


def test_an_upheld_appeal_takes_the_rating_out_of_the_statistics(
    cast: dict[str, Any], finished: Case, handler: Any, reviewer: Any
) -> None:
    rectification = bad(cast, finished).rectification
    assert selectors.rating_statistics(user=reviewer, by="organisation")[0]["bad"] == 1
    services.rectification_appeal(official=handler, rectification=rectification, reason="评价内容与本办件无关")
    assert list(selectors.appeals_to_review(user=reviewer)) == [rectification]
    with pytest.raises(PermissionDenied):
        services.appeal_decide(reviewer=handler, rectification=rectification, upheld=True, note="同意")
    services.appeal_decide(reviewer=reviewer, rectification=rectification, upheld=True, note="经核实属恶意差评")
    assert selectors.rating_statistics(user=reviewer, by="organisation") == []


def test_a_rejected_appeal_sends_the_department_back_to_rectify(
    cast: dict[str, Any], finished: Case, handler: Any, reviewer: Any
) -> None:
    rectification = bad(cast, finished).rectification
    services.rectification_appeal(official=handler, rectification=rectification, reason="申请人情绪化")
    services.appeal_decide(reviewer=reviewer, rectification=rectification, upheld=False, note="理由不成立")
    rectification.refresh_from_db()
    assert rectification.status == RectificationStatus.OPEN


def test_statistics_and_the_national_export(cast: dict[str, Any], finished: Case, reviewer: Any) -> None:
    services.rating_give(applicant=cast["applicant"], case=finished, level=4, dimensions={"efficiency": 5})
    for by in selectors.RATING_GROUPS:
        (row,) = selectors.rating_statistics(user=reviewer, by=by)
        assert (row["total"], row["level_4"], row["satisfaction"]) == (1, 1, 1.0)
    header, line = selectors.ratings_export_rows(user=reviewer)
    assert header[6] == "整体满意度"
    assert line[0] == finished.number
    assert line[6:8] == [4, 5]
    assert selectors.ratings_export_rows(user=cast["clerk"]) == [header]  # no reviewing role
