"""Many hands at once, on a real database: of fifty officials approving the same case version
exactly one wins, and a thousand retried submissions under shared idempotency keys lose nothing
and make nothing twice."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection, connections

from shuzheng.core.errors import Problem
from shuzheng.eservices import services
from shuzheng.eservices.choices import CaseAction
from shuzheng.eservices.models import Case, CaseEvent, SubmissionKey
from shuzheng.eservices.tests.conftest import act
from shuzheng.eservices.tests.factories import FORM

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite lets one writer in at a time, so nothing races there")


def _in_threads(count: int, work: Callable[[int], Any], workers: int) -> list[Any]:
    barrier = threading.Barrier(min(count, workers))

    def run(n: int) -> Any:
        try:
            if n < workers:
                barrier.wait()
            return work(n)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, range(count)))


def test_fifty_officials_approve_one_case_version_and_one_wins(cast: dict[str, Any], submitted: Case) -> None:
    case = act(submitted, cast["clerk"], CaseAction.ACCEPT)
    seen = case.revision

    def approve(_n: int) -> int:
        try:
            services.case_act(case=case, user=cast["clerk"], action=CaseAction.APPROVE, revision=seen)
        except Problem as problem:
            return problem.status
        return 200

    outcomes = Counter(_in_threads(50, approve, workers=50))
    assert outcomes == {200: 1, 409: 49}
    case.refresh_from_db()
    assert (case.step, case.revision) == ("decide", seen + 1)
    assert CaseEvent.objects.filter(case=case, action=CaseAction.APPROVE).count() == 1


def test_a_thousand_retried_submissions_lose_nothing_and_duplicate_nothing(
    cast: dict[str, Any], item: Any, make_user: Callable[..., Any]
) -> None:
    applicants = [cast["applicant"], cast["neighbour"], *(make_user(f"citizen_{n}") for n in range(3))]
    keys = 200  # per attempt: applicant n % 5, key n % 200 — five tries of each of the 200 keys

    def submit(n: int) -> int:
        applicant, key = applicants[n % len(applicants)], f"key-{n % keys}"
        for _ in range(200):  # a client retries while the first attempt is in flight (409)
            try:
                return services.case_submit(
                    applicant=applicant, item=item, data=FORM, pledge=True, idempotency_key=key
                ).pk
            except Problem as problem:
                if problem.status != 409:
                    raise
        raise AssertionError("still in flight after 200 tries")

    cases = _in_threads(1000, submit, workers=16)
    assert len(cases) == 1000
    distinct = {(n % len(applicants), n % keys) for n in range(1000)}
    assert Case.objects.count() == len(set(cases)) == len(distinct)
    assert SubmissionKey.objects.filter(case__isnull=True).count() == 0
    by_key = Counter(zip((n % len(applicants) for n in range(1000)), cases, strict=True))
    assert len(by_key) == len(distinct)
