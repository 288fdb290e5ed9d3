"""`shuzheng quality check CODE [CODE …] | --all`: check datasets against their rules, with a
summary table per dataset (failing rows per rule, the score).

`shuzheng quality rules export CODE` prints a dataset's rules as YAML; `shuzheng quality rules
import CODE FILE.yaml [--replace]` declares them from such a file, all or nothing, and importing
the same file again changes nothing. The console is trusted: no account's permissions apply.

`shuzheng quality remind`: remind departments of problem tickets due soon or overdue (run it
daily from cron or a scheduler; a second run on the same day reminds nobody twice)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from shuzheng.catalog.selectors import datasets_with_codes
from shuzheng.quality import selectors, services
from shuzheng.quality.models import QualityRule
from shuzheng.quality.registry import rule_types


class Command(BaseCommand):
    help = "Check datasets against their quality rules and print what failed."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{check,rules,remind}")
        actions.add_parser("remind", help="remind departments of tickets due soon or overdue, once a day")
        check = actions.add_parser("check", help="check the datasets named by code, or every dataset with rules")
        check.add_argument("codes", nargs="*", metavar="CODE", help="dataset codes, e.g. 330100-000001")
        check.add_argument("--all", action="store_true", help="every dataset that has rules")
        rules = actions.add_parser("rules", help="a dataset's rules as YAML: export, import")
        verbs = rules.add_subparsers(dest="verb", required=True, metavar="{export,import}")
        export = verbs.add_parser("export", help="print the dataset's rules as YAML")
        export.add_argument("code", metavar="CODE")
        load = verbs.add_parser("import", help="declare the dataset's rules from a YAML file (- reads stdin)")
        load.add_argument("code", metavar="CODE")
        load.add_argument("file", metavar="FILE")
        load.add_argument("--replace", action="store_true", help="remove the dataset's rules the file does not have")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "remind":
            reminded = services.tickets_remind()
            for ticket in reminded:
                self.stdout.write(f"{ticket.number} {ticket.dataset.code} {ticket.due_on:%Y-%m-%d}")
            self.stdout.write(f"{len(reminded)} reminded")
            return
        if options["action"] == "rules":
            self._rules(options)
        else:
            self._check(options)

    def _rules(self, options: dict[str, Any]) -> None:
        (dataset,) = _datasets([options["code"]], False)
        if options["verb"] == "export":
            self.stdout.write(selectors.rules_export_yaml(dataset=dataset), ending="")
            return
        text = _read(options["file"])
        try:
            result = services.rules_import_yaml(editor=None, dataset=dataset, text=text, replace=options["replace"])
        except services.QualityInvalid as exc:
            for path, _code, message in exc.problems:
                self.stderr.write(f"{path or options['file']}: {message}")
            raise CommandError(f"{len(exc.problems)} problems in {options['file']}; nothing was imported") from None
        self.stdout.write(
            f"{dataset.code}: {result.created} added, {result.updated} changed, "
            f"{result.unchanged} unchanged, {result.removed} removed"
        )

    def _check(self, options: dict[str, Any]) -> None:
        datasets = _datasets(options["codes"], options["all"])
        # OutputWrapper passes write and flush through to the stream, which is all rich needs.
        console = Console(file=cast(IO[str], self.stdout), width=120)
        failed = 0
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("检查", total=len(datasets))
            runs = []
            for dataset in datasets:
                progress.update(task, description=dataset.code)
                runs.append((dataset, services.quality_check(dataset=dataset)))
                progress.advance(task)
        for dataset, run in runs:
            console.print(_summary(dataset, run))
            failed += run.status != "succeeded"
        if failed:
            raise CommandError(f"{failed} of {len(runs)} checks could not run")


def _read(name: str) -> str:
    if name == "-":
        return sys.stdin.read()
    try:
        return Path(name).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"cannot read {name}: {exc}") from None


def _datasets(codes: list[str], every: bool) -> list[Any]:
    if every:
        codes = sorted(set(QualityRule.objects.values_list("dataset__code", flat=True)))
    elif not codes:
        raise CommandError("name dataset codes, or --all")
    found = {dataset.code: dataset for dataset in datasets_with_codes(codes=codes)}
    if missing := [code for code in codes if code not in found]:
        raise CommandError(f"no such dataset: {', '.join(missing)}")
    return [found[code] for code in codes]


def _summary(dataset: Any, run: Any) -> Table:
    title = f"{dataset.code} {dataset.title} — {run.rows} 行，得分 {run.score if run.score is not None else '—'}"
    table = Table(title=title, title_justify="left")
    for column in ("规则", "字段", "严重程度", "不通过"):
        table.add_column(column, justify="right" if column == "不通过" else "left")
    if run.status != "succeeded":
        table.add_row(f"[red]{run.error}[/red]", "", "", "")
    for result in run.results.select_related("rule").order_by("rule"):
        rule = result.rule
        name = str(rule_types()[rule.rule_type].name)
        table.add_row(name, "、".join(rule.fields), rule.get_severity_display(), f"{result.failed:,}")
    return table
