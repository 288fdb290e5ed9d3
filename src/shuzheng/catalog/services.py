"""Writes of the catalog: drafting, review and publication, each one transaction, versioned and audited."""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from shuzheng.accounts.selectors import user_can
from shuzheng.catalog import rules, search, warehouse
from shuzheng.catalog.choices import DatasetStatus, ResourceFormat
from shuzheng.catalog.models import Dataset, DatasetField, DatasetVersion, Resource
from shuzheng.core.audit import audit_record
from shuzheng.core.crypto import sm3
from shuzheng.core.selectors import region_get

EDIT = "catalog.dataset.edit"
REVIEW = "catalog.dataset.review"
VIEW = "catalog.dataset.view"

# Metadata a payload may set; the rest (status, versions, codes) belongs to the workflow.
METADATA_FIELDS = (
    "title",
    "description",
    "theme",
    "keywords",
    "update_frequency",
    "spatial",
    "temporal_start",
    "temporal_end",
    "contact_name",
    "contact_phone",
    "contact_email",
    "legal_basis",
    "grade",
    "national_level",
    "share_type",
    "share_basis",
    "share_refusal_reason",
    "open_type",
)
FIELD_ATTRIBUTES = ("name", "label", "data_type", "unit", "data_element", "identifies_person", "grade")


class CatalogInvalid(ValueError):
    """The dataset was refused; ``problems`` lists (field, code, message); nothing was saved."""

    def __init__(self, problems: Sequence[rules.Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(message for _field, _code, message in self.problems))


class CatalogForbidden(PermissionError):
    """The user may not do this to this dataset (answered as 404: it does not exist for them)."""


def _check(user: Any, action: str, dataset: Dataset) -> None:
    if not user_can(user, action, dataset):
        raise CatalogForbidden(action)


def _validated(data: Mapping[str, Any], fields: Sequence[Mapping[str, Any]]) -> Any:
    problems = rules.dataset_problems(data, fields)
    region = region_get(code=str(data.get("spatial", "")))
    if region is None:
        problems.append(("spatial", "unknown", gettext("没有这个行政区划代码")))
    if problems:
        raise CatalogInvalid(problems)
    return region


def snapshot(dataset: Dataset) -> dict[str, Any]:
    """The dataset's metadata and fields as plain JSON, for versions and comparisons."""
    values: dict[str, Any] = {}
    for name in METADATA_FIELDS:
        value = getattr(dataset, "spatial_id" if name == "spatial" else name)
        values[name] = value.isoformat() if isinstance(value, datetime.date) else value
    values["organisation"] = dataset.organisation_id
    values["fields"] = [
        {attribute: getattr(field, attribute) for attribute in FIELD_ATTRIBUTES}
        for field in dataset.fields.order_by("position")
    ]
    return values


def _as_snapshot(data: Mapping[str, Any], fields: Sequence[Mapping[str, Any]], organisation_id: int) -> dict[str, Any]:
    """A payload in the shape of :func:`snapshot`, to tell whether it changes anything."""
    values: dict[str, Any] = {}
    for name in METADATA_FIELDS:
        value = data.get(name, "" if name not in ("temporal_start", "temporal_end") else None)
        values[name] = value.isoformat() if isinstance(value, datetime.date) else value
    values["keywords"] = [str(word).strip() for word in data.get("keywords", []) if str(word).strip()]
    values["organisation"] = organisation_id
    values["fields"] = [{attribute: field.get(attribute) for attribute in FIELD_ATTRIBUTES} for field in fields]
    return values


def _record_version(dataset: Dataset, by: Any, note: str) -> DatasetVersion:
    last = dataset.versions.order_by("-number").values_list("number", flat=True).first()
    dataset.version = (last or 0) + 1
    Dataset.objects.filter(pk=dataset.pk).update(version=dataset.version)
    return DatasetVersion.objects.create(
        dataset=dataset,
        number=dataset.version,
        status=dataset.status,
        snapshot=snapshot(dataset),
        changed_by=by if getattr(by, "pk", None) else None,
        note=note[:256],
    )


def _apply(dataset: Dataset, data: Mapping[str, Any], fields: Sequence[Mapping[str, Any]], region: Any) -> None:
    for name in METADATA_FIELDS:
        if name == "spatial":
            dataset.spatial = region
        elif name in data:
            setattr(dataset, name, data[name])
    dataset.keywords = [str(word).strip() for word in data.get("keywords", []) if str(word).strip()]
    dataset.updated_at = timezone.now()
    dataset.search_text = search.index_text(
        dataset.title, dataset.description, " ".join(dataset.keywords), dataset.organisation.name
    )
    dataset.save()
    dataset.fields.all().delete()
    DatasetField.objects.bulk_create(
        DatasetField(
            dataset=dataset, position=position, **{key: field.get(key) for key in FIELD_ATTRIBUTES if key in field}
        )
        for position, field in enumerate(fields)
    )


def _next_code(organisation: Any) -> str:
    prefix = f"{organisation.region_id}-"
    last = Dataset.objects.filter(code__startswith=prefix).order_by("-code").values_list("code", flat=True).first()
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:06d}"


