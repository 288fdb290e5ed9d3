from django.db import models
from django.utils.translation import gettext_lazy as _


class SourceKind(models.TextChoices):
    FILE = "file", _("文件上传")
    DATABASE = "database", _("数据库表")
    HTTP = "http", _("HTTP 接口")
    DATASET = "dataset", _("平台数据资源")


class LoadMode(models.TextChoices):
    FULL = "full", _("全量")
    INCREMENTAL = "incremental", _("增量")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("运行中")
    SUCCEEDED = "succeeded", _("完成")
    FAILED = "failed", _("失败")


class QuarantineStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    REPLAYED = "replayed", _("已重新载入")
    DISCARDED = "discarded", _("已舍弃")
    # A later full load replaced the file the row came from; its own rejects are the ones to fix.
    SUPERSEDED = "superseded", _("已被后续全量载入取代")
