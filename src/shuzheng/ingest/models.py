from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shuzheng.ingest.choices import LoadMode, QuarantineStatus, RunStatus, SourceKind


class Source(models.Model):
    """Where a department's data comes from: uploaded files, a database table, an HTTP API or
    another dataset of the platform. ``options`` holds what the kind needs (see ingest.sources)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("所属部门"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=SourceKind.choices)
    options = models.JSONField(_("连接参数"), default=dict, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("model", "数据源")
        verbose_name_plural = pgettext_lazy("models", "数据源")
        ordering = ["organisation", "name"]

    def __str__(self) -> str:
        return self.name


class Pipeline(models.Model):
    """How a source's rows become a dataset's: which column fills which field, how values
    are recoded, and whether each load replaces the dataset or merges into it by key."""

    name = models.CharField(_("名称"), max_length=100)
    source = models.ForeignKey(Source, verbose_name=_("数据源"), on_delete=models.PROTECT, related_name="pipelines")
    dataset = models.ForeignKey(
        "catalog.Dataset", verbose_name=_("目标数据资源"), on_delete=models.PROTECT, related_name="pipelines"
    )
    # [{"field": "uscc", "column": "统一社会信用代码", "values": {"在业": "存续"}}, …]
    mapping = models.JSONField(_("字段映射"), default=list)
    mode = models.CharField(_("载入方式"), max_length=16, choices=LoadMode.choices, default=LoadMode.FULL)
    key = models.JSONField(_("主键字段"), default=list, blank=True)
    # The source column telling when a row last changed: incremental loads ask only for newer rows.
    updated_column = models.CharField(_("更新时间列"), max_length=64, blank=True)
    keep_history = models.BooleanField(_("保留历史版本"), default=False)
    enabled = models.BooleanField(_("启用"), default=True)
    # When the platform loads it by itself: a cron expression in the platform's time zone
    # ("0 2 * * *" is 2:00 every night), empty for loads started by hand. Only for sources it can
    # read unattended (databases, HTTP APIs, other datasets), not for uploads.
    schedule = models.CharField(_("定时运行"), max_length=100, blank=True)
    next_run_at = models.DateTimeField(_("下次运行时间"), null=True, blank=True, db_index=True)
    # The newest updated-at value loaded so far (incremental loads from databases and APIs).
    watermark = models.CharField(_("增量水位"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("model", "归集任务")
        verbose_name_plural = pgettext_lazy("models", "归集任务")
        ordering = ["dataset", "name"]

    def __str__(self) -> str:
        return self.name


class Run(models.Model):
    """One load of a pipeline, with what it read and did: read = loaded + updated + unchanged + rejected."""

    pipeline = models.ForeignKey(Pipeline, verbose_name=_("归集任务"), on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(_("状态"), max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED)
    started_by = models.ForeignKey(
        "accounts.User", verbose_name=_("发起人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A replay loads fixed quarantined rows into the dataset without replacing the rest.
    replay = models.BooleanField(_("隔离数据重新载入"), default=False)
    scheduled = models.BooleanField(_("定时运行"), default=False)
    file_name = models.CharField(_("文件名"), max_length=255, blank=True)
    file_path = models.CharField(_("文件位置"), max_length=500, blank=True)
    checksum = models.CharField(_("SM3 校验值"), max_length=64, blank=True)
    queued_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    rows_read = models.BigIntegerField(_("读取"), default=0)
    rows_loaded = models.BigIntegerField(_("新增"), default=0)
    rows_updated = models.BigIntegerField(_("更新"), default=0)
    rows_unchanged = models.BigIntegerField(_("未变"), default=0)
    rows_rejected = models.BigIntegerField(_("隔离"), default=0)
    rows_deleted = models.BigIntegerField(_("删除"), default=0)
    # How far a running load has read, for the progress bar; the total when the source tells it.
    progress = models.BigIntegerField(_("进度"), default=0)
    progress_total = models.BigIntegerField(_("总量"), null=True, blank=True)
    warnings = models.JSONField(_("提示"), default=list, blank=True)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "归集运行")
        verbose_name_plural = pgettext_lazy("models", "归集运行")
        ordering = ["-queued_at", "-pk"]
        indexes = [models.Index(fields=["pipeline", "-queued_at"])]

    def __str__(self) -> str:
        return f"{self.pipeline} #{self.pk}"

    @property
    def duration(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class QuarantinedRow(models.Model):
    """A source row that could not be loaded, with why; it can be corrected and loaded again."""

    run = models.ForeignKey(Run, verbose_name=_("归集运行"), on_delete=models.CASCADE, related_name="quarantined")
    line = models.BigIntegerField(_("行号"))
    row = models.JSONField(_("原始数据"))
    reasons = models.JSONField(_("原因"))  # [{"field": …, "code": …, "message": …}]
    status = models.CharField(_("状态"), max_length=16, choices=QuarantineStatus.choices, default=QuarantineStatus.OPEN)
    replayed_in = models.ForeignKey(
        Run, verbose_name=_("重新载入"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = pgettext_lazy("model", "隔离数据")
        verbose_name_plural = pgettext_lazy("models", "隔离数据")
        ordering = ["run", "line"]
        indexes = [models.Index(fields=["run", "status"])]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.line}"
