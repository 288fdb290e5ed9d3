"""Reads of the core app."""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.db import DatabaseError, connections
from django.db.models import QuerySet

from shuzheng.core.audit import mask_identifiers
from shuzheng.core.choices import RegionLevel
from shuzheng.core.models import AuditEvent, Message, Region

logger = logging.getLogger(__name__)


def region_list(
    *, parent: str | None = None, level: RegionLevel | str | None = None, include_historical: bool = False
) -> QuerySet[Region]:
    """Regions for pickers: current, real units unless asked otherwise."""
    queryset = Region.objects.all()
    if not include_historical:
        queryset = queryset.filter(valid_to__isnull=True, is_aggregate=False)
    if parent is not None:
        queryset = queryset.filter(parent_id=parent)
    if level is not None:
        queryset = queryset.filter(level=level)
    return queryset.order_by("code")


def region_get(*, code: str) -> Region | None:
    """One region by code, historical codes included."""
    return Region.objects.filter(pk=code).first()


def region_path(*, region: Region) -> list[Region]:
    """The region and its ancestors, province first."""
    path = [region]
    while path[0].parent_id is not None:
        parent = Region.objects.get(pk=path[0].parent_id)
        path.insert(0, parent)
    return path


def database_status(alias: str = "default") -> tuple[bool, str]:
    """Whether the database answers a trivial query, and why not if it does not."""
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        # The message may name hosts and users: log it, answer with the kind only.
        logger.warning("database %s does not answer: %s", alias, exc)
        return False, type(exc).__name__
    return True, ""


def audit_events(
    *,
    actor_id: int | None = None,
    action: str | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
) -> QuerySet[AuditEvent]:
    """Audit records for the audit administrator's search, newest first; ``until`` is exclusive."""
    queryset = AuditEvent.objects.all()
    if actor_id is not None:
        queryset = queryset.filter(actor_id=actor_id)
    if action is not None:
        queryset = queryset.filter(action=action)
    if object_type is not None:
        queryset = queryset.filter(object_type=object_type)
    if object_id is not None:
        # Stored masked, so a search by the whole number must be masked alike.
        queryset = queryset.filter(object_id=mask_identifiers(str(object_id)))
    if since is not None:
        queryset = queryset.filter(at__gte=since)
    if until is not None:
        queryset = queryset.filter(at__lt=until)
    return queryset.order_by("-seq")


def messages_of(*, user: Any) -> QuerySet[Message]:
    """The user's own in-site messages, newest first."""
    return Message.objects.filter(recipient=user).order_by("-created_at", "-pk")


def messages_unread_count(*, user: Any) -> int:
    """How many of the user's messages are unread: one COUNT query, none for an anonymous user."""
    if not user.is_authenticated:
        return 0
    return Message.objects.filter(recipient=user, read_at__isnull=True).count()
