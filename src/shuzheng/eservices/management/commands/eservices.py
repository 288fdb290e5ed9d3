"""`shuzheng eservices remind`: remind the handlers of cases due soon or overdue (run it daily from
cron or a scheduler; a second run on the same day reminds nobody twice).

`shuzheng eservices export FILE.xlsx` writes every item in force as the Excel workbook the
workbench imports; `shuzheng eservices import FILE` (JSON or .xlsx) drafts the items it holds, all
or nothing, and with `--publish` publishes them at once: the console is trusted, as for the demo."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shuzheng.core.errors import Problem
from shuzheng.eservices import selectors, services
from shuzheng.eservices.workbook import items_from_workbook, items_workbook


class Command(BaseCommand):
    help = "One-stop services: deadline reminders; items in and out as JSON or Excel."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{remind,export,import}")
        actions.add_parser("remind", help="remind handlers of cases due soon or overdue, once a day")
        export = actions.add_parser("export", help="every item in force as an Excel workbook")
        export.add_argument("file", metavar="FILE.xlsx")
        load = actions.add_parser("import", help="draft the items of a JSON or Excel file, all or nothing")
        load.add_argument("file", metavar="FILE")
        load.add_argument("--publish", action="store_true", help="publish them at once, without review")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "remind":
            reminded = services.cases_remind()
            for case in reminded:
                self.stdout.write(f"{case.number} {case.item.name} {case.due:%Y-%m-%d}")
            self.stdout.write(f"{len(reminded)} reminded")
        elif options["action"] == "export":
            items = selectors.items_published()
            Path(options["file"]).write_bytes(
                items_workbook(item.published.definition for item in items if item.published)
            )
            self.stdout.write(f"{items.count()} items written")
        else:
            self._import(Path(options["file"]), options["publish"])

    def _import(self, path: Path, publish: bool) -> None:
        data = path.read_bytes()
        try:
            definitions = json.loads(data.decode("utf-8-sig")) if path.suffix == ".json" else items_from_workbook(data)
            versions = services.items_import(definitions=definitions)
        except Problem as problem:
            raise CommandError(
                "; ".join(str(error["detail"]) for error in problem.errors) or problem.detail
            ) from problem
        if publish:
            for version in versions:
                services.version_publish_unreviewed(version=version)
        self.stdout.write(f"{len(versions)} items {'published' if publish else 'drafted'}")
