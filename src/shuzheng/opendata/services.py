"""Writes of the open-data portal: restricted-opening applications (受限开放), their keys and use
reports, and the usage counts behind the portal's statistics. Each is one transaction, audited."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from shuzheng.accounts.selectors import memberships_of, user_can
from shuzheng.accounts.services import IssuedToken, api_token_create, api_token_revoke
from shuzheng.catalog.schemas import Grade, OpenType
from shuzheng.catalog.selectors import datasets_open, resource_rows
from shuzheng.core.audit import audit_record
from shuzheng.core.crypto import sm3
from shuzheng.core.workdays import add_working_days
from shuzheng.opendata.choices import ApplicationStatus, Treatment
from shuzheng.opendata.models import AccessApplication, UsageDaily, UseReport
from shuzheng.privacy import selectors as privacy

VIEW = "opendata.application.view"
DECIDE = "opendata.application.decide"
# The scope of every open-data key: a user's own key for the open APIs, and the key an approval issues.
SCOPE = "opendata"
# Bump with every change of templates/opendata/agreement.txt: applicants sign one version.
AGREEMENT_VERSION = "2026.1"

Problem = tuple[str, str, str]  # (field, code, message)


class OpenDataInvalid(ValueError):
    """A refused request, with a message per field."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(message for _field, _code, message in self.problems))


class OpenDataForbidden(PermissionError):
    """The user may not do this to this application (answered as 404: it does not exist for them)."""


def agreement_text() -> str:
    """The use agreement applicants sign, in Chinese whatever the page's language: that text binds."""
    with translation.override("zh-hans"):
        return render_to_string("opendata/agreement.txt", {"version": AGREEMENT_VERSION}).strip()


def requestable_fields(dataset: Any) -> list[Any]:
    """The fields an applicant may ask for: all but the sensitive (L4) ones, which never leave."""
    return [field for field in dataset.fields.order_by("position") if field.grade != Grade.L4]


def _submission_problems(
    *, applicant: Any, dataset: Any, text: dict[str, str], fields: list[str], days: int, signed_name: str, agreed: bool
) -> list[Problem]:
    problems: list[Problem] = []
    for name, label in (("purpose", gettext("使用目的")), ("scenario", gettext("应用场景"))):
        if len(text[name]) < 10:
            problems.append((name, "too_short", gettext("请具体说明%(label)s（至少 10 个字）") % {"label": label}))
    if len(text["security_measures"]) < 10:
        problems.append(("security_measures", "too_short", gettext("请说明数据安全保障措施（至少 10 个字）")))
    known = {field.name for field in requestable_fields(dataset)}
    if unknown := sorted(set(fields) - known):
        problems.append(("fields", "unknown", gettext("不可申请的字段：%(names)s") % {"names": "、".join(unknown)}))
    longest = settings.SHUZHENG_OPEN_ACCESS_MAX_DAYS
    if not 1 <= days <= longest:
        problems.append(("days", "out_of_range", gettext("使用期限应为 1 至 %(max)d 天") % {"max": longest}))
    if not agreed:
        problems.append(("agreed", "required", gettext("须阅读并同意数据使用协议")))
    if not applicant.name or signed_name.strip() != applicant.name:
        problems.append(("signed_name", "mismatch", gettext("签署人须与申请账号的实名一致")))
    return problems


def _pending(applicant: Any, dataset: Any) -> Any:
    return AccessApplication.objects.filter(applicant=applicant, dataset=dataset, status=ApplicationStatus.SUBMITTED)


@transaction.atomic
def application_submit(
    *,
    applicant: Any,
    dataset: Any,
    purpose: str,
    scenario: str,
    security_measures: str,
    days: int,
    signed_name: str,
    agreed: bool,
    fields: Sequence[str] = (),
    legal_person: Any = None,
    request: HttpRequest | None = None,
) -> tuple[AccessApplication, bool]:
    """Apply to use a restricted dataset; (application, created). A second submission while one is
    pending returns that one: a double click makes one case."""
    published = datasets_open(include_restricted=True).filter(pk=dataset.pk, open_type=OpenType.RESTRICTED)
    if not published.exists():
        raise OpenDataInvalid([("dataset", "not_restricted", gettext("只有受限开放的数据资源需要申请"))])
    pending = _pending(applicant, dataset).first()
    if pending is not None:
        return pending, False
    text = {
        "purpose": purpose.strip(),
        "scenario": scenario.strip(),
        "security_measures": security_measures.strip(),
    }
    wanted = list(dict.fromkeys(fields)) or [field.name for field in requestable_fields(dataset)]
    problems = _submission_problems(
        applicant=applicant,
        dataset=dataset,
        text=text,
        fields=wanted,
        days=days,
        signed_name=signed_name,
        agreed=agreed,
    )
    if legal_person is not None and not memberships_of(user=applicant).filter(legal_person=legal_person).exists():
        problems.append(("legal_person", "not_member", gettext("您不是该单位的经办人")))
    if problems:
        raise OpenDataInvalid(problems)
    now = timezone.now()
    try:
        with transaction.atomic():
            application = AccessApplication.objects.create(
                number=f"pending-{applicant.pk}-{dataset.pk}",
                dataset=dataset,
                organisation_id=dataset.organisation_id,
                applicant=applicant,
                legal_person=legal_person,
                fields=wanted,
                days=days,
                agreement_version=AGREEMENT_VERSION,
                agreement_digest=sm3(agreement_text().encode()),
                signed_name=signed_name.strip(),
                signed_at=now,
                submitted_at=now,
                due_on=add_working_days(timezone.localdate(now), settings.SHUZHENG_OPEN_APPLICATION_DAYS),
                **text,
            )
    except IntegrityError:
        # Two clicks at once: the other request made the application.
        pending = AccessApplication.objects.get(
            applicant=applicant, dataset=dataset, status=ApplicationStatus.SUBMITTED
        )
        return pending, False
    application.number = f"KF{now:%Y}{application.pk:08d}"
    application.save(update_fields=["number"])
    audit_record(
        action="opendata.application.submit",
        actor=applicant,
        object_type="opendata.accessapplication",
        object_id=application.number,
        detail={"dataset": dataset.code, "fields": wanted, "days": days},
        request=request,
    )
    return application, True


