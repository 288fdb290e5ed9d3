"""Seeds the demo province's public-data catalogue: its departments, their published datasets,
and sample rows for the open ones (``datasets`` and ``rows`` hold the data).

Idempotent: a second run finds every dataset and table as it left them and
changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from shuzheng.accounts import services as accounts_services
from shuzheng.catalog import services
from shuzheng.catalog.demo.datasets import DATASETS, DEPARTMENTS, GOVERNMENTS
from shuzheng.catalog.demo.rows import rows as sample_rows
from shuzheng.core.selectors import region_get


@transaction.atomic
def demo_seed() -> int:
    """Create the departments, import every catalogue entry as published and load the sample
    rows; returns the datasets and tables changed (departments, mostly made by the user
    centre's seeder, are not counted)."""
    organisations: dict[str, Any] = {}
    for name, kind, region, parent in (*GOVERNMENTS, *DEPARTMENTS):
        organisations[name] = accounts_services.organisation_get_or_create(
            name=name, kind=kind, region=region_get(code=region), parent=organisations.get(parent or "")
        )
    changed = 0
    for spec in DATASETS:
        dataset, was_changed = services.dataset_import_published(
            organisation=organisations[spec["organisation"]],
            data=spec["data"],
            fields=spec["fields"],
            code=spec["code"],
        )
        changed += was_changed
        sample = sample_rows(spec["code"])
        if sample is not None:
            _resource, was_changed = services.resource_load_rows(dataset=dataset, name="样例数据", rows=sample)
            changed += was_changed
    return changed
