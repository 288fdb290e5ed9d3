"""Reads of the catalog: what an official may see, what the public may see, versions and comparisons."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.safestring import SafeString

from shuzheng.accounts.selectors import visible_to
from shuzheng.catalog import search, warehouse
from shuzheng.catalog.choices import DatasetStatus, FieldType, OpenType

# Sharing types, for the apps that share data by them.
from shuzheng.catalog.choices import ShareType as ShareType
from shuzheng.catalog.models import Dataset, DatasetVersion, Resource
from shuzheng.catalog.services import VIEW, dataset_panels

_RELATED = ("organisation", "spatial")


def datasets_for_official(*, user: Any) -> QuerySet[Dataset]:
    """Every published entry of the catalogue, plus the drafts of the official's own department."""
    if not getattr(user, "is_official", False):
        return Dataset.objects.none()
    own = visible_to(user, Dataset.objects.all(), VIEW).values("pk")
    return (
        Dataset.objects.filter(Q(status=DatasetStatus.PUBLISHED) | Q(pk__in=own))
        .select_related(*_RELATED)
        .prefetch_related("fields")
        .order_by("code")
    )


def dataset_published(*, code: str) -> Dataset | None:
    """One published dataset by its code, with its fields (for other apps' requests and calls)."""
    return (
        Dataset.objects.filter(code=code, status=DatasetStatus.PUBLISHED)
        .select_related(*_RELATED)
        .prefetch_related("fields", "resources")
        .first()
    )


def dataset_panels_rendered(*, dataset: Dataset, user: Any) -> list[SafeString]:
    """What other apps show on the dataset's workbench page, in the order they registered."""
    rendered = (panel(dataset, user) for panel in dataset_panels().values())
    return [SafeString(html) for html in rendered if html]


def datasets_open(*, include_restricted: bool = False) -> QuerySet[Dataset]:
    """What the public may see: published and open (restricted ones only when asked)."""
    open_types = [OpenType.UNCONDITIONAL, OpenType.RESTRICTED] if include_restricted else [OpenType.UNCONDITIONAL]
    return (
        Dataset.objects.filter(status=DatasetStatus.PUBLISHED, open_type__in=open_types)
        .select_related(*_RELATED)
        .order_by("code")
    )


def datasets_matching(queryset: QuerySet[Dataset], query: str) -> QuerySet[Dataset]:
    """``queryset`` narrowed to datasets containing every word of ``query``."""
    for word in search.query_words(query):
        queryset = queryset.filter(search_text__contains=word)
    return queryset


def dataset_versions(*, dataset: Dataset) -> QuerySet[DatasetVersion]:
    return dataset.versions.select_related("changed_by").order_by("number")