@transaction.atomic
def dataset_create(
    *,
    author: Any,
    organisation: Any,
    data: Mapping[str, Any],
    fields: Sequence[Mapping[str, Any]],
    request: HttpRequest | None = None,
) -> Dataset:
    """A department's cataloguer drafts a new dataset."""
    _check(author, EDIT, Dataset(organisation=organisation))
    region = _validated(data, fields)
    code = _next_code(organisation)
    dataset = Dataset(code=code, name=f"ds-{code}", organisation=organisation, status=DatasetStatus.DRAFT)
    try:
        with transaction.atomic():
            _apply(dataset, data, fields, region)
    except IntegrityError:
        raise CatalogInvalid([("", "conflict", gettext("编码冲突，请重试"))]) from None
    _record_version(dataset, author, gettext("创建草稿"))
    audit_record(
        action="catalog.dataset.create", actor=author, object_type="catalog.dataset", object_id=code, request=request
    )
    return dataset


@transaction.atomic
def dataset_update(
    *,
    editor: Any,
    dataset: Dataset,
    data: Mapping[str, Any],
    fields: Sequence[Mapping[str, Any]],
    request: HttpRequest | None = None,
) -> Dataset:
    """Change a dataset; a published one goes back to draft until it is approved again."""
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    _check(editor, EDIT, dataset)
    region = _validated(data, fields)
    if dataset.status == DatasetStatus.SUBMITTED:
        raise CatalogInvalid([("", "under_review", gettext("数据资源正在审核，审核完成前不能修改"))])
    dataset.status = DatasetStatus.DRAFT
    _apply(dataset, data, fields, region)
    _record_version(dataset, editor, gettext("修改"))
    audit_record(
        action="catalog.dataset.update",
        actor=editor,
        object_type="catalog.dataset",
        object_id=dataset.code,
        request=request,
    )
    return dataset


@transaction.atomic
def dataset_submit(*, editor: Any, dataset: Dataset, request: HttpRequest | None = None) -> Dataset:
    """Send a draft to the department's data officer."""
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    _check(editor, EDIT, dataset)
    if dataset.status != DatasetStatus.DRAFT:
        raise CatalogInvalid([("", "not_draft", gettext("只有草稿可以提交审核"))])
    dataset.status = DatasetStatus.SUBMITTED
    dataset.submitted_by = editor
    dataset.save(update_fields=["status", "submitted_by"])
    _record_version(dataset, editor, gettext("提交审核"))
    audit_record(
        action="catalog.dataset.submit",
        actor=editor,
        object_type="catalog.dataset",
        object_id=dataset.code,
        request=request,
    )
    return dataset


@transaction.atomic
def dataset_review(
    *, reviewer: Any, dataset: Dataset, approve: bool, note: str = "", request: HttpRequest | None = None
) -> Dataset:
    """The data officer publishes a submitted dataset, or returns it with reasons."""
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    _check(reviewer, REVIEW, dataset)
    if dataset.status != DatasetStatus.SUBMITTED:
        raise CatalogInvalid([("", "not_submitted", gettext("只有待审核的数据资源可以审核"))])
    if dataset.submitted_by_id == reviewer.pk:
        raise CatalogInvalid([("", "own_submission", gettext("不能审核自己提交的数据资源"))])
    if not approve and not note.strip():
        raise CatalogInvalid([("note", "required", gettext("退回须写明理由"))])
    dataset.reviewed_by = reviewer
    dataset.review_note = note.strip()
    if approve:
        dataset.status = DatasetStatus.PUBLISHED
        dataset.published_at = timezone.now()
    else:
        dataset.status = DatasetStatus.DRAFT
    dataset.save(update_fields=["reviewed_by", "review_note", "status", "published_at"])
    _record_version(dataset, reviewer, gettext("审核通过并发布") if approve else gettext("退回修改"))
    audit_record(
        action="catalog.dataset.publish" if approve else "catalog.dataset.return",
        actor=reviewer,
        object_type="catalog.dataset",
        object_id=dataset.code,
        detail={"note": dataset.review_note},
        request=request,
    )
    return dataset


@transaction.atomic
def dataset_import_published(
    *, organisation: Any, data: Mapping[str, Any], fields: Sequence[Mapping[str, Any]], code: str
) -> tuple[Dataset, bool]:
    """Load a catalogue entry that was reviewed elsewhere (a migration, the demo province).

    The same rules apply; returns the dataset and whether anything changed.
    """
    region = _validated(data, fields)
    dataset = Dataset.objects.filter(code=code).first()
    if dataset is not None and snapshot(dataset) == _as_snapshot(data, fields, organisation.pk):
        return dataset, False
    if dataset is None:
        dataset = Dataset(code=code, name=f"ds-{code}".lower(), organisation=organisation)
    dataset.status = DatasetStatus.PUBLISHED
    dataset.published_at = dataset.published_at or timezone.now()
    _apply(dataset, data, fields, region)
    _record_version(dataset, None, gettext("导入"))
    return dataset, True


# --- resources --------------------------------------------------------------------------------


