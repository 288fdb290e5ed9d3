from __future__ import annotations

import json
import uuid
from functools import cached_property
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shuzheng.eservices.choices import (
    BAD_RATING,
    CaseAction,
    CaseStatus,
    CommitmentStatus,
    ItemKind,
    RatingLevel,
    RectificationStatus,
    ServiceObject,
    VersionStatus,
)
from shuzheng.eservices.schemas import ItemDef, StepDef


class ServiceItem(models.Model):
    """One service item (事项) as implemented by one body in one region; its content lives in
    versions. The same national item implemented by another city is another row."""

    basic_code = models.CharField(_("基本编码"), max_length=12, db_index=True)
    implementation_code = models.CharField(_("实施编码"), max_length=36, unique=True)
    handling_code = models.CharField(_("业务办理项编码"), max_length=50, blank=True)
    # Copied from the version in force, so that the catalogue can be searched and filtered.
    name = models.CharField(_("事项名称"), max_length=200)
    kind = models.CharField(_("事项类型"), max_length=16, choices=ItemKind.choices)
    service_object = models.CharField(_("服务对象"), max_length=16, choices=ServiceObject.choices)
    department = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("实施主体"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey("core.Region", verbose_name=_("行政区划"), on_delete=models.PROTECT, related_name="+")
    published = models.ForeignKey(
        "ItemVersion",
        verbose_name=_("现行版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("model", "政务服务事项")
        verbose_name_plural = pgettext_lazy("models", "政务服务事项")
        ordering = ["basic_code", "region_id"]
        constraints = [
            models.UniqueConstraint(fields=["basic_code", "department"], name="eservices_item_once_per_body"),
        ]

    def __str__(self) -> str:
        return self.name


SPECS_KEPT = 2000
_specs: dict[str, ItemDef] = {}


class ItemVersion(models.Model):
    """A version of an item's content (guide, materials, steps, form), drafted, reviewed and
    published; a published version is never changed — a change is a new version."""

    item = models.ForeignKey(ServiceItem, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(_("状态"), max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    # The whole item definition, validated by ItemDef: it is what import and export exchange.
    definition = models.JSONField(_("事项要素"))
    created_by = models.ForeignKey(
        "accounts.User", verbose_name=_("编制人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("编制时间"), default=timezone.now)
    submitted_at = models.DateTimeField(_("提交审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "accounts.User", verbose_name=_("审核人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    review_note = models.TextField(_("审核意见"), blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "事项版本")
        verbose_name_plural = pgettext_lazy("models", "事项版本")
        ordering = ["item", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="eservices_version_number_unique"),
            # Drafting happens on one version at a time.
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(status__in=[VersionStatus.DRAFT, VersionStatus.REVIEW]),
                name="eservices_one_open_draft",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} v{self.number}"

    @cached_property
    def spec(self) -> ItemDef:
        # Checking a definition (its form is a JSON Schema, checked against the standard's
        # meta-schema) costs far more than reading it: each process checks a text once.
        text = json.dumps(self.definition, sort_keys=True, ensure_ascii=False)
        spec = _specs.get(text)
        if spec is None:
            if len(_specs) >= SPECS_KEPT:
                _specs.clear()
            spec = _specs[text] = ItemDef.model_validate(self.definition)
        return spec

    def step(self, code: str) -> StepDef | None:
        return next((step for step in self.spec.steps if step.code == code), None)


class Case(models.Model):
    """An application (办件): from draft through the item version's steps to its end. Every change
    goes through one transition that bumps ``revision``, so two officials never both win."""

    uid = models.UUIDField(_("外部标识"), default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("办件编号"), max_length=32, unique=True, null=True, blank=True)
    item = models.ForeignKey(ServiceItem, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="cases")
    version = models.ForeignKey(ItemVersion, verbose_name=_("事项版本"), on_delete=models.PROTECT, related_name="+")
    applicant = models.ForeignKey(
        "accounts.User", verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="eservice_cases"
    )
    # Set when the applicant acts for an enterprise: its members see the case too.
    legal_person = models.ForeignKey(
        "accounts.LegalPerson",
        verbose_name=_("申请单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("办理部门"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey("core.Region", verbose_name=_("行政区划"), on_delete=models.PROTECT, related_name="+")
    data = models.JSONField(_("申请表"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.DRAFT)
    step = models.CharField(_("当前环节"), max_length=40, blank=True)
    revision = models.PositiveIntegerField(_("修订号"), default=1)
    pledged = models.BooleanField(_("告知承诺"), default=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    legal_due = models.DateField(_("法定办结日期"), null=True, blank=True)
    promised_due = models.DateField(_("承诺办结日期"), null=True, blank=True)
    # While a correction or special procedure runs the clock stops; the due dates move on resume.
    paused_on = models.DateField(_("计时暂停日期"), null=True, blank=True)
    resume_status = models.CharField(_("暂停前状态"), max_length=16, choices=CaseStatus.choices, blank=True)
    finished_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    result = models.TextField(_("办理结果"), blank=True)
    # The day its handlers were last reminded of the deadline: once a day at most.
    reminded_on = models.DateField(_("催办日期"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "办件")
        verbose_name_plural = pgettext_lazy("models", "办件")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One unfinished application per item and applicant: coming back resumes it, and a
            # double click does not start two.
            models.UniqueConstraint(
                fields=["applicant", "item"], condition=Q(status="draft"), name="eservices_one_draft_per_item"
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status", "promised_due"]),
            models.Index(fields=["applicant", "-created_at"]),
            models.Index(fields=["status", "promised_due"]),
        ]

    def __str__(self) -> str:
        return self.number or str(self.uid)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def due(self) -> Any:
        """The binding deadline: the promised one where shorter (最多跑一次规定 art. 12)."""
        dates = [day for day in (self.promised_due, self.legal_due) if day is not None]
        return min(dates) if dates else None


OPEN_STATUSES = (CaseStatus.SUBMITTED, CaseStatus.CORRECTION, CaseStatus.PROCESSING, CaseStatus.SUSPENDED)


class SubmissionKey(models.Model):
    """An applicant's ``Idempotency-Key``: claimed before the case is written, so a retry finds
    the same case, a different body under the same key is refused, and a retry racing the first
    attempt learns it is still in flight."""

    applicant = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=128)
    body_hash = models.CharField(max_length=64)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("model", "提交幂等键")
        verbose_name_plural = pgettext_lazy("models", "提交幂等键")
        constraints = [models.UniqueConstraint(fields=["applicant", "key"], name="eservices_submission_key_unique")]

    def __str__(self) -> str:
        return self.key


class CaseEvent(models.Model):
    """One transition of a case, in order: who did what, from which step and status to which."""

    case = models.ForeignKey(Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    actor = models.ForeignKey(
        "accounts.User", verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("动作"), max_length=24, choices=CaseAction.choices)
    step_from = models.CharField(_("原环节"), max_length=40, blank=True)
    step_to = models.CharField(_("新环节"), max_length=40, blank=True)
    status_from = models.CharField(_("原状态"), max_length=16, choices=CaseStatus.choices, blank=True)
    status_to = models.CharField(_("新状态"), max_length=16, choices=CaseStatus.choices)
    note = models.TextField(_("意见"), blank=True)
    # Action-specific facts: the materials asked for in a correction, the suspension's kind, …
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "办件记录")
        verbose_name_plural = pgettext_lazy("models", "办件记录")
        ordering = ["case", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.case} {self.action}"


class CaseMaterial(models.Model):
    """A file the applicant gave for one of the item's materials, stored outside the web root."""

    case = models.ForeignKey(Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="materials")
    uid = models.UUIDField(_("外部标识"), default=uuid.uuid4, unique=True, editable=False)
    material = models.CharField(_("材料"), max_length=40)
    name = models.CharField(_("文件名"), max_length=200)
    kind = models.CharField(_("文件类型"), max_length=16)
    size = models.PositiveBigIntegerField(_("大小"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    path = models.CharField(_("存储位置"), max_length=300)
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    # A correction replaces a file: the old one stays in the record, no longer current.
    replaced_at = models.DateTimeField(_("被替换时间"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "办件材料")
        verbose_name_plural = pgettext_lazy("models", "办件材料")
        ordering = ["case", "material", "uploaded_at"]

    def __str__(self) -> str:
        return self.name


class Rating(models.Model):
    """An applicant's rating of a finished case (一事一评), given once."""

    case = models.OneToOneField(Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="rating")
    level = models.PositiveSmallIntegerField(_("评价等级"), choices=RatingLevel.choices)
    dimensions = models.JSONField(_("分项评价"), default=dict, blank=True)
    text = models.TextField(_("评价内容"), blank=True)
    # Copied from the case, so that statistics group without joins through cases.
    item = models.ForeignKey(ServiceItem, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("办理部门"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey("core.Region", verbose_name=_("行政区划"), on_delete=models.PROTECT, related_name="+")
    # The official who took the case's last decision.
    official = models.ForeignKey(
        "accounts.User", verbose_name=_("经办人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("评价时间"), default=timezone.now)
    # A rating found malicious on appeal counts no more in the statistics.
    excluded = models.BooleanField(_("不计入统计"), default=False)

    class Meta:
        verbose_name = pgettext_lazy("model", "好差评")
        verbose_name_plural = pgettext_lazy("models", "好差评")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "created_at"]), models.Index(fields=["item", "created_at"])]

    def __str__(self) -> str:
        return f"{self.case} {self.get_level_display()}"

    @property
    def is_bad(self) -> bool:
        return self.level <= BAD_RATING


class Rectification(models.Model):
    """The handling department's answer to a bad rating: call the applicant back, put it right by the
    deadline and tell them, or appeal a malicious rating to a reviewer."""

    rating = models.OneToOneField(
        Rating, verbose_name=_("差评"), on_delete=models.CASCADE, related_name="rectification"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("整改部门"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey("core.Region", verbose_name=_("行政区划"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("状态"), max_length=16, choices=RectificationStatus.choices, default=RectificationStatus.OPEN
    )
    due = models.DateField(_("整改期限"))
    called_back_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    callback_note = models.TextField(_("回访记录"), blank=True)
    result = models.TextField(_("整改结果"), blank=True)
    done_at = models.DateTimeField(_("整改完成时间"), null=True, blank=True)
    done_by = models.ForeignKey(
        "accounts.User", verbose_name=_("整改人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    appeal_reason = models.TextField(_("申诉理由"), blank=True)
    appeal_note = models.TextField(_("复核意见"), blank=True)
    reviewed_by = models.ForeignKey(
        "accounts.User", verbose_name=_("复核人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = pgettext_lazy("model", "差评整改")
        verbose_name_plural = pgettext_lazy("models", "差评整改")
        ordering = ["due", "pk"]
        indexes = [models.Index(fields=["organisation", "status", "due"])]

    def __str__(self) -> str:
        return str(self.rating)


class Commitment(models.Model):
    """A signed 告知承诺: the applicant's written promise that replaced some proofs, and the
    department's check of it after the approval it earned at once."""

    case = models.OneToOneField(Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="commitment")
    text = models.TextField(_("承诺书"))
    # The text signed: the item version it came with and its digest, so a later edit of the item
    # never changes what this applicant promised.
    text_version = models.CharField(_("承诺书版本"), max_length=80)
    signed_at = models.DateTimeField(_("签署时间"), default=timezone.now)
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("核查部门"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey("core.Region", verbose_name=_("行政区划"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("状态"), max_length=16, choices=CommitmentStatus.choices, default=CommitmentStatus.PENDING
    )
    verify_due = models.DateField(_("核查期限"))
    correction_due = models.DateField(_("整改期限"), null=True, blank=True)
    checked_at = models.DateTimeField(_("核查时间"), null=True, blank=True)
    checked_by = models.ForeignKey(
        "accounts.User", verbose_name=_("核查人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("核查意见"), blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "告知承诺")
        verbose_name_plural = pgettext_lazy("models", "告知承诺")
        ordering = ["verify_due", "pk"]
        indexes = [models.Index(fields=["organisation", "status", "verify_due"])]

    def __str__(self) -> str:
        return str(self.case)
