"""The governed calls: lookup, batch lookup, query and verify, each within one grant.

Every call is decided before the warehouse is touched: the consumer's grant in force, the fields
asked for, the rows asked for, the rate and the day's quota. Field and row scope are part of the
warehouse query itself (a projection and a filter), so rows outside the grant never reach Python.
Records leave masked by the privacy engine's sharing policy for the grant's purpose. Every call,
refused ones too, is written to the call log with the people and enterprises it touched (as
keyed indexes) before it is answered.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.utils import timezone

from shuzheng.accounts.selectors import identity_index
from shuzheng.catalog import selectors as catalog
from shuzheng.privacy import selectors as privacy
from shuzheng.sharing import services
from shuzheng.sharing.choices import Operation, Refusal
from shuzheng.sharing.models import Grant
from shuzheng.sharing.selectors import grant_in_force

# The kinds of personal data whose values name the person or enterprise a record is about.
SUBJECT_KINDS = {"resident_id": "id_number", "uscc": "uscc"}


@dataclass(frozen=True)
class Caller:
    """Who calls: the consumer system's account (an official of the consumer department) and the
    case or official the call is made for."""

    user: Any
    case: str


class CallRefused(Exception):
    def __init__(self, status: int, refusal: str, retry_after: int = 0) -> None:
        super().__init__(refusal)
        self.status, self.refusal, self.retry_after = status, refusal, retry_after


@dataclass
class Answer:
    records: list[dict[str, Any]] = field(default_factory=list)
    total: int | None = None
    match: bool | None = None


@dataclass(frozen=True)
class _Served:
    """What a call needs of a dataset besides the grant: the dataset (fields and table), the fields
    that name each record's subject, and per grant the masking plan. Kept per process for
    ``SHUZHENG_SHARING_CACHE_SECONDS``: the catalogue and the masking policies change by the day,
    calls come by the millisecond. Grants are read on every call: a revocation takes effect at once."""

    dataset: Any
    subject_fields: dict[str, str]
    expires: float
    plans: dict[tuple[int, str, tuple[str, ...]], Any] = field(default_factory=dict)


_served: dict[str, _Served] = {}


def served(code: str) -> Any | None:
    """The published dataset ``code`` as calls use it, or None."""
    now = time.monotonic()
    known = _served.get(code)
    if known is None or known.expires < now:
        dataset = catalog.dataset_published(code=code)
        if dataset is None:
            _served.pop(code, None)
            return None
        known = _Served(dataset, _subject_fields(dataset), now + settings.SHUZHENG_SHARING_CACHE_SECONDS)
        _served[code] = known
    return known.dataset


def _served_of(dataset: Any) -> _Served:
    known = _served.get(dataset.code)
    if known is None or known.dataset is not dataset:
        # A dataset that did not come through ``served``: described for this call only.
        return _Served(dataset, _subject_fields(dataset), 0.0)
    return known


@dataclass
class _Call:
    caller: Caller
    dataset: Any
    operation: str
    keys_asked: int
    started: float
    grant: Grant | None = None


def _admit(call: _Call, fields: Sequence[str], filters: Mapping[str, Any]) -> Grant:
    """The grant the call runs under, or CallRefused."""
    grant = grant_in_force(consumer_id=call.caller.user.organisation_id, dataset=call.dataset)
    if grant is None:
        raise CallRefused(403, Refusal.NO_GRANT)
    call.grant = grant
    if refusal := grant.refusal(timezone.localdate()):
        raise CallRefused(403, refusal)
    if any(name not in grant.fields for name in fields):
        raise CallRefused(403, Refusal.FIELD)
    for name, value in filters.items():
        allowed = grant.row_filter.get(name)
        if allowed is not None and str(value) not in allowed:
            raise CallRefused(403, Refusal.ROW)
    now = time.time()
    minute, today = int(now // 60), timezone.localdate()
    this_minute, this_day = _counted(
        [(f"sharing.rate.{grant.pk}.{minute}", 120), (f"sharing.quota.{grant.pk}.{today:%Y%m%d}", 2 * 86400)]
    )
    if this_minute > grant.rate_per_minute:
        raise CallRefused(429, Refusal.RATE, retry_after=max(1, (minute + 1) * 60 - int(now)))
    if this_day > grant.daily_quota:
        seconds = (timezone.localtime().replace(hour=23, minute=59, second=59) - timezone.localtime()).seconds + 1
        raise CallRefused(429, Refusal.QUOTA, retry_after=seconds)
    return grant


def _counted(counters: Sequence[tuple[str, int]]) -> list[int]:
    """Add one to each counter (key, seconds it lives) and return the new counts: shared between
    server processes through the cache. On Redis one pipelined round trip does them all (Django's
    cache API would take two round trips a counter, and build a client for each)."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        # The backend's own client, for its pool; Django's cache API has no pipeline.
        client = backend._cache.get_client(write=True)  # type: ignore[attr-defined]
        pipeline = client.pipeline(transaction=False)
        for key, seconds in counters:
            full = backend.make_and_validate_key(key)
            pipeline.incr(full)
            pipeline.expire(full, seconds)
        return [int(count) for count in pipeline.execute()[0::2]]
    counts = []
    for key, seconds in counters:
        cache.add(key, 0, timeout=seconds)
        counts.append(cache.incr(key))
    return counts


