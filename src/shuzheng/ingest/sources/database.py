"""A table of a department's database, through an SQLAlchemy URL; incremental loads ask the
database only for rows changed since the last load."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shuzheng.ingest.sources import Reading, Record, Request, SourceKindSpec, SourceRefused, source_kind_register

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
BATCH = 5_000


def _value(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def read(request: Request) -> Reading:
    import sqlalchemy as sa

    options = request.options
    try:
        engine = sa.create_engine(options["url"])
        table = sa.table(options["table"], schema=options.get("schema") or None)
        query = sa.select(sa.text("*")).select_from(table)
        if request.updated_column:
            updated: Any = sa.column(request.updated_column)
            if request.since:
                query = query.where(updated > sa.bindparam("since", request.since))
            query = query.order_by(updated)
        connection = engine.connect().execution_options(stream_results=True, yield_per=BATCH)
        result = connection.execute(query)
    except (sa.exc.SQLAlchemyError, ImportError) as exc:
        raise SourceRefused(gettext("无法读取数据库表：%(error)s") % {"error": type(exc).__name__}) from None
    columns = list(result.keys())
    reading = Reading(columns=columns, records=iter(()))

    def records() -> Iterator[Record]:
        try:
            for line, row in enumerate(result, start=1):
                values = {name: _value(value) for name, value in zip(columns, row, strict=True)}
                if request.updated_column and values.get(request.updated_column) is not None:
                    reading.watermark = max(reading.watermark, str(values[request.updated_column]))
                yield Record(line, values)
        finally:
            connection.close()
            engine.dispose()

    reading.records = records()
    return reading


def validate(options: Mapping[str, Any]) -> list[tuple[str, str]]:
    import sqlalchemy as sa

    problems = []
    try:
        sa.engine.make_url(str(options.get("url", "")))
    except sa.exc.ArgumentError:
        problems.append(("url", gettext("不是有效的数据库连接地址（SQLAlchemy URL）")))
    for option in ("table", "schema"):
        value = options.get(option, "")
        if (option == "table" or value) and not _NAME.match(str(value)):
            problems.append((option, gettext("名称只能包含字母、数字和下划线")))
    return problems


DATABASE = source_kind_register(SourceKindSpec("database", _("数据库表"), read, validate))
