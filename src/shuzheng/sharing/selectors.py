"""Sharing reads: requests and grants as each side sees them, the call log as providers,
consumers, auditors and the people concerned see it, and the log's verification."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from shuzheng.accounts.selectors import identity_indexes_of, user_can, visible_to
from shuzheng.sharing import signing
from shuzheng.sharing.choices import GrantStatus, RequestStatus
from shuzheng.sharing.models import Anomaly, CallRecord, CallSubject, ChainHead, Grant, Objection, ShareRequest

SUBMIT = "sharing.request.submit"  # a consuming department's officials
DECIDE = "sharing.request.decide"  # the owning department's officials: answer requests, manage grants
LOG_VIEW = "sharing.log.view"  # a department's call records, of its data and of its own calls
CHECK = "sharing.platform.check"  # the platform's data authority: checks, overdue, objections, verification
GENESIS = "0" * 64


def grant_in_force(*, consumer_id: int | None, dataset: Any) -> Grant | None:
    """The consumer's grant for ``dataset`` that is not revoked (suspended and expired ones
    included: the caller is told why it may not call)."""
    if consumer_id is None:
        return None
    # Read on every call, so nothing but the grant's own row: at most one is not revoked (a unique
    # constraint), so ``get`` needs no ordering, which ``first`` would compile and PostgreSQL sort.
    try:
        return Grant.objects.exclude(status=GrantStatus.REVOKED).get(consumer_id=consumer_id, dataset=dataset)
    except Grant.DoesNotExist:
        return None


def _requests() -> QuerySet[ShareRequest]:
    return ShareRequest.objects.select_related("dataset", "provider", "consumer", "requested_by")


def requests_of_consumer(*, user: Any) -> QuerySet[ShareRequest]:
    """The requests the user's department made."""
    if user.organisation_id is None or not user_can(user, SUBMIT):
        return ShareRequest.objects.none()
    return _requests().filter(consumer_id=user.organisation_id)


def requests_for_provider(*, user: Any) -> QuerySet[ShareRequest]:
    """Requests for the user's department's data, from the platform's check on."""
    return visible_to(user, _requests(), DECIDE).exclude(status=RequestStatus.CHECKING)


def requests_to_check(*, user: Any) -> QuerySet[ShareRequest]:
    """For the platform's data authority: requests awaiting its check, and every overdue one."""
    visible = visible_to(user, _requests(), CHECK)
    return visible.filter(
        Q(status=RequestStatus.CHECKING) | Q(escalated_at__isnull=False, status=RequestStatus.WITH_PROVIDER)
    )


def request_visible(*, user: Any, number: str) -> ShareRequest | None:
    """One request, to its consumer, its provider or the platform; None to anyone else."""
    share = _requests().filter(number=number).first()
    if share is None:
        return None
    if user.organisation_id == share.consumer_id and user_can(user, SUBMIT):
        return share
    if user_can(user, DECIDE, share) or user_can(user, CHECK, share):
        return share
    return None


def request_overdue(share: ShareRequest, *, today: datetime.date | None = None) -> bool:
    due = share.due
    return due is not None and due < (today or timezone.localdate())


def grants_of_consumer(*, user: Any) -> QuerySet[Grant]:
    if user.organisation_id is None or not user_can(user, SUBMIT):
        return Grant.objects.none()
    return Grant.objects.filter(consumer_id=user.organisation_id).select_related("dataset", "provider", "consumer")


def grants_of_provider(*, user: Any) -> QuerySet[Grant]:
    return visible_to(user, Grant.objects.select_related("dataset", "provider", "consumer"), DECIDE)


def grant_visible(*, user: Any, pk: int) -> Grant | None:
    grant = Grant.objects.select_related("dataset", "provider", "consumer", "request").filter(pk=pk).first()
    if grant is None:
        return None
    if user.organisation_id == grant.consumer_id and user_can(user, SUBMIT):
        return grant
    if user_can(user, DECIDE, grant) or user_can(user, CHECK, grant):
        return grant
    return None


def may_manage_grant(*, user: Any, grant: Grant) -> bool:
    return user_can(user, DECIDE, grant) or user_can(user, CHECK, grant)