def _columns(dataset: Dataset) -> list[warehouse.Column]:
    return [warehouse.Column(field.name, field.label, field.data_type) for field in dataset.fields.order_by("position")]


def _resource_store(
    dataset: Dataset, *, name: str, fmt: str, records: Any, size: int | None, checksum: str, resource: Resource | None
) -> Resource:
    table = warehouse.conform(records, _columns(dataset))
    resource = resource or Resource(dataset=dataset, key=str(uuid.uuid4()))
    resource.table = resource.table or f"r_{uuid.UUID(resource.key).hex}"
    warehouse.store(resource.table, table)
    resource.name, resource.format, resource.size, resource.checksum = name, fmt, size, checksum
    resource.row_count = table.num_rows
    resource.updated_at = timezone.now()
    resource.save()
    return resource


@transaction.atomic
def resource_add_file(
    *, editor: Any, dataset: Dataset, name: str, filename: str, data: bytes, request: HttpRequest | None = None
) -> Resource:
    """Attach a CSV, XLSX or JSON file; its rows must fit the dataset's fields, or nothing is stored."""
    _check(editor, EDIT, dataset)
    fmt = {".csv": ResourceFormat.CSV, ".xlsx": ResourceFormat.XLSX, ".json": ResourceFormat.JSON}.get(
        filename[filename.rfind(".") :].lower() if "." in filename else ""
    )
    if fmt is None:
        raise CatalogInvalid([("file", "format", gettext("只接受 CSV、XLSX 和 JSON 文件"))])
    try:
        records = warehouse.parse_file(filename, data)
        resource = _resource_store(
            dataset, name=name, fmt=fmt, records=records, size=len(data), checksum=sm3(data), resource=None
        )
    except warehouse.TableRefused as exc:
        raise CatalogInvalid([("file", "rows", problem) for problem in exc.problems]) from None
    audit_record(
        action="catalog.resource.add",
        actor=editor,
        object_type="catalog.resource",
        object_id=resource.key,
        detail={"dataset": dataset.code, "rows": resource.row_count},
        request=request,
    )
    return resource


def resource_tabular(*, dataset: Dataset, name: str) -> Resource:
    """The dataset's table in the warehouse: its first tabular resource, or a new one called ``name``
    (not saved until rows arrive, see ``resource_table_loaded``)."""
    resource = dataset.resources.exclude(table="").order_by("created_at").first()
    if resource is None:
        resource = Resource(dataset=dataset, key=str(uuid.uuid4()), name=name, format=ResourceFormat.CSV)
        resource.table = f"r_{uuid.UUID(resource.key).hex}"
    return resource


def resource_table_loaded(*, resource: Resource, rows: int, checksum: str = "") -> Resource:
    """Record that a loader replaced the resource's table: its size and when."""
    resource.row_count = rows
    resource.checksum = checksum or resource.checksum
    resource.updated_at = timezone.now()
    resource.save()
    return resource


def derived_table_store(*, name: str, data: Any) -> int:
    """Keep a table another module computed from datasets' rows (quality's failing rows of a check)
    in the warehouse beside them; replaces a table of that name. Returns its size in bytes."""
    return warehouse.store(name, data)


def derived_table_drop(*, name: str) -> None:
    """Remove a table kept by ``derived_table_store`` (a check's failing rows no one needs any more)."""
    with warehouse.Session() as session:
        session.drop(name)


@transaction.atomic
def resource_load_rows(*, dataset: Dataset, name: str, rows: list[dict[str, Any]]) -> tuple[Resource, bool]:
    """Load rows that arrive as data (the demo province, a migration) as the dataset's CSV resource.

    Idempotent: the same rows leave the resource as it is.
    """
    existing = dataset.resources.filter(name=name).first()
    fields = [column.name for column in _columns(dataset)]
    body = json.dumps([[row.get(field) for field in fields] for row in rows], ensure_ascii=False, default=str).encode()
    checksum = sm3(body)
    if existing is not None and existing.checksum == checksum and warehouse.exists(existing.table):
        return existing, False
    try:
        resource = _resource_store(
            dataset, name=name, fmt=ResourceFormat.CSV, records=rows, size=None, checksum=checksum, resource=existing
        )
    except warehouse.TableRefused as exc:
        raise CatalogInvalid([("rows", "rows", problem) for problem in exc.problems]) from None
    return resource, True


# --- panels other apps add to the workbench's dataset page ----------------------------------

# A panel renders its own HTML for (dataset, user), or "" when it has nothing to show; apps
# that build on the catalogue (ingestion: lineage) register one in their AppConfig.ready().
DatasetPanel = Callable[[Dataset, Any], SafeString | str]
_dataset_panels: dict[str, DatasetPanel] = {}


def dataset_panel_register(name: str, panel: DatasetPanel) -> None:
    if name in _dataset_panels and _dataset_panels[name] is not panel:
        raise ValueError(f"dataset panel {name!r} is already registered")
    _dataset_panels[name] = panel


def dataset_panels() -> dict[str, DatasetPanel]:
    return dict(_dataset_panels)
