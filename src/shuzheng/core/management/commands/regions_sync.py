"""`shuzheng regions-sync`: bring the region table up to the reference data."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from shuzheng.core import services


class Command(BaseCommand):
    help = "Update the region table from the GB/T 2260 reference data (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        changed = services.regions_sync()
        self.stdout.write(self.style.SUCCESS(f"regions: {changed} changed"))
