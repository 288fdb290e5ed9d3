"""Problem tickets (问题反馈): opened by failing rules, worked by the department within working days,
verified by a re-check, disputed and decided by the platform, reported by consumers, reminded."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from shuzheng.catalog import services as catalog
from shuzheng.core.selectors import audit_events, messages_of
from shuzheng.core.workdays import add_working_days
from shuzheng.quality import selectors, services
from shuzheng.quality.models import Ticket
from shuzheng.quality.tests.factories import ROWS, add

pytestmark = pytest.mark.django_db


@pytest.fixture
def failing(enterprises: Any, people: dict[str, Any]) -> Any:
    """A check of the register whose USCC rule fails (one wrong check character)."""
    rule = add(people, enterprises, "uscc", ["uscc"])
    add(people, enterprises, "not_null", ["uscc"])  # passes: opens nothing
    services.quality_check(dataset=enterprises)
    return rule


def history(ticket: Ticket) -> list[tuple[str, str]]:
    return [(step.event, step.to_status) for step in ticket.steps.order_by("at", "pk")]


def test_a_failing_rule_opens_one_ticket_with_a_working_day_deadline(
    failing: Any, enterprises: Any, settings: Any
) -> None:
    ticket = Ticket.objects.get()
    assert (ticket.rule, ticket.status, ticket.source, ticket.failed) == (failing, "open", "check", 1)
    assert ticket.organisation_id == enterprises.organisation_id
    assert ticket.due_on == add_working_days(ticket.opened_at.date(), settings.SHUZHENG_QUALITY_TICKET_DAYS)
    assert ticket.number.startswith("ZL")
    services.quality_check(dataset=enterprises)  # still failing: the same ticket, now on the new run
    assert Ticket.objects.count() == 1
    assert audit_events().filter(action="quality.ticket.opened", object_id=ticket.number).count() == 1


def test_fixed_and_verified_by_a_recheck(failing: Any, enterprises: Any, people: dict[str, Any]) -> None:
    ticket = Ticket.objects.get()
    officer = people["officer"]
    services.ticket_transition(actor=officer, ticket=ticket, action="acknowledge")
    services.ticket_transition(actor=officer, ticket=ticket, action="fix", note="已更正校验位")
    services.quality_check(dataset=enterprises)  # still wrong: back to the department
    ticket.refresh_from_db()
    assert ticket.status == "open"
    services.ticket_transition(actor=officer, ticket=ticket, action="fix", note="已更正")
    catalog.resource_load_rows(dataset=enterprises, name="企业清单", rows=[ROWS[0], ROWS[2]])
    services.quality_check(dataset=enterprises)
    ticket.refresh_from_db()
    assert ticket.status == "closed"
    assert ticket.closed_at is not None
    assert history(ticket) == [
        ("opened", "open"),
        ("acknowledged", "acknowledged"),
        ("fixed", "fixed"),
        ("reopened", "open"),
        ("fixed", "fixed"),
        ("verified", "closed"),
    ]
    add(people, enterprises, "region_code", ["region"])  # a new failure later opens a new ticket
    catalog.resource_load_rows(dataset=enterprises, name="企业清单", rows=[ROWS[0], {**ROWS[2], "region": "330199"}])
    services.quality_check(dataset=enterprises)
    assert Ticket.objects.filter(status="open").count() == 1


def test_a_dispute_is_decided_by_the_platform_not_by_the_department(failing: Any, people: dict[str, Any]) -> None:
    ticket = Ticket.objects.get()
    with pytest.raises(services.TicketInvalid) as refused:
        services.ticket_transition(actor=people["officer"], ticket=ticket, action="dispute")
    assert refused.value.problems[0][0] == "note"
    services.ticket_transition(actor=people["officer"], ticket=ticket, action="dispute", note="该代码为历史赋码")
    with pytest.raises(services.TicketForbidden):
        services.ticket_transition(actor=people["officer"], ticket=ticket, action="accept_dispute")
    with pytest.raises(services.TicketInvalid):
        services.ticket_transition(actor=people["platform"], ticket=ticket, action="reject_dispute")
    ticket = services.ticket_transition(
        actor=people["platform"], ticket=ticket, action="reject_dispute", note="校验位错误，应更正"
    )
    assert ticket.status == "open"
    services.ticket_transition(actor=people["officer"], ticket=ticket, action="dispute", note="补充材料：历史赋码")
    ticket = services.ticket_transition(actor=people["platform"], ticket=ticket, action="accept_dispute")
    assert ticket.status == "closed"
    assert ticket.dispute_reason == "补充材料：历史赋码"


def test_only_the_owning_department_works_its_tickets(failing: Any, people: dict[str, Any]) -> None:
    ticket = Ticket.objects.get()
    for who in ("elsewhere", "bystander", "citizen"):
        with pytest.raises(services.TicketForbidden):
            services.ticket_transition(actor=people[who], ticket=ticket, action="acknowledge")
    with pytest.raises(services.TicketForbidden):
        services.ticket_transition(actor=people["officer"], ticket=ticket, action="accept_dispute")
    assert services.ticket_actions(user=people["officer"], ticket=ticket) == ["acknowledge", "fix", "dispute"]
    assert services.ticket_actions(user=people["elsewhere"], ticket=ticket) == []


def test_who_sees_which_tickets(failing: Any, people: dict[str, Any]) -> None:
    number = Ticket.objects.get().number
    assert selectors.ticket_visible(user=people["officer"], number=number) is not None
    assert selectors.ticket_visible(user=people["platform"], number=number) is not None
    for who in ("elsewhere", "bystander", "citizen"):
        assert selectors.ticket_visible(user=people[who], number=number) is None


def test_consumers_report_problems_to_the_owner(enterprises: Any, people: dict[str, Any]) -> None:
    ticket = services.ticket_report(
        reporter=people["elsewhere"], dataset=enterprises, description="第 2 行企业的统一社会信用代码与营业执照不一致"
    )
    assert (ticket.source, ticket.rule, ticket.organisation_id) == ("consumer", None, enterprises.organisation_id)
    by_citizen = services.ticket_report(
        reporter=people["citizen"], dataset=enterprises, description="杭州知味餐饮有限公司的所在地区划代码不存在"
    )
    assert selectors.ticket_visible(user=people["citizen"], number=by_citizen.number) is not None
    assert selectors.ticket_visible(user=people["citizen"], number=ticket.number) is None
    with pytest.raises(services.TicketInvalid):
        services.ticket_report(reporter=people["officer"], dataset=enterprises, description="本部门自己的数据问题反馈")
    with pytest.raises(services.TicketInvalid):
        services.ticket_report(reporter=people["citizen"], dataset=enterprises, description="有错")
    services.ticket_transition(actor=people["officer"], ticket=by_citizen, action="fix", note="已更正区划代码")
    with pytest.raises(services.TicketForbidden):
        services.ticket_transition(actor=people["officer"], ticket=by_citizen, action="verify")
    closed = services.ticket_transition(actor=people["citizen"], ticket=by_citizen, action="verify")
    assert closed.status == "closed"


def test_reminders_go_out_once_a_day_for_tickets_due_soon_or_overdue(failing: Any, settings: Any) -> None:
    ticket = Ticket.objects.get()
    settings.SHUZHENG_QUALITY_REMIND_DAYS = 2
    early = ticket.opened_at.date()
    assert services.tickets_remind(today=early) == []  # five working days away
    soon = ticket.due_on - datetime.timedelta(days=1)
    assert services.tickets_remind(today=soon) == [ticket]
    assert services.tickets_remind(today=soon) == []  # once a day
    late = ticket.due_on + datetime.timedelta(days=3)
    assert services.tickets_remind(today=late) == [ticket]
    ticket.refresh_from_db()
    assert (ticket.reminders, ticket.last_reminded_on) == (2, late)
    assert [event for event, _ in history(ticket)].count("reminded") == 2
    assert audit_events().filter(action="quality.ticket.reminded").count() == 2


def test_the_command_reminds(failing: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    ticket = Ticket.objects.get()
    Ticket.objects.filter(pk=ticket.pk).update(due_on=datetime.date(2020, 1, 6))
    out = StringIO()
    call_command("quality", "remind", stdout=out)
    assert ticket.number in out.getvalue()
    assert "1 reminded" in out.getvalue()


def test_the_department_hears_of_its_tickets_and_the_reporter_of_the_answer(
    failing: Any, enterprises: Any, people: dict[str, Any]
) -> None:
    ticket = Ticket.objects.get()
    [opened] = messages_of(user=people["officer"])
    assert opened.subject == f"数据质量问题工单 {ticket.number}：提出"
    assert opened.link == f"/workbench/quality/tickets/{ticket.number}/"
    assert "企业登记信息" in opened.body
    assert ticket.due_on.isoformat() in opened.body
    for stranger in ("elsewhere", "platform", "bystander"):
        assert not messages_of(user=people[stranger]).exists()
    services.tickets_remind(today=ticket.due_on + datetime.timedelta(days=1))
    reminded = messages_of(user=people["officer"]).first()
    assert reminded is not None
    assert reminded.subject.endswith("催办")
    assert "已超过整改期限" in reminded.body

    report = services.ticket_report(
        reporter=people["elsewhere"], dataset=enterprises, description="第 2 行企业的统一社会信用代码与营业执照不一致"
    )
    services.ticket_transition(actor=people["officer"], ticket=report, action="fix", note="已按营业执照更正")
    assert not messages_of(user=people["elsewhere"]).exists()  # "fixed" is the department's word, not the answer
    services.ticket_transition(actor=people["platform"], ticket=report, action="verify")
    [answer] = messages_of(user=people["elsewhere"])
    assert answer.subject == f"数据质量问题工单 {report.number}：复核通过"
    by_citizen = services.ticket_report(
        reporter=people["citizen"], dataset=enterprises, description="杭州知味餐饮有限公司的所在地区划代码不存在"
    )
    services.ticket_transition(actor=people["officer"], ticket=by_citizen, action="fix", note="已更正区划代码")
    services.ticket_transition(actor=people["citizen"], ticket=by_citizen, action="verify")
    assert not messages_of(user=people["citizen"]).exists()  # nobody is told of their own step
