"""Service items and their versions: drafting, review, publication, import."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from pydantic import ValidationError

from shuzheng.accounts.selectors import organisation_find, user_can
from shuzheng.core.errors import Problem, fields_problem
from shuzheng.eservices.choices import (
    VersionStatus,
)
from shuzheng.eservices.models import (
    ItemVersion,
    ServiceItem,
)
from shuzheng.eservices.schemas import ItemDef
from shuzheng.eservices.selectors import (
    ITEM_EDIT,
    ITEM_REVIEW,
)
from shuzheng.eservices.services.common import record_audit

# --- items ----------------------------------------------------------------------------------


def item_definition_parse(data: Mapping[str, Any]) -> ItemDef:
    """An item definition, or a 422 listing every field at fault."""
    try:
        spec = ItemDef.model_validate(data)
    except ValidationError as error:
        raise fields_problem(
            (".".join(str(part) for part in problem["loc"]), problem["type"], problem["msg"])
            for problem in error.errors()
        ) from error
    if spec.online_depth not in settings.SHUZHENG_ONLINE_DEPTHS:
        raise fields_problem([("online_depth", "unknown", gettext("未知的网上办理深度"))])
    if spec.online_depth == settings.SHUZHENG_ONLINE_DEPTH_FULL and spec.max_visits:
        raise fields_problem([("max_visits", "full_online", gettext("全程网办的事项到现场次数为 0"))])
    return spec


def _implementation_code(spec: ItemDef, department: Any) -> str:
    # The layout of the national 36-character code is not published (domain.md §1): ours is the
    # basic code, the region and the body's credit code, which is unique and stable.
    return f"{spec.basic_code}{spec.region}{(department.uscc or str(department.pk)).rjust(18, '0')}"


@transaction.atomic
def item_draft_save(
    *, definition: Mapping[str, Any], user: Any = None, request: HttpRequest | None = None
) -> ItemVersion:
    """Create or update the draft of an item of the user's department (``user=None``: the demo
    loader). A published version is never touched: the draft becomes the next version."""
    spec = item_definition_parse(definition)
    department = organisation_find(name=spec.department, region=spec.region)
    if department is None:
        raise fields_problem([("department", "unknown", gettext("该行政区划内没有这个实施主体"))])
    if user is not None and not (user_can(user, ITEM_EDIT) and user.organisation_id == department.pk):
        raise PermissionDenied(ITEM_EDIT)
    item = ServiceItem.objects.filter(basic_code=spec.basic_code, department=department).first()
    if item is None:
        item = ServiceItem.objects.create(
            basic_code=spec.basic_code,
            implementation_code=spec.implementation_code or _implementation_code(spec, department),
            handling_code=spec.handling_code,
            name=spec.name,
            kind=spec.kind,
            service_object=spec.service_object,
            department=department,
            region_id=spec.region,
        )
    stored = spec.model_dump(mode="json", by_alias=True)
    stored["implementation_code"] = item.implementation_code
    version = item.versions.select_for_update().filter(status__in=[VersionStatus.DRAFT, VersionStatus.REVIEW]).first()
    if version is not None and version.status == VersionStatus.REVIEW:
        raise fields_problem([("", "in_review", gettext("该事项有版本正在审核，审核后才能修改"))])
    if version is None:
        number = (item.versions.aggregate(top=Max("number"))["top"] or 0) + 1
        version = ItemVersion(item=item, number=number, created_by=user)
    version.definition = stored
    version.save()
    record_audit("draft", user, version, request, name=spec.name)
    return version


@transaction.atomic
def version_submit(*, version: ItemVersion, user: Any, request: HttpRequest | None = None) -> ItemVersion:
    """The drafter sends a draft for review."""
    version = ItemVersion.objects.select_for_update().select_related("item").get(pk=version.pk)
    if not (user_can(user, ITEM_EDIT) and user.organisation_id == version.item.department_id):
        raise PermissionDenied(ITEM_EDIT)
    if version.status != VersionStatus.DRAFT:
        raise fields_problem([("", "not_draft", gettext("只有草稿可以提交审核"))])
    version.status, version.submitted_at = VersionStatus.REVIEW, timezone.now()
    version.save(update_fields=["status", "submitted_at"])
    record_audit("submit", user, version, request)
    return version


@transaction.atomic
def version_review(
    *, version: ItemVersion, user: Any, approve: bool, note: str = "", request: HttpRequest | None = None
) -> ItemVersion:
    """Another official of the department publishes the version, or sends it back with a note."""
    version = ItemVersion.objects.select_for_update().select_related("item").get(pk=version.pk)
    if not (user_can(user, ITEM_REVIEW) and user.organisation_id == version.item.department_id):
        raise PermissionDenied(ITEM_REVIEW)
    if version.status != VersionStatus.REVIEW:
        raise fields_problem([("", "not_in_review", gettext("该版本不在待审核状态"))])
    if version.created_by_id == user.pk:
        raise fields_problem([("", "own_draft", gettext("不能审核自己编制的版本"))])
    if not approve and not note.strip():
        raise fields_problem([("note", "required", gettext("退回须写明意见"))])
    version.reviewed_by, version.review_note = user, note.strip()
    if approve:
        _publish(version)
    else:
        version.status = VersionStatus.DRAFT
        version.save(update_fields=["status", "reviewed_by", "review_note"])
    record_audit("publish" if approve else "return", user, version, request, note=version.review_note)
    return version


def version_publish_unreviewed(*, version: ItemVersion) -> ItemVersion:
    """Publish at once: only for the demo loader and imports run by an operator from the console."""
    with transaction.atomic():
        _publish(ItemVersion.objects.select_for_update().select_related("item").get(pk=version.pk))
    return version


def _publish(version: ItemVersion) -> None:
    item = version.item
    item.versions.filter(status=VersionStatus.PUBLISHED).update(status=VersionStatus.RETIRED)
    version.status, version.published_at = VersionStatus.PUBLISHED, timezone.now()
    version.save()
    spec = version.spec
    item.published, item.name, item.kind, item.service_object = version, spec.name, spec.kind, spec.service_object
    item.handling_code = spec.handling_code
    item.save(update_fields=["published", "name", "kind", "service_object", "handling_code"])


def items_import(*, definitions: Iterable[Mapping[str, Any]], user: Any = None) -> list[ItemVersion]:
    """Draft many items at once, all or nothing; a problem names the item's position."""
    versions = []
    with transaction.atomic():
        for index, definition in enumerate(definitions):
            try:
                versions.append(item_draft_save(definition=definition, user=user))
            except Problem as problem:
                problem.errors = [
                    {**error, "field": f"{index}.{error['field']}", "pointer": f"#/{index}{error['pointer'][1:]}"}
                    for error in problem.errors
                ]
                raise
    return versions
