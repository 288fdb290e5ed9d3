"""Reads of the privacy engine: detection and masking for other apps, policies, proposals, checks, releases."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from shuzheng.accounts.selectors import user_can, visible_to
from shuzheng.catalog import services as catalog
from shuzheng.catalog.selectors import datasets_for_official, datasets_open
from shuzheng.privacy import policies
from shuzheng.privacy.choices import ProposalStatus
from shuzheng.privacy.detect import detect
from shuzheng.privacy.masking import METHODS, SUPPRESS, Applied, Plan, Treatment, mask_batches, mask_record
from shuzheng.privacy.models import FieldProposal, MaskingPolicy, Release, ReleaseCheck
from shuzheng.privacy.registry import DETECTORS, Finding

__all__ = ["DETECTORS", "METHODS", "Finding", "detect", "mask_batches", "mask_record"]

# Whoever maintains a dataset's catalogue entry classifies its fields and checks its releases.
CLASSIFY = catalog.EDIT
POLICY_EDIT = "privacy.policy.edit"


def policy_treatments(*, channel: str, grade: str, purpose: str = "") -> dict[str, dict[str, Any]]:
    """The treatments of one channel, grade and purpose: the purpose's own policy, the channel's, the built-in."""
    rows = {
        row.purpose: row.treatments
        for row in MaskingPolicy.objects.filter(channel=channel, grade=grade, purpose__in={purpose, ""})
    }
    chosen: dict[str, dict[str, Any]] = rows.get(purpose) or rows.get("") or policies.DEFAULTS[(channel, grade)]
    return chosen


# Before a dataset is classified, a personal field's label says what it holds (联系电话, 经营者姓名).
LABEL_HINTS = (
    ("身份证", "resident_id"),
    ("身份号码", "resident_id"),  # 公民身份号码, the data element's name
    ("手机", "mobile"),
    ("电话", "mobile"),
    ("姓名", "person_name"),
    ("住址", "address"),
    ("地址", "address"),
    ("银行卡", "bank_card"),
    ("账号", "bank_card"),
    ("邮箱", "email"),
    ("车牌", "plate"),
)


def field_kinds(*, dataset: Any) -> dict[str, str]:
    """The kind of personal data each field holds: as the classifier proposed and no officer rejected,
    else, for fields the catalogue marks as personal and the classifier has not seen, as the label says."""
    return _personal_kinds(FieldProposal.objects.filter(dataset=dataset), dataset.fields.all())


def _personal_kinds(proposals: Iterable[FieldProposal], fields: Iterable[Any]) -> dict[str, str]:
    kinds: dict[str, str] = {}
    seen = set()
    for proposal in proposals:
        seen.add(proposal.field_name)
        if proposal.kind and proposal.status != ProposalStatus.REJECTED:
            kinds[proposal.field_name] = proposal.kind
    for item in fields:
        if item.identifies_person and item.name not in seen:
            kind = next((kind for word, kind in LABEL_HINTS if word in item.label), None)
            if kind is not None:
                kinds[item.name] = kind
    return kinds


def masking_plan(
    *,
    dataset: Any,
    channel: str,
    purpose: str = "",
    domain: str = "",
    fields: Iterable[str] | None = None,
    today: datetime.date | None = None,
) -> Plan:
    """How each field of ``dataset`` leaves through ``channel``: the policy of its grade, by its kind."""
    kinds = field_kinds(dataset=dataset)
    wanted = None if fields is None else set(fields)
    day = today or timezone.localdate()
    cache: dict[str, dict[str, dict[str, Any]]] = {}
    plan: dict[str, tuple[Treatment, Applied]] = {}
    for field in dataset.fields.all():
        if wanted is not None and field.name not in wanted:
            continue
        if field.grade not in cache:
            cache[field.grade] = policy_treatments(channel=channel, grade=field.grade, purpose=purpose)
        kind = kinds.get(field.name)
        how = policies.treatment_for(cache[field.grade], kind, field.identifies_person)
        plan[field.name] = (Treatment(how["method"], how.get("params", {})), Applied(kind, domain, day))
    return plan


def record_plan(*, kinds: Mapping[str, str], channel: str, grade: str, purpose: str = "") -> Plan:
    """How the fields of records sent for masking are treated: the policy of ``grade``, by each field's kind."""
    treatments = policy_treatments(channel=channel, grade=grade, purpose=purpose)
    plan: dict[str, tuple[Treatment, Applied]] = {}
    for name, kind in kinds.items():
        how = policies.treatment_for(treatments, kind, True)
        plan[name] = (Treatment(how["method"], how.get("params", {})), Applied(kind=kind))
    return plan