def snapshot_changes(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """What differs between two snapshots, as (path, before, after); fields compared by name."""
    changes: list[dict[str, Any]] = []
    for key in sorted(set(before) | set(after)):
        if key == "fields":
            continue
        if before.get(key) != after.get(key):
            changes.append({"path": key, "before": before.get(key), "after": after.get(key)})
    old = {field["name"]: field for field in before.get("fields", [])}
    new = {field["name"]: field for field in after.get("fields", [])}
    for name in sorted(set(old) | set(new)):
        if name not in new:
            changes.append({"path": f"fields.{name}", "before": old[name], "after": None})
        elif name not in old:
            changes.append({"path": f"fields.{name}", "before": None, "after": new[name]})
        else:
            for attribute in sorted(set(old[name]) | set(new[name])):
                if old[name].get(attribute) != new[name].get(attribute):
                    changes.append(
                        {
                            "path": f"fields.{name}.{attribute}",
                            "before": old[name].get(attribute),
                            "after": new[name].get(attribute),
                        }
                    )
    return changes


def resource_open(*, key: str) -> Resource | None:
    """A resource of an unconditionally open dataset, by its key; None for anything else."""
    return (
        Resource.objects.filter(key=key, dataset__in=datasets_open())
        .select_related("dataset", "dataset__organisation")
        .first()
    )


def resource_rows(
    *,
    resource: Resource,
    filters: dict[str, Any] | None = None,
    text: str = "",
    fields: list[str] | None = None,
    sort: list[tuple[str, bool]] | None = None,
    limit: int = 100,
    offset: int = 0,
) -> warehouse.Page:
    """A page of a tabular resource's rows (see catalog.warehouse.query)."""
    return warehouse.query(
        resource.table, filters=filters, text=text, fields=fields, sort=sort or [], limit=limit, offset=offset
    )


def resource_columns(*, resource: Resource) -> list[warehouse.Column]:
    """The resource's columns with their Chinese labels and types, in field order."""
    return [warehouse.Column(field.name, field.label, field.data_type) for field in resource.dataset.fields.all()]


def resource_export(*, resource: Resource, fmt: str) -> bytes:
    """The whole resource as ``csv``, ``json`` or ``xlsx`` (headers in Chinese for the spreadsheets)."""
    labels = {column.name: column.label for column in resource_columns(resource=resource)}
    return warehouse.export(resource.table, fmt, labels)


def dataset_tables(*, datasets: Sequence[Dataset]) -> dict[int, Any]:
    """Each dataset's rows as an Ibis table (its first tabular resource), all on one connection;
    datasets without rows are left out."""
    return tables_together(datasets=datasets)[0]


def tables_together(
    *, datasets: Sequence[Dataset], tables: Sequence[str] = ()
) -> tuple[dict[int, Any], dict[str, Any]]:
    """Datasets' rows (as ``dataset_tables``) and other warehouse tables by name, all on one
    connection, so that one expression may join them (quality's failing keys back to the rows)."""
    rows: dict[int, str] = {}
    for dataset in datasets:
        resource = next((resource for resource in dataset.resources.all() if resource.table), None)
        if resource is not None and warehouse.exists(resource.table):
            rows[dataset.pk] = resource.table
    present = [table for table in tables if warehouse.exists(table)]
    opened = warehouse.open_tables([*rows.values(), *present])
    return {pk: opened[table] for pk, table in rows.items()}, {table: opened[table] for table in present}


def datasets_with_codes(*, codes: Sequence[str]) -> QuerySet[Dataset]:
    """Datasets by their codes, any status (for the command line and other apps' jobs)."""
    return Dataset.objects.filter(code__in=list(codes)).select_related("organisation").order_by("code")


# --- the warehouse, for apps that load and derive data (ingest, quality) ----------------------

WarehouseSession = warehouse.Session
WarehouseColumn = warehouse.Column


def warehouse_session() -> warehouse.Session:
    """A connection for reading and replacing warehouse tables together (see warehouse.Session)."""
    return warehouse.Session()


def text_encoding(sample: bytes, *, complete: bool = True) -> str | None:
    """The encoding of uploaded text, as the catalogue reads it (see warehouse.text_encoding)."""
    return warehouse.text_encoding(sample, complete=complete)


def field_value(value: Any, data_type: str) -> Any:
    """A source value as a field's type; ValueError when it is not one."""
    return warehouse.convert(value, data_type)


def dataset_rows_lookup(
    *,
    dataset: Dataset,
    field: str,
    values: Sequence[str],
    columns: Sequence[str],
    row_filter: Mapping[str, Sequence[str]] | None = None,
) -> list[dict[str, Any]]:
    """The dataset's rows whose ``field`` is one of ``values``, within ``row_filter`` (field → allowed
    values), with ``columns`` only; an index serves the lookup (see ``warehouse.lookup``)."""
    resource = next((resource for resource in dataset.resources.all() if resource.table), None)
    if resource is None or not warehouse.exists(resource.table):
        return []
    return warehouse.lookup(resource.table, field=field, values=values, columns=columns, row_filter=row_filter)


def dataset_columns(*, dataset: Dataset) -> list[warehouse.Column]:
    return [warehouse.Column(field.name, field.label, field.data_type) for field in dataset.fields.order_by("position")]


def arrow_schema(columns: Sequence[warehouse.Column]) -> Any:
    return warehouse.arrow_schema(columns)


def field_type_label(data_type: str) -> str:
    """A field type's name in the user's language (“整数”)."""
    return str(FieldType(data_type).label)
