"""`shuzheng sharing escalate`: mark requests past their step's working-day deadline as escalated
to the platform's data authority (run daily from cron).

`shuzheng sharing seal`: chain and sign call records not yet sealed (the worker does this after
each call; the command catches up after an outage).

`shuzheng sharing verify`: walk the whole call log; exits non-zero when a record was altered,
deleted or wrongly signed."""

from __future__ import annotations

from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console

from shuzheng.sharing import selectors, services


class Command(BaseCommand):
    help = "Escalate overdue sharing requests, seal the call log, or verify it."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{escalate,seal,verify}")
        actions.add_parser("escalate", help="escalate requests past their deadline")
        actions.add_parser("seal", help="chain and sign call records not yet sealed")
        actions.add_parser("verify", help="verify the call log's chain and signatures")

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=cast(IO[str], self.stdout), width=120)
        if options["action"] == "escalate":
            escalated = services.requests_escalate_overdue()
            for share in escalated:
                console.print(f"{share.number}  {share.get_status_display()}  {share.due}")
            console.print(f"{len(escalated)} request(s) escalated")
        elif options["action"] == "seal":
            console.print(f"{services.calls_seal()} record(s) sealed")
        else:
            services.calls_seal()
            result = selectors.calls_verify()
            console.print(f"{result.checked} record(s) checked, {result.unsealed} not yet sealed")
            for problem in result.problems:
                console.print(f"[red]{problem}[/red]")
            if not result.intact:
                raise CommandError("the call log is not intact")
            console.print("the call log is intact")