def mask_text(text: str, *, channel: str, grade: str, purpose: str = "", domain: str = "") -> tuple[str, list[Finding]]:
    """``text`` with each finding treated by the policy for ``grade``, and the findings."""
    treatments = policy_treatments(channel=channel, grade=grade, purpose=purpose)
    findings = detect(text)
    pieces: list[str] = []
    at = 0
    for finding in findings:
        how = policies.treatment_for(treatments, finding.kind, True)
        treated = Treatment(how["method"], how.get("params", {})).python(
            text[finding.start : finding.end], Applied(kind=finding.kind, domain=domain)
        )
        pieces += [text[at : finding.start], "" if treated is None else str(treated)]
        at = finding.end
    pieces.append(text[at:])
    return "".join(pieces), findings


def policies_effective() -> list[dict[str, Any]]:
    """Every channel and grade with the treatments in force for any purpose, then the purposes with their own."""
    stored = {(row.channel, row.purpose, row.grade): row for row in MaskingPolicy.objects.all()}
    rows = []
    for (channel, grade), built_in in policies.DEFAULTS.items():
        row = stored.get((channel, "", grade))
        treatments = row.treatments if row else built_in
        rows.append({"channel": channel, "purpose": "", "grade": grade, "treatments": treatments, "stored": row})
    for row in stored.values():
        if row.purpose:
            rows.append({"channel": row.channel, "purpose": row.purpose, "grade": row.grade,
                         "treatments": row.treatments, "stored": row})  # fmt: skip
    return rows


def proposals_for(*, dataset: Any) -> QuerySet[FieldProposal]:
    return FieldProposal.objects.filter(dataset=dataset).select_related("decided_by")


def release_checks_for(*, dataset: Any) -> QuerySet[ReleaseCheck]:
    return ReleaseCheck.objects.filter(dataset=dataset).select_related("checked_by")


def release_check_passing(*, dataset: Any) -> ReleaseCheck | None:
    """The newest release check of ``dataset`` if it passed: what a release must have."""
    latest = ReleaseCheck.objects.filter(dataset=dataset).first()
    return latest if latest is not None and latest.passed else None


def plan_as_checked(plan: Plan, *, dataset: Any) -> Plan:
    """``plan`` with the generalisations of the dataset's newest passing release check on its
    quasi-identifiers: what leaves is what was checked (a field the policy withholds stays
    withheld; fields checked as they are may only be coarsened by the policy, which keeps k). The
    newest *passing* one: a failed check run later must not strip an approved use's generalisations."""
    check = ReleaseCheck.objects.filter(dataset=dataset, passed=True).first()
    if check is None:
        return plan
    result = dict(plan)
    for name, how in check.generalisations.items():
        if name in result and result[name][0].method != SUPPRESS:
            result[name] = (Treatment(how["method"], how.get("params", {})), result[name][1])
    return result


def release_check_missing(*, dataset: Any) -> bool:
    """Whether approving a restricted opening of ``dataset`` must wait for a release check: it has
    fields about persons and its newest check did not pass, or none was made."""
    return dataset.fields.filter(identifies_person=True).exists() and release_check_passing(dataset=dataset) is None


def releases_of(*, dataset: Any | None = None) -> QuerySet[Release]:
    releases = Release.objects.select_related("dataset", "released_by")
    return releases if dataset is None else releases.filter(dataset=dataset)


def may_classify(*, user: Any, dataset: Any) -> bool:
    return user_can(user, CLASSIFY, dataset)


def may_edit_policies(*, user: Any) -> bool:
    return user_can(user, POLICY_EDIT)


def may_review(*, user: Any) -> bool:
    """The keeper of the policies reviews every dataset; whoever classifies fields, their own."""
    return may_edit_policies(user=user) or user_can(user, CLASSIFY)


def datasets_to_classify(*, user: Any, datasets: QuerySet[Any]) -> QuerySet[Any]:
    return visible_to(user, datasets, CLASSIFY)


def kind_labels() -> list[tuple[str, str]]:
    return [(kind, str(detector.label)) for kind, detector in DETECTORS.items()]


