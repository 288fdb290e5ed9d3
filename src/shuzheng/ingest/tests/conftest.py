from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from shuzheng.catalog import services as catalog
from shuzheng.ingest import services

FIELDS = [
    {"name": "uscc", "label": "统一社会信用代码", "data_type": "string", "grade": "L1"},
    {"name": "name", "label": "企业名称", "data_type": "string", "grade": "L1"},
    {"name": "status", "label": "登记状态", "data_type": "string", "grade": "L1"},
    {"name": "capital", "label": "注册资本（万元）", "data_type": "decimal", "grade": "L1"},
    {"name": "founded", "label": "成立日期", "data_type": "date", "grade": "L1"},
]


COMPANIES = [
    ("91330100MA2H3X4Y6M", "杭州云栖数智科技有限公司", "存续", 100.0, "2019-05-01", "2026-11-01 08:00:00"),
    ("91330106MA27XK8Q5B", "杭州知味餐饮有限公司", "存续", 50.5, "2020-01-01", "2026-11-02 08:00:00"),
    ("91330108MA2CFD9L0X", "杭州钱塘新材料有限公司", "注销", 1000.0, "2015-07-20", "2026-11-03 08:00:00"),
]


def dataset_payload(title: str) -> dict[str, Any]:
    return {
        "title": title,
        "description": f"{title}，按日更新。",
        "theme": "market",
        "keywords": ["企业"],
        "update_frequency": "daily",
        "spatial": "330100",
        "contact_name": "数据管理员",
        "grade": "L1",
        "share_type": "unconditional",
        "open_type": "unconditional",
    }


@pytest.fixture
def enterprises(organisation: Any) -> Any:
    dataset, _ = catalog.dataset_import_published(
        organisation=organisation, data=dataset_payload("企业登记信息"), fields=FIELDS, code="330100-000101"
    )
    return dataset


@pytest.fixture
def people(
    make_user: Callable[..., Any], make_organisation: Callable[..., Any], grant: Callable[..., Any]
) -> dict[str, Any]:
    officer = make_user("market_officer", kind="official")
    colleague = make_user("market_colleague", kind="official")
    elsewhere = make_user(
        "transport_officer", kind="official", organisation=make_organisation("杭州市交通运输局", "330100")
    )
    for user in (officer, colleague, elsewhere):
        grant(user, services.EDIT)
        grant(user, services.RUN)
    return {
        "officer": officer,
        "colleague": colleague,
        "elsewhere": elsewhere,
        "bystander": make_user("bystander", kind="official"),
    }


@pytest.fixture
def file_source(people: dict[str, Any], organisation: Any) -> Any:
    return services.source_create(editor=people["officer"], organisation=organisation, name="登记系统导出", kind="file")


@pytest.fixture
def make_pipeline(people: dict[str, Any], file_source: Any, enterprises: Any) -> Callable[..., Any]:
    def make(**options: Any) -> Any:
        options.setdefault("key", ["uscc"])
        return services.pipeline_create(
            editor=people["officer"], name="企业登记归集", source=file_source, dataset=enterprises, **options
        )

    return make


@pytest.fixture
def load(people: dict[str, Any], tmp_path: Path) -> Callable[..., Any]:
    """Run a pipeline on a file now (as the worker would) and return the finished run."""

    def run(pipeline: Any, name: str, data: bytes) -> Any:
        path = tmp_path / name
        path.write_bytes(data)
        queued = services.run_start(
            user=people["officer"], pipeline=pipeline, file_name=name, content=path, background=False
        )
        return services.run_execute(run_id=queued.pk)

    return run


@pytest.fixture
def register(tmp_path: Path) -> Path:
    path = tmp_path / "register.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute(
            "CREATE TABLE company (uscc TEXT, name TEXT, status TEXT, capital REAL, founded TEXT, changed TEXT)"
        )
        connection.executemany("INSERT INTO company VALUES (?, ?, ?, ?, ?, ?)", COMPANIES)
    return path
