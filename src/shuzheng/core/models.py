from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shuzheng.core.choices import RegionLevel


class Region(models.Model):
    """An administrative division of the deployment's province (GB/T 2260).

    Historical codes are kept (``valid_to`` set) because ID numbers and old
    records still carry them; pickers offer only current, non-aggregate codes.
    """

    code = models.CharField(_("区划代码"), max_length=6, primary_key=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("级别"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.PositiveSmallIntegerField(_("启用年份"), null=True, blank=True)
    valid_to = models.PositiveSmallIntegerField(_("停用年份"), null=True, blank=True)
    is_aggregate = models.BooleanField(_("统计汇总码"), default=False, help_text=_("如“市辖区”，不是独立的行政单位"))
    # Every name the code has carried: [{"name", "valid_from", "valid_to"}].
    history = models.JSONField(_("名称沿革"), default=list, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "行政区划")
        verbose_name_plural = pgettext_lazy("models", "行政区划")
        ordering = ["code"]
        indexes = [models.Index(fields=["parent", "code"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_current(self) -> bool:
        return self.valid_to is None


class CalendarDay(models.Model):
    """A deployment's own entry in the working-day calendar.

    Overrides the holiday library for one date: the State Council publishes
    each year's schedule late in the year before, usually before the library
    ships it, and local governments occasionally add days of their own.
    """

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    name = models.CharField(_("说明"), max_length=64, blank=True, help_text=_("如“春节”“国庆节调休上班”"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "工作日历调整")
        verbose_name_plural = pgettext_lazy("models", "工作日历调整")
        ordering = ["date"]

    def __str__(self) -> str:
        kind = _("工作日") if self.is_workday else _("休息日")
        return f"{self.date:%Y-%m-%d} {kind} {self.name}".strip()
