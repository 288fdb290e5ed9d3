"""The demo province: a registry of seeders, one per app.

Each app registers a function in its ``AppConfig.ready()``; ``shuzheng
seed-demo`` runs them in registration order (the order of INSTALLED_APPS, so
an app's seeder may rely on the data of the apps listed before it). Every
seeder must be idempotent: running it twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

Seeder = Callable[[], int]  # returns how many rows it created or changed

_seeders: dict[str, Seeder] = {}


def register(name: str, seeder: Seeder) -> None:
    if name in _seeders and _seeders[name] is not seeder:
        raise ValueError(f"demo seeder {name!r} is already registered")
    _seeders[name] = seeder


def seeders() -> dict[str, Seeder]:
    return dict(_seeders)