def _locked(application: AccessApplication) -> AccessApplication:
    return AccessApplication.objects.select_for_update().select_related("dataset").get(pk=application.pk)


def _audit(action: str, actor: Any, application: AccessApplication, request: HttpRequest | None, **detail: Any) -> None:
    audit_record(
        action=f"opendata.application.{action}",
        actor=actor,
        object_type="opendata.accessapplication",
        object_id=application.number,
        detail=detail,
        request=request,
    )


@transaction.atomic
def application_decide(
    *, official: Any, application: AccessApplication, approve: bool, reason: str, request: HttpRequest | None = None
) -> AccessApplication:
    """The owning department approves (the use runs for the days asked) or refuses, with reasons."""
    application = _locked(application)
    if not user_can(official, DECIDE, application):
        raise OpenDataForbidden(DECIDE)
    if application.status != ApplicationStatus.SUBMITTED:
        raise OpenDataInvalid([("", "decided", gettext("该申请已处理"))])
    if application.applicant_id == official.pk:
        raise OpenDataInvalid([("", "own_application", gettext("不能审核自己提交的申请"))])
    if not approve and not reason.strip():
        raise OpenDataInvalid([("reason", "required", gettext("不予批准须写明理由"))])
    if approve and privacy.release_check_missing(dataset=application.dataset):
        # The data leaves for the applicant's own systems: k-anonymity and l-diversity are checked
        # on what would leave, by the department's data officer, before any approval.
        message = gettext("该数据资源含个人信息，须先在“个人信息保护”中通过发布前检查（k-匿名、l-多样性），才能批准")
        raise OpenDataInvalid([("", "release_check", message)])
    now = timezone.now()
    application.status = ApplicationStatus.APPROVED if approve else ApplicationStatus.REFUSED
    application.decided_by = official
    application.decided_at = now
    application.decision_reason = reason.strip()
    application.valid_until = now + datetime.timedelta(days=application.days) if approve else None
    application.save(update_fields=["status", "decided_by", "decided_at", "decision_reason", "valid_until"])
    _audit("approve" if approve else "refuse", official, application, request, reason=application.decision_reason)
    return application


@transaction.atomic
def application_withdraw(
    *, applicant: Any, application: AccessApplication, request: HttpRequest | None = None
) -> AccessApplication:
    """The applicant takes back an application not yet decided."""
    application = _locked(application)
    if application.applicant_id != applicant.pk:
        raise OpenDataForbidden("withdraw")
    if application.status != ApplicationStatus.SUBMITTED:
        raise OpenDataInvalid([("", "decided", gettext("该申请已处理，不能撤回"))])
    application.status = ApplicationStatus.WITHDRAWN
    application.save(update_fields=["status"])
    _audit("withdraw", applicant, application, request)
    return application


@transaction.atomic
def application_terminate(
    *, official: Any, application: AccessApplication, reason: str, request: HttpRequest | None = None
) -> AccessApplication:
    """The department ends an approved use early (misuse, a changed law); its key stops at once."""
    application = _locked(application)
    if not user_can(official, DECIDE, application):
        raise OpenDataForbidden(DECIDE)
    if application.status != ApplicationStatus.APPROVED:
        raise OpenDataInvalid([("", "not_approved", gettext("只有已批准的申请可以终止"))])
    if not reason.strip():
        raise OpenDataInvalid([("reason", "required", gettext("终止使用须写明理由"))])
    application.status = ApplicationStatus.TERMINATED
    application.decision_reason = reason.strip()
    application.save(update_fields=["status", "decision_reason"])
    if application.token is not None:
        application.token.revoked_at = timezone.now()
        application.token.save(update_fields=["revoked_at"])
    _audit("terminate", official, application, request, reason=application.decision_reason)
    return application


