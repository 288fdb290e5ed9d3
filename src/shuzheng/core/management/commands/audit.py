"""`shuzheng audit verify|checkpoint|purge --before DATE`: look after the audit trail."""

from __future__ import annotations

import argparse
import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shuzheng.core import audit


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date in the form YYYY-MM-DD") from None


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain and checkpoints, write a checkpoint, or purge old records."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{verify,checkpoint,purge}")
        actions.add_parser("verify", help="check every record and checkpoint; exit status 1 at the first break")
        actions.add_parser("checkpoint", help="write the chain head to SHUZHENG_AUDIT_CHECKPOINT_FILE")
        purge = actions.add_parser("purge", help="delete records older than the retention period")
        purge.add_argument("--before", required=True, type=_date, help="delete records written before this date")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            self._verify()
        elif options["action"] == "checkpoint":
            self._checkpoint()
        else:
            self._purge(options["before"])

    def _verify(self) -> None:
        result = audit.audit_verify()
        if not result.ok:
            where = "" if result.first_broken_seq is None else f" at seq {result.first_broken_seq}"
            raise CommandError(f"broken{where}: {result.reason}")
        if not audit.audit_guard_installed():
            # The chain is intact, but nothing stops the application from changing it.
            raise CommandError(
                f"ok, {result.checked} records, but the append-only triggers are missing or disabled: "
                "run `shuzheng migrate`, or find out who removed them"
            )
        self.stdout.write(self.style.SUCCESS(f"ok, {result.checked} records, {result.checkpoints} checkpoints"))

    def _checkpoint(self) -> None:
        audit.audit_checkpoint()
        try:
            marks = audit.checkpoint_read()
        except audit.CheckpointFileError as exc:
            raise CommandError(f"checkpoint written, but the checkpoint file does not verify: {exc}") from exc
        if not marks:
            self.stdout.write("the audit trail is empty: nothing to checkpoint")
            return
        self.stdout.write(self.style.SUCCESS(f"checkpoint: record {marks[-1].seq} ({marks[-1].hash[:16]}…)"))

    def _purge(self, before: datetime.date) -> None:
        try:
            deleted = audit.audit_purge(before=before)
        except audit.AuditPurgeRefused as exc:
            raise CommandError(f"nothing purged: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"purged {deleted} records written before {before.isoformat()}"))