def _columns(grant: Grant, subject_fields: Mapping[str, str]) -> list[str]:
    """The granted fields, and the fields that name each record's subject (read for the call log,
    never returned)."""
    return list(dict.fromkeys([*grant.fields, *subject_fields]))


def _scoped(grant: Grant, dataset: Any, subject_fields: Mapping[str, str]) -> Any:
    """The dataset's rows within the grant's row filter, with ``_columns``, as an Ibis table."""
    table = catalog.dataset_tables(datasets=[dataset]).get(dataset.pk)
    if table is None:
        return None
    for name, values in grant.row_filter.items():
        table = table.filter(table[name].cast("string").isin(values))
    return table.select(*_columns(grant, subject_fields))


def _subject_fields(dataset: Any) -> dict[str, str]:
    kinds = {name: kind for name, kind in privacy.field_kinds(dataset=dataset).items() if kind in SUBJECT_KINDS}
    # A credit code is no personal data, so the privacy engine guesses no kind for it from its
    # label; an enterprise still sees the calls about it.
    for column in dataset.fields.all():
        if column.name not in kinds and "统一社会信用代码" in column.label:
            kinds[column.name] = "uscc"
    return kinds


def _indexes(rows: Sequence[Mapping[str, Any]], subject_fields: Mapping[str, str]) -> list[str]:
    indexes = []
    for row in rows:
        for name, kind in subject_fields.items():
            value = row.get(name)
            if value:
                indexes.append(identity_index(**{SUBJECT_KINDS[kind]: str(value)}))
    return indexes


