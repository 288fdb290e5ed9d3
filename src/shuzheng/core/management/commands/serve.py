"""`shuzheng serve [--port N]`: run the platform with gunicorn.

The same server as in production, so the demo behaves like a deployment;
static files are served by WhiteNoise from the collected directory.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from gunicorn.app.base import BaseApplication

from shuzheng.wsgi import application


class _Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return application


class Command(BaseCommand):
    help = "Serve the platform over HTTP (gunicorn)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
        parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
        parser.add_argument("--threads", type=int, default=4, help="threads per worker (default 4)")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"shuzheng serving on http://{options['host']}:{options['port']}/")
        _Server(
            {
                "bind": f"{options['host']}:{options['port']}",
                "workers": options["workers"],
                "threads": options["threads"],
                "accesslog": "-",
                "timeout": 60,
            }
        ).run()
