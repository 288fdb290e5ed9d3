"""Sharing writes: requests and their working-day deadlines, grants, the call log and its seal,
objections. Every change is audited; the governed calls themselves are in ``gateway``."""

from __future__ import annotations

import datetime
import json
import math
import time
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

from shuzheng.accounts.selectors import identity_indexes_of, user_can, user_is_official
from shuzheng.catalog.selectors import ShareType, dataset_published
from shuzheng.core.audit import audit_record
from shuzheng.core.crypto import sm3
from shuzheng.core.workdays import add_working_days
from shuzheng.sharing import signing
from shuzheng.sharing.choices import GrantStatus, ObjectionStatus, RequestStatus
from shuzheng.sharing.models import Anomaly, CallRecord, CallSubject, ChainHead, Grant, Objection, ShareRequest
from shuzheng.sharing.selectors import CHECK, DECIDE, GENESIS, LOG_VIEW, SUBMIT

__all__ = ["CHECK", "DECIDE", "LOG_VIEW", "SUBMIT"]

SCOPE = "sharing"  # the API scope of consumer systems' tokens


class SharingInvalid(ValueError):
    """A request the rules refuse; ``problems`` are (field, code, message)."""

    def __init__(self, problems: Sequence[tuple[str, str, str]]) -> None:
        super().__init__("; ".join(message for _, _, message in problems))
        self.problems = list(problems)


class SharingForbidden(PermissionError):
    pass


def _audit(
    action: str, actor: Any, obj: ShareRequest | Grant | Objection, request: HttpRequest | None, **detail: Any
) -> None:
    kind = type(obj).__name__.lower()
    object_id = obj.number if isinstance(obj, ShareRequest) else str(obj.pk)
    audit_record(
        action=f"sharing.{action}",
        actor=actor,
        object_type=f"sharing.{kind}",
        object_id=object_id,
        detail=detail,
        request=request,
    )


# --- requests -------------------------------------------------------------------------------


def _request_problems(
    dataset: Any,
    fields: Sequence[str],
    row_filter: Mapping[str, Any],
    text: Mapping[str, str],
    valid_until: datetime.date,
    daily_calls: int,
) -> list[tuple[str, str, str]]:
    problems = []
    names = {field.name for field in dataset.fields.all()}
    if not fields:
        problems.append(("fields", "required", gettext("请至少选择一个字段")))
    if unknown := [name for name in fields if name not in names]:
        problems.append(("fields", "unknown", gettext("没有这些字段：%(names)s") % {"names": "、".join(unknown)}))
    for name, values in row_filter.items():
        if name not in names:
            problems.append(("row_filter", "unknown", gettext("数据范围中没有这个字段：%(name)s") % {"name": name}))
        elif not isinstance(values, list) or not values or not all(isinstance(v, str) and v for v in values):
            problems.append(("row_filter", "values", gettext("数据范围须列出允许的取值")))
    labels = {
        "purpose": gettext("使用目的"),
        "scenario": gettext("服务事项或应用场景"),
        "legal_basis": gettext("共享依据"),
    }
    for name, label in labels.items():
        if not text[name]:
            problems.append((name, "required", gettext("请填写%(label)s") % {"label": label}))
    today = timezone.localdate()
    longest = today + datetime.timedelta(days=settings.SHUZHENG_SHARING_MAX_DAYS)
    if not today < valid_until <= longest:
        problems.append(
            ("valid_until", "range", gettext("使用期限应在今天之后、%(date)s 之前") % {"date": longest.isoformat()})
        )
    if daily_calls < 1:
        problems.append(("daily_calls", "range", gettext("预计日调用量至少为 1")))
    return problems


