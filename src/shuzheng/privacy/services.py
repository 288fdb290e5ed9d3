"""Writes of the privacy engine: policies, field classification, release checks, marked releases, traces.

Nothing here writes a value it inspects to a log or the audit trail: records
carry counts, kinds and field names, never the text or identifiers themselves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from shuzheng.catalog import selectors as catalog
from shuzheng.core.audit import audit_record
from shuzheng.core.crypto import blind_index
from shuzheng.privacy import release as anonymity
from shuzheng.privacy import watermark
from shuzheng.privacy.choices import Channel, ProposalStatus
from shuzheng.privacy.detect import fold
from shuzheng.privacy.masking import METHODS, mask_batches
from shuzheng.privacy.models import FieldProposal, MaskingPolicy, Release, ReleaseCheck
from shuzheng.privacy.registry import DETECTORS
from shuzheng.privacy.selectors import (
    POLICY_EDIT,
    field_kinds,
    grade_implied,
    masking_plan,
    may_classify,
    may_edit_policies,
)

# Field names and labels that say what a column holds when its values alone cannot (bare names).
NAME_HINTS = {"person_name": ("姓名", "name", "xm"), "address": ("地址", "住址", "住所", "address", "addr")}
REGION_HINTS = ("区划", "行政区", "region")
Problem = tuple[str, str, str]  # (field, code, message)


class PrivacyInvalid(ValueError):
    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(message for _field, _code, message in self.problems))


class PrivacyForbidden(PermissionError):
    """The user may not do this to this dataset or these policies."""


# --- policies ------------------------------------------------------------------------------------


def treatment_problems(treatments: Any) -> list[Problem]:
    """What is wrong with a policy's treatments (empty when they can be saved)."""
    if not isinstance(treatments, dict):
        return [("treatments", "type", gettext("处理方式应为“类型 → 方法”的对应表"))]
    problems: list[Problem] = []
    for kind, how in treatments.items():
        where = f"treatments.{kind or '_'}"
        if kind not in ("", "*") and kind not in DETECTORS:
            problems.append((where, "kind", gettext("没有这种个人信息类型：%(kind)s") % {"kind": kind}))
        if not isinstance(how, dict) or how.get("method") not in METHODS:
            problems.append((f"{where}.method", "method", gettext("没有这种处理方法")))
            continue
        params = how.get("params", {})
        if not isinstance(params, dict) or any(
            name in params and (not isinstance(params[name], int) or params[name] < 0)
            for name in ("first", "last", "width")
        ):
            problems.append((f"{where}.params", "params", gettext("保留位数和区间宽度应为非负整数")))
        elif params.get("width") == 0:
            problems.append((f"{where}.params", "params", gettext("区间宽度不能为 0")))
    return problems


@transaction.atomic
def policy_save(
    *, user: Any, channel: str, grade: str, treatments: Mapping[str, Any], purpose: str = "", note: str = ""
) -> MaskingPolicy:
    """Set how one channel treats fields of one grade (for one purpose, or any); replaces the built-in."""
    if not may_edit_policies(user=user):
        raise PrivacyForbidden
    if channel not in Channel.values or grade not in ("L1", "L2", "L3", "L4"):
        raise PrivacyInvalid([("channel", "unknown", gettext("没有这个渠道或安全级别"))])
    if problems := treatment_problems(dict(treatments)):
        raise PrivacyInvalid(problems)
    policy, _created = MaskingPolicy.objects.update_or_create(
        channel=channel,
        grade=grade,
        purpose=purpose.strip(),
        defaults={"treatments": dict(treatments), "note": note, "updated_by": user, "updated_at": timezone.now()},
    )
    audit_record(
        action=POLICY_EDIT,
        actor=user,
        object_type="privacy.maskingpolicy",
        object_id=policy.pk,
        detail={"channel": channel, "grade": grade, "purpose": policy.purpose, "treatments": policy.treatments},
    )
    return policy


# --- classification ------------------------------------------------------------------------------


def _column_kind(values: Sequence[str], hints: str) -> tuple[str, float]:
    """The kind most of ``values`` are, with their share; a hint in the field's name lowers the bar
    for the kinds that bare values cannot show (a column of names)."""
    counts: dict[str, int] = {}
    for value in values:
        best, sure = "", 0.0
        for kind, detector in DETECTORS.items():
            confidence = detector.cell_confidence(value)
            if confidence is not None and confidence > sure:
                best, sure = kind, confidence
        if sure >= 0.5:
            counts[best] = counts.get(best, 0) + 1
    if not counts or not values:
        return "", 0.0
    kind = max(counts, key=lambda each: counts[each])
    share = counts[kind] / len(values)
    needed = settings.SHUZHENG_PRIVACY_CLASSIFY_SHARE / 100
    hinted = any(hint in hints for hint in NAME_HINTS.get(kind, ()))
    return (kind, share) if share >= (needed / 2 if hinted else needed) else ("", share)