@transaction.atomic
def application_key_issue(
    *, applicant: Any, application: AccessApplication, request: HttpRequest | None = None
) -> IssuedToken:
    """The approved applicant's key to the dataset, shown once; a new one replaces the old."""
    application = _locked(application)
    if application.applicant_id != applicant.pk:
        raise OpenDataForbidden("key")
    if not application.is_active:
        raise OpenDataInvalid([("", "not_active", gettext("申请未获批准或已过期，不能领取密钥"))])
    if application.token is not None and application.token.revoked_at is None:
        api_token_revoke(user=applicant, token=application.token, request=request)
    assert application.valid_until is not None
    issued = api_token_create(
        user=applicant,
        name=gettext("受限开放 %(number)s") % {"number": application.number},
        scopes=[SCOPE],
        expires_at=application.valid_until,
        request=request,
    )
    application.token = issued.token
    application.save(update_fields=["token"])
    _audit("key", applicant, application, request)
    return issued


@transaction.atomic
def report_submit(
    *,
    applicant: Any,
    application: AccessApplication,
    summary: str,
    outcomes: str = "",
    request: HttpRequest | None = None,
) -> UseReport:
    """The applicant reports how the data was used (成果反馈): during the use or after it."""
    application = _locked(application)
    if application.applicant_id != applicant.pk:
        raise OpenDataForbidden("report")
    if application.status not in (ApplicationStatus.APPROVED, ApplicationStatus.TERMINATED):
        raise OpenDataInvalid([("", "not_approved", gettext("只有获批的申请需要报告使用情况"))])
    if len(summary.strip()) < 10:
        raise OpenDataInvalid([("summary", "too_short", gettext("请具体说明数据使用情况（至少 10 个字）"))])
    report = UseReport.objects.create(application=application, summary=summary.strip(), outcomes=outcomes.strip())
    _audit("report", applicant, application, request, report=report.pk)
    return report


def restricted_plan(*, application: AccessApplication) -> Any:
    """How each approved field reaches the applicant: the privacy engine's opening policy by grade,
    with the generalisations the dataset's release check passed with. Pseudonyms are keyed to the
    application: its records join among themselves, not with another's."""
    plan = privacy.masking_plan(
        dataset=application.dataset,
        channel="open",
        domain=f"opendata.application.{application.pk}",
        fields=[field.name for field in requestable_fields(application.dataset) if field.name in application.fields],
    )
    return privacy.plan_as_checked(plan, dataset=application.dataset)


def field_treatments(*, application: AccessApplication) -> list[tuple[Any, str]]:
    """The approved fields with what happens to each (原值, 部分遮盖, 假名化)."""
    plan = restricted_plan(application=application)
    fields = requestable_fields(application.dataset)
    return [(field, _treatment(plan[field.name][0].method)) for field in fields if field.name in plan]


def _treatment(method: str) -> str:
    """How the privacy engine's method reads to the applicant."""
    return {"keep": Treatment.PLAIN, "suppress": Treatment.WITHHELD, "hash": Treatment.PSEUDONYM,
            "token": Treatment.PSEUDONYM}.get(method, Treatment.MASKED)  # fmt: skip


@dataclass(frozen=True)
class RestrictedPage:
    columns: list[dict[str, str]]  # name, label, type, treatment
    total: int
    rows: list[dict[str, Any]]


@transaction.atomic
def restricted_rows_read(
    *, application: AccessApplication, limit: int, offset: int, request: HttpRequest | None = None
) -> RestrictedPage:
    """A page of a restricted dataset for its approved applicant: only the fields approved, each
    de-identified by its grade. Every page read is audited (the rows may concern people)."""
    if not application.is_active:
        raise OpenDataForbidden("read")
    dataset = application.dataset
    fields = [field for field in requestable_fields(dataset) if field.name in application.fields]
    resource = next((resource for resource in dataset.resources.all() if resource.table), None)
    plan = restricted_plan(application=application)
    columns = [
        {"name": f.name, "label": f.label, "type": f.data_type, "treatment": _treatment(plan[f.name][0].method)}
        for f in fields
    ]
    if resource is None:
        return RestrictedPage(columns, 0, [])
    page = resource_rows(resource=resource, fields=[field.name for field in fields], limit=limit, offset=offset)
    rows = [privacy.mask_record(row, plan) for row in page.rows]
    usage_count(dataset=dataset, api_calls=1)
    audit_record(
        action="opendata.restricted.read",
        actor=application.applicant,
        object_type="catalog.dataset",
        object_id=dataset.code,
        purpose=application.number,
        detail={"offset": offset, "rows": len(rows)},
        request=request,
    )
    return RestrictedPage(columns, page.total, rows)


def usage_count(*, dataset: Any, downloads: int = 0, api_calls: int = 0) -> None:
    """Add to today's counts of a dataset: one UPDATE in the database, an INSERT on the day's first use."""
    day = timezone.localdate()
    today = UsageDaily.objects.filter(dataset=dataset, day=day)
    increments = {"downloads": F("downloads") + downloads, "api_calls": F("api_calls") + api_calls}
    if today.update(**increments):
        return
    try:
        with transaction.atomic():
            UsageDaily.objects.create(dataset=dataset, day=day, downloads=downloads, api_calls=api_calls)
    except IntegrityError:
        today.update(**increments)  # another request made the day's row first
