from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from shuzheng.core import services
from shuzheng.core.models import AuditEvent, CalendarDay, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin[Region]):
    """Regions are reference data synced by `shuzheng regions-sync`; read-only here."""

    list_display = ["code", "name", "level", "parent", "valid_from", "valid_to", "is_aggregate"]
    list_filter = ["level", "is_aggregate"]
    search_fields = ["code", "name"]
    readonly_fields = ["code", "name", "level", "parent", "valid_from", "valid_to", "is_aggregate", "history"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Region | None = None) -> bool:
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin[CalendarDay]):
    list_display = ["date", "is_workday", "name", "updated_at"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
    search_fields = ["name"]

    def get_readonly_fields(self, request: HttpRequest, obj: CalendarDay | None = None) -> list[str]:
        # The date is the row's identity; enter another date as a new row.
        return ["date"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: CalendarDay, form: Any, change: bool) -> None:
        saved = services.calendar_day_set(date=obj.date, is_workday=obj.is_workday, name=obj.name)
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: CalendarDay) -> None:
        services.calendar_day_delete(date=obj.date)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarDay]) -> None:
        for day in queryset:
            services.calendar_day_delete(date=day.date)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    """The audit trail, to read: records are written by `core.audit` only, and the database refuses changes."""

    list_display = ["seq", "at_display", "actor_username", "role", "action", "object_type", "object_id", "outcome"]
    list_filter = ["outcome", "hash_algorithm"]
    search_fields = ["action", "actor_username", "object_type", "object_id"]
    date_hierarchy = "at"
    readonly_fields = [field.name for field in AuditEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False
