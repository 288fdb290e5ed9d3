"""The one-stop services API: the public catalogue, applications with their materials, and the
workflow actions officials and applicants take.

A case is addressed by its ``uid`` (random, not guessable); an applicant reaches only their own
cases, an official only those of their organisation, and anyone else gets 404.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext
from ninja import File, Form, Header, Query, Router
from ninja.files import UploadedFile

from shuzheng.accounts.selectors import legal_person_represented, organisation_get, user_is_official
from shuzheng.core.errors import Problem, field_problem
from shuzheng.core.uploads import UploadRejected
from shuzheng.eservices import selectors, services
from shuzheng.eservices.models import Case
from shuzheng.eservices.schemas import (
    ActionIn,
    AppealReviewIn,
    CaseIn,
    CaseOut,
    CaseQuery,
    CaseSummaryOut,
    CheckIn,
    CommitmentOut,
    ImportOut,
    ItemDef,
    ItemGuideOut,
    ItemQuery,
    ItemSummaryOut,
    MaterialOut,
    NoteIn,
    RatingIn,
    RatingOut,
    RectificationHandleOut,
    RectificationQuery,
    ReviewIn,
    StatisticsOut,
    StatisticsQuery,
    VersionOut,
)

router = Router(tags=["eservices"])


@router.get("/items", response=list[ItemSummaryOut], auth=None, summary="事项目录（已发布）")
def items(request: HttpRequest, query: Query[ItemQuery]) -> Any:
    if query.region:
        return selectors.items_for_region(region=query.region, search=query.search)
    return list(selectors.items_published(search=query.search)[:500])


# Posted to the catalogue itself: a path of its own under /items/ would be taken for an item's code.
@router.post("/items", response={201: ImportOut}, summary="导入事项（本部门，保存为草稿，全部成功或全部不导入）")
def items_import(request: HttpRequest, payload: list[ItemDef]) -> Any:
    definitions = [definition.model_dump(mode="json", by_alias=True) for definition in payload]
    return 201, {"drafts": len(services.items_import(definitions=definitions, user=request.user))}


@router.get("/items/{code}", response=ItemGuideOut, auth=None, summary="办事指南（现行版本的全部事项要素）")
def item(request: HttpRequest, code: str) -> Any:
    found = selectors.item_by_code(implementation_code=code)
    if found is None or found.published is None:
        raise Problem(404, gettext("没有这个事项"))
    return found


def _department_item(request: HttpRequest, code: str) -> Any:
    found = selectors.item_editable(user=request.user, code=code)
    if found is None:
        raise Problem(404, gettext("没有这个事项"))
    return found


def _open_version(request: HttpRequest, code: str) -> Any:
    version = selectors.version_open(item=_department_item(request, code))
    if version is None:
        raise Problem(404, gettext("该事项没有待提交或待审核的版本"))
    return version


@router.post("/items/{code}/submit", response=VersionOut, summary="提交本部门事项的草稿审核")
def item_submit(request: HttpRequest, code: str) -> Any:
    return services.version_submit(version=_open_version(request, code), user=request.user, request=request)


@router.post("/items/{code}/review", response=VersionOut, summary="审核（发布或退回）本部门事项的待审核版本")
def item_review(request: HttpRequest, code: str, payload: ReviewIn) -> Any:
    return services.version_review(
        version=_open_version(request, code),
        user=request.user,
        approve=payload.approve,
        note=payload.note,
        request=request,
    )


@router.get("/items/{code}/export", response=ItemDef, by_alias=True, summary="导出事项的现行版本（格式同导入）")
def item_export(request: HttpRequest, code: str) -> Any:
    found = selectors.item_by_code(implementation_code=code)
    if found is None or found.published is None:
        raise Problem(404, gettext("没有这个事项"))
    return found.published.definition


# --- cases ----------------------------------------------------------------------------------


def _applicant_case(request: HttpRequest, uid: uuid.UUID) -> Case:
    case = selectors.case_of_applicant(user=request.user, uid=uid)
    if case is None:
        raise Problem(404, gettext("没有这个办件"))
    return case


def _visible_case(request: HttpRequest, uid: uuid.UUID) -> Case:
    """The applicant's own case, or one of the official's organisation (the read is audited)."""
    case = selectors.case_of_applicant(user=request.user, uid=uid)
    if case is None and user_is_official(request.user):
        case = selectors.case_for_official(user=request.user, uid=uid)
        if case is not None:
            services.case_read_record(case=case, reader=request.user, request=request)
    if case is None:
        raise Problem(404, gettext("没有这个办件"))
    return case


def _detail(case: Case, user: Any) -> Case:
    """The case with what its page shows beside its own fields (read by CaseOut)."""
    case.open_actions = services.case_actions_open(case=case, user=user)  # type: ignore[attr-defined]
    case.current_materials = list(selectors.case_materials(case=case))  # type: ignore[attr-defined]
    case.history = list(selectors.case_events(case=case))  # type: ignore[attr-defined]
    return case


@router.post("/cases", response={201: CaseOut}, summary="申请（可带 Idempotency-Key 安全重试）")
def case_create(
    request: HttpRequest,
    payload: CaseIn,
    idempotency_key: Annotated[str, Header(alias="Idempotency-Key", max_length=128)] = "",
) -> Any:
    found = selectors.item_by_code(implementation_code=payload.item)
    if found is None or found.published is None:
        raise field_problem("item", gettext("没有这个事项"), code="unknown")
    legal_person = None
    if payload.legal_person:
        legal_person = legal_person_represented(user=request.user, uscc=payload.legal_person)
        if legal_person is None:
            raise field_problem("legal_person", gettext("您不能代表该单位申请"), code="not_member", status=403)
    if not payload.submit:
        case = services.case_draft_save(
            applicant=request.user, item=found, data=payload.data, legal_person=legal_person
        )
    else:
        case = services.case_submit(
            applicant=request.user,
            item=found,
            data=payload.data,
            legal_person=legal_person,
            pledge=payload.pledge,
            idempotency_key=idempotency_key,
            request=request,
        )
    return 201, _detail(case, request.user)


@router.get("/cases", response=list[CaseSummaryOut], summary="我的办件")
def cases_mine(request: HttpRequest, query: Query[CaseQuery]) -> Any:
    return list(selectors.cases_of_applicant(user=request.user, status=query.status or "")[:200])


@router.get("/todo", response=list[CaseSummaryOut], summary="我的待办（工作人员，按期限排序）")
def todo(request: HttpRequest) -> Any:
    return selectors.todo_of(user=request.user)[:200]


@router.get("/overdue", response=list[CaseSummaryOut], summary="本地区超期办件（督办）")
def overdue(request: HttpRequest) -> Any:
    return list(selectors.cases_overdue(user=request.user)[:500])


@router.get("/cases/{uid}", response=CaseOut, summary="办件详情（含材料和办理记录）")
def case_get(request: HttpRequest, uid: uuid.UUID) -> Any:
    case = _visible_case(request, uid)
    return _detail(case, request.user)


@router.post("/cases/{uid}/materials", response={201: MaterialOut}, summary="上传申请材料（草稿或待补正时）")
def material_upload(request: HttpRequest, uid: uuid.UUID, material: Form[str], file: File[UploadedFile]) -> Any:
    case = _applicant_case(request, uid)
    try:
        stored = services.material_attach(applicant=request.user, case=case, material=material, upload=file)
    except UploadRejected as rejected:
        raise field_problem("file", str(rejected), code=rejected.code) from rejected
    return 201, stored


@router.get("/cases/{uid}/materials/{material_uid}", summary="下载申请材料")
def material_download(request: HttpRequest, uid: uuid.UUID, material_uid: uuid.UUID) -> Any:
    case = _visible_case(request, uid)
    material = selectors.case_material(case=case, uid=material_uid)
    if material is None:
        raise Problem(404, gettext("没有这份材料"))
    return FileResponse(
        services.material_open(material=material, reader=request.user, request=request),
        as_attachment=True,
        filename=material.name,
    )


@router.post("/cases/{uid}/submit", response=CaseOut, summary="提交草稿（已提交的办件原样返回）")
def case_submit(request: HttpRequest, uid: uuid.UUID, pledge: bool = False) -> Any:
    case = _applicant_case(request, uid)
    case = services.case_draft_submit(applicant=request.user, case=case, pledge=pledge, request=request)
    return _detail(case, request.user)


@router.post("/cases/{uid}/actions", response=CaseOut, summary="办理动作（受理、补正、通过、退回、转办、撤回等）")
def case_action(request: HttpRequest, uid: uuid.UUID, payload: ActionIn) -> Any:
    case = _visible_case(request, uid)
    detail: dict[str, Any] = {}
    if payload.kind:
        detail["kind"] = payload.kind
    if payload.organisation is not None:
        target = organisation_get(pk=payload.organisation)
        if target is None:
            raise field_problem("organisation", gettext("没有这个部门"), code="unknown")
        detail["organisation"] = target
    case = services.case_act(
        case=case,
        user=request.user,
        action=payload.action,
        revision=payload.revision,
        note=payload.note,
        detail=detail,
        data=payload.data,
        request=request,
    )
    return _detail(case, request.user)


# --- 好差评 and 告知承诺 --------------------------------------------------------------------


@router.post("/cases/{uid}/rating", response={201: RatingOut}, summary="评价办结的办件（一事一评）")
def rating_give(request: HttpRequest, uid: uuid.UUID, payload: RatingIn) -> Any:
    rating = services.rating_give(
        applicant=request.user,
        case=_applicant_case(request, uid),
        level=payload.level,
        dimensions={str(key): value for key, value in payload.dimensions.items()},
        text=payload.text,
        request=request,
    )
    return 201, rating


@router.get("/cases/{uid}/rating", response=RatingOut, summary="办件的评价及差评整改情况")
def rating_get(request: HttpRequest, uid: uuid.UUID) -> Any:
    rating = selectors.rating_of(case=_visible_case(request, uid))
    if rating is None:
        raise Problem(404, gettext("该办件还没有评价"))
    return rating


@router.get("/ratings/statistics", response=list[StatisticsOut], summary="好差评统计（本地区，复核人员）")
def rating_statistics(request: HttpRequest, query: Query[StatisticsQuery]) -> Any:
    return selectors.rating_statistics(user=request.user, by=query.by, since=query.since)


@router.get("/rectifications", response=list[RectificationHandleOut], summary="本部门收到的差评及整改（待整改的在前）")
def rectifications(request: HttpRequest, query: Query[RectificationQuery]) -> Any:
    return list(selectors.rectifications_for(user=request.user, status=query.status or "")[:500])


@router.get("/appeals", response=list[RectificationHandleOut], summary="待复核的差评申诉（本地区，复核人员）")
def appeals(request: HttpRequest) -> Any:
    return list(selectors.appeals_to_review(user=request.user)[:500])


def _rectification(request: HttpRequest, rectification_id: int) -> Any:
    found = selectors.rectification_visible(user=request.user, pk=rectification_id)
    if found is None:
        raise Problem(404, gettext("没有这条差评整改"))
    return found


@router.post(
    "/rectifications/{rectification_id}/callback", response=RectificationHandleOut, summary="记录对申请人的回访"
)
def rectification_callback(request: HttpRequest, rectification_id: int, payload: NoteIn) -> Any:
    return services.rectification_callback(
        official=request.user,
        rectification=_rectification(request, rectification_id),
        note=payload.note,
        request=request,
    )


@router.post(
    "/rectifications/{rectification_id}/complete",
    response=RectificationHandleOut,
    summary="办结整改（须先回访；整改结果告知申请人）",
)
def rectification_complete(request: HttpRequest, rectification_id: int, payload: NoteIn) -> Any:
    return services.rectification_complete(
        official=request.user,
        rectification=_rectification(request, rectification_id),
        result=payload.note,
        request=request,
    )


@router.post(
    "/rectifications/{rectification_id}/appeal", response=RectificationHandleOut, summary="对恶意或错误差评提出申诉"
)
def rectification_appeal(request: HttpRequest, rectification_id: int, payload: NoteIn) -> Any:
    return services.rectification_appeal(
        official=request.user,
        rectification=_rectification(request, rectification_id),
        reason=payload.note,
        request=request,
    )


@router.post("/rectifications/{rectification_id}/review", response=RectificationHandleOut, summary="复核差评申诉")
def appeal_review(request: HttpRequest, rectification_id: int, payload: AppealReviewIn) -> Any:
    return services.appeal_decide(
        reviewer=request.user,
        rectification=_rectification(request, rectification_id),
        upheld=payload.upheld,
        note=payload.note,
        request=request,
    )


@router.get("/commitments", response=list[CommitmentOut], summary="本部门待核查的告知承诺")
def commitments(request: HttpRequest) -> Any:
    return list(selectors.commitments_to_check(user=request.user)[:500])


@router.post("/commitments/{commitment_id}/check", response=CommitmentOut, summary="记录告知承诺的核查结果")
def commitment_check(request: HttpRequest, commitment_id: int, payload: CheckIn) -> Any:
    found = selectors.commitment_visible(user=request.user, pk=commitment_id)
    if found is None:
        raise Problem(404, gettext("没有这个承诺"))
    return services.commitment_check(
        official=request.user, commitment=found, passed=payload.passed, note=payload.note, request=request
    )
