"""`shuzheng worker`: the Celery worker that does background runs (ingestion).

``make demo`` starts one beside the web server; a province runs several
against Redis or RabbitMQ."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run a Celery worker for background jobs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--concurrency", type=int, default=1, help="jobs at a time (default 1)")
        parser.add_argument("--loglevel", default="INFO")

    def handle(self, *args: Any, **options: Any) -> None:
        from shuzheng.celery_app import app

        # One process with threads: the embedded SQLite broker and the laptop both prefer it.
        pool = "solo" if options["concurrency"] == 1 else "threads"
        app.worker_main(
            ["worker", f"--loglevel={options['loglevel']}", f"--pool={pool}", f"--concurrency={options['concurrency']}"]
        )
