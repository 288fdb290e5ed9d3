from __future__ import annotations

import datetime
import hashlib
import io
import itertools
import json
import os
import random
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.contrib import admin
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, connections, transaction
from django.test import RequestFactory
from django.utils import timezone

from shuzheng import cli
from shuzheng.core import audit, selectors
from shuzheng.core.choices import AuditOutcome
from shuzheng.core.models import AuditEvent

TABLE = AuditEvent._meta.db_table
PAST = datetime.timedelta(days=200)


@pytest.fixture(autouse=True)
def checkpoint_file(settings: Any, tmp_path: Path) -> Path:
    # Never the checkout's var/: every test gets its own checkpoint file.
    path = tmp_path / "audit-checkpoints.log"
    settings.SHUZHENG_AUDIT_CHECKPOINT_FILE = path
    settings.SHUZHENG_AUDIT_HASH = "sm3"
    return path


def record(**fields: Any) -> AuditEvent:
    fields.setdefault("action", "test.read")
    return audit.audit_record(**fields)


@contextmanager
def triggers_off() -> Iterator[None]:
    """What an attacker with database access does first; call inside a transaction that is rolled back."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
            yield
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")
        else:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE])
            saved = cursor.fetchall()
            for name, _sql in saved:
                cursor.execute(f'DROP TRIGGER "{name}"')
            yield
            for _name, sql in saved:
                cursor.execute(sql)


# --- appending and verifying ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_record_keeps_who_what_when_and_where(settings: Any, make_user: Callable[..., Any]) -> None:
    settings.TIME_ZONE = "Asia/Shanghai"
    clerk = make_user("clerk_a", kind="official")
    citizen = make_user("citizen_b")
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Mozilla/5.0 " + "x" * 600)
    event = record(
        action="accounts.user.id_number.read",
        actor=clerk,
        role="window_officer",
        on_behalf_of=citizen,
        object_type="accounts.user",
        object_id=citizen.pk,
        purpose="核验身份",
        request=request,
        detail={"field": "id_number"},
    )
    event.refresh_from_db()
    assert event.seq == 1
    assert event.prev_hash == audit.GENESIS
    assert (event.actor_id, event.actor_username, event.role) == (clerk.pk, "clerk_a", "window_officer")
    assert (event.on_behalf_of_id, event.on_behalf_of_username) == (citizen.pk, "citizen_b")
    assert (event.object_type, event.object_id) == ("accounts.user", str(citizen.pk))
    assert event.ip == "203.0.113.9"
    assert len(event.user_agent) == 512
    assert event.outcome == AuditOutcome.SUCCESS
    assert event.purpose == "核验身份"
    assert event.at.utcoffset() == datetime.timedelta(0)
    assert event.at_display.endswith("+08:00")  # shown in the deployment's zone, offset included
    assert len(event.hash) == 64
    assert audit.audit_verify() == audit.AuditVerification(ok=True, checked=1)


@pytest.mark.django_db
def test_anonymous_and_system_records_have_no_actor() -> None:
    event = record(action="accounts.login", outcome="failed", request=RequestFactory().get("/", REMOTE_ADDR="bad"))
    assert (event.actor_id, event.actor_username, event.ip) == (None, "", "")


@pytest.mark.django_db
def test_a_bad_action_or_outcome_is_refused() -> None:
    with pytest.raises(ValueError, match="action"):
        record(action="")
    with pytest.raises(ValueError, match="outcome"):
        record(outcome="maybe")
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_records_chain_in_sequence() -> None:
    events = [record(object_id=n) for n in range(5)]
    assert [event.seq for event in events] == [1, 2, 3, 4, 5]
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash
    assert audit.audit_verify().checked == 5


@pytest.mark.django_db
def test_a_rolled_back_write_leaves_no_record() -> None:
    def write_that_fails() -> None:
        with transaction.atomic():
            record(action="test.write")
            raise RuntimeError("the write failed after the record was made")

    with pytest.raises(RuntimeError):
        write_that_fails()
    assert not AuditEvent.objects.exists()
    assert record().seq == 1


@pytest.mark.django_db
def test_the_hash_setting_switches_algorithms_and_a_mixed_chain_verifies(settings: Any) -> None:
    settings.SHUZHENG_AUDIT_HASH = "sm3"
    record()
    record()
    settings.SHUZHENG_AUDIT_HASH = "sha256"
    record()
    settings.SHUZHENG_AUDIT_HASH = "sm3"
    record()
    algorithms = list(AuditEvent.objects.order_by("seq").values_list("hash_algorithm", flat=True))
    assert algorithms == ["sm3", "sm3", "sha256", "sm3"]
    assert audit.audit_verify() == audit.AuditVerification(ok=True, checked=4)


def test_sm3_is_gb_t_32905() -> None:
    # GB/T 32905-2016 appendix A, example 1.
    assert audit._digest(b"abc", "sm3") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


@pytest.mark.django_db
def test_the_digest_covers_a_canonical_form_others_can_recompute(settings: Any) -> None:
    settings.SHUZHENG_AUDIT_HASH = "sha256"
    record()
    event = record(action="test.canonical", object_type="t", object_id=7, detail={"b": [1, "二"], "a": None})
    event.refresh_from_db()
    body = {name: getattr(event, name) for name in audit.HASHED_FIELDS}
    body["at"] = event.at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    assert hashlib.sha256(canonical).hexdigest() == event.hash


@pytest.mark.django_db
def test_detail_values_come_back_exactly_as_hashed() -> None:
    record(detail={"ratio": 0.1, "large": 1e20, "zero": -0.0, "nan": float("nan"), "when": datetime.date(2026, 1, 2)})
    stored = AuditEvent.objects.get().detail
    assert stored == {"ratio": 0.1, "large": 10**20, "zero": 0, "nan": "nan", "when": "2026-01-02"}
    assert audit.audit_verify().ok


# --- what a record may hold -------------------------------------------------------------------


@pytest.mark.django_db
def test_secrets_are_dropped_and_identifiers_masked() -> None:
    event = record(
        object_id="330106199001011234",
        purpose="回访 13800138000",
        detail={
            "password": "hunter2",
            "new_passwd": "x",
            "client_secret": "x",
            "access_token": "x",
            "otp_code": "123456",
            "api_key": "x",
            "nested": {"Token": "x", "holder": "王晓梅 330106199001011234", "ids": ["33010619900101123X"]},
            "mobile": "+86 13800138000 或 13912345678",
            "reason": "idle",
        },
    )
    event.refresh_from_db()
    assert event.object_id == "330106********1234"
    assert event.purpose == "回访 138****8000"
    assert event.detail == {
        "nested": {"holder": "王晓梅 330106********1234", "ids": ["330106********123X"]},
        "mobile": "+86 138****8000 或 139****5678",
        "reason": "idle",
    }
    stored = json.dumps(event.detail, ensure_ascii=False) + event.object_id + event.purpose
    for secret in ("hunter2", "123456", "199001011234", "00138000", "12345678"):
        assert secret not in stored
    assert audit.audit_verify().ok


def test_masking_leaves_other_numbers_alone() -> None:
    assert audit.mask_identifiers("订单 12345678901234567890 共 3 件") == "订单 12345678901234567890 共 3 件"
    assert audit.mask_identifiers("user 42") == "user 42"
    assert audit.mask_identifiers("8613800138000") == "86138****8000"


# --- the database refuses changes -------------------------------------------------------------


@pytest.mark.django_db
def test_the_database_refuses_updates_and_young_deletes() -> None:
    event = record()
    assert audit.audit_guard_installed()
    attempts: list[Callable[[], object]] = [
        lambda: AuditEvent.objects.filter(seq=event.seq).update(outcome="denied"),
        lambda: AuditEvent.objects.filter(seq=event.seq).delete(),
        lambda: event.delete(),
        lambda: event.save(),
        lambda: connection.cursor().execute("UPDATE core_auditevent SET action = 'forged' WHERE seq = %s", [event.seq]),
        lambda: connection.cursor().execute("DELETE FROM core_auditevent WHERE seq = %s", [event.seq]),
    ]
    for attempt in attempts:
        with pytest.raises(IntegrityError), transaction.atomic():
            attempt()
    assert AuditEvent.objects.get().action == "test.read"
    assert audit.audit_verify().ok


@pytest.mark.django_db
def test_a_record_past_the_retention_floor_can_be_deleted_and_verify_notices() -> None:
    with time_machine.travel(timezone.now() - PAST, tick=True):
        old = record()
    record()
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(seq=old.seq).update(action="forged")
    AuditEvent.objects.filter(seq=old.seq).delete()
    result = audit.audit_verify()
    assert (result.ok, result.first_broken_seq) == (False, 1)
    assert "no purge" in result.reason


# --- checkpoints ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_checkpoint_is_written_after_every_nth_commit(
    settings: Any, checkpoint_file: Path, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SHUZHENG_AUDIT_CHECKPOINT_EVERY = 4
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(9):
            record()
    marks = audit.checkpoint_read()
    assert [(mark.kind, mark.seq) for mark in marks] == [("checkpoint", 4), ("checkpoint", 8)]
    assert marks[1].hash == AuditEvent.objects.get(seq=8).hash
    assert audit.audit_verify() == audit.AuditVerification(ok=True, checked=9, checkpoints=2)


@pytest.mark.django_db
def test_no_checkpoint_for_a_rolled_back_record(settings: Any, checkpoint_file: Path) -> None:
    settings.SHUZHENG_AUDIT_CHECKPOINT_EVERY = 1
    with transaction.atomic():
        record()
        transaction.set_rollback(True)
    assert not checkpoint_file.exists()


@pytest.mark.django_db
def test_checkpoint_lines_are_chained(checkpoint_file: Path) -> None:
    for _ in range(3):
        record()
        audit.audit_checkpoint()
    assert audit.audit_verify().checkpoints == 3
    lines = checkpoint_file.read_text().splitlines()

    def verify_with(edited: list[str]) -> audit.AuditVerification:
        checkpoint_file.write_text("".join(line + "\n" for line in edited))
        return audit.audit_verify()

    middle = json.loads(lines[1])
    middle["at"] = "2020-01-01T00:00:00.000000+00:00"
    result = verify_with([lines[0], json.dumps(middle, sort_keys=True, separators=(",", ":")), lines[2]])
    assert not result.ok
    assert "line 3 does not follow line 2" in result.reason
    assert not verify_with([lines[0], lines[2]]).ok
    result = verify_with([*lines, "not json"])
    assert (result.ok, result.first_broken_seq) == (False, None)
    with pytest.raises(CommandError, match=r"^broken: checkpoint file line 4 is not a checkpoint$"):
        run("verify")
    last = json.loads(lines[2])
    last["hash"] = "f" * 64
    result = verify_with([lines[0], lines[1], json.dumps(last)])
    assert (result.ok, result.first_broken_seq) == (False, 3)
    assert verify_with(lines).ok


@pytest.mark.django_db
def test_truncation_after_a_checkpoint_is_detected() -> None:
    for _ in range(6):
        record()
    audit.audit_checkpoint()
    with transaction.atomic(), triggers_off():
        AuditEvent.objects.filter(seq__gte=5).delete()
    result = audit.audit_verify()
    assert (result.ok, result.first_broken_seq, result.checked) == (False, 5, 4)
    assert "records 5–6 were deleted" in result.reason


@pytest.mark.django_db
def test_an_empty_trail_writes_no_checkpoint(checkpoint_file: Path) -> None:
    audit.audit_checkpoint()
    assert not checkpoint_file.exists()
    assert audit.audit_verify() == audit.AuditVerification(ok=True, checked=0)


# --- tamper evidence --------------------------------------------------------------------------

TRIALS = 1_000
CHAIN_LENGTH = 30
OUTCOMES = AuditOutcome.values


def build_chain(rng: random.Random) -> None:
    """A fresh chain, hashed by the same function audit_record uses, inserted in one statement."""
    previous, start, events = audit.GENESIS, timezone.now(), []
    for seq in range(1, CHAIN_LENGTH + 1):
        event = AuditEvent(
            seq=seq,
            at=start + datetime.timedelta(milliseconds=seq),
            actor_id=rng.choice([None, 7, 8]),
            actor_username=rng.choice(["", "clerk", "citizen"]),
            role=rng.choice(["", "window_officer"]),
            on_behalf_of_id=rng.choice([None, 9]),
            on_behalf_of_username=rng.choice(["", "principal"]),
            action=rng.choice(["accounts.login", "accounts.user.id_number.read", "core.audit.search"]),
            object_type="accounts.user",
            object_id=str(rng.randrange(1_000)),
            ip=f"10.0.0.{rng.randrange(256)}",
            user_agent="Mozilla/5.0",
            outcome=rng.choice(OUTCOMES),
            purpose=rng.choice(["", "核验身份"]),
            detail={"n": rng.randrange(100), "tags": ["a", "b"]},
            hash_algorithm=rng.choice(["sm3", "sha256"]),
            prev_hash=previous,
        )
        event.hash = previous = audit.event_hash(event)
        events.append(event)
    AuditEvent.objects.bulk_create(events)


def changed_value(rng: random.Random, field: str, value: Any) -> Any:
    """A value for ``field`` different from ``value``."""
    if field == "seq":
        return 10_000 + value
    if field == "at":
        return value + datetime.timedelta(microseconds=rng.randint(1, 10**6))
    if field in ("actor_id", "on_behalf_of_id"):
        return (value or 0) + rng.randint(1, 9)
    if field == "outcome":
        return rng.choice([outcome for outcome in OUTCOMES if outcome != value])
    if field == "hash_algorithm":
        return "sha256" if value == "sm3" else "sm3"
    if field == "detail":
        return {**value, "n": value["n"] + 1}
    if field in ("prev_hash", "hash"):
        index = rng.randrange(len(value))
        return value[:index] + rng.choice([c for c in "0123456789abcdef" if c != value[index]]) + value[index + 1 :]
    return value + rng.choice(["x", "0", " ", "改"])


def tamper(rng: random.Random) -> tuple[str, int]:
    """One random attack on the chain; returns its kind and the first seq it breaks."""
    kind = rng.choice(["edit", "delete", "swap", "truncate"])
    if kind == "edit":
        seq = rng.randint(1, CHAIN_LENGTH)
        field = rng.choice([*audit.HASHED_FIELDS, "hash"])
        value = AuditEvent.objects.values_list(field, flat=True).get(seq=seq)
        AuditEvent.objects.filter(seq=seq).update(**{field: changed_value(rng, field, value)})
        return f"edit {field}", seq
    if kind == "delete":
        seq = rng.randint(1, CHAIN_LENGTH - 1)
        AuditEvent.objects.filter(seq=seq).delete()
        return kind, seq
    if kind == "swap":
        first, second = sorted(rng.sample(range(1, CHAIN_LENGTH + 1), 2))
        contents = {
            row["seq"]: row
            for row in AuditEvent.objects.filter(seq__in=[first, second]).values(*audit.HASHED_FIELDS, "hash")
        }
        for target, source in ((first, second), (second, first)):
            moved = {key: value for key, value in contents[source].items() if key != "seq"}
            AuditEvent.objects.filter(seq=target).update(**moved)
        return kind, first
    audit.audit_checkpoint()
    seq = rng.randint(2, CHAIN_LENGTH)
    AuditEvent.objects.filter(seq__gte=seq).delete()
    return kind, seq


@pytest.mark.django_db
def test_every_tampering_is_detected(checkpoint_file: Path, capsys: Any) -> None:
    seed = int(os.environ.get("SHUZHENG_TAMPER_SEED") or secrets.randbelow(2**32))
    rng = random.Random(seed)  # noqa: S311  (reproducible attacks, not secrets)
    started = time.perf_counter()
    kinds: Counter[str] = Counter()
    missed: list[str] = []
    for trial in range(TRIALS):
        checkpoint_file.unlink(missing_ok=True)
        # Each trial's chain, attack and dropped triggers are rolled back with its savepoint.
        with transaction.atomic():
            build_chain(rng)
            assert audit.audit_verify().ok
            with triggers_off():
                kind, seq = tamper(rng)
            result = audit.audit_verify()
            kinds[kind.split()[0]] += 1
            if result.ok or result.first_broken_seq != seq:
                missed.append(f"trial {trial}: {kind} at {seq} -> {result}")
            transaction.set_rollback(True)
    elapsed = time.perf_counter() - started
    with capsys.disabled():
        print(
            f"\ntamper trials: seed {seed} (SHUZHENG_TAMPER_SEED reproduces), {TRIALS - len(missed)}/{TRIALS} "
            f"detected at the right record, {dict(kinds)}, {elapsed:.1f} s on {connection.vendor}"
        )
    assert not missed, f"seed {seed}: " + "; ".join(missed[:5])


# --- retention --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_purge_deletes_old_records_and_anchors_the_rest(checkpoint_file: Path) -> None:
    with time_machine.travel(timezone.now() - PAST, tick=True):
        for _ in range(5):
            record()
    for _ in range(3):
        record()
    before = timezone.localdate() - datetime.timedelta(days=190)
    assert audit.audit_purge(before=before) == 5
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == [6, 7, 8]
    anchor = audit.checkpoint_read()[-1]
    assert (anchor.kind, anchor.seq) == ("purge", 5)
    assert audit.audit_verify() == audit.AuditVerification(ok=True, checked=3, checkpoints=1)
    record()
    assert audit.audit_verify().checked == 4
    # Without the anchor, the missing records are unexplained.
    checkpoint_file.unlink()
    result = audit.audit_verify()
    assert (result.ok, result.first_broken_seq) == (False, 1)


@pytest.mark.django_db
def test_purge_keeps_the_newest_record_and_the_chain_goes_on() -> None:
    with time_machine.travel(timezone.now() - PAST, tick=True):
        for _ in range(4):
            record()
    assert audit.audit_purge(before=timezone.localdate() - datetime.timedelta(days=190)) == 3
    assert audit.audit_purge(before=timezone.localdate() - datetime.timedelta(days=190)) == 0
    assert record().seq == 5
    assert audit.audit_verify() == audit.AuditVerification(ok=True, checked=2, checkpoints=1)


@pytest.mark.django_db
def test_purge_refuses_a_date_within_the_retention_period(settings: Any) -> None:
    with time_machine.travel(timezone.now() - PAST, tick=True):
        record()
    record()
    with pytest.raises(audit.AuditPurgeRefused, match="kept for 185 days"):
        audit.audit_purge(before=timezone.localdate() - datetime.timedelta(days=100))
    settings.SHUZHENG_AUDIT_RETENTION_DAYS = 365
    with pytest.raises(audit.AuditPurgeRefused, match="kept for 365 days"):
        audit.audit_purge(before=timezone.localdate() - datetime.timedelta(days=190))
    assert AuditEvent.objects.count() == 2


# --- the command ------------------------------------------------------------------------------


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("audit", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_audit_verify_reports_ok_or_the_first_break() -> None:
    for _ in range(3):
        record()
    assert run("verify").strip() == "ok, 3 records, 0 checkpoints"
    with transaction.atomic(), triggers_off():
        AuditEvent.objects.filter(seq=2).update(actor_username="someone else")
    with pytest.raises(CommandError, match=r"broken at seq 2: the record does not match its hash") as error:
        run("verify")
    assert error.value.returncode == 1


# Transactional: the command line closes the database connections when it ends.
@pytest.mark.django_db(transaction=True)
def test_audit_verify_exits_non_zero_from_the_command_line(capsys: Any) -> None:
    record()
    cli.main(["shuzheng", "audit", "verify"])  # returns: exit status 0
    assert "ok, 1 records" in capsys.readouterr().out
    with transaction.atomic(), triggers_off():
        AuditEvent.objects.filter(seq=1).update(outcome="denied")
    with pytest.raises(SystemExit) as broken:
        cli.main(["shuzheng", "audit", "verify"])
    assert broken.value.code == 1
    assert "broken at seq 1" in capsys.readouterr().err


@pytest.mark.django_db
def test_audit_verify_fails_without_the_triggers() -> None:
    record()
    with transaction.atomic(), triggers_off(), pytest.raises(CommandError, match="triggers are missing"):
        run("verify")


@pytest.mark.django_db
def test_audit_checkpoint_writes_a_line(checkpoint_file: Path) -> None:
    assert "nothing to checkpoint" in run("checkpoint")
    record()
    head = record()
    assert f"checkpoint: record 2 ({head.hash[:16]}" in run("checkpoint")
    line = json.loads(checkpoint_file.read_text())
    assert (line["kind"], line["seq"], line["hash"], line["prev"]) == ("checkpoint", 2, head.hash, audit.GENESIS)
    assert "1 checkpoints" in run("verify")


@pytest.mark.django_db
def test_audit_purge_refuses_within_retention_and_reports_what_it_deleted() -> None:
    with time_machine.travel(timezone.now() - PAST, tick=True):
        record()
        record()
    record()
    recent = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    with pytest.raises(CommandError, match="nothing purged: audit records are kept for 185 days"):
        run("purge", "--before", recent)
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("purge", "--before", "last year")
    old = (timezone.localdate() - datetime.timedelta(days=190)).isoformat()
    assert f"purged 2 records written before {old}" in run("purge", "--before", old)


# --- reading the trail ------------------------------------------------------------------------


@pytest.mark.django_db
def test_audit_events_filters_for_the_audit_administrator(
    make_user: Callable[..., Any], django_assert_num_queries: Any
) -> None:
    clerk = make_user("clerk_a", kind="official")
    with time_machine.travel(timezone.now() - datetime.timedelta(days=3), tick=True):
        early = record(actor=clerk, action="accounts.user.id_number.read", object_type="accounts.user", object_id=5)
    middle = record(actor=clerk, action="accounts.login")
    late = record(action="accounts.user.register", object_type="person", object_id="330106199001011234")
    with django_assert_num_queries(1):
        assert list(selectors.audit_events()) == [late, middle, early]
    assert list(selectors.audit_events(actor_id=clerk.pk)) == [middle, early]
    assert list(selectors.audit_events(action="accounts.login")) == [middle]
    assert list(selectors.audit_events(object_type="accounts.user", object_id=5)) == [early]
    # The number is stored masked; searching by the whole number finds it.
    assert list(selectors.audit_events(object_id="330106199001011234")) == [late]
    assert list(selectors.audit_events(since=middle.at)) == [late, middle]
    assert list(selectors.audit_events(until=middle.at)) == [early]


@pytest.mark.django_db
def test_the_admin_only_reads_the_trail(rf: RequestFactory) -> None:
    model_admin = admin.site._registry[AuditEvent]
    request = rf.get("/admin/core/auditevent/")
    event = record()
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)


# --- concurrency and flush (committed data) -----------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_do_not_fork_the_chain(settings: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: on SQLite, IMMEDIATE transactions already serialise every writer")
    settings.SHUZHENG_AUDIT_CHECKPOINT_EVERY = 10
    threads, each = 8, 25
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def append(worker: int) -> None:
        try:
            barrier.wait()
            for n in range(each):
                with transaction.atomic():
                    record(object_id=f"{worker}-{n}")
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=append, args=(worker,)) for worker in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not errors
    total = threads * each
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, total + 1))
    assert audit.audit_verify() == audit.AuditVerification(ok=True, checked=total, checkpoints=total // 10)


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_trail_and_keeps_the_triggers() -> None:
    record()
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()
    assert audit.audit_guard_installed()
    event = record()
    with pytest.raises(IntegrityError):
        AuditEvent.objects.filter(seq=event.seq).delete()
    # The test's own teardown flushes again, over this fresh record.
