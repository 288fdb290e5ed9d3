"""The audit trail: an append-only, hash-chained log of every write and every read of personal data.

Each record carries the SM3 (or SHA-256, ``SHUZHENG_AUDIT_HASH``) digest of
its canonical form, and that form includes the previous record's digest: a
record edited, removed or moved breaks the chain from that point on. Deleting
the newest records leaves a chain that still links, so the chain head is also
written to an append-only checkpoint file outside the database, every
``SHUZHENG_AUDIT_CHECKPOINT_EVERY`` records and on ``shuzheng audit
checkpoint``; :func:`audit_verify` checks the table against both.

Database triggers (migration 0004) refuse every UPDATE of a record and the
DELETE of a record younger than 185 days. They stop the application; what
catches a database administrator is the chain and the checkpoints. The chain
has no key, so someone who rewrites every record after the one they changed
is caught only by a checkpoint taken after it: records newer than the last
checkpoint are guarded by the triggers alone, which is why checkpoints are
written often and the file belongs on storage the database's owner cannot edit.

Records never hold passwords, tokens or whole ID numbers: ``detail`` loses
every key that names a secret, and resident ID and mobile numbers are masked
in every text the record keeps (``330106********1234``, ``138****8000``).
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import math
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import IO, Any

from cryptography.hazmat.primitives import hashes
from django.conf import settings
from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from shuzheng.core.choices import AuditHashAlgorithm, AuditOutcome
from shuzheng.core.models import AuditEvent

# The first record's predecessor.
GENESIS = "0" * 64

CHECKPOINT = "checkpoint"
PURGE = "purge"

# The fields a record's digest covers, in the order verification reads them.
HASHED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_username",
    "role",
    "on_behalf_of_id",
    "on_behalf_of_username",
    "action",
    "object_type",
    "object_id",
    "ip",
    "user_agent",
    "outcome",
    "purpose",
    "detail",
    "hash_algorithm",
    "prev_hash",
)
_STORED_FIELDS = (*HASHED_FIELDS, "hash")

# Names of the triggers migration 0004 installs (PostgreSQL: one trigger, SQLite: two).
GUARD_TRIGGERS = {
    "postgresql": ("core_auditevent_append_only",),
    "sqlite": ("core_auditevent_no_update", "core_auditevent_no_delete"),
}

# Key of the PostgreSQL advisory lock that serialises appends; any constant no
# other part of the platform uses.
_CHAIN_LOCK = 0x5A48_4155_4449_5400

# Choices.values builds a new list on every access; these are read on every append.
_OUTCOMES = frozenset(AuditOutcome.values)
_ALGORITHMS = frozenset(AuditHashAlgorithm.values)

_SECRET_WORDS = ("password", "passwd", "secret", "token", "otp", "key")
# Any 18-character run shaped like a resident ID (17 digits and a digit or X),
# valid or not: a mistyped number is still somebody's number.
_RESIDENT_ID = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?![\dXx])")
_MOBILE = re.compile(r"(?<!\d)((?:\+?86)?1[3-9]\d)\d{4}(\d{4})(?!\d)")


# --- what a record may contain ---------------------------------------------------------------


def mask_identifiers(text: str) -> str:
    """The text with resident ID numbers and mobile numbers masked: ``330106********1234``, ``138****8000``."""
    return _MOBILE.sub(r"\1****\2", _RESIDENT_ID.sub(r"\1********\2", text))


def sanitize_detail(detail: Mapping[Any, Any]) -> dict[str, Any]:
    """``detail`` as a record keeps it: keys naming secrets dropped, identifiers masked, plain JSON values."""
    return {_text(str(key)): _json_value(value) for key, value in detail.items() if not _names_secret(str(key))}


def _names_secret(key: str) -> bool:
    lowered = key.lower()
    return any(word in lowered for word in _SECRET_WORDS)


def _text(value: str) -> str:
    # str.__str__ turns str subclasses (TextChoices members) into plain str;
    # PostgreSQL refuses NUL in text and jsonb, so it may not reach the insert.
    return mask_identifiers(str.__str__(value).replace("\x00", ""))


def _json_value(value: Any) -> Any:
    # Only values that come back from both databases exactly as they went in:
    # the digest is computed before the insert and checked after a read.
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        # jsonb prints integral numbers without a fraction, so they return as int.
        return int(value) if value.is_integer() else value
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, Mapping):
        return sanitize_detail(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_value(item) for item in value]
    return _text(str(value))


@cache
def _max_length(field: str) -> int | None:
    model_field = AuditEvent._meta.get_field(field)
    return model_field.max_length if isinstance(model_field, models.CharField) else None


def _clip(value: str, field: str) -> str:
    return _text(value)[: _max_length(field)]


def _user(user: Any) -> tuple[int | None, str]:
    if user is None or getattr(user, "pk", None) is None:
        return None, ""
    return int(user.pk), str(user.get_username())


def _client(request: HttpRequest | None) -> tuple[str, str]:
    if request is None:
        return "", ""
    # REMOTE_ADDR only. X-Forwarded-For is whatever the client wrote unless a
    # proxy we trust replaced it, and the platform has no list of trusted
    # proxies yet; behind a reverse proxy this records the proxy's address.
    try:
        ip = str(ipaddress.ip_address(str(request.META.get("REMOTE_ADDR", "")).strip()))
    except ValueError:
        ip = ""
    return ip, str(request.META.get("HTTP_USER_AGENT", ""))


# --- the chain -------------------------------------------------------------------------------


def _digest(data: bytes, algorithm: str) -> str:
    algorithms: dict[str, type[hashes.HashAlgorithm]] = {
        AuditHashAlgorithm.SM3: hashes.SM3,
        AuditHashAlgorithm.SHA256: hashes.SHA256,
    }
    digest = hashes.Hash(algorithms[algorithm]())
    digest.update(data)
    return digest.finalize().hex()


def _timestamp(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def _canonical(values: Mapping[str, Any]) -> bytes:
    record = {name: values[name] for name in HASHED_FIELDS}
    record["at"] = _timestamp(values["at"])
    return json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def event_hash(event: AuditEvent) -> str:
    """The digest ``event`` must carry: its canonical form, previous digest included, under its own algorithm."""
    return _digest(_canonical({name: getattr(event, name) for name in HASHED_FIELDS}), event.hash_algorithm)


def _chain_head(*, lock: bool) -> tuple[int, str]:
    with connection.cursor() as cursor:
        if lock and connection.vendor == "postgresql":
            # The lock is held until the transaction ends, so the next append reads this one as
            # its predecessor; the database function takes it and reads the head in one round
            # trip (migration core 0006). SQLite needs nothing: its IMMEDIATE transactions
            # (settings.py) already hold the database's only write lock. Elsewhere the primary
            # key on seq still refuses a fork, as an IntegrityError.
            cursor.execute("SELECT seq, hash FROM core_auditevent_chain_head(%s)", [_CHAIN_LOCK])
        else:
            # Plain SQL: this runs on every append, and building the ORM query would cost more
            # than running it.
            cursor.execute("SELECT seq, hash FROM core_auditevent ORDER BY seq DESC LIMIT 1")
        head = cursor.fetchone()
    return (int(head[0]), str(head[1])) if head is not None else (0, GENESIS)


def audit_record(
    *,
    action: str,
    actor: Any = None,
    object_type: str = "",
    object_id: str | int = "",
    outcome: str = AuditOutcome.SUCCESS,
    purpose: str = "",
    role: str = "",
    on_behalf_of: Any = None,
    request: HttpRequest | None = None,
    detail: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one record to the trail, inside the caller's transaction: a rollback takes the record with it.

    Appends wait for each other until the transaction that made one ends, so
    record as late in a transaction as the outcome allows.
    """
    if not action:
        raise ValueError("an audit record needs an action")
    if outcome not in _OUTCOMES:
        raise ValueError(f"unknown audit outcome {outcome!r}; use one of {sorted(_OUTCOMES)}")
    actor_id, actor_username = _user(actor)
    principal_id, principal_username = _user(on_behalf_of)
    ip, user_agent = _client(request)
    event = AuditEvent(
        actor_id=actor_id,
        actor_username=_clip(actor_username, "actor_username"),
        role=_clip(role, "role"),
        on_behalf_of_id=principal_id,
        on_behalf_of_username=_clip(principal_username, "on_behalf_of_username"),
        action=_clip(action, "action"),
        object_type=_clip(object_type, "object_type"),
        object_id=_clip(str(object_id), "object_id"),
        ip=ip,
        user_agent=_clip(user_agent, "user_agent"),
        outcome=outcome,
        purpose=_clip(purpose, "purpose"),
        detail=sanitize_detail(detail or {}),
        hash_algorithm=settings.SHUZHENG_AUDIT_HASH,
    )
    with transaction.atomic(savepoint=False):
        event.seq, event.prev_hash = _chain_head(lock=True)
        event.seq += 1
        # Taken under the lock, so times follow the sequence.
        event.at = timezone.now()
        event.hash = event_hash(event)
        event.save(force_insert=True)
        every = settings.SHUZHENG_AUDIT_CHECKPOINT_EVERY
        if every > 0 and event.seq % every == 0:
            # robust: the caller's transaction has committed by then, and a full
            # disk must not turn its success into an error page (it is logged).
            transaction.on_commit(partial(_checkpoint_append, CHECKPOINT, event.seq, event.hash), robust=True)
    return event


