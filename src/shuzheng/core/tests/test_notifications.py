"""Notifications: the in-site message, the channels after commit, and the messages page.

Personas: ``citizen`` owns the messages, ``stranger`` is another citizen with
messages of her own, ``official`` sees the page in the workbench's frame.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from shuzheng.core import notifications, selectors, services
from shuzheng.core.context_processors import inbox
from shuzheng.core.models import Message
from shuzheng.core.notifications import LoggingSmsGateway, SmsGateway, mask_mobile, notify
from shuzheng.core.tasks import MAX_RETRIES

pytestmark = pytest.mark.django_db

ID_NUMBER = "11010519491231002X"
MOBILE = "13812341234"


class Boom(Exception):
    pass


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch, settings: Any) -> list[Message]:
    """A channel called "recorder", the only one configured; the messages it was given."""
    monkeypatch.setattr(notifications, "_channels", dict(notifications._channels))
    delivered: list[Message] = []
    notifications.channel_register("recorder", delivered.append)
    settings.SHUZHENG_NOTIFY_CHANNELS = ["recorder"]
    return delivered


@pytest.fixture
def stranger(make_user: Callable[..., Any]) -> Any:
    return make_user("citizen_b", kind="natural_person", name="赵敏")


def _notify(recipient: Any, subject: str = "您的申请需要补正材料", **extra: Any) -> Message:
    extra.setdefault("body", "请在 5 个工作日内补正营业执照复印件。")
    extra.setdefault("topic", "eservices.case.correction")
    return notify(recipient=recipient, subject=subject, **extra)


# --- notify ------------------------------------------------------------------------------------


def test_notify_stores_the_in_site_message(citizen: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        message = _notify(citizen, link="/cases/42/")
    stored = Message.objects.get(pk=message.pk)
    assert (stored.recipient, stored.subject, stored.link, stored.topic) == (
        citizen,
        "您的申请需要补正材料",
        "/cases/42/",
        "eservices.case.correction",
    )
    assert stored.read_at is None
    assert callbacks == []  # no channel configured: in-site only, nothing queued


def test_a_rolled_back_change_leaves_no_message_and_sends_nothing(
    citizen: Any, sent: list[Message], django_capture_on_commit_callbacks: Any
) -> None:
    def change_that_fails() -> None:
        with transaction.atomic():
            _notify(citizen)
            raise Boom

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Boom):
        change_that_fails()
    assert Message.objects.count() == 0
    assert callbacks == []
    assert sent == []


def test_channels_get_the_message_after_commit(
    citizen: Any, sent: list[Message], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = _notify(citizen)
        assert sent == []  # not before the change is committed
    assert len(callbacks) == 1
    assert [m.pk for m in sent] == [message.pk]


@pytest.mark.parametrize("link", ["https://phish.example/cases/1/", "//phish.example/", "cases/1/", "javascript:x"])
def test_a_link_off_the_site_is_refused(citizen: Any, link: str) -> None:
    with pytest.raises(ValueError, match="path on this site"):
        _notify(citizen, link=link)
    assert Message.objects.count() == 0


def test_a_failing_channel_is_retried_and_never_breaks_the_caller(
    citizen: Any,
    sent: list[Message],
    settings: Any,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: Any,
) -> None:
    attempts = []

    def broken(message: Message) -> None:
        attempts.append(message.pk)
        raise ConnectionError(f"gateway refused {MOBILE}")

    notifications.channel_register("broken", broken)
    settings.SHUZHENG_NOTIFY_CHANNELS = ["broken", "recorder"]
    with (
        caplog.at_level(logging.WARNING, logger="shuzheng.notifications"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        message = _notify(citizen)
    assert Message.objects.filter(pk=message.pk).exists()
    assert [m.pk for m in sent] == [message.pk]  # the other channel is not held back
    assert len(attempts) == MAX_RETRIES + 1  # the worker ran it eagerly: every retry, then gave up
    assert "giving up" in caplog.text
    assert MOBILE not in caplog.text
    assert "138****1234" in caplog.text


def test_an_unknown_channel_is_logged(
    citizen: Any, settings: Any, caplog: pytest.LogCaptureFixture, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SHUZHENG_NOTIFY_CHANNELS = ["pigeon"]
    with (
        caplog.at_level(logging.ERROR, logger="shuzheng.notifications"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        _notify(citizen)
    assert "no notification channel is called 'pigeon'" in caplog.text


def test_a_broker_that_is_down_leaves_the_message_and_the_caller_alone(
    citizen: Any,
    sent: list[Message],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from shuzheng.core import tasks

    def refuse(*args: Any) -> None:
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.notification_deliver, "delay", refuse)
    with (
        caplog.at_level(logging.ERROR, logger="shuzheng.notifications"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        message = _notify(citizen)
    assert Message.objects.filter(pk=message.pk).exists()
    assert "could not queue channel recorder" in caplog.text


# --- the built-in channels ----------------------------------------------------------------------


def test_console_channel_writes_one_masked_line(
    citizen: Any,
    settings: Any,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.SHUZHENG_NOTIFY_CHANNELS = ["console"]
    with (
        caplog.at_level(logging.INFO, logger="shuzheng.notifications"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        message = _notify(citizen, subject=f"身份证号 {ID_NUMBER} 的申请已受理", link="/cases/7/")
    out = capsys.readouterr().out
    line = [text for text in out.splitlines() if text.startswith("[notify]")]
    assert len(line) == 1
    assert f"message {message.pk} to citizen_a [eservices.case.correction]" in line[0]
    assert "/cases/7/" in line[0]
    assert "110105********002X" in line[0]
    assert ID_NUMBER not in out
    assert ID_NUMBER not in caplog.text
    assert "110105********002X" in caplog.text


def test_email_channel_mails_the_recipient(
    make_user: Callable[..., Any], settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SHUZHENG_NOTIFY_CHANNELS = ["email"]
    with_address = make_user("mail_a", email="wang@example.cn")
    without = make_user("mail_b")
    with django_capture_on_commit_callbacks(execute=True):
        _notify(with_address, link="/cases/42/")
        _notify(without)
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["wang@example.cn"]
    assert sent.subject == "您的申请需要补正材料"
    assert "补正营业执照复印件" in sent.body
    assert "/cases/42/" in sent.body


def test_sms_channel_logs_the_number_masked(
    make_user: Callable[..., Any],
    settings: Any,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.SHUZHENG_NOTIFY_CHANNELS = ["sms"]
    person = make_user("sms_a", mobile=MOBILE)
    with (
        caplog.at_level(logging.INFO, logger="shuzheng.notifications"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        _notify(person, link="/cases/42/")
    assert "sms to 138****1234: 您的申请需要补正材料 /cases/42/" in caplog.text
    assert MOBILE not in caplog.text


class RecordingGateway(SmsGateway):
    texts: list[tuple[str, str]] = []

    def send(self, *, mobile: str, text: str) -> None:
        self.texts.append((mobile, text))


def test_sms_channel_uses_the_configured_gateway(
    make_user: Callable[..., Any], citizen: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SHUZHENG_NOTIFY_CHANNELS = ["sms"]
    settings.SHUZHENG_SMS_GATEWAY = f"{__name__}.RecordingGateway"
    RecordingGateway.texts = []
    person = make_user("sms_b", mobile=MOBILE)
    with django_capture_on_commit_callbacks(execute=True):
        _notify(person)
        _notify(citizen)  # no mobile number: nothing to send
    assert RecordingGateway.texts == [(MOBILE, "您的申请需要补正材料")]


def test_the_base_gateway_sends_nothing_by_itself() -> None:
    with pytest.raises(NotImplementedError):
        SmsGateway().send(mobile=MOBILE, text="x")
    assert issubclass(LoggingSmsGateway, SmsGateway)


@pytest.mark.parametrize(
    ("mobile", "masked"), [(MOBILE, "138****1234"), ("+86 138-1234-1234", "138****1234"), ("12345", "*****")]
)
def test_mask_mobile(mobile: str, masked: str) -> None:
    assert mask_mobile(mobile) == masked


# --- reading ------------------------------------------------------------------------------------


def test_reading_services_touch_only_the_users_own_messages(citizen: Any, stranger: Any) -> None:
    mine = [_notify(citizen), _notify(citizen)]
    theirs = _notify(stranger)
    assert selectors.messages_unread_count(user=citizen) == 2
    with pytest.raises(PermissionDenied):
        services.message_read(user=citizen, message=theirs)
    first = services.message_read(user=citizen, message=mine[0])
    assert first.read_at is not None
    assert services.message_read(user=citizen, message=mine[0]).read_at == first.read_at  # first reading kept
    assert services.messages_read_all(user=citizen) == 1
    assert selectors.messages_unread_count(user=citizen) == 0
    assert selectors.messages_unread_count(user=stranger) == 1
    assert list(selectors.messages_of(user=citizen)) == [mine[1], mine[0]]


# --- the messages page ---------------------------------------------------------------------------


def test_the_owner_sees_own_messages_newest_first_unread_marked(
    citizen: Any, stranger: Any, citizen_client: Client
) -> None:
    _notify(citizen, subject="材料已受理")
    services.message_read(user=citizen, message=Message.objects.get(subject="材料已受理"))
    _notify(citizen, subject="请补正材料")
    _notify(stranger, subject="别人的消息")
    html = citizen_client.get("/messages/").content.decode()
    assert html.index("请补正材料") < html.index("材料已受理")
    assert "别人的消息" not in html
    assert html.count('class="unread"') == 1
    assert "数政 · 一网通办" in html  # the portal's frame


def test_an_official_reads_messages_in_the_workbench_frame(official: Any, official_client: Client) -> None:
    _notify(official, subject="有新的办件待受理")
    html = official_client.get("/messages/").content.decode()
    assert "有新的办件待受理" in html
    assert "数政 · 协同工作台" in html


def test_the_page_holds_twenty_messages(citizen: Any, citizen_client: Client) -> None:
    for number in range(25):
        _notify(citizen, subject=f"第{number:02d}条")
    first = citizen_client.get("/messages/").content.decode()
    second = citizen_client.get("/messages/", {"page": 2}).content.decode()
    assert first.count("<tr") - 1 == 20  # the header row
    assert second.count("<tr") - 1 == 5
    assert "第24条" in first
    assert "第00条" in second


def test_opening_a_message_marks_it_read_and_follows_its_link(citizen: Any, citizen_client: Client) -> None:
    message = _notify(citizen, link="/cases/42/")
    response = citizen_client.post(f"/messages/{message.pk}/open/")
    assert response.status_code == 302
    assert response["Location"] == "/cases/42/"
    message.refresh_from_db()
    assert message.read_at is not None


def test_opening_a_message_without_a_link_returns_to_the_list(citizen: Any, citizen_client: Client) -> None:
    message = _notify(citizen)
    response = citizen_client.post(f"/messages/{message.pk}/open/")
    assert response["Location"] == "/messages/"
    assert Message.objects.get(pk=message.pk).read_at is not None


def test_opening_needs_a_post_with_the_csrf_token(citizen: Any, signed_in: Callable[[Any], Client]) -> None:
    message = _notify(citizen, link="/cases/42/")
    assert signed_in(citizen).get(f"/messages/{message.pk}/open/").status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(citizen, backend="shuzheng.accounts.backends.PlatformBackend")
    assert strict.post(f"/messages/{message.pk}/open/").status_code == 403
    assert Message.objects.get(pk=message.pk).read_at is None


def test_another_users_message_does_not_exist_for_them(
    citizen: Any, stranger: Any, assert_access: Callable[..., None]
) -> None:
    message = _notify(citizen, link="/cases/42/")
    assert_access("post", f"/messages/{message.pk}/open/", stranger=(stranger, 404), anonymous=302)
    assert Message.objects.get(pk=message.pk).read_at is None


def test_mark_all_read_marks_only_the_users_own(citizen: Any, stranger: Any, citizen_client: Client) -> None:
    _notify(citizen)
    _notify(citizen)
    theirs = _notify(stranger)
    response = citizen_client.post("/messages/read-all/", follow=True)
    assert "已将 2 条消息标为已读" in response.content.decode()
    assert selectors.messages_unread_count(user=citizen) == 0
    assert Message.objects.get(pk=theirs.pk).read_at is None


def test_an_anonymous_visitor_is_sent_to_sign_in(client: Client) -> None:
    for method, url in [("get", "/messages/"), ("post", "/messages/1/open/"), ("post", "/messages/read-all/")]:
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


# --- the header's badge ----------------------------------------------------------------------------


def test_the_badge_counts_unread_messages_in_both_frames(
    citizen: Any, official: Any, citizen_client: Client, official_client: Client
) -> None:
    _notify(citizen)
    _notify(citizen)
    services.message_read(user=citizen, message=_notify(citizen))
    portal = citizen_client.get("/").content.decode()
    assert '<span class="badge">2<span class="visually-hidden"> 条未读</span></span>' in portal
    workbench = official_client.get("/workbench/").content.decode()
    assert 'href="/messages/"' in workbench
    assert 'class="badge"' not in workbench  # nothing unread, no badge
    _notify(official)
    assert '<span class="badge">1<' in official_client.get("/workbench/").content.decode()


def test_the_badge_costs_one_count_query_and_none_for_the_anonymous(
    citizen: Any, citizen_client: Client, django_assert_num_queries: Any
) -> None:
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert inbox(request) == {"unread_message_count": 0}
    _notify(citizen)
    request.user = citizen
    with django_assert_num_queries(1):
        context = inbox(request)
        assert context["unread_message_count"] == 1
        assert str(context["unread_message_count"]) == "1"  # counted once, however often it is shown
    with CaptureQueriesContext(connection) as queries:
        citizen_client.get("/messages/")  # the header's badge and the page's "mark all read" share one count
    counts = [q["sql"] for q in queries.captured_queries if "core_message" in q["sql"] and "COUNT" in q["sql"]]
    assert len([sql for sql in counts if "IS NULL" in sql]) == 1
    assert len(counts) == 2  # and the paginator's, of all the user's messages


def test_an_anonymous_page_counts_no_messages(client: Client) -> None:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert not any("core_message" in q["sql"] for q in queries.captured_queries)
