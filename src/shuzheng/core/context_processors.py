from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from shuzheng import __version__


def shell(request: HttpRequest) -> dict[str, Any]:
    """What every page of the portal and the workbench shows in its frame."""
    return {"shuzheng_version": __version__}