def method_labels() -> list[tuple[str, str]]:
    return [(name, str(method.label)) for name, method in METHODS.items()]


def grade_implied(kinds: Sequence[str]) -> str:
    """The highest grade the kinds of personal data in a field imply (L1 with none)."""
    return max((DETECTORS[kind].grade for kind in kinds if kind in DETECTORS), default="L1")


def findings_counted(findings: Sequence[Finding]) -> Mapping[str, int]:
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.kind] = counts.get(finding.kind, 0) + 1
    return counts


@dataclass(frozen=True)
class DatasetReview:
    """One dataset as a security assessment reads it: what personal data it holds, whether its
    declared grades cover that, and whether what leaves it was checked and marked."""

    dataset: Any
    personal: dict[str, str]  # field name → kind of data about a natural person
    under_graded: list[str] = dataclasses.field(default_factory=list)  # fields graded below what they hold implies
    implied: str = "L1"  # the grade the personal data implies for the dataset
    classified: bool = False  # the classifier has looked at it
    pending: int = 0  # proposals of personal data no officer has decided
    check: ReleaseCheck | None = None  # the newest release check
    releases: int = 0  # watermarked extracts handed out
    opened: bool = False  # published for the public, freely or restricted

    @property
    def dataset_under_graded(self) -> bool:
        return self.implied > str(self.dataset.grade)

    @property
    def check_wanted(self) -> bool:
        """Opened (restricted or freely) with personal fields, and no passing newest check."""
        return bool(self.personal) and self.opened and not (self.check is not None and self.check.passed)

    @property
    def findings(self) -> int:
        """What needs doing: grades to raise, a check to pass, proposals to decide. A dataset the
        classifier has not looked at is shown as such, but is not a finding in itself."""
        under = int(self.dataset_under_graded) + len(self.under_graded)
        return under + int(self.check_wanted) + int(bool(self.pending))


def security_review(*, user: Any) -> list[DatasetReview]:
    """Every dataset the user answers for — all of them for the keeper of the masking policies, the
    department's own for whoever classifies its fields — with what an assessment asks of each; the
    ones with most findings first. A fixed number of queries however many datasets there are."""
    datasets = datasets_for_official(user=user)
    if not may_edit_policies(user=user):
        datasets = datasets_to_classify(user=user, datasets=datasets)
    datasets = datasets.annotate(release_count=Count("releases", distinct=True))
    by_pk = {dataset.pk: dataset for dataset in datasets}
    proposals: dict[int, list[FieldProposal]] = {}
    for proposal in FieldProposal.objects.filter(dataset__in=list(by_pk)):
        proposals.setdefault(proposal.dataset_id, []).append(proposal)
    newest: dict[int, ReleaseCheck] = {}
    # Without the reports, which hold samples of every small group and can be large.
    checks = ReleaseCheck.objects.filter(dataset__in=list(by_pk)).defer("report", "generalisations")
    for check in checks.order_by("dataset_id", "-checked_at", "-pk"):
        newest.setdefault(check.dataset_id, check)
    opened = set(datasets_open(include_restricted=True).filter(pk__in=list(by_pk)).values_list("pk", flat=True))
    reviews = [
        _review(dataset, proposals.get(pk, []), newest.get(pk), opened=pk in opened) for pk, dataset in by_pk.items()
    ]
    return sorted(reviews, key=lambda review: (-review.findings, review.dataset.code))


def _review(dataset: Any, proposals: list[FieldProposal], check: ReleaseCheck | None, *, opened: bool) -> DatasetReview:
    fields = list(dataset.fields.all())
    kinds = _personal_kinds(proposals, fields)
    under = [item.name for item in fields if grade_implied([kinds.get(item.name, "")]) > item.grade]
    # Organisations' identifiers (credit codes) are kinds too, but not about persons.
    personal = {name: kind for name, kind in kinds.items() if kind in DETECTORS and DETECTORS[kind].personal}
    return DatasetReview(
        dataset=dataset,
        personal=personal,
        under_graded=under,
        implied=grade_implied(list(kinds.values())),
        classified=bool(proposals),
        pending=sum(1 for p in proposals if p.kind and p.status == ProposalStatus.PROPOSED),
        check=check,
        releases=dataset.release_count,
        opened=opened,
    )
