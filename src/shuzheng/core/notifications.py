"""Telling people about changes: an in-site message always, external channels as configured.

``notify`` stores the message in the caller's transaction, so a change that
rolls back leaves no message behind. Once the change is committed, each
channel named in ``SHUZHENG_NOTIFY_CHANNELS`` gets the message through its
own background task (``core.tasks.notification_deliver``): a slow SMS gateway
never holds up a request, and a failing channel is logged and retried by the
worker without touching the caller or the other channels.

A channel is a function that delivers one message and raises when it could
not. The platform ships ``console`` (the demo's log line), ``email`` and
``sms``; an app or a deployment adds its own with :func:`channel_register`
(from its ``AppConfig.ready()``). SMS goes through the gateway class named by
``SHUZHENG_SMS_GATEWAY``: a deployment subclasses :class:`SmsGateway` for its
provider.

Neither the log nor any channel's log line carries a whole ID number or
mobile number: texts pass through the audit trail's masking first.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string

from shuzheng.core.audit import mask_identifiers
from shuzheng.core.models import Message

logger = logging.getLogger("shuzheng.notifications")

Send = Callable[[Message], None]


# --- sending -----------------------------------------------------------------------------------


def notify(*, recipient: Any, subject: str, body: str, link: str = "", topic: str = "") -> Message:
    """Store an in-site message for ``recipient`` and, after commit, hand it to every configured channel.

    ``link`` is a path on this site (``/cases/42/``); anything else is refused,
    since the messages page redirects to it.
    """
    if link and not link_is_local(link):
        raise ValueError("a message's link must be a path on this site, such as /cases/42/")
    message = Message.objects.create(recipient=recipient, subject=subject, body=body, link=link, topic=topic)
    channels = list(settings.SHUZHENG_NOTIFY_CHANNELS)
    if channels:
        transaction.on_commit(lambda: _queue(message.pk, channels))
    return message


def link_is_local(link: str) -> bool:
    """Whether ``link`` is a path on this site: no scheme, no host, not protocol-relative."""
    return link.startswith("/") and url_has_allowed_host_and_scheme(link, allowed_hosts=None)


def _queue(message_id: int, channels: list[str]) -> None:
    from shuzheng.core.tasks import notification_deliver

    for channel in channels:
        # One task per channel, so that a retry repeats only the channel that failed.
        try:
            notification_deliver.delay(message_id, channel)
        except Exception:
            # The broker is down: the in-site message stands, the caller's change is committed.
            logger.exception("message %s: could not queue channel %s", message_id, channel)


def message_deliver(*, message_id: int, channel: str) -> None:
    """The worker's half of ``notify``: hand one stored message to one channel; raises if the channel failed."""
    send = _channels.get(channel)
    if send is None:
        logger.error("message %s: no notification channel is called %r", message_id, channel)
        return
    message = Message.objects.select_related("recipient").filter(pk=message_id).first()
    if message is None:  # deleted with its recipient before the worker came to it
        return
    send(message)


# --- channels ----------------------------------------------------------------------------------


def channel_register(name: str, send: Send) -> None:
    """Make ``send`` the channel called ``name`` (replacing any channel of that name)."""
    _channels[name] = send


def _summary(message: Message) -> str:
    """One line about the message, safe for a log: identifiers masked, no body."""
    recipient = getattr(message.recipient, "username", message.recipient_id)
    line = f"message {message.pk} to {recipient} [{message.topic or '-'}]: {message.subject}"
    if message.link:
        line += f" {message.link}"
    return mask_identifiers(" ".join(line.split()))


def console_send(message: Message) -> None:
    """The demo's channel: a line in the log and on standard output."""
    line = _summary(message)
    logger.info("%s", line)
    sys.stdout.write(f"[notify] {line}\n")
    sys.stdout.flush()


def email_send(message: Message) -> None:
    """Mail the message to the recipient's address; a recipient without one gets the in-site message only."""
    address = getattr(message.recipient, "email", "")
    if not address:
        return
    text = message.body
    if message.link:
        text = f"{text}\n\n{message.link}" if text else message.link
    send_mail(message.subject, text, None, [address])


class SmsGateway:
    """A provider's SMS interface; a deployment subclasses it and names the class in ``SHUZHENG_SMS_GATEWAY``.

    ``send`` raises when the provider refused or could not be reached, so the
    worker retries. It must not log the number or the text unmasked.
    """

    def send(self, *, mobile: str, text: str) -> None:
        raise NotImplementedError


class LoggingSmsGateway(SmsGateway):
    """Sends nothing: writes the masked number and text to the log (the demo and tests)."""

    def send(self, *, mobile: str, text: str) -> None:
        logger.info("sms to %s: %s", mask_mobile(mobile), mask_identifiers(text))


def mask_mobile(mobile: str) -> str:
    """``138****1234``: the first three and last four digits of a number, whatever its format."""
    # The last eleven digits: a country code (+86) in front is not the number's start.
    digits = "".join(character for character in mobile if character.isdigit())[-11:]
    if len(digits) < 8:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"


def _sms_text(message: Message) -> str:
    """What an SMS says: the subject, and the page to open (an SMS has room for little else)."""
    return f"{message.subject} {message.link}".strip()


def sms_send(message: Message) -> None:
    """Text the message's subject to the recipient's mobile number, through the configured gateway."""
    mobile = getattr(message.recipient, "mobile", "")
    if not mobile:
        return
    gateway_class: type[SmsGateway] = import_string(settings.SHUZHENG_SMS_GATEWAY)
    gateway_class().send(mobile=mobile, text=_sms_text(message))


_channels: dict[str, Send] = {"console": console_send, "email": email_send, "sms": sms_send}
