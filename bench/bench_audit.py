"""The audit trail: appending through the hash chain against inserting the same rows plainly.

Input: 5 000 records of a clerk reading a citizen's record (actor, role,
object, purpose, a request's address and user agent, a small detail).
Ours calls ``audit_record``, which masks and sanitises, reads the chain head,
hashes with SM3 and inserts; the peer inserts rows with the same field values
through the ORM without any of that, so the ratio is the cost of the chain.
Both run on the demo database inside a transaction that is rolled back: the
triggers would refuse to delete fresh records afterwards.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection, transaction
from django.test import RequestFactory
from django.utils import timezone

from bench.harness import Case
from shuzheng.core.audit import GENESIS, audit_record
from shuzheng.core.models import AuditEvent

COUNT = 5_000


class _User:
    """Enough of a user for the audit trail, without a users table to fill."""

    def __init__(self, pk: int, username: str) -> None:
        self.pk = pk
        self.username = username

    def get_username(self) -> str:
        return self.username


def cases() -> list[Case]:
    if AuditEvent._meta.db_table not in connection.introspection.table_names():
        raise RuntimeError("the demo database has no audit table: run `shuzheng migrate` first")
    clerk, citizen = _User(3, "clerk"), _User(1, "citizen")
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64)")
    detail = {"field": "id_number", "reason": "窗口核验", "case": "ZJ-2026-000123"}

    def ours() -> None:
        with transaction.atomic():
            for n in range(COUNT):
                audit_record(
                    action="accounts.user.id_number.read",
                    actor=clerk,
                    role="window_officer",
                    on_behalf_of=citizen,
                    object_type="accounts.user",
                    object_id=n,
                    purpose="核验身份",
                    request=request,
                    detail=detail,
                )
            transaction.set_rollback(True)

    def peer() -> None:
        with transaction.atomic():
            head = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
            for n in range(COUNT):
                AuditEvent(
                    seq=head + 1 + n,
                    at=timezone.now(),
                    actor_id=clerk.pk,
                    actor_username=clerk.username,
                    role="window_officer",
                    on_behalf_of_id=citizen.pk,
                    on_behalf_of_username=citizen.username,
                    action="accounts.user.id_number.read",
                    object_type="accounts.user",
                    object_id=str(n),
                    ip="10.1.2.3",
                    user_agent="Mozilla/5.0 (X11; Linux x86_64)",
                    outcome="success",
                    purpose="核验身份",
                    detail=detail,
                    hash_algorithm=settings.SHUZHENG_AUDIT_HASH,
                    prev_hash=GENESIS,
                    hash=GENESIS,
                ).save(force_insert=True)
            transaction.set_rollback(True)

    return [
        Case(
            name=f"audit trail append, {COUNT // 1000}k records",
            ours=ours,
            peer=peer,
            peer_name="plain ORM insert, no chain",
            repeat=5,
            target="ratio ≤ 3",
        )
    ]
