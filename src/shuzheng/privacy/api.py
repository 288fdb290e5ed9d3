"""Privacy API: detection and masking for other systems. Authenticated, rate-limited, and the text
sent is never logged or audited — only who called, how much and what kinds were found."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from django_ratelimit.core import get_usage
from ninja import Router

from shuzheng.accounts.selectors import token_lacks_scope, user_is_official
from shuzheng.core.audit import audit_record
from shuzheng.core.errors import Problem, fields_problem, problem_response
from shuzheng.privacy import selectors
from shuzheng.privacy.schemas import DatasetReviewOut, DetectIn, DetectOut, KindOut, MaskIn, MaskOut

router = Router(tags=["privacy"])
SCOPE = "privacy"


def _admit(request: HttpRequest, *, size: int) -> HttpResponse | None:
    """Refuse callers who are not officials or lack the scope, oversized input and callers over their rate."""
    if token_lacks_scope(request, SCOPE) or not user_is_official(request.user):
        raise Problem(403, gettext("只有政务人员或获准的系统可以调用个人信息识别和脱敏接口"))
    if size > settings.SHUZHENG_PRIVACY_MAX_TEXT:
        limit = settings.SHUZHENG_PRIVACY_MAX_TEXT
        raise fields_problem([("text", "too_long", gettext("一次最多 %(limit)d 个字符") % {"limit": limit})])
    subject = f"user:{request.user.pk}"
    usage = get_usage(
        request, group="privacy", key=lambda _g, _r: subject, rate=settings.SHUZHENG_PRIVACY_RATE, increment=True
    )
    if usage is not None and usage["should_limit"]:
        response = problem_response(request, 429, detail=gettext("调用过于频繁，请稍后再试"))
        response["Retry-After"] = str(max(1, int(usage["time_left"])))
        return response
    return None


def _audit(request: HttpRequest, action: str, *, size: int, counts: dict[str, int]) -> None:
    audit_record(action=action, actor=request.user, request=request, detail={"characters": size, "found": counts})


@router.get("/kinds", response=list[KindOut], summary="可识别的个人信息类型")
def kinds(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {"kind": kind, "label": str(d.label), "grade": d.grade, "personal": d.personal}
        for kind, d in selectors.DETECTORS.items()
    ]


@router.get(
    "/review", response=list[DatasetReviewOut], summary="数据安全核查：各数据资源的个人信息与分级、发布核查、水印提供"
)
def review(request: HttpRequest) -> list[selectors.DatasetReview]:
    if not selectors.may_review(user=request.user):
        raise Problem(403, gettext("只有脱敏策略维护人员和本部门数据分级人员可以查看数据安全核查"))
    return selectors.security_review(user=request.user)


@router.post("/detect", response={200: DetectOut}, summary="识别文本中的个人信息")
def detect(request: HttpRequest, payload: DetectIn) -> Any:
    if refused := _admit(request, size=len(payload.text)):
        return refused
    if unknown := [kind for kind in payload.kinds or [] if kind not in selectors.DETECTORS]:
        raise fields_problem([("kinds", "unknown", gettext("没有这种类型：%(kinds)s") % {"kinds": "、".join(unknown)})])
    findings = selectors.detect(payload.text, kinds=payload.kinds, min_confidence=payload.min_confidence)
    counts = dict(selectors.findings_counted(findings))
    _audit(request, "privacy.detect", size=len(payload.text), counts=counts)
    labels = {kind: str(d.label) for kind, d in selectors.DETECTORS.items()}
    return {
        "findings": [
            {"kind": f.kind, "label": labels[f.kind], "start": f.start, "end": f.end, "confidence": f.confidence}
            for f in findings
        ],
        "counts": counts,
    }


@router.post("/mask", response={200: MaskOut}, summary="按脱敏策略处理文本或记录")
def mask(request: HttpRequest, payload: MaskIn) -> Any:
    if (payload.text is None) == (payload.records is None):
        raise fields_problem([("text", "one_of", gettext("请提供 text 或 records 其中之一"))])
    size = len(payload.text) if payload.text is not None else len(str(payload.records))
    if refused := _admit(request, size=size):
        return refused
    if unknown := [kind for kind in payload.kinds.values() if kind not in selectors.DETECTORS]:
        raise fields_problem([("kinds", "unknown", gettext("没有这种类型：%(kinds)s") % {"kinds": "、".join(unknown)})])
    common = {"channel": payload.channel, "grade": payload.grade, "purpose": payload.purpose}
    if payload.text is not None:
        masked, findings = selectors.mask_text(payload.text, **common)
        counts = dict(selectors.findings_counted(findings))
        _audit(request, "privacy.mask", size=size, counts=counts)
        return {"text": masked, "counts": counts}
    plan = selectors.record_plan(kinds=payload.kinds, **common)
    records = [selectors.mask_record(record, plan) for record in payload.records or []]
    counts = {kind: len(payload.records or []) for kind in payload.kinds.values()}
    _audit(request, "privacy.mask", size=size, counts=counts)
    return {"records": records, "counts": counts}