# --- checkpoints -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """One line of the checkpoint file: a chain head, or the last record a purge removed."""

    kind: str
    seq: int
    hash: str
    at: str
    line: int


class CheckpointFileError(ValueError):
    """The checkpoint file was altered or damaged; ``seq`` names the record its bad line speaks of, if any."""

    def __init__(self, message: str, seq: int | None = None) -> None:
        super().__init__(message)
        self.seq = seq


def _checkpoint_path() -> Path:
    return Path(settings.SHUZHENG_AUDIT_CHECKPOINT_FILE)


def _lock_file(file: IO[bytes]) -> None:
    # Workers in several processes append; the lock keeps each line whole and
    # its link to the line before it right. (Windows runs the demo only, in
    # one process, so it goes without.)
    if sys.platform != "win32":
        import fcntl

        fcntl.flock(file.fileno(), fcntl.LOCK_EX)


def _checkpoint_append(kind: str, seq: int, record_hash: str) -> None:
    path = _checkpoint_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    algorithm = settings.SHUZHENG_AUDIT_HASH
    with path.open("a+b") as file:
        _lock_file(file)
        size = file.seek(0, os.SEEK_END)
        file.seek(max(0, size - 4096))
        tail = file.read()
        lines = tail.split(b"\n")
        if tail.endswith(b"\n"):
            lines.pop()
        # Each line carries the digest of the one before it, so editing or
        # removing a line breaks the next one.
        previous = _digest(lines[-1], algorithm) if size else GENESIS
        entry = {
            "kind": kind,
            "seq": seq,
            "hash": record_hash,
            "at": _timestamp(timezone.now()),
            "algorithm": algorithm,
            "prev": previous,
        }
        if size and not tail.endswith(b"\n"):
            file.write(b"\n")
        file.write(json.dumps(entry, sort_keys=True, separators=(",", ":")).encode() + b"\n")
        file.flush()
        os.fsync(file.fileno())