def dataset_classify(*, user: Any, dataset: Any) -> list[FieldProposal]:
    """Sample each field of ``dataset`` in the warehouse and propose the kind of personal data it holds.

    Proposals an officer has decided stay as decided while the proposed kind is unchanged.
    ``user`` None is the console or the platform itself.
    """
    if user is not None and not may_classify(user=user, dataset=dataset):
        raise PrivacyForbidden
    tables = catalog.dataset_tables(datasets=[dataset])
    if dataset.pk not in tables:
        raise PrivacyInvalid([("dataset", "empty", gettext("数据资源还没有数据，无法识别"))])
    table = tables[dataset.pk]
    fields = [field for field in dataset.fields.all() if field.name in table.columns]
    sample = table.select(*[field.name for field in fields]).limit(settings.SHUZHENG_PRIVACY_SAMPLE_ROWS)
    columns = sample.to_pyarrow()
    proposals = []
    with transaction.atomic():
        for field in fields:
            values = [fold(str(value).strip()) for value in columns[field.name].to_pylist() if value not in (None, "")]
            kind, share = _column_kind(values, f"{field.name} {field.label}".lower())
            proposal, created = FieldProposal.objects.get_or_create(
                dataset=dataset, field_name=field.name, defaults={"grade": "L1"}
            )
            if not created and proposal.kind != kind:
                proposal.status, proposal.decided_by, proposal.decided_at = ProposalStatus.PROPOSED, None, None
            proposal.kind, proposal.grade = kind, grade_implied([kind]) if kind else "L1"
            proposal.share, proposal.sampled = Decimal(f"{share:.4f}"), len(values)
            proposal.proposed_at = timezone.now()
            proposal.save()
            proposals.append(proposal)
        audit_record(
            action="privacy.dataset.classify",
            actor=user,
            object_type="catalog.dataset",
            object_id=dataset.pk,
            detail={"fields": {p.field_name: p.kind for p in proposals if p.kind}},
        )
    return proposals


@transaction.atomic
def proposal_decide(*, user: Any, proposal: FieldProposal, accept: bool) -> FieldProposal:
    """Confirm or reject one proposal; a rejected kind no longer drives masking."""
    if not may_classify(user=user, dataset=proposal.dataset):
        raise PrivacyForbidden
    proposal.status = ProposalStatus.ACCEPTED if accept else ProposalStatus.REJECTED
    proposal.decided_by, proposal.decided_at = user, timezone.now()
    proposal.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(
        action="privacy.proposal.decide",
        actor=user,
        object_type="privacy.fieldproposal",
        object_id=proposal.pk,
        detail={"field": proposal.field_name, "kind": proposal.kind, "status": proposal.status},
    )
    return proposal


# --- release checks ------------------------------------------------------------------------------


def release_check(
    *,
    user: Any,
    dataset: Any,
    quasi_identifiers: Sequence[str],
    sensitive: Sequence[str] = (),
    generalisations: Mapping[str, Mapping[str, Any]] | None = None,
    k: int | None = None,
    l_diversity: int | None = None,
) -> ReleaseCheck:
    """Check ``dataset`` as it would be released (with ``generalisations``) for k-anonymity and
    l-diversity, store the outcome, and suggest the generalisations that would make it pass."""
    if not may_classify(user=user, dataset=dataset):
        raise PrivacyForbidden
    k = k or settings.SHUZHENG_PRIVACY_K
    l_diversity = (l_diversity or settings.SHUZHENG_PRIVACY_L) if sensitive else 1
    types = {field.name: field.data_type for field in dataset.fields.all()}
    labels = {field.name: field.label for field in dataset.fields.all()}
    problems: list[Problem] = []
    if not quasi_identifiers:
        problems.append(("quasi_identifiers", "required", gettext("请至少选择一个准标识符")))
    if unknown := [name for name in [*quasi_identifiers, *sensitive] if name not in types]:
        message = gettext("没有这个字段：%(names)s") % {"names": "、".join(unknown)}
        problems.append(("quasi_identifiers", "unknown", message))
    if set(quasi_identifiers) & set(sensitive):
        problems.append(("sensitive", "overlap", gettext("同一字段不能既是准标识符又是敏感属性")))
    generalisations = {name: dict(how) for name, how in (generalisations or {}).items() if name in quasi_identifiers}
    problems += [(f"generalisations.{p[0]}", p[1], p[2]) for p in treatment_problems(generalisations) if p[1] != "kind"]
    if k < 2 or l_diversity < 1:
        problems.append(("k", "range", gettext("k 至少为 2，l 至少为 1")))
    tables = catalog.dataset_tables(datasets=[dataset])
    if not problems and dataset.pk not in tables:
        problems.append(("dataset", "empty", gettext("数据资源还没有数据，无法检查")))
    if problems:
        raise PrivacyInvalid(problems)
    table = tables[dataset.pk]
    kinds: dict[str, str | None] = dict(field_kinds(dataset=dataset))
    for name in quasi_identifiers:
        if any(hint in f"{name} {labels[name]}".lower() for hint in REGION_HINTS) and not kinds.get(name):
            kinds[name] = "region"
    question = anonymity.Question(quasi_identifiers, sensitive, kinds, k, l_diversity, timezone.localdate())
    outcome = anonymity.evaluate(table, question, generalisations, sample=True)
    report: dict[str, Any] = {"outcome": _outcome(outcome)}
    if not outcome.passed:
        suggested, after = anonymity.suggest(table, question, data_types=types, start=generalisations)
        report["suggestion"] = {"generalisations": suggested, "outcome": _outcome(after)}
    check = ReleaseCheck.objects.create(
        dataset=dataset,
        quasi_identifiers=list(quasi_identifiers),
        sensitive=list(sensitive),
        generalisations=generalisations,
        k=k,
        l_diversity=l_diversity,
        rows=outcome.rows,
        passed=outcome.passed,
        report=report,
        checked_by=user,
    )
    audit_record(
        action="privacy.release.check",
        actor=user,
        object_type="catalog.dataset",
        object_id=dataset.pk,
        detail={"check": check.pk, "k": k, "l": l_diversity, "passed": check.passed, "small_rows": outcome.small_rows},
    )
    return check


