"""`shuzheng worker [--beat]`: the Celery worker that does background runs (ingestion, checks,
notifications); with ``--beat`` it also starts what the platform does by itself at set times
(scheduled pipelines, daily reminders: settings.CELERY_BEAT_SCHEDULE).

``make demo`` starts one with its beat beside the web server; a province runs several workers
against Redis or RabbitMQ and one beat of its own (``celery -A shuzheng.celery_app beat``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run a Celery worker for background jobs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--concurrency", type=int, default=1, help="jobs at a time (default 1)")
        parser.add_argument("--loglevel", default="INFO")
        parser.add_argument("--beat", action="store_true", help="also start the scheduled jobs (one beat per platform)")

    def handle(self, *args: Any, **options: Any) -> None:
        from shuzheng.celery_app import app

        # One process with threads: the embedded SQLite broker and the laptop both prefer it.
        pool = "solo" if options["concurrency"] == 1 else "threads"
        concurrency, loglevel = options["concurrency"], options["loglevel"]
        argv = ["worker", f"--loglevel={loglevel}", f"--pool={pool}", f"--concurrency={concurrency}"]
        app.worker_main([*argv, "--beat"] if options["beat"] else argv)
