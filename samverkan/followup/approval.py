"""Approval of a tertial report, by one or two people as the partnership decides.

The one service that changes a tertial report's status, with its audit event; the rules
shared with the lägesbild and the action plan are in :mod:`samverkan.core.approval`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from samverkan.core import audit
from samverkan.core.approval import approvers_required, check_second_approver
from samverkan.followup import workflow
from samverkan.followup.models import TertialReport


def approve_tertial(report: TertialReport, user, *, request=None, now=None) -> TertialReport:
    """Approve a tertial report; with two approvers the first records "godkänd av 1 av 2"."""
    if user is not None and not user.has_perm("followup.change_partnership", report):
        raise PermissionDenied("Bara samverkansgruppens samordnare godkänner tertialrapporten.")
    with transaction.atomic():
        current = TertialReport.objects.select_for_update().get(pk=report.pk)
        when = now or timezone.now()
        first_step = (
            current.status == workflow.DRAFT and approvers_required(current.partnership) > 1
        )
        target = workflow.APPROVING if first_step else workflow.APPROVED
        workflow.TERTIAL.check(current.status, target)
        if current.status == workflow.APPROVING:
            check_second_approver(current.first_approved_by_id, user)
        if first_step:
            current.first_approved_by, current.first_approved_at = user, when
        else:
            current.approved_by, current.approved_at = user, when
        current.status = target
        current.save(
            update_fields=[
                "status",
                "first_approved_by",
                "first_approved_at",
                "approved_by",
                "approved_at",
            ]
        )
        audit.record(
            audit.Action.TERTIAL_REPORT_APPROVE_FIRST
            if first_step
            else audit.Action.TERTIAL_REPORT_APPROVE,
            actor=user,
            obj=current,
            request=request,
            details={
                "tertial": current.tertial,
                "approvers_required": approvers_required(current.partnership),
            },
        )
    report.refresh_from_db()
    return report
