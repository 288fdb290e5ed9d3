"""Background work of the kernel: the worker only calls the notifications service."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task

from shuzheng.core.audit import mask_identifiers
from shuzheng.core.notifications import message_deliver

logger = logging.getLogger("shuzheng.notifications")

# A gateway that is down for a while is tried again after 1, 2, 4, 8 and 16 minutes, then given up.
MAX_RETRIES = 5
FIRST_RETRY_SECONDS = 60


@shared_task(bind=True, name="core.notification_deliver", acks_late=True, ignore_result=True, max_retries=MAX_RETRIES)
def notification_deliver(self: Any, message_id: int, channel: str) -> None:
    try:
        message_deliver(message_id=message_id, channel=channel)
    except Exception as exc:
        attempt = self.request.retries + 1
        # A gateway's error may quote the number it was given.
        reason = mask_identifiers(f"{type(exc).__name__}: {exc}")
        if attempt > MAX_RETRIES:
            logger.error("message %s: channel %s failed %d times, giving up: %s", message_id, channel, attempt, reason)
            return
        logger.warning("message %s: channel %s failed (attempt %d): %s", message_id, channel, attempt, reason)
        # Not ``exc=exc``: the worker would log the unmasked text of the error with the retry.
        raise self.retry(countdown=FIRST_RETRY_SECONDS * 2 ** (attempt - 1)) from None
