from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from shuzheng.eservices import selectors, services
from shuzheng.eservices.choices import RectificationStatus
from shuzheng.eservices.models import Case, Rating
from shuzheng.eservices.tests.conftest import bad


def test_the_applicant_rates_on_the_case_page_once(
    finished: Case,
    cast: dict[str, Any],
    signed_in: Callable[[Any], Client],
) -> None:
    client = signed_in(cast["applicant"])
    url = reverse("eservices:my-case", args=[finished.uid])
    assert 'data-testid="rating-form"' in client.get(url).content.decode()
    refused = client.post(url, {"action": "rate", "level": "1"})  # bad, without a reason
    assert refused.status_code == 422
    client.post(url, {"action": "rate", "level": "2", "text": "等了很久", "efficiency": "1"})
    rating = Rating.objects.get()
    assert (rating.level, rating.dimensions) == (2, {"efficiency": 1})
    page = client.get(url).content.decode()
    assert 'data-testid="rating-form"' not in page
    assert "待整改" in page
    # Another person cannot rate it.
    assert signed_in(cast["neighbour"]).post(url, {"action": "rate", "level": "5"}).status_code == 404


def test_the_department_rectifies_through_its_pages(
    finished: Case,
    cast: dict[str, Any],
    handler: Any,
    signed_in: Callable[[Any], Client],
    assert_access: Callable[..., None],
) -> None:
    rectification = bad(cast, finished).rectification
    url = reverse("eservices:rectification", args=[rectification.pk])
    assert_access(
        "get",
        url,
        owner=(handler, 200),
        stranger=(cast["stranger"], 404),
        citizen=(cast["applicant"], 403),
        anonymous=302,
    )
    client = signed_in(handler)
    assert str(finished.number) in client.get(reverse("eservices:rectifications")).content.decode()
    client.post(url, {"action": "complete", "text": "已整改"})
    rectification.refresh_from_db()
    assert rectification.status == RectificationStatus.OPEN  # a call-back comes first
    client.post(url, {"action": "callback", "text": "已电话回访"})
    client.post(url, {"action": "complete", "text": "已对窗口人员开展培训，并向申请人致歉"})
    rectification.refresh_from_db()
    assert rectification.status == RectificationStatus.DONE
    page = signed_in(cast["applicant"]).get(reverse("eservices:my-case", args=[finished.uid])).content.decode()
    assert "已对窗口人员开展培训" in page


def test_the_reviewer_decides_appeals_and_exports_the_statistics(
    finished: Case,
    cast: dict[str, Any],
    handler: Any,
    reviewer: Any,
    signed_in: Callable[[Any], Client],
) -> None:
    rectification = bad(cast, finished).rectification
    services.rectification_appeal(official=handler, rectification=rectification, reason="与本办件无关")
    client = signed_in(reviewer)
    assert str(finished.number) in client.get(reverse("eservices:rectifications")).content.decode()
    client.post(reverse("eservices:rectification", args=[rectification.pk]), {"action": "reject", "text": "不成立"})
    rectification.refresh_from_db()
    assert rectification.status == RectificationStatus.OPEN
    stats = client.get(reverse("eservices:rating-statistics"), {"by": "item"})
    assert "个体工商户设立登记" in stats.content.decode()
    export = client.get(reverse("eservices:rating-statistics"), {"format": "csv"})
    lines = export.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("办件编号,")
    assert len(lines) == 2
    assert signed_in(handler).get(reverse("eservices:rating-statistics")).status_code == 403


@pytest.mark.parametrize("by", list(selectors.RATING_GROUPS))
def test_statistics_pages_by_each_grouping(
    finished: Case,
    cast: dict[str, Any],
    reviewer: Any,
    signed_in: Callable[[Any], Client],
    by: str,
) -> None:
    services.rating_give(applicant=cast["applicant"], case=finished, level=5)
    page = signed_in(reviewer).get(reverse("eservices:rating-statistics"), {"by": by})
    assert page.status_code == 200
    assert "100%" in page.content.decode()
