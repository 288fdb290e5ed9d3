from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from shuzheng import __version__
from shuzheng.core import selectors


def shell(request: HttpRequest) -> dict[str, Any]:
    """What every page of the portal and the workbench shows in its frame."""
    return {"shuzheng_version": __version__}


def inbox(request: HttpRequest) -> dict[str, Any]:
    """The header's unread-message badge: counted once, and only when a page shows it to a signed-in user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_message_count": 0}
    return {"unread_message_count": SimpleLazyObject(lambda: selectors.messages_unread_count(user=user))}