def checkpoint_read() -> list[Checkpoint]:
    """The checkpoint file's lines, each checked against the line before it; [] while there is no file."""
    try:
        data = _checkpoint_path().read_bytes()
    except FileNotFoundError:
        return []
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()  # the newline that ends the last line
    marks: list[Checkpoint] = []
    previous: bytes | None = None
    for number, raw in enumerate(lines, start=1):
        try:
            entry = json.loads(raw)
            kind, seq, record_hash, at = entry["kind"], entry["seq"], entry["hash"], entry["at"]
            algorithm, link = entry["algorithm"], entry["prev"]
            if kind not in (CHECKPOINT, PURGE) or type(seq) is not int or algorithm not in _ALGORITHMS:
                raise ValueError(kind)
            expected = GENESIS if previous is None else _digest(previous, algorithm)
        except (ValueError, KeyError, TypeError):
            raise CheckpointFileError(f"checkpoint file line {number} is not a checkpoint") from None
        if link != expected:
            raise CheckpointFileError(
                f"checkpoint file line {number} does not follow line {number - 1}: a line was edited or removed", seq
            )
        marks.append(Checkpoint(kind, seq, str(record_hash), str(at), number))
        previous = raw
    return marks


def audit_checkpoint() -> None:
    """Write the chain head to the checkpoint file now; nothing while the trail is empty."""
    head = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    if head is not None:
        _checkpoint_append(CHECKPOINT, *head)


# --- verification ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AuditVerification:
    """What :func:`audit_verify` found: ok, or the first broken link and why."""

    ok: bool
    checked: int
    first_broken_seq: int | None = None
    reason: str = ""
    checkpoints: int = 0


def _record_problem(row: Mapping[str, Any], link: str) -> str:
    if row["hash_algorithm"] not in _ALGORITHMS:
        return f"unknown hash algorithm {row['hash_algorithm']!r}"
    if _digest(_canonical(row), row["hash_algorithm"]) != row["hash"]:
        return "the record does not match its hash: it was changed after it was written"
    if row["prev_hash"] != link:
        return "the record's previous hash does not match the record before it: records were removed or reordered"
    return ""