def _released(grant: Grant, dataset: Any, rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    if not rows:
        return []
    plans = _served_of(dataset).plans
    key = (grant.pk, grant.purpose, tuple(grant.fields))
    if key not in plans:
        plans[key] = privacy.masking_plan(
            dataset=dataset,
            channel="sharing",
            purpose=grant.purpose,
            domain=f"sharing.grant.{grant.pk}",
            fields=grant.fields,
        )
    return [privacy.mask_record({name: row[name] for name in grant.fields}, plans[key]) for row in rows]


def _log(
    call: _Call,
    *,
    status: int,
    refusal: str = "",
    fields: Sequence[str] = (),
    results: int = 0,
    subjects: Sequence[str] = (),
) -> None:
    services.call_record(
        consumer_id=call.caller.user.organisation_id,
        provider_id=call.dataset.organisation_id,
        dataset=call.dataset,
        grant=call.grant,
        caller=call.caller.user,
        case=call.caller.case,
        operation=call.operation,
        keys_asked=call.keys_asked,
        fields=list(fields),
        results=results,
        status=status,
        refusal=refusal,
        latency_ms=(time.perf_counter() - call.started) * 1000,
        subjects=subjects,
    )


# Given the grant and the subject fields: the answer, the rows read and the subjects touched.
Run = Callable[[Grant, Mapping[str, str]], tuple[Answer, list[dict[str, Any]], list[str]]]


def _governed(call: _Call, fields: Sequence[str], filters: Mapping[str, Any], run: Run) -> Answer:
    try:
        grant = _admit(call, fields, filters)
    except CallRefused as refused:
        _log(call, status=refused.status, refusal=refused.refusal)
        raise
    subject_fields = _served_of(call.dataset).subject_fields
    answer, rows, subjects = run(grant, subject_fields)
    returned = list(grant.fields) if answer.match is None and answer.records else []
    _log(
        call,
        status=200,
        fields=returned,
        results=len(answer.records),
        subjects=subjects or _indexes(rows, subject_fields),
    )
    return answer


def _rows(expression: Any) -> list[dict[str, Any]]:
    return list(expression.to_pyarrow().to_pylist())


def lookup(*, caller: Caller, dataset: Any, key_field: str, values: Sequence[str]) -> Answer:
    """The records whose ``key_field`` is one of ``values`` (one for a lookup, up to the batch limit
    for a batch): all authorised together or none."""
    keys = [value.strip() for value in values]
    operation = Operation.LOOKUP if len(keys) == 1 else Operation.BATCH
    call = _Call(caller, dataset, operation, len(keys), time.perf_counter())

    def run(grant: Grant, subject_fields: Mapping[str, str]) -> tuple[Answer, list[dict[str, Any]], list[str]]:
        rows = catalog.dataset_rows_lookup(
            dataset=call.dataset,
            field=key_field,
            values=keys,
            columns=_columns(grant, subject_fields),
            row_filter=grant.row_filter,
        )
        return Answer(records=_released(grant, call.dataset, rows)), rows, []

    return _governed(call, [key_field], {}, run)


def query(
    *,
    caller: Caller,
    dataset: Any,
    filters: Mapping[str, str],
    page: int,
    page_size: int,
) -> Answer:
    """Records matching every filter (field = value), a page at a time, within the row filter."""
    call = _Call(caller, dataset, Operation.QUERY, len(filters), time.perf_counter())

    def run(grant: Grant, subject_fields: Mapping[str, str]) -> tuple[Answer, list[dict[str, Any]], list[str]]:
        table = _scoped(grant, call.dataset, subject_fields)
        if table is None:
            return Answer(total=0), [], []
        for name, value in filters.items():
            table = table.filter(table[name].cast("string") == str(value))
        total = int(table.count().to_pyarrow().as_py())
        rows = _rows(table.order_by(grant.fields[0]).limit(page_size, offset=(page - 1) * page_size))
        return Answer(records=_released(grant, call.dataset, rows), total=total), rows, []

    return _governed(call, list(filters), filters, run)


def verify(*, caller: Caller, dataset: Any, values: Mapping[str, str]) -> Answer:
    """Whether a record within the grant holds all of ``values``: match or no match, never data."""
    call = _Call(caller, dataset, Operation.VERIFY, 1, time.perf_counter())

    def run(grant: Grant, subject_fields: Mapping[str, str]) -> tuple[Answer, list[dict[str, Any]], list[str]]:
        # The person or enterprise verified is the subject whether or not the values match.
        subjects = _indexes([values], subject_fields)
        wanted = {name: str(value).strip() for name, value in values.items()}
        # The first value is looked up through the index; the others are part of the same query,
        # as a row filter of one allowed value each.
        key, *others = wanted
        rows = catalog.dataset_rows_lookup(
            dataset=call.dataset,
            field=key,
            values=[wanted[key]],
            columns=[key],
            row_filter={**grant.row_filter, **{name: [wanted[name]] for name in others}},
        )
        return Answer(match=bool(rows)), [], subjects

    return _governed(call, list(values), values, run)
