"""In and Out schemas of the ingestion API."""

from __future__ import annotations

import datetime
from typing import Any

from ninja import Field, Schema

from shuzheng.ingest.choices import LoadMode, QuarantineStatus, RunStatus, SourceKind


class SourceIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    kind: SourceKind
    options: dict[str, Any] = Field(
        default_factory=dict,
        description=(
            "按类型：database — url（SQLAlchemy URL）、table、schema；"
            "http — url、paging（page|offset）、page_size、records（记录所在路径）、since_param；"
            "dataset — dataset（来源数据资源编码）、filter（字段: 值）；file — 无"
        ),
    )


class SourceOut(Schema):
    id: int
    name: str
    kind: SourceKind
    organisation: str = Field(alias="organisation.name")
    options: dict[str, Any] = Field(description="连接参数；数据库密码和接口请求头不返回")
    created_at: datetime.datetime

    @staticmethod
    def resolve_options(obj: Any) -> dict[str, Any]:
        from shuzheng.ingest.selectors import source_options_shown

        return source_options_shown(source=obj)


SCHEDULE = "定时运行：五段 cron 表达式（分 时 日 月 周，平台时区），如 0 2 * * * 为每天 2:00；空为只手动运行"


class MappingIn(Schema):
    field: str = Field(min_length=1, max_length=64, description="目标字段名")
    column: str = Field(min_length=1, max_length=200, description="来源列名")
    values: dict[str, Any] = Field(default_factory=dict, description="值映射：原值 → 新值")


class PipelineIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    source: int = Field(description="数据源编号（本部门的）")
    dataset: str = Field(min_length=1, max_length=32, description="目标数据资源编码（本部门的）")
    mode: LoadMode = LoadMode.FULL
    key: list[str] = Field(default_factory=list, max_length=20, description="主键字段名")
    updated_column: str = Field("", max_length=64)
    keep_history: bool = False
    mapping: list[MappingIn] = Field(
        default_factory=list, max_length=300, description="字段映射；空表示按字段名或中文名称对应"
    )
    schedule: str = Field("", max_length=100, description=SCHEDULE)


class PipelineChangeIn(Schema):
    """Only the fields given change."""

    enabled: bool | None = Field(None, description="启用或停用")
    schedule: str | None = Field(None, max_length=100, description=SCHEDULE)


class RunOut(Schema):
    id: int
    pipeline: int = Field(alias="pipeline_id")
    status: RunStatus
    replay: bool
    scheduled: bool = Field(description="由定时运行发起")
    file_name: str
    checksum: str
    started_by: str | None = Field(None, alias="started_by.username")
    queued_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    progress: int
    progress_total: int | None
    rows_read: int
    rows_loaded: int
    rows_updated: int
    rows_unchanged: int
    rows_rejected: int
    rows_deleted: int
    warnings: list[str]
    error: str


class PipelineOut(Schema):
    id: int
    name: str
    source: int = Field(alias="source_id")
    source_name: str = Field(alias="source.name")
    dataset: str = Field(alias="dataset.code")
    mode: LoadMode
    key: list[str]
    updated_column: str
    keep_history: bool
    enabled: bool
    schedule: str
    next_run_at: datetime.datetime | None = Field(description="下次定时运行的时间（停用时为空）")
    mapping: list[dict[str, Any]]
    created_at: datetime.datetime
    latest_run: RunOut | None = None

    @staticmethod
    def resolve_next_run_at(obj: Any) -> Any:
        return obj.next_run_at if obj.enabled and obj.schedule else None

    @staticmethod
    def resolve_latest_run(obj: Any) -> Any:
        latest = getattr(obj, "latest", None)
        return latest[0] if latest else None


class ReasonOut(Schema):
    field: str = ""
    code: str = ""
    message: str = ""


class QuarantinedRowOut(Schema):
    id: int
    line: int
    row: dict[str, Any]
    reasons: list[ReasonOut]
    status: QuarantineStatus


class QuarantinePageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[QuarantinedRowOut]


class QuarantineFixIn(Schema):
    values: dict[str, Any] = Field(description="改正后的整行来源数据：列名 → 值")


class RowsIn(Schema):
    rows: list[int] = Field(min_length=1, max_length=10_000, description="隔离数据编号")


class DiscardOut(Schema):
    discarded: int
