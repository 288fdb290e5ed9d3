"""The call log: sealed into a hash chain with signed records, and verification that notices
an altered record, a deleted one, the newest ones cut off, and a forged signature."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command

from shuzheng.sharing import gateway, selectors, services, signing
from shuzheng.sharing.models import Anomaly, CallRecord, CallSubject, ChainHead
from shuzheng.sharing.tests.factories import CHEN, LIU, WANG

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged(granted: Any, cast: dict[str, Any]) -> list[CallRecord]:
    """Five sealed calls of the civil-affairs system."""
    caller = gateway.Caller(user=cast["system"], case="MZ2026-000123")
    for value in (WANG, LIU, WANG, "330106200001011234", LIU):
        gateway.lookup(caller=caller, dataset=granted.dataset, key_field="id_number", values=[value])
    assert services.calls_seal() == 5
    return list(CallRecord.objects.order_by("seq"))


def test_sealed_records_form_a_signed_chain(logged: list[CallRecord]) -> None:
    assert [record.seq for record in logged] == [1, 2, 3, 4, 5]
    assert logged[0].prev_hash == selectors.GENESIS
    assert logged[1].prev_hash == logged[0].hash
    key = selectors.public_key()
    assert all(
        signing.verify(
            algorithm="ed25519", public_key=key["public_key"], message=r.hash.encode(), signature=r.signature
        )
        for r in logged
    )
    verification = selectors.calls_verify()
    assert verification.intact
    assert verification.checked == 5
    assert services.calls_seal() == 0  # nothing left to seal


def test_an_altered_record_is_detected(logged: list[CallRecord]) -> None:
    CallRecord.objects.filter(pk=logged[2].pk).update(results=0)
    problems = selectors.calls_verify().problems
    assert problems == [f"record 3 (call {logged[2].pk}) was altered"]


def test_a_removed_subject_is_detected(logged: list[CallRecord]) -> None:
    # Hiding a call from the person it concerns is tampering too.
    CallSubject.objects.filter(call=logged[1]).delete()
    assert not selectors.calls_verify().intact


def test_a_deleted_record_leaves_a_gap(logged: list[CallRecord]) -> None:
    CallSubject.objects.filter(call=logged[1]).delete()
    CallRecord.objects.filter(pk=logged[1].pk).delete()
    problems = selectors.calls_verify().problems
    assert "records 2–2 are missing" in problems


def test_cutting_off_the_newest_records_is_detected_at_the_head(logged: list[CallRecord]) -> None:
    CallSubject.objects.filter(call__in=logged[3:]).delete()
    CallRecord.objects.filter(pk__in=[record.pk for record in logged[3:]]).delete()
    assert selectors.calls_verify().problems == [
        "the chain ends at record 3, but its head says 5: records were deleted"
    ]


def test_a_rewritten_chain_without_the_key_fails_on_signatures(logged: list[CallRecord]) -> None:
    # Someone with database access recomputes every hash after changing a record, but cannot sign.
    record = logged[0]
    record.results = 0
    record.hash = services.record_hash(record, record.subjects, record.prev_hash)
    record.save()
    prev = record.hash
    for later in logged[1:]:
        later.prev_hash, later.hash = prev, services.record_hash(later, later.subjects, prev)
        later.save()
        prev = later.hash
    ChainHead.objects.filter(pk=1).update(hash=prev)
    problems = selectors.calls_verify().problems
    assert len(problems) == 5
    assert all("wrong signature" in problem for problem in problems)


def test_sm2_signatures_by_setting(settings: Any, granted: Any, cast: dict[str, Any]) -> None:
    settings.SHUZHENG_SHARING_SIGNATURE = "sm2"
    signing.signer.cache_clear()
    try:
        caller = gateway.Caller(user=cast["system"], case="MZ2026-000124")
        gateway.lookup(
            caller=caller,
            dataset=granted.dataset,
            key_field="id_number",
            values=[WANG],
        )
        services.calls_seal()
        record = CallRecord.objects.get()
        assert record.algorithm == "sm2"
        assert len(record.signature) == 128
        assert selectors.calls_verify().intact
        CallRecord.objects.filter(pk=record.pk).update(signature="0" * 128)
        assert not selectors.calls_verify().intact
    finally:
        signing.signer.cache_clear()


def test_the_command_verifies_the_log_and_fails_when_it_is_not_intact(logged: list[CallRecord]) -> None:
    out = StringIO()
    call_command("sharing", "verify", stdout=out)
    assert "5 record(s) checked" in out.getvalue()
    CallRecord.objects.filter(pk=logged[0].pk).update(case="forged")
    with pytest.raises(CommandError):
        call_command("sharing", "verify", stdout=StringIO())


def test_a_sudden_sweep_of_distinct_keys_raises_one_anomaly(granted: Any, cast: dict[str, Any], settings: Any) -> None:
    settings.SHUZHENG_SHARING_ANOMALY_MIN_KEYS = 2
    settings.SHUZHENG_SHARING_ANOMALY_CHECK_SECONDS = 0  # every seal checks
    granted.request.daily_calls = 4  # half a day's calls about distinct people, in an hour
    granted.request.save()
    caller = gateway.Caller(user=cast["system"], case="MZ2026-000200")
    for value in (WANG, WANG, LIU):
        gateway.lookup(caller=caller, dataset=granted.dataset, key_field="id_number", values=[value])
    services.calls_seal()
    assert not Anomaly.objects.exists()  # two distinct people: at the threshold, not above
    gateway.lookup(caller=caller, dataset=granted.dataset, key_field="id_number", values=[CHEN])
    gateway.verify(caller=caller, dataset=granted.dataset, values={"id_number": "330106200001011234"})
    services.calls_seal()
    services.calls_seal()
    anomaly = Anomaly.objects.get()
    assert (anomaly.grant, anomaly.threshold) == (granted, 2)
    assert anomaly.distinct_keys == 3  # CHEN is outside the grant's rows: no record, no subject


def test_a_grant_is_checked_for_anomalies_once_a_minute(granted: Any, cast: dict[str, Any], settings: Any) -> None:
    """Counting an hour's distinct subjects is the log's heaviest query; the worker seals every
    second, so a grant's check waits for SHUZHENG_SHARING_ANOMALY_CHECK_SECONDS to pass."""
    settings.SHUZHENG_SHARING_ANOMALY_MIN_KEYS = 2
    granted.request.daily_calls = 4
    granted.request.save()
    caller = gateway.Caller(user=cast["system"], case="MZ2026-000201")
    gateway.lookup(caller=caller, dataset=granted.dataset, key_field="id_number", values=[WANG])
    services.calls_seal()  # checked: one person
    for value in (LIU, CHEN):
        gateway.lookup(caller=caller, dataset=granted.dataset, key_field="id_number", values=[value])
    gateway.verify(caller=caller, dataset=granted.dataset, values={"id_number": "330106200001011234"})
    services.calls_seal()
    assert not Anomaly.objects.exists()  # three people now, but the check is not due
    cache.delete(f"sharing.anomaly.checked.{granted.pk}")  # the minute is over
    gateway.lookup(caller=caller, dataset=granted.dataset, key_field="id_number", values=[WANG])
    services.calls_seal()
    assert Anomaly.objects.get().distinct_keys == 3


def test_a_server_process_queues_the_sealing_once_a_period(
    granted: Any,
    cast: dict[str, Any],
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """No shared flag on the call's path: the process queues the task itself, once per
    SHUZHENG_SHARING_SEAL_SECONDS, and that task (run at once here: Celery is eager in tests)
    seals what is waiting; the next call's record waits for the next period's task."""
    settings.SHUZHENG_SHARING_SEAL_SECONDS = 60
    monkeypatch.setattr(services, "_seal_queued_at", -60.0)
    caller = gateway.Caller(user=cast["system"], case="MZ2026-000202")
    for value in (WANG, LIU):
        with django_capture_on_commit_callbacks(execute=True):
            gateway.lookup(caller=caller, dataset=granted.dataset, key_field="id_number", values=[value])
    first, second = CallRecord.objects.order_by("pk")
    assert first.seq is not None
    assert second.seq is None  # within the period: no second task
    monkeypatch.setattr(services, "_seal_queued_at", services._seal_queued_at - 60)  # the period is over
    with django_capture_on_commit_callbacks(execute=True):
        gateway.lookup(caller=caller, dataset=granted.dataset, key_field="id_number", values=[WANG])
    assert not CallRecord.objects.filter(seq__isnull=True).exists()
