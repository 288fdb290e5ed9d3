"""Pages of one-stop services: the portal's (``portal``) and the workbench's (``workbench``,
``items``, ``pledges``, ``ratings``)."""

from __future__ import annotations

from django.http import QueryDict


def text(data: QueryDict, name: str, limit: int) -> str:
    """A free-text value of a form posted without a Django form: trimmed, cut to ``limit``, and
    without NUL characters (which PostgreSQL cannot store)."""
    return data.get(name, "").replace("\x00", "").strip()[:limit]
