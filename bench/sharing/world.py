"""The sharing benchmark's world, made in a process of its own (``python -m bench.sharing.world``):
a PostgreSQL database of its own, migrated; 浙江省公安厅's population register of a million people
(bench/privacy/table.py's register, its columns renamed) in a warehouse folder of its own;
杭州市市场监督管理局's grant to look up and verify by ID number, and its system's API token.

Prints one JSON line: the token, the dataset's code and the path of the sample keys. Made once;
later runs find it and only issue a new token.
"""

from __future__ import annotations

import datetime
import json
import os
import random
from typing import Any

import psycopg
import pyarrow.compute as pc
import pyarrow.parquet as pq

from bench.quality.population import CACHE

DATABASE = "shuzheng_bench"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
WAREHOUSE = CACHE / "sharing-warehouse"
KEYS = CACHE / "sharing-keys.json"
CODE = "330000-000090"
# The register's columns and the dataset's fields.
COLUMNS = {"身份证号": "id_number", "姓名": "name", "性别": "gender", "手机号": "mobile", "住址": "address"}
FIELDS = [
    {"name": "id_number", "label": "公民身份号码", "data_type": "string", "grade": "L3", "identifies_person": True},
    {"name": "name", "label": "姓名", "data_type": "string", "grade": "L3", "identifies_person": True},
    {"name": "gender", "label": "性别", "data_type": "string", "grade": "L2", "identifies_person": True},
    {"name": "mobile", "label": "手机号码", "data_type": "string", "grade": "L3", "identifies_person": True},
    {"name": "address", "label": "住址", "data_type": "string", "grade": "L3", "identifies_person": True},
]
GRANTED = ["id_number", "name", "gender"]
PAYLOAD = {
    "title": "人口基本信息",
    "description": "全省户籍人口的基本信息（基准测试）。",
    "theme": "public_safety",
    "keywords": ["人口"],
    "update_frequency": "daily",
    "spatial": "330000",
    "contact_name": "数据管理员",
    "grade": "L3",
    "share_type": "conditional",
    "share_basis": "《浙江省公共数据条例》",
    "open_type": "none",
}
SAMPLE_KEYS = 5000


def environment() -> dict[str, str]:
    """What the server, the worker and this process run with."""
    return {
        "DJANGO_SETTINGS_MODULE": "bench.sharing.settings",
        "DATABASE_URL": DATABASE_URL,
        "SHUZHENG_WAREHOUSE_DIR": str(WAREHOUSE),
        "CACHE_URL": "redis://127.0.0.1:6379/13",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/12",
        "LOG_LEVEL": "WARNING",
    }


def _database() -> None:
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            connection.execute(f"CREATE DATABASE {DATABASE}")


def _register(dataset: Any) -> None:
    from bench.privacy.table import people_table
    from shuzheng.catalog import services as catalog

    resource = catalog.resource_tabular(dataset=dataset, name="人口")
    if resource.pk is not None and (WAREHOUSE / f"{resource.table}.parquet").exists():
        return
    register = pq.read_table(people_table(), columns=list(COLUMNS)).rename_columns(list(COLUMNS.values()))
    WAREHOUSE.mkdir(parents=True, exist_ok=True)
    pq.write_table(register, WAREHOUSE / f"{resource.table}.parquet")
    catalog.resource_table_loaded(resource=resource, rows=register.num_rows)
    # Keys people would really ask about: valid ID numbers with their names.
    valid = register.filter(pc.match_substring_regex(register["id_number"], r"^\d{17}[\dX]$"))
    rng = random.Random(20261129)
    picked = sorted(rng.sample(range(valid.num_rows), SAMPLE_KEYS))
    rows = valid.take(picked).select(["id_number", "name"]).to_pylist()
    KEYS.write_text(json.dumps([[row["id_number"], row["name"]] for row in rows], ensure_ascii=False))


def main() -> None:
    os.environ.update(environment())
    _database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from shuzheng.accounts.models import Organisation, User
    from shuzheng.accounts.services import api_token_create
    from shuzheng.catalog import services as catalog
    from shuzheng.core.services import regions_sync
    from shuzheng.sharing.models import Grant

    call_command("migrate", verbosity=0)
    regions_sync()
    police, _ = Organisation.objects.get_or_create(
        name="浙江省公安厅", region_id="330000", defaults={"kind": "department"}
    )
    market, _ = Organisation.objects.get_or_create(
        name="杭州市市场监督管理局", region_id="330100", defaults={"kind": "department"}
    )
    dataset, _ = catalog.dataset_import_published(organisation=police, data=PAYLOAD, fields=FIELDS, code=CODE)
    _register(dataset)
    system, _ = User.objects.get_or_create(
        username="market_system", defaults={"kind": "official", "name": "个体工商户登记系统", "organisation": market}
    )
    today = timezone.localdate()
    Grant.objects.update_or_create(
        consumer=market,
        dataset=dataset,
        status="active",
        defaults={
            "provider": police,
            "fields": GRANTED,
            "row_filter": {},
            "purpose": "个体工商户设立登记时核验经营者身份",
            "valid_from": today,
            "valid_until": today + datetime.timedelta(days=365),
            # The benchmark measures cost per call, not the limits.
            "rate_per_minute": 10**9,
            "daily_quota": 10**9,
        },
    )
    token = api_token_create(user=system, name="基准测试", scopes=["sharing"], days=1).plaintext
    print(json.dumps({"token": token, "code": CODE, "keys": str(KEYS)}))


if __name__ == "__main__":
    main()
