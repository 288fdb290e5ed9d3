"""Catalog API for officials: draft, submit, review, compare versions."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext
from ninja import Query, Router, Schema
from ninja.responses import Status

from shuzheng.catalog import selectors, services
from shuzheng.catalog.models import Dataset, DatasetVersion
from shuzheng.catalog.schemas import ChangeOut, DatasetIn, DatasetOut, DatasetSummaryOut, ReviewIn, VersionOut
from shuzheng.core.errors import Problem, fields_problem

router = Router(tags=["catalog"])


class ListQuery(Schema):
    q: str = ""
    status: str = ""


class CompareQuery(Schema):
    base: int
    other: int


def _dataset(request: HttpRequest, code: str) -> Dataset:
    dataset = selectors.datasets_for_official(user=request.user).filter(code=code).first()
    if dataset is None:
        raise Http404
    return dataset


def _payload(payload: DatasetIn) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    data = payload.model_dump(exclude={"fields"})
    return data, [field.model_dump() for field in payload.fields]


def _refused(exc: services.CatalogInvalid) -> Problem:
    return fields_problem(exc.problems)


@router.get("/datasets", response=list[DatasetSummaryOut], summary="数据目录（本部门草稿及全部已发布）")
def dataset_list(request: HttpRequest, query: Query[ListQuery]) -> list[Dataset]:
    datasets = selectors.datasets_for_official(user=request.user)
    if query.q:
        datasets = selectors.datasets_matching(datasets, query.q)
    if query.status:
        datasets = datasets.filter(status=query.status)
    return list(datasets[:500])


@router.post("/datasets", response={201: DatasetOut}, summary="新建数据资源（草稿）")
def dataset_create(request: HttpRequest, payload: DatasetIn) -> Status[Dataset]:
    organisation = getattr(request.user, "organisation", None)
    if organisation is None:
        raise _refused(
            services.CatalogInvalid([("organisation", "unknown", gettext("您的账号没有所属部门，不能编制目录"))])
        )
    data, fields = _payload(payload)
    try:
        dataset = services.dataset_create(
            author=request.user, organisation=organisation, data=data, fields=fields, request=request
        )
    except services.CatalogForbidden:
        raise Problem(403, gettext("您没有编制本部门目录的权限")) from None
    except services.CatalogInvalid as exc:
        raise _refused(exc) from None
    return Status(201, dataset)


@router.get("/datasets/{code}", response=DatasetOut, summary="查看数据资源")
def dataset_detail(request: HttpRequest, code: str) -> Dataset:
    return _dataset(request, code)


@router.put("/datasets/{code}", response=DatasetOut, summary="修改数据资源")
def dataset_update(request: HttpRequest, code: str, payload: DatasetIn) -> Dataset:
    data, fields = _payload(payload)
    try:
        return services.dataset_update(
            editor=request.user, dataset=_dataset(request, code), data=data, fields=fields, request=request
        )
    except services.CatalogForbidden:
        raise Http404 from None
    except services.CatalogInvalid as exc:
        raise _refused(exc) from None


@router.post("/datasets/{code}/submit", response=DatasetOut, summary="提交审核")
def dataset_submit(request: HttpRequest, code: str) -> Dataset:
    try:
        return services.dataset_submit(editor=request.user, dataset=_dataset(request, code), request=request)
    except services.CatalogForbidden:
        raise Http404 from None
    except services.CatalogInvalid as exc:
        raise _refused(exc) from None


@router.post("/datasets/{code}/review", response=DatasetOut, summary="审核（发布或退回）")
def dataset_review(request: HttpRequest, code: str, payload: ReviewIn) -> Dataset:
    try:
        return services.dataset_review(
            reviewer=request.user,
            dataset=_dataset(request, code),
            approve=payload.approve,
            note=payload.note,
            request=request,
        )
    except services.CatalogForbidden:
        raise Http404 from None
    except services.CatalogInvalid as exc:
        raise _refused(exc) from None


@router.get("/datasets/{code}/versions", response=list[VersionOut], summary="版本历史")
def dataset_versions(request: HttpRequest, code: str) -> list[DatasetVersion]:
    return list(selectors.dataset_versions(dataset=_dataset(request, code)))


@router.get("/datasets/{code}/compare", response=list[ChangeOut], summary="比较两个版本")
def dataset_compare(request: HttpRequest, code: str, query: Query[CompareQuery]) -> list[dict[str, Any]]:
    versions = {version.number: version for version in selectors.dataset_versions(dataset=_dataset(request, code))}
    missing = [name for name, number in (("base", query.base), ("other", query.other)) if number not in versions]
    if missing:
        raise fields_problem([(name, "unknown", gettext("没有这个版本")) for name in missing], location="query")
    return selectors.snapshot_changes(versions[query.base].snapshot, versions[query.other].snapshot)
