"""告知承诺: a signed promise earns the approval at once; the department checks it afterwards, a
false one gets a deadline to be put right, then the approval is revoked and credit told."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from shuzheng.core.errors import Problem
from shuzheng.core.selectors import messages_of
from shuzheng.eservices import selectors, services
from shuzheng.eservices.choices import CaseStatus, CommitmentStatus
from shuzheng.eservices.models import Case, Commitment
from shuzheng.eservices.tests.factories import FORM
from shuzheng.eservices.tests.test_services import on


@pytest.fixture
def checker(cast: dict[str, Any], grant: Any) -> Any:
    grant(cast["clerk"], selectors.PLEDGE_VERIFY)
    grant(cast["stranger"], selectors.PLEDGE_VERIFY)
    return type(cast["clerk"]).objects.get(pk=cast["clerk"].pk)


@pytest.fixture
def pledged(cast: dict[str, Any], item: Any) -> Case:
    with on(datetime.date(2026, 9, 1)):
        return services.case_submit(applicant=cast["applicant"], item=item, data=FORM, pledge=True)


def test_a_pledge_replaces_the_proof_and_the_case_is_approved_at_once(pledged: Case) -> None:
    assert (pledged.status, pledged.result, pledged.step) == (CaseStatus.COMPLETED, "营业执照", "deliver")
    commitment = pledged.commitment
    assert commitment.text.startswith("本人承诺")
    assert commitment.text_version.startswith("v1:")
    # Sixty working days from 1 September 2026, across the Mid-Autumn and National Day holidays.
    assert commitment.verify_due == datetime.date(2026, 11, 30)
    assert [event.action for event in selectors.case_events(case=pledged)] == ["submit", "approve"]


def test_only_the_department_checks_and_a_true_promise_closes_it(
    pledged: Case, checker: Any, cast: dict[str, Any]
) -> None:
    commitment = pledged.commitment
    assert list(selectors.commitments_to_check(user=checker)) == [commitment]
    assert list(selectors.commitments_to_check(user=cast["stranger"])) == []
    with pytest.raises(PermissionDenied):
        services.commitment_check(official=cast["stranger"], commitment=commitment, passed=True, note="属实")
    with pytest.raises(Problem):
        services.commitment_check(official=checker, commitment=commitment, passed=True, note="")
    services.commitment_check(official=checker, commitment=commitment, passed=True, note="现场核查，场地属实")
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.VERIFIED
    assert selectors.commitments_to_check(user=checker).count() == 0


def test_a_false_promise_is_corrected_or_the_approval_revoked_and_credit_told(
    pledged: Case, checker: Any, cast: dict[str, Any], item: Any, django_capture_on_commit_callbacks: Any
) -> None:
    received: list[Commitment] = []

    def receive(sender: Any, commitment: Commitment, **kwargs: Any) -> None:
        received.append(commitment)

    services.commitment_broken.connect(receive)
    try:
        with on(datetime.date(2026, 11, 2)):
            commitment = services.commitment_check(
                official=checker, commitment=pledged.commitment, passed=False, note="经营场所实为住宅"
            )
        assert commitment.status == CommitmentStatus.CORRECTION
        assert commitment.correction_due == datetime.date(2026, 11, 30)
        assert any("限期整改" in message.subject for message in messages_of(user=cast["applicant"]))
        with django_capture_on_commit_callbacks(execute=True):
            services.commitment_check(official=checker, commitment=commitment, passed=False, note="逾期未整改")
    finally:
        services.commitment_broken.disconnect(receive)
    pledged.refresh_from_db()
    assert pledged.status == CaseStatus.REVOKED
    assert [c.pk for c in received] == [commitment.pk]
    assert list(selectors.commitments_broken()) == [commitment]
    # A false promise excludes its maker from the pledge until repaired.
    with pytest.raises(Problem) as problem:
        services.case_submit(applicant=cast["applicant"], item=item, data=FORM, pledge=True)
    assert problem.value.errors[0]["code"] == "excluded"


def test_the_check_pages(pledged: Case, checker: Any, cast: dict[str, Any], signed_in: Any, assert_access: Any) -> None:
    from django.urls import reverse

    url = reverse("eservices:commitment", args=[pledged.commitment.pk])
    assert_access("get", url, owner=(checker, 200), stranger=(cast["stranger"], 404), citizen=(cast["applicant"], 403))
    client = signed_in(checker)
    assert str(pledged.number) in client.get(reverse("eservices:commitments")).content.decode()
    client.post(url, {"result": "true", "note": "现场核查属实"})
    pledged.commitment.refresh_from_db()
    assert pledged.commitment.status == CommitmentStatus.VERIFIED
