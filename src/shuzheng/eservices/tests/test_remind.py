"""Deadline reminders and the console's item import and export."""

from __future__ import annotations

import datetime
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from shuzheng.core.selectors import messages_of
from shuzheng.eservices import services
from shuzheng.eservices.choices import CaseAction
from shuzheng.eservices.models import Case, ServiceItem
from shuzheng.eservices.tests.conftest import act, apply
from shuzheng.eservices.tests.factories import definition
from shuzheng.eservices.tests.test_services import on


def subjects(user: Any) -> list[str]:
    return [message.subject for message in messages_of(user=user)]


def test_handlers_are_reminded_of_cases_due_soon_or_overdue_once_a_day(
    cast: dict[str, Any], submitted: Case, item: Any
) -> None:
    with on(datetime.date(2026, 11, 2)):
        case = act(submitted, cast["clerk"], CaseAction.ACCEPT)  # promised by 5 November
        far = apply(cast["neighbour"], item)  # not accepted: no deadline yet
    assert services.cases_remind(today=datetime.date(2026, 11, 2)) == []
    assert [c.pk for c in services.cases_remind(today=datetime.date(2026, 11, 3))] == [case.pk]
    assert any("将于 2026-11-05 到期" in subject for subject in subjects(cast["clerk"]))
    assert services.cases_remind(today=datetime.date(2026, 11, 3)) == []  # once a day
    assert [c.pk for c in services.cases_remind(today=datetime.date(2026, 11, 6))] == [case.pk]
    assert any("已超过办结期限" in subject for subject in subjects(cast["clerk"]))
    assert not any("到期" in subject or "超过" in subject for subject in subjects(cast["stranger"]))
    assert far.pk not in {c.pk for c in services.cases_remind(today=datetime.date(2026, 11, 9))}


def test_a_case_nobody_has_touched_reminds_everyone_who_may_act(
    cast: dict[str, Any], submitted: Case, grant: Any, make_user: Any
) -> None:
    colleague = make_user("market_clerk_2", kind="official", name="周敏")
    grant(colleague, "eservices.case.accept")
    Case.objects.filter(pk=submitted.pk).update(promised_due=datetime.date(2026, 11, 3))
    services.cases_remind(today=datetime.date(2026, 11, 3))
    for user in (cast["clerk"], colleague):
        assert any("到期" in subject for subject in subjects(user)), user
    assert not any("到期" in subject for subject in subjects(cast["reviewer"]))  # no acceptance role


def test_the_console_exports_and_imports_items(cast: dict[str, Any], item: Any, tmp_path: Path) -> None:
    workbook = tmp_path / "items.xlsx"
    call_command("eservices", "export", str(workbook), stdout=io.StringIO())
    spare = tmp_path / "items.json"
    spare.write_text(json.dumps([definition(basic_code="000120001077")], ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    call_command("eservices", "import", str(spare), "--publish", stdout=out)
    assert "1 items published" in out.getvalue()
    assert ServiceItem.objects.get(basic_code="000120001077").published is not None
    call_command("eservices", "import", str(workbook), stdout=io.StringIO())  # drafts of the exported items
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([definition(promised_days=99)]), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("eservices", "import", str(bad), stdout=io.StringIO())
