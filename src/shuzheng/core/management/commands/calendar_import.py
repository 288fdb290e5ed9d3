"""`shuzheng calendar-import FILE`: enter a year's official holiday schedule."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shuzheng.core import services


class Command(BaseCommand):
    help = "Import holidays and adjusted working days from CSV: date,is_workday,name (UTF-8 or GB18030)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        try:
            saved = services.calendar_import(data=data)
        except services.CalendarImportError as exc:
            raise CommandError("nothing imported:\n  " + "\n  ".join(exc.problems)) from exc
        self.stdout.write(self.style.SUCCESS(f"calendar: {saved} days saved"))