def _outcome(outcome: anonymity.Outcome) -> dict[str, Any]:
    return {
        "rows": outcome.rows,
        "small_groups": outcome.small_groups,
        "small_rows": outcome.small_rows,
        "undiverse_groups": outcome.undiverse_groups,
        "undiverse_rows": outcome.undiverse_rows,
        "passed": outcome.passed,
        "sample": outcome.sample,
    }


# --- marked releases and their traces -------------------------------------------------------------


def release_secret(release_id: int) -> bytes:
    """The watermark secret of one release: derived from the platform's data key, never stored."""
    return bytes.fromhex(blind_index(str(release_id), context="privacy.watermark"))


@transaction.atomic
def release_extract(
    *,
    user: Any,
    dataset: Any,
    channel: str,
    recipient: str,
    reference: str,
    key_field: str,
    fields: Sequence[str] | None = None,
    purpose: str = "",
) -> tuple[Release, pa.Table]:
    """The extract of ``dataset`` for one recipient: masked by the channel's policies and marked for
    tracing, with its release recorded. The caller has decided the recipient may have it."""
    tables = catalog.dataset_tables(datasets=[dataset])
    if dataset.pk not in tables:
        raise PrivacyInvalid([("dataset", "empty", gettext("数据资源还没有数据"))])
    domain = f"privacy.release.{channel}.{reference}"
    plan = masking_plan(dataset=dataset, channel=channel, purpose=purpose, domain=domain, fields=fields)
    table = tables[dataset.pk]
    names = [name for name in table.columns if name in plan]
    if key_field not in names or plan[key_field][0].method not in ("keep", "hash", "token"):
        # Rows are recognised by their key in a leaked copy: a masked key no longer tells them apart.
        message = gettext("主键字段须原样、散列或令牌化提供，才能标记和追溯")
        raise PrivacyInvalid([("key_field", "unusable", message)])
    batches = list(mask_batches(table.select(*names), plan))
    extract = pa.Table.from_batches(batches) if batches else table.select(*names).limit(0).to_pyarrow()
    release = Release.objects.create(
        dataset=dataset,
        channel=channel,
        recipient=recipient,
        reference=reference,
        key_field=key_field,
        released_by=user,
    )
    marked = watermark.embed(extract, secret=release_secret(release.pk), key=key_field)
    release.rows = extract.num_rows
    release.save(update_fields=["rows"])
    audit_record(
        action="privacy.release.make",
        actor=user,
        object_type="privacy.release",
        object_id=release.pk,
        purpose=purpose,
        detail={"dataset": dataset.pk, "channel": channel, "recipient": recipient, "rows": release.rows},
    )
    return release, marked


def release_trace(*, path: Path, dataset: Any | None = None, actor: Any = None) -> list[tuple[Release, Any]]:
    """Which recorded release a leaked file came from: every candidate with its evidence, likeliest first."""
    leaked = watermark.read_extract(path)
    releases = Release.objects.select_related("dataset")
    if dataset is not None:
        releases = releases.filter(dataset=dataset)
    candidates = {release: release_secret(release.pk) for release in releases}
    if not candidates:
        return []
    keys = {release.key_field for release in candidates}
    key = next(iter(keys)) if len(keys) == 1 else None
    found = watermark.trace(leaked, candidates, key=key)
    best = found[0]
    audit_record(
        action="privacy.release.trace",
        actor=actor,
        object_type="privacy.release",
        object_id=best[0].pk if best[1].identified else "",
        detail={"rows": leaked.num_rows, "candidates": len(candidates), "identified": best[1].identified},
    )
    return found