@transaction.atomic
def request_submit(
    *,
    official: Any,
    dataset: Any,
    fields: Sequence[str],
    purpose: str,
    scenario: str,
    legal_basis: str,
    daily_calls: int,
    valid_until: datetime.date,
    row_filter: Mapping[str, list[str]] | None = None,
    request: HttpRequest | None = None,
) -> tuple[ShareRequest, bool]:
    """A department asks for a dataset; (request, created). The same department's open request for
    the same dataset is returned instead of a second one: a double click makes one request."""
    if not user_is_official(official) or official.organisation_id is None or not user_can(official, SUBMIT):
        raise SharingForbidden(SUBMIT)
    if dataset_published(code=dataset.code) is None:
        raise SharingInvalid([("dataset", "not_published", gettext("只能申请已发布的数据资源"))])
    if dataset.share_type == ShareType.NONE:
        raise SharingInvalid(
            [
                (
                    "dataset",
                    "not_shared",
                    gettext("该数据资源不予共享：%(reason)s") % {"reason": dataset.share_refusal_reason or "—"},
                )
            ]
        )
    if dataset.organisation_id == official.organisation_id:
        raise SharingInvalid([("dataset", "own", gettext("本部门的数据无需申请共享"))])
    pending = _open_request(official.organisation_id, dataset)
    if pending is not None:
        return pending, False
    wanted = list(dict.fromkeys(fields))
    scope = dict(row_filter or {})
    text = {"purpose": purpose.strip(), "scenario": scenario.strip(), "legal_basis": legal_basis.strip()}
    if problems := _request_problems(dataset, wanted, scope, text, valid_until, daily_calls):
        raise SharingInvalid(problems)
    now = timezone.now()
    try:
        with transaction.atomic():
            share = ShareRequest.objects.create(
                number=f"pending-{official.organisation_id}-{dataset.pk}",
                dataset=dataset,
                provider_id=dataset.organisation_id,
                consumer_id=official.organisation_id,
                requested_by=official,
                fields=wanted,
                row_filter=scope,
                daily_calls=daily_calls,
                valid_until=valid_until,
                submitted_at=now,
                check_due=add_working_days(timezone.localdate(now), settings.SHUZHENG_SHARING_CHECK_DAYS),
                **text,
            )
    except IntegrityError:
        pending = _open_request(official.organisation_id, dataset)
        assert pending is not None
        return pending, False
    share.number = f"GX{now:%Y}{share.pk:08d}"
    share.save(update_fields=["number"])
    _audit("request.submit", official, share, request, dataset=dataset.code, fields=wanted, row_filter=scope)
    return share, True


def _open_request(consumer_id: int, dataset: Any) -> ShareRequest | None:
    return ShareRequest.objects.filter(
        consumer_id=consumer_id, dataset=dataset, status__in=[RequestStatus.CHECKING, RequestStatus.WITH_PROVIDER]
    ).first()


def _locked(share: ShareRequest) -> ShareRequest:
    return ShareRequest.objects.select_for_update().select_related("dataset", "provider").get(pk=share.pk)


@transaction.atomic
def request_check(
    *,
    official: Any,
    share: ShareRequest,
    passed: bool,
    note: str = "",
    needs_publishing: bool = False,
    request: HttpRequest | None = None,
) -> ShareRequest:
    """The platform's check. Passed, unconditionally shared data is granted at once; conditionally
    shared data goes to its owner, who has so many working days to answer (more when the data must
    first be published on the platform). Refused, the reason is required."""
    share = _locked(share)
    if not user_can(official, CHECK, share):
        raise SharingForbidden(CHECK)
    if share.status != RequestStatus.CHECKING:
        raise SharingInvalid([("", "checked", gettext("该申请已通过平台审核或已办结"))])
    if not passed and not note.strip():
        raise SharingInvalid([("note", "required", gettext("审核不通过须写明理由"))])
    now = timezone.now()
    share.checked_by, share.checked_at, share.reason = official, now, note.strip()
    if not passed:
        share.status = RequestStatus.REFUSED
    elif share.dataset.share_type == ShareType.UNCONDITIONAL:
        share.status = RequestStatus.GRANTED
    else:
        share.status = RequestStatus.WITH_PROVIDER
        share.needs_publishing = needs_publishing
        days = settings.SHUZHENG_SHARING_PUBLISH_DAYS if needs_publishing else settings.SHUZHENG_SHARING_ANSWER_DAYS
        share.answer_due = add_working_days(timezone.localdate(now), days)
    share.save()
    _audit("request.check", official, share, request, passed=passed, note=share.reason, status=share.status)
    if share.status == RequestStatus.GRANTED:
        _grant_from(share, by=official, request=request)
    return share