def _calls() -> QuerySet[CallRecord]:
    return CallRecord.objects.select_related("dataset", "consumer", "provider")


def calls_for_department(*, user: Any) -> QuerySet[CallRecord]:
    """Calls on the department's data and calls its systems made (with LOG_VIEW); every call in
    the region for the platform's data authority."""
    calls = visible_to(user, _calls(), LOG_VIEW) | visible_to(user, _calls(), CHECK)
    if user.organisation_id is not None and user_can(user, LOG_VIEW):
        calls = calls | _calls().filter(consumer_id=user.organisation_id)
    return calls.distinct()


def calls_about(*, user: Any) -> QuerySet[CallRecord]:
    """Every call that touched the user's records or those of an enterprise they act for."""
    indexes = identity_indexes_of(user=user)
    if not indexes:
        return CallRecord.objects.none()
    touched = CallSubject.objects.filter(index__in=indexes).values("call_id")
    return _calls().filter(pk__in=touched, status=200)


def objections_of(*, user: Any) -> QuerySet[Objection]:
    return Objection.objects.filter(raised_by=user).select_related("call__dataset", "call__consumer")


def objections_to_answer(*, user: Any) -> QuerySet[Objection]:
    calls = visible_to(user, CallRecord.objects.all(), CHECK)
    return Objection.objects.filter(call__in=calls).select_related("call__dataset", "call__consumer", "raised_by")


def anomalies_for(*, user: Any) -> QuerySet[Anomaly]:
    """Anomalies of the grants the user's department gave, or of its region for the platform."""
    grants = visible_to(user, Grant.objects.all(), DECIDE) | visible_to(user, Grant.objects.all(), CHECK)
    return Anomaly.objects.filter(grant__in=grants).select_related("grant__dataset", "grant__consumer")


def may_check(*, user: Any) -> bool:
    return user_can(user, CHECK)


def public_key() -> dict[str, str]:
    key = signing.signer()
    return {"algorithm": key.algorithm, "key_id": key.key_id, "public_key": key.public_key}


@dataclass
class Verification:
    checked: int = 0
    unsealed: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


def calls_verify(*, chunk: int = 2000) -> Verification:
    """Walk the sealed call log: each record's hash from its content and its predecessor's,
    consecutive sequence numbers (a deleted record leaves a gap), each signature, and the chain
    head at the end (deleting the newest records is caught there)."""
    from shuzheng.sharing.services import record_hash

    key = signing.signer()
    result = Verification(unsealed=CallRecord.objects.filter(seq__isnull=True).count())
    expected_seq, prev = 1, GENESIS
    last_seq = 0
    while True:
        batch = list(CallRecord.objects.filter(seq__gte=expected_seq).order_by("seq")[:chunk])
        if not batch:
            break
        subjects: dict[int, list[str]] = {}
        for call_id, index in CallSubject.objects.filter(call__in=batch).values_list("call_id", "index"):
            subjects.setdefault(call_id, []).append(index)
        for record in batch:
            assert record.seq is not None
            if record.seq != expected_seq:
                result.problems.append(f"records {expected_seq}–{record.seq - 1} are missing")
            if (
                record.prev_hash != prev
                or record_hash(record, record.subjects, record.prev_hash) != record.hash
                # Index rows removed or added: the call hidden from the person, or shown to another.
                or sorted(subjects.get(record.pk, [])) != record.subjects
            ):
                result.problems.append(f"record {record.seq} (call {record.pk}) was altered")
            elif record.key_id == key.key_id and not signing.verify(
                algorithm=record.algorithm,
                public_key=key.public_key,
                message=record.hash.encode(),
                signature=record.signature,
            ):
                result.problems.append(f"record {record.seq} (call {record.pk}) has a wrong signature")
            elif record.key_id != key.key_id:
                result.problems.append(
                    f"record {record.seq} was signed with key {record.key_id}, not the platform's current key"
                )
            prev, expected_seq, last_seq = record.hash, record.seq + 1, record.seq
            result.checked += 1
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != last_seq or (last_seq and head.hash != prev)):
        result.problems.append(
            f"the chain ends at record {last_seq}, but its head says {head.seq}: records were deleted"
        )
    return result
