"""`shuzheng seed-demo`: load the demo province into an embedded database."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from shuzheng.core import demo, services


class Command(BaseCommand):
    help = "Load the demo province (regions, personas, …). Idempotent: a second run changes nothing."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("seed-demo refuses to run with SHUZHENG_ENV=production: demo personas share a password.")
        with transaction.atomic():
            changed = {"core.regions": services.regions_sync()}
            for name, seeder in demo.seeders().items():
                changed[name] = seeder()
        for name, count in changed.items():
            self.stdout.write(f"{name}: {count} changed")
        total = sum(changed.values())
        self.stdout.write(self.style.SUCCESS(f"demo province ready ({total} rows changed)"))