@transaction.atomic
def request_decide(
    *,
    official: Any,
    share: ShareRequest,
    approve: bool,
    reason: str = "",
    fields: Sequence[str] | None = None,
    row_filter: Mapping[str, list[str]] | None = None,
    request: HttpRequest | None = None,
) -> ShareRequest:
    """The owning department answers: approved (it may narrow the fields and rows asked for) or
    refused with reasons."""
    share = _locked(share)
    if not user_can(official, DECIDE, share):
        raise SharingForbidden(DECIDE)
    if share.status != RequestStatus.WITH_PROVIDER:
        raise SharingInvalid([("", "decided", gettext("该申请不在待提供部门审核状态"))])
    if not approve and not reason.strip():
        raise SharingInvalid([("reason", "required", gettext("不予共享须写明理由"))])
    if approve:
        narrowed = list(fields) if fields is not None else share.fields
        if outside := [name for name in narrowed if name not in share.fields]:
            raise SharingInvalid(
                [("fields", "wider", gettext("只能在申请的字段内授权：%(names)s") % {"names": "、".join(outside)})]
            )
        if not narrowed:
            raise SharingInvalid([("fields", "required", gettext("请至少授权一个字段"))])
        share.fields = narrowed
        if row_filter is not None:
            share.row_filter = dict(row_filter)
    share.status = RequestStatus.GRANTED if approve else RequestStatus.REFUSED
    share.decided_by, share.decided_at, share.reason = official, timezone.now(), reason.strip()
    share.save()
    _audit(
        "request.approve" if approve else "request.refuse",
        official,
        share,
        request,
        reason=share.reason,
        fields=share.fields,
    )
    if approve:
        _grant_from(share, by=official, request=request)
    return share


@transaction.atomic
def request_withdraw(*, official: Any, share: ShareRequest, request: HttpRequest | None = None) -> ShareRequest:
    """The requesting department takes back a request not yet answered."""
    share = _locked(share)
    if official.organisation_id != share.consumer_id or not user_can(official, SUBMIT):
        raise SharingForbidden(SUBMIT)
    if not share.is_open:
        raise SharingInvalid([("", "closed", gettext("该申请已办结，不能撤回"))])
    share.status = RequestStatus.WITHDRAWN
    share.save(update_fields=["status"])
    _audit("request.withdraw", official, share, request)
    return share


def requests_escalate_overdue(*, today: datetime.date | None = None) -> list[ShareRequest]:
    """Mark open requests past their step's deadline as escalated to the platform's data authority
    (once each); the authority's list shows them first. Returns those newly escalated."""
    day = today or timezone.localdate()
    overdue = ShareRequest.objects.filter(escalated_at__isnull=True).filter(
        status=RequestStatus.CHECKING, check_due__lt=day
    ) | ShareRequest.objects.filter(escalated_at__isnull=True).filter(
        status=RequestStatus.WITH_PROVIDER, answer_due__lt=day
    )
    escalated = []
    for share in overdue.select_related("dataset"):
        with transaction.atomic():
            updated = ShareRequest.objects.filter(pk=share.pk, escalated_at__isnull=True).update(
                escalated_at=timezone.now()
            )
            if updated:
                audit_record(
                    action="sharing.request.escalate",
                    object_type="sharing.sharerequest",
                    object_id=share.number,
                    detail={"status": share.status, "due": (share.due or day).isoformat()},
                )
                escalated.append(share)
    return escalated


# --- grants ---------------------------------------------------------------------------------