def audit_verify() -> AuditVerification:
    """Check every record's hash and link, and every checkpoint against the table; stop at the first break."""
    try:
        marks = checkpoint_read()
    except CheckpointFileError as exc:
        return AuditVerification(False, 0, exc.seq, str(exc))
    expected: dict[int, Checkpoint] = {}
    for mark in marks:
        known = expected.setdefault(mark.seq, mark)
        if known.hash != mark.hash:
            reason = f"checkpoint file lines {known.line} and {mark.line} disagree about record {mark.seq}"
            return AuditVerification(False, 0, mark.seq, reason)
    purges = {mark.seq: mark for mark in marks if mark.kind == PURGE}

    def broken(seq: int, reason: str) -> AuditVerification:
        return AuditVerification(False, checked, seq, reason, len(marks))

    checked = 0
    last_seq, last_hash = 0, ""
    rows = AuditEvent.objects.order_by("seq").values_list(*_STORED_FIELDS).iterator(chunk_size=2000)
    for values in rows:
        row = dict(zip(_STORED_FIELDS, values, strict=True))
        seq: int = row["seq"]
        if checked == 0:
            if seq == 1:
                link = GENESIS
            elif seq - 1 in purges:
                # The records before were purged; the purge wrote their last digest first.
                link = purges[seq - 1].hash
            else:
                missing = max((purged for purged in purges if purged < seq), default=0) + 1
                return broken(missing, f"records {missing}–{seq - 1} are missing and no purge removed them")
        elif seq != last_seq + 1:
            return broken(last_seq + 1, f"record {last_seq + 1} is missing")
        else:
            link = last_hash
        problem = _record_problem(row, link)
        if problem:
            return broken(seq, problem)
        checkpoint = expected.get(seq)
        if checkpoint is not None and checkpoint.hash != row["hash"]:
            return broken(seq, f"the record differs from checkpoint file line {checkpoint.line}")
        checked += 1
        last_seq, last_hash = seq, row["hash"]
    beyond = [mark for mark in marks if mark.seq > last_seq]
    if beyond:
        newest = max(beyond, key=lambda mark: mark.seq)
        return broken(
            last_seq + 1,
            f"records {last_seq + 1}–{newest.seq} were deleted: checkpoint file line {newest.line} "
            f"recorded record {newest.seq}",
        )
    return AuditVerification(True, checked, checkpoints=len(marks))


def audit_guard_installed() -> bool:
    """Whether the database triggers that keep the trail append-only are in place and enabled."""
    names = GUARD_TRIGGERS.get(connection.vendor, ())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND tgenabled <> 'D'",
                [AuditEvent._meta.db_table],
            )
        elif connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [AuditEvent._meta.db_table]
            )
        else:
            return False
        present = {row[0] for row in cursor.fetchall()}
    return set(names) <= present


# --- retention -------------------------------------------------------------------------------


class AuditPurgeRefused(ValueError):
    """The date falls within the retention period; nothing was deleted."""


def audit_purge(*, before: datetime.date) -> int:
    """Delete the records written before ``before`` (local midnight); returns how many.

    Refuses a date within ``SHUZHENG_AUDIT_RETENTION_DAYS``. The newest record
    always stays, so the chain and its sequence go on; the last deleted
    record's digest goes to the checkpoint file first, as the anchor the
    oldest remaining record links to.
    """
    retention = settings.SHUZHENG_AUDIT_RETENTION_DAYS
    cutoff = datetime.datetime.combine(before, datetime.time.min, tzinfo=timezone.get_current_timezone())
    latest = timezone.now() - datetime.timedelta(days=retention)
    if cutoff > latest:
        raise AuditPurgeRefused(
            f"audit records are kept for {retention} days: the latest date to purge before is "
            f"{timezone.localtime(latest).date().isoformat()}"
        )
    with transaction.atomic():
        head_seq, _head_hash = _chain_head(lock=True)
        first_kept = AuditEvent.objects.filter(at__gte=cutoff).order_by("seq").values_list("seq", flat=True).first()
        through = min(head_seq - 1, head_seq if first_kept is None else first_kept - 1)
        anchor = AuditEvent.objects.filter(seq=through).values_list("hash", flat=True).first()
        if anchor is None:
            return 0
        # Anchor first: no moment exists at which records are gone unanchored.
        # Should the delete fail, the line is an ordinary checkpoint.
        _checkpoint_append(PURGE, through, anchor)
        deleted, _per_model = AuditEvent.objects.filter(seq__lte=through).delete()
    return deleted


def audit_admin_change(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """Every change made through the admin site, recorded as it is logged.

    The admin site logs each addition, change and deletion (LogEntry) inside
    the same transaction as the change itself; recording from that one place
    covers every model, the libraries' included, without an audit call in each
    ModelAdmin.
    """
    if not created:
        return
    verbs = {1: "add", 2: "change", 3: "delete"}
    content_type = instance.content_type
    audit_record(
        action=f"admin.{verbs.get(instance.action_flag, 'change')}",
        actor=instance.user,
        object_type=f"{content_type.app_label}.{content_type.model}" if content_type else "",
        object_id=instance.object_id or "",
        detail={"summary": instance.get_change_message()},
    )
