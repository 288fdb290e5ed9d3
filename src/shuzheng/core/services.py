"""Writes of the core app: reference data that other apps rely on."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from shuzheng.core import regions
from shuzheng.core.models import CalendarDay, Message, Region


def region_rows(province: str) -> list[dict[str, Any]]:
    """The province's regions as field values, parents before children."""
    rows = []
    for record in regions.province_records(province):
        rows.append(
            {
                "code": record.code,
                "name": record.name,
                "level": record.level,
                "parent_id": record.parent_code,
                "valid_from": record.valid_from,
                "valid_to": record.valid_to,
                "is_aggregate": record.is_aggregate,
                "history": [
                    {"name": p.name, "valid_from": p.valid_from, "valid_to": p.valid_to} for p in record.periods
                ],
            }
        )
    codes = {row["code"] for row in rows}
    for row in rows:
        # A historical county whose prefecture code was never recorded hangs
        # from the province, so the tree has no dangling parents.
        if row["parent_id"] is not None and row["parent_id"] not in codes:
            row["parent_id"] = province + "0000"
    return rows


def regions_sync(*, province: str | None = None, model: type[Model] = Region) -> int:
    """Make the region table equal the reference data; returns rows changed.

    Idempotent. ``model`` lets a data migration pass its historical model.
    """
    province = province or settings.SHUZHENG_PROVINCE
    rows = region_rows(province)
    changed = 0
    with transaction.atomic():
        existing = {obj.pk: obj for obj in model._default_manager.all()}
        for row in rows:
            obj = existing.get(row["code"])
            if obj is None:
                model._default_manager.create(**row)
                changed += 1
                continue
            updates = {key: value for key, value in row.items() if getattr(obj, key) != value}
            if updates:
                model._default_manager.filter(pk=obj.pk).update(**updates)
                changed += 1
    return changed


def calendar_day_set(*, date: datetime.date, is_workday: bool, name: str = "") -> CalendarDay:
    """Enter or change the deployment's schedule for one date."""
    day, _created = CalendarDay.objects.update_or_create(date=date, defaults={"is_workday": is_workday, "name": name})
    return day


def calendar_day_delete(*, date: datetime.date) -> None:
    """Return one date to the library's (or the weekday's) verdict."""
    CalendarDay.objects.filter(date=date).delete()


class CalendarImportError(ValueError):
    """The file was refused; ``problems`` lists each bad line, nothing was saved."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


_HEADERS = {
    "date": "date",
    "日期": "date",
    "is_workday": "is_workday",
    "是否工作日": "is_workday",
    "name": "name",
    "说明": "name",
}
_WORKDAY_WORDS = {
    "1": True,
    "true": True,
    "是": True,
    "上班": True,
    "0": False,
    "false": False,
    "否": False,
    "休息": False,
}


def calendar_import(*, data: bytes) -> int:
    """Enter a year's schedule from CSV (``date,is_workday,name``); all or nothing.

    Accepts UTF-8 (with or without BOM) and GB18030, the two encodings that
    spreadsheets on government desktops produce. Returns rows saved.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise CalendarImportError(["the file is neither UTF-8 nor GB18030 text"]) from None
    reader = csv.reader(io.StringIO(text))
    header = [_HEADERS.get(cell.strip().lower(), cell.strip()) for cell in next(reader, [])]
    if sorted(header) != ["date", "is_workday", "name"]:
        raise CalendarImportError(["line 1: header must be date,is_workday,name (or 日期,是否工作日,说明)"])
    problems: list[str] = []
    entries: dict[datetime.date, tuple[bool, str]] = {}
    for line_number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        row = dict(zip(header, (cell.strip() for cell in cells), strict=False))
        try:
            day = datetime.date.fromisoformat(row.get("date", ""))
        except ValueError:
            problems.append(f"line {line_number}: date {row.get('date', '')!r} is not YYYY-MM-DD")
            continue
        flag = _WORKDAY_WORDS.get(row.get("is_workday", "").lower())
        if flag is None:
            problems.append(
                f"line {line_number}: is_workday {row.get('is_workday', '')!r} is not 1/0, 是/否 or 上班/休息"
            )
            continue
        if day in entries:
            problems.append(f"line {line_number}: {day} appears twice")
            continue
        entries[day] = (flag, row.get("name", ""))
    if problems:
        raise CalendarImportError(problems)
    with transaction.atomic():
        for day, (flag, name) in entries.items():
            calendar_day_set(date=day, is_workday=flag, name=name)
    return len(entries)


# --- in-site messages (sent by core.notifications.notify) ---------------------------------------


def message_read(*, user: Any, message: Message) -> Message:
    """Mark one of the user's own messages read; reading it again keeps the first time."""
    if message.recipient_id != user.pk:
        raise PermissionDenied
    if message.read_at is None:
        now = timezone.now()
        # Conditional, so that two tabs opening the message keep one reading time.
        if Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=now):
            message.read_at = now
        else:
            message.refresh_from_db(fields=["read_at"])
    return message


def messages_read_all(*, user: Any) -> int:
    """Mark every unread message of the user read; returns how many were."""
    return Message.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
