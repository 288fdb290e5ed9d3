"""The one-stop services benchmark's world: a PostgreSQL database of its own, migrated, and in it
杭州市人力资源和社会保障局 with an official who holds every stage of its cases, twenty citizens,
and one published item — 企业职工基本养老保险关系转移接续 — whose only required material is held
by the government (the ID card, fetched through data sharing) and whose other is optional, so
that an application needs no upload. Its four steps are 受理, 出具联系函, 转移基金和信息 and
办结送达: acceptance and three approvals take a case to its end.

``prepare`` (in the benchmark's process, which keeps the default settings) creates the database if
it is missing and runs ``shuzheng migrate`` on it in a process of its own; ``build`` (in the
measuring process, with ``environment()``) makes the world or finds it made, so reruns reuse it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

DATABASE = "shuzheng_bench_eservices"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
# The platform's files (audit checkpoints above all) stay out of the checkout and away from the
# demo's, which describe another database.
FILES = Path(tempfile.gettempdir()) / "shuzheng-bench-eservices"

DEPARTMENT = "杭州市人力资源和社会保障局"
REGION = "330100"
CLERK = "bench_hrss_clerk"
ROLE = "bench-eservices-case-officer"
APPLICANTS = 20
SURNAMES = "王李张刘陈杨黄赵吴周"
GIVEN = ("晓梅", "建国", "丽华", "志强", "秀英", "海涛", "婷婷", "国平", "雪芳", "文杰")

DEFINITION: dict[str, Any] = {
    "basic_code": "140108005000",
    "name": "企业职工基本养老保险关系转移接续",
    "kind": "public_service",
    "department": DEPARTMENT,
    "region": REGION,
    "service_object": "person",
    "legal_basis": "《中华人民共和国社会保险法》第十九条；《城镇企业职工基本养老保险关系转移接续暂行办法》",
    "conditions": "参加企业职工基本养老保险的人员跨统筹地区流动就业，在新就业地参保后申请转入。",
    "legal_days": 45,
    "promised_days": 15,
    "case_type": "promised",
    "max_visits": 0,
    "online_depth": "4",
    "result_name": "基本养老保险关系转移接续联系函",
    "materials": [
        {"code": "id_card", "name": "居民身份证", "required": True, "copies": 0, "source": "government"},
        {"code": "contribution_certificate", "name": "参保缴费凭证", "required": False, "source": "applicant"},
    ],
    "steps": [
        {"code": "accept", "name": "受理", "stage": "accept"},
        {"code": "contact_letter", "name": "出具联系函", "stage": "review"},
        {"code": "transfer", "name": "转移基金和信息", "stage": "decide"},
        {"code": "deliver", "name": "办结送达", "stage": "deliver"},
    ],
    "form": {
        "schema": {
            "type": "object",
            "properties": {
                "from_region": {"type": "string", "title": "原参保地", "minLength": 1, "maxLength": 60},
                "from_agency": {"type": "string", "title": "原参保地社保经办机构", "maxLength": 60},
                "from_start_date": {"type": "string", "title": "原参保开始时间", "format": "date"},
                "from_end_date": {"type": "string", "title": "原参保终止时间", "format": "date"},
            },
            "required": ["from_region", "from_start_date", "from_end_date"],
            "additionalProperties": False,
        },
        "layout": [
            {"field": "from_region", "widget": "text", "help": "填写到地级市。"},
            {"field": "from_agency", "widget": "text"},
            {"field": "from_start_date", "widget": "date"},
            {"field": "from_end_date", "widget": "date"},
        ],
    },
}
FORM = {
    "from_region": "江苏省苏州市",
    "from_agency": "苏州市社会保险基金管理中心",
    "from_start_date": "2016-07-01",
    "from_end_date": "2025-12-31",
}


def environment() -> dict[str, str]:
    """What ``shuzheng migrate`` and the measuring process run with: the benchmark's database, Celery
    in the process and no external notification channel, so that nothing waits on a worker."""
    return {
        "DJANGO_SETTINGS_MODULE": "shuzheng.settings",
        "DATABASE_URL": DATABASE_URL,
        "SHUZHENG_DATA_DIR": str(FILES),
        "SHUZHENG_AUDIT_CHECKPOINT_FILE": str(FILES / "audit-checkpoints.log"),
        "CACHE_URL": "locmem://",
        "CELERY_BROKER_URL": "memory://",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "SHUZHENG_NOTIFY_CHANNELS": "",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
    }


def prepare() -> dict[str, str]:
    """Create the database if it is missing and migrate it (nothing to do once done); returns the
    environment of the processes that use it."""
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            connection.execute(f"CREATE DATABASE {DATABASE}")
    env = {**os.environ, **environment()}
    shuzheng = Path(sys.executable).parent / "shuzheng"
    subprocess.run([str(shuzheng), "migrate", "--no-input", "--verbosity=0"], env=env, check=True)
    return env


@dataclass(frozen=True)
class World:
    item: str  # the implementation code, as the API names it
    clerk: int
    applicants: tuple[int, ...]


def build() -> World:
    """The world, made now or found from an earlier run (inside Django, on the benchmark's database)."""
    from shuzheng.accounts.models import Organisation, Role, RoleAssignment
    from shuzheng.eservices import selectors

    bureau, _ = Organisation.objects.get_or_create(name=DEPARTMENT, region_id=REGION, defaults={"kind": "department"})
    clerk = _person(CLERK, "陈静", kind="official", organisation=bureau)
    actions = [selectors.CASE_VIEW, *selectors.STAGE_ACTIONS.values()]
    role, _ = Role.objects.update_or_create(code=ROLE, defaults={"name": "办件经办（基准测试）", "actions": actions})
    if not RoleAssignment.objects.filter(user=clerk, role=role, scope_id=REGION, revoked_at__isnull=True).exists():
        RoleAssignment.objects.create(user=clerk, role=role, scope_id=REGION)
    applicants = tuple(
        _person(f"bench_citizen_{n:02d}", SURNAMES[n % 10] + GIVEN[(n * 3 + n // 10) % 10]).pk
        for n in range(APPLICANTS)
    )
    return World(item=_item(bureau), clerk=clerk.pk, applicants=applicants)


def _person(username: str, name: str, **values: Any) -> Any:
    from shuzheng.accounts.models import User

    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, name=name, **values)
        user.set_unusable_password()
        user.save()
    return user


def _item(bureau: Any) -> str:
    """The item's implementation code; published again only if its definition here has changed."""
    from shuzheng.eservices import services
    from shuzheng.eservices.choices import MaterialSource
    from shuzheng.eservices.models import ServiceItem
    from shuzheng.eservices.schemas import ItemDef

    wanted = ItemDef.model_validate(DEFINITION).model_dump(mode="json", by_alias=True)
    item = ServiceItem.objects.filter(basic_code=DEFINITION["basic_code"], department=bureau).first()
    if item is None or item.published is None or {**item.published.definition, "implementation_code": ""} != wanted:
        version = services.item_draft_save(definition=DEFINITION)
        services.version_publish_unreviewed(version=version)
        item = ServiceItem.objects.get(pk=version.item_id)
    assert item.published is not None
    uploads = [m.code for m in item.published.spec.materials if m.required and m.source == MaterialSource.APPLICANT]
    if uploads:
        raise RuntimeError(f"the benchmark's item must need no upload, but requires {uploads}")
    return item.implementation_code