def _grant_from(share: ShareRequest, *, by: Any, request: HttpRequest | None) -> Grant:
    """The grant an approved request makes; it replaces the consumer's grant in force for the dataset."""
    today = timezone.localdate()
    for old in (
        Grant.objects.select_for_update()
        .filter(consumer_id=share.consumer_id, dataset_id=share.dataset_id)
        .exclude(status=GrantStatus.REVOKED)
    ):
        old.status, old.status_reason, old.changed_at = GrantStatus.REVOKED, gettext("被新的授权取代"), timezone.now()
        old.save(update_fields=["status", "status_reason", "changed_at"])
    grant = Grant.objects.create(
        request=share,
        dataset_id=share.dataset_id,
        provider_id=share.provider_id,
        consumer_id=share.consumer_id,
        fields=share.fields,
        row_filter=share.row_filter,
        purpose=share.purpose,
        valid_from=today,
        valid_until=share.valid_until,
        # The rate allows the expected day's calls in an hour's burst; the quota is twice the day.
        rate_per_minute=max(settings.SHUZHENG_SHARING_MIN_RATE, -(-share.daily_calls // 60)),
        daily_quota=share.daily_calls * 2,
    )
    _audit(
        "grant.create",
        by,
        grant,
        request,
        request_number=share.number,
        fields=grant.fields,
        row_filter=grant.row_filter,
    )
    return grant


def _may_manage(official: Any, grant: Grant) -> bool:
    return user_can(official, DECIDE, grant) or user_can(official, CHECK, grant)


@transaction.atomic
def grant_set_status(
    *, official: Any, grant: Grant, status: str, reason: str, request: HttpRequest | None = None
) -> Grant:
    """Suspend, resume or revoke a grant (the owner or the platform); a revoked grant stays revoked."""
    grant = Grant.objects.select_for_update().get(pk=grant.pk)
    if not _may_manage(official, grant):
        raise SharingForbidden(DECIDE)
    if grant.status == GrantStatus.REVOKED:
        raise SharingInvalid([("", "revoked", gettext("授权已撤销"))])
    if status not in GrantStatus.values or status == grant.status:
        raise SharingInvalid([("status", "unchanged", gettext("授权已是该状态"))])
    if status != GrantStatus.ACTIVE and not reason.strip():
        raise SharingInvalid([("reason", "required", gettext("暂停或撤销授权须写明理由"))])
    grant.status, grant.status_reason, grant.changed_at = status, reason.strip(), timezone.now()
    grant.save(update_fields=["status", "status_reason", "changed_at"])
    _audit(f"grant.{status}", official, grant, request, reason=grant.status_reason)
    return grant


# --- the call log ---------------------------------------------------------------------------


def call_record(*, subjects: Sequence[str] = (), **fields: Any) -> CallRecord:
    """Write one call's record before the call is answered: one INSERT, durable when it returns.
    Chaining, signing and the subjects' index rows follow off the request's path (``calls_seal``)."""
    record = CallRecord.objects.create(subjects=sorted(set(subjects)), **fields)
    transaction.on_commit(_seal_soon)
    return record


_seal_queued_at = -math.inf  # when this process last queued the sealing task (monotonic clock)


def _seal_soon() -> None:
    # Each server process queues one sealing task per SHUZHENG_SHARING_SEAL_SECONDS at most,
    # whatever its rate of calls, and decides so without asking anyone (a shared flag would cost
    # every call a round trip to the cache). The task runs when that time is over and seals every
    # record waiting, so the calls this process answers meanwhile are sealed by it too; a burst of
    # calls is chained and signed in one batch (group commit).
    global _seal_queued_at
    every, now = settings.SHUZHENG_SHARING_SEAL_SECONDS, time.monotonic()
    if now - _seal_queued_at < every:
        return
    _seal_queued_at = now
    from shuzheng.sharing.tasks import seal

    seal.apply_async(countdown=every)


def _canonical(record: CallRecord, subjects: Sequence[str]) -> bytes:
    values = {
        "id": record.pk,
        "at": record.at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "consumer": record.consumer_id,
        "provider": record.provider_id,
        "dataset": record.dataset_id,
        "grant": record.grant_id,
        "caller": record.caller_id,
        "case": record.case,
        "operation": record.operation,
        "keys_asked": record.keys_asked,
        "fields": list(record.fields),
        "results": record.results,
        "status": record.status,
        "refusal": record.refusal,
        "latency_ms": round(record.latency_ms, 3),
        "subjects": sorted(subjects),
    }
    return json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def record_hash(record: CallRecord, subjects: Sequence[str], prev_hash: str) -> str:
    return sm3(prev_hash.encode() + b"\n" + _canonical(record, subjects))


def calls_seal(*, limit: int = 5000) -> int:
    """Chain and sign the records not yet sealed, oldest first, in one transaction per batch
    (group commit: the chain head is locked once for the batch). Returns how many were sealed."""
    sealed = 0
    key = signing.signer()
    while True:
        with transaction.atomic():
            head = ChainHead.objects.select_for_update().filter(pk=1).first() or ChainHead.objects.create(
                pk=1, seq=0, hash=GENESIS
            )
            batch = list(CallRecord.objects.filter(seq__isnull=True).order_by("pk")[:limit])
            if not batch:
                return sealed
            for record in batch:
                head.seq += 1
                record.seq, record.prev_hash = head.seq, head.hash
                record.hash = record_hash(record, record.subjects, head.hash)
                record.algorithm, record.key_id, record.signature = (
                    key.algorithm,
                    key.key_id,
                    key.sign(record.hash.encode()),
                )
                head.hash = record.hash
            _seals_write(batch)
            CallSubject.objects.bulk_create(
                [CallSubject(call=record, index=index) for record in batch for index in record.subjects]
            )
            head.save(update_fields=["seq", "hash"])
            sealed += len(batch)
        grants = {record.grant_id for record in batch if record.grant_id is not None}
        anomalies_detect(grant_ids={grant for grant in grants if _anomaly_check_due(grant)})


_SEAL_COLUMNS = ("seq", "prev_hash", "hash", "algorithm", "key_id", "signature")
_SEALS_PER_STATEMENT = 1000  # 7 parameters a row, within SQLite's 32,766


def _seals_write(batch: Sequence[CallRecord]) -> None:
    """Write the batch's seals in one UPDATE … FROM (VALUES …) per thousand records. Django's
    bulk_update builds a CASE of every record for every column, which cost the sealing worker
    2 ms of CPU a record and took it from the server answering the calls; the whole seal now costs
    about 0.3 ms a record. PostgreSQL and SQLite both name a VALUES list's columns column1, …."""
    table = connection.ops.quote_name(CallRecord._meta.db_table)
    assignments = ", ".join(
        f"{connection.ops.quote_name(name)} = v.column{n}" for n, name in enumerate(_SEAL_COLUMNS, start=2)
    )
    with connection.cursor() as cursor:
        for start in range(0, len(batch), _SEALS_PER_STATEMENT):
            chunk = batch[start : start + _SEALS_PER_STATEMENT]
            rows = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
            values = [value for record in chunk for value in (record.pk, *(getattr(record, c) for c in _SEAL_COLUMNS))]
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (VALUES {rows}) AS v WHERE {table}.id = v.column1",  # noqa: S608
                values,
            )


def _anomaly_check_due(grant_id: int) -> bool:
    """Whether a grant's anomaly check is due: at most once per SHUZHENG_SHARING_ANOMALY_CHECK_SECONDS,
    since counting an hour's distinct subjects is the heaviest query of the log and the worker seals
    every second."""
    every = settings.SHUZHENG_SHARING_ANOMALY_CHECK_SECONDS
    return every <= 0 or cache.add(f"sharing.anomaly.checked.{grant_id}", 1, timeout=every)


def anomalies_detect(*, grant_ids: set[int], now: datetime.datetime | None = None) -> list[Anomaly]:
    """Raise an anomaly for each grant whose consumer asked about more distinct people or
    enterprises in the past hour than a share of its expected day allows (at most one an hour)."""
    moment = now or timezone.now()
    hour_ago = moment - datetime.timedelta(hours=1)
    raised = []
    for grant in Grant.objects.filter(pk__in=grant_ids).select_related("request"):
        expected = grant.request.daily_calls if grant.request else grant.daily_quota
        threshold = max(
            settings.SHUZHENG_SHARING_ANOMALY_MIN_KEYS, expected * settings.SHUZHENG_SHARING_ANOMALY_SHARE // 100
        )
        if Anomaly.objects.filter(grant=grant, detected_at__gt=hour_ago).exists():
            continue
        asked = CallSubject.objects.filter(call__grant=grant, call__at__gt=hour_ago).values("index").distinct().count()
        if asked > threshold:
            anomaly = Anomaly.objects.create(grant=grant, detected_at=moment, distinct_keys=asked, threshold=threshold)
            audit_record(
                action="sharing.anomaly",
                object_type="sharing.grant",
                object_id=str(grant.pk),
                detail={"distinct_keys": asked, "threshold": threshold},
            )
            raised.append(anomaly)
    return raised


# --- objections -----------------------------------------------------------------------------


@transaction.atomic
def objection_raise(*, person: Any, call: CallRecord, text: str, request: HttpRequest | None = None) -> Objection:
    """A person objects to a call about them or an enterprise they act for."""
    if not CallSubject.objects.filter(call=call, index__in=identity_indexes_of(user=person)).exists():
        raise SharingForbidden("objection")
    if not text.strip():
        raise SharingInvalid([("text", "required", gettext("请写明异议内容"))])
    objection = Objection.objects.create(call=call, raised_by=person, text=text.strip())
    _audit("objection.raise", person, objection, request, call=call.pk)
    return objection


@transaction.atomic
def objection_answer(
    *, official: Any, objection: Objection, answer: str, request: HttpRequest | None = None
) -> Objection:
    """The platform's data authority answers an objection."""
    objection = Objection.objects.select_for_update().select_related("call__provider").get(pk=objection.pk)
    if not user_can(official, CHECK, objection.call):
        raise SharingForbidden(CHECK)
    if objection.status != ObjectionStatus.OPEN:
        raise SharingInvalid([("", "answered", gettext("该异议已答复"))])
    if not answer.strip():
        raise SharingInvalid([("answer", "required", gettext("请填写答复意见"))])
    objection.status, objection.answer = ObjectionStatus.ANSWERED, answer.strip()
    objection.answered_by, objection.answered_at = official, timezone.now()
    objection.save()
    _audit("objection.answer", official, objection, request)
    return objection
