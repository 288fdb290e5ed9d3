"""告知承诺: the check of a promise after the approval it earned at once."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.dispatch import Signal
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

from shuzheng.accounts.selectors import user_can
from shuzheng.core.errors import fields_problem
from shuzheng.core.notifications import notify
from shuzheng.core.workdays import add_working_days
from shuzheng.eservices.choices import (
    CaseAction,
    CaseStatus,
    CommitmentStatus,
)
from shuzheng.eservices.models import (
    Case,
    Commitment,
)
from shuzheng.eservices.selectors import (
    PLEDGE_VERIFY,
)
from shuzheng.eservices.services.cases import event_record
from shuzheng.eservices.services.common import record_audit

# --- 告知承诺: the check after approval ----------------------------------------------------

# Sent after commit when a commitment is found false and the approval revoked: the credit centre
# records it (receivers get ``commitment``).
commitment_broken = Signal()


@transaction.atomic
def commitment_check(
    *, official: Any, commitment: Commitment, passed: bool, note: str, request: HttpRequest | None = None
) -> Commitment:
    """Record the check of a promise. Found untrue, the applicant gets a deadline to put it right;
    still untrue after it, the approval is revoked and the false promise recorded for credit."""
    commitment = Commitment.objects.select_for_update().select_related("case").get(pk=commitment.pk)
    if not user_can(official, PLEDGE_VERIFY, commitment):
        raise PermissionDenied(PLEDGE_VERIFY)
    if commitment.status not in (CommitmentStatus.PENDING, CommitmentStatus.CORRECTION):
        raise fields_problem([("", "checked", gettext("该承诺已核查完毕"))])
    if not note.strip():
        raise fields_problem([("note", "required", gettext("请填写核查意见"))])
    case, now = commitment.case, timezone.now()
    commitment.checked_at, commitment.checked_by, commitment.note = now, official, note.strip()
    if passed:
        commitment.status = CommitmentStatus.VERIFIED
    elif commitment.status == CommitmentStatus.PENDING:
        commitment.status = CommitmentStatus.CORRECTION
        commitment.correction_due = add_working_days(timezone.localdate(), settings.SHUZHENG_PLEDGE_CORRECT_DAYS)
    else:
        commitment.status = CommitmentStatus.REVOKED
        Case.objects.filter(pk=case.pk).update(status=CaseStatus.REVOKED, revision=F("revision") + 1)
        case.refresh_from_db()
        event_record(case, official, CaseAction.REVOKE, case.step, CaseStatus.COMPLETED, note=note.strip(), detail={})
        transaction.on_commit(lambda: commitment_broken.send(sender=Commitment, commitment=commitment))
    commitment.save()
    record_audit(f"commitment.{commitment.status}", official, case, request)
    if commitment.status == CommitmentStatus.CORRECTION:
        notify(
            recipient=case.applicant,
            subject=gettext("办件%(number)s：承诺内容核查未通过，请限期整改") % {"number": case.number},
            body=gettext("%(note)s 请于 %(due)s 前整改，逾期未整改将撤销审批决定。")
            % {"note": commitment.note, "due": commitment.correction_due},
            link=f"/my/cases/{case.uid}/",
            topic="eservices.pledge.correction",
        )
    return commitment
