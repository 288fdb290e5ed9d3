"""`shuzheng privacy trace FILE [--dataset CODE]`: which recorded release a leaked file (CSV in any
Chinese encoding, XLSX, JSON or Parquet; rows re-ordered or cut, columns dropped) came from.

`shuzheng privacy classify CODE [CODE …]`: propose each field's kind of personal data from a sample
of the dataset's rows. The console is trusted: no account's permissions apply."""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from shuzheng.catalog.selectors import datasets_with_codes
from shuzheng.privacy import selectors, services


class Command(BaseCommand):
    help = "Trace a leaked extract to its release, or classify datasets' fields."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{trace,classify}")
        trace = actions.add_parser("trace", help="which release a leaked file came from")
        trace.add_argument("file", metavar="FILE")
        trace.add_argument("--dataset", metavar="CODE", help="only the releases of this dataset")
        classify = actions.add_parser("classify", help="propose the kind of personal data of each field")
        classify.add_argument("codes", nargs="+", metavar="CODE")

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=cast(IO[str], self.stdout), width=120)
        if options["action"] == "trace":
            self._trace(console, Path(options["file"]), options["dataset"])
        else:
            self._classify(console, options["codes"])

    def _dataset(self, code: str) -> Any:
        dataset = datasets_with_codes(codes=[code]).first()
        if dataset is None:
            raise CommandError(f"no dataset {code}")
        return dataset

    def _trace(self, console: Console, path: Path, code: str | None) -> None:
        if not path.is_file():
            raise CommandError(f"no file {path}")
        try:
            found = services.release_trace(path=path, dataset=self._dataset(code) if code else None)
        except ValueError as exc:
            raise CommandError(f"cannot read {path}: {exc}") from None
        table = Table("release", "dataset", "recipient", "reference", "released", "honey keys", "bits", "p-value")
        for release, evidence in found[:10]:
            table.add_row(
                str(release.pk),
                release.dataset.code,
                release.recipient,
                release.reference,
                f"{release.released_at:%Y-%m-%d %H:%M}",
                f"{evidence.honey_found}/{evidence.honey_candidates}",
                f"{evidence.bits_matched}/{evidence.bits_tested}",
                f"{evidence.p_value:.2e}",
            )
        console.print(table)
        if found and found[0][1].identified:
            release = found[0][0]
            console.print(f"identified: release {release.pk} to {release.recipient} ({release.reference})")
        else:
            console.print("no release identified")

    def _classify(self, console: Console, codes: list[str]) -> None:
        labels = dict(selectors.kind_labels())
        for code in codes:
            dataset = self._dataset(code)
            try:
                proposals = services.dataset_classify(user=None, dataset=dataset)
            except services.PrivacyInvalid as invalid:
                raise CommandError(f"{code}: {invalid}") from None
            table = Table("field", "kind", "share", "grade", title=f"{dataset.code} {dataset.title}")
            for proposal in proposals:
                table.add_row(
                    proposal.field_name, labels.get(proposal.kind, "—"), f"{proposal.share:.0%}", proposal.grade
                )
            console.print(table)
