"""The `shuzheng` command: Django's management commands with friendlier names.

`shuzheng seed-demo` runs the `seed_demo` management command; every other
argument passes through unchanged, so `shuzheng migrate` and each app's own
commands work as they do under manage.py.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuzheng.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
