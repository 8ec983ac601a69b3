"""Every state change of a lägesbild, each in one function that also writes its audit event.

``create_report`` builds the figures and stores a draft; ``save_assessment`` writes the
group's text for a section; ``approve`` freezes the version for good; ``share`` releases
it to reporters and (for the shared/public audiences) to regional viewers; ``recompute``
builds the figures again as a new draft version in the same series, leaving the old
version as it was.

``user=None`` means the system itself (the CLI, scheduled tasks): no permission check, and
the audit event has no actor.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from samverkan.core import audit, permissions
from samverkan.core.approval import approvers_required, check_second_approver
from samverkan.core.masking import mask_text
from samverkan.core.models import Area, Organisation, Partnership
from samverkan.core.periods import Period, from_bounds
from samverkan.core.permissions import in_grant, is_system_admin_user, org_ids, partnership_ids
from samverkan.core.roles import Role
from samverkan.situation import sharing, workflow
from samverkan.situation.build import AUDIENCES, INTERNAL, build_for_period
from samverkan.situation.models import FrozenError, SituationReport
from samverkan.situation.permissions import in_regional_scope

OVERALL = "overall"
# Sections the group may write an assessment for; "overall" is the "bedömning".
SECTIONS = (
    OVERALL,
    "totals",
    "by_category",
    "trend",
    "by_child_area",
    "weekday_hour",
    "hotspots",
    "near_repeat",
    "repeat_places",
    "notable",
    "coverage",
)
MAX_ASSESSMENT = 20_000


def acting_organisation(user, partnership: Partnership | None) -> Organisation | None:
    """The organisation on whose behalf ``user`` acts for ``partnership`` (for the audit).

    A lägesbild may be built outside any partnership, for an organisation's own areas: then,
    and for someone outside the partnership (a system administrator), the user's own
    organisation with the lowest id.
    """
    if user is None:
        return None
    within = permissions.acting_organisation(user, partnership.pk if partnership else None)
    if within is not None:
        return within
    return Organisation.objects.filter(pk__in=org_ids(user)).order_by("pk").first()


def _require(user, perm: str, report: SituationReport) -> None:
    if user is not None and not user.has_perm(perm, report):
        raise PermissionDenied(f"Behörighet saknas ({perm}) för {report}.")


def _may_create(user, area: Area, partnership: Partnership | None, audience: str) -> None:
    if user is None or is_system_admin_user(user):
        return
    if partnership is not None:
        if partnership.pk not in partnership_ids(user, {Role.COORDINATOR}):
            raise PermissionDenied(
                f"Bara samordnare i {partnership.name} kan ta fram dess lägesbild."
            )
        if not in_grant(user, {Role.COORDINATOR}, partnership.pk, area.pk):
            raise PermissionDenied(f"{area.name} ligger utanför de områden du arbetar med.")
        return
    # A regional composition: by a regional viewer for an area in their scope, and only
    # as aggregates with small counts suppressed.
    if not in_regional_scope(user, area):
        raise PermissionDenied("Området ligger utanför det du har regional behörighet till.")
    if audience == INTERNAL:
        raise PermissionDenied(
            "En regional sammanställning utan samverkansgrupp görs bara som delad eller "
            "offentlig (med små tal dolda)."
        )


def _check_area(area: Area, partnership: Partnership | None) -> None:
    if partnership is None:
        return
    p_areas = set(partnership.areas.values_list("id", flat=True))
    chain = {area.pk} | {a.pk for a in area.ancestors()}
    if not chain & p_areas:
        raise ValueError(f"{area.name} ligger inte inom samverkansgruppen {partnership.name}.")


def create_report(
    area: Area,
    period: Period,
    partnership: Partnership | None,
    user,
    audience: str = INTERNAL,
    *,
    now: datetime | None = None,
    language: str = "sv",
) -> SituationReport:
    """Build the figures for ``area`` and ``period`` and store them as a new draft."""
    if audience not in AUDIENCES:
        raise ValueError(f"Okänd mottagare '{audience}' (välj {', '.join(AUDIENCES)}).")
    _check_area(area, partnership)
    _may_create(user, area, partnership, audience)
    figures = build_for_period(
        area, period, partnership=partnership, audience=audience, now=now, language=language
    )
    with transaction.atomic():
        report = SituationReport.objects.create(
            area=area,
            partnership=partnership,
            period_type=period.type,
            period_start=period.start,
            period_end=period.end,
            period_label=period.label,
            audience=audience,
            snapshot=figures,
            created_by=user,
        )
        audit.record(
            "situation.create",
            actor=user,
            obj=report,
            organisation=acting_organisation(user, partnership),
            details={
                "area": area.code,
                "period": period.label,
                "audience": audience,
                "version": report.version,
                "count": figures["totals"]["count"],
            },
        )
    return report


def _locked(report: SituationReport) -> SituationReport:
    # Re-read under a row lock so two coordinators cannot approve and edit at once.
    return SituationReport.objects.select_for_update().get(pk=report.pk)


def save_assessment(report: SituationReport, section: str, text: str, user) -> SituationReport:
    """Write the group's assessment of one section (``"overall"`` is the bedömning)."""
    if section not in SECTIONS:
        raise ValueError(f"Okänt avsnitt '{section}' (välj {', '.join(SECTIONS)}).")
    if len(text or "") > MAX_ASSESSMENT:
        raise ValueError(f"Texten är längre än {MAX_ASSESSMENT} tecken.")
    _require(user, "situation.change_report", report)
    with transaction.atomic():
        current = _locked(report)
        if current.is_frozen:
            raise FrozenError("En fastställd lägesbild kan inte ändras; räkna om den först.")
        clean = mask_text(text.strip()) if text else ""
        assessments = dict(current.assessments)
        if clean:
            assessments[section] = clean
        else:
            assessments.pop(section, None)
        current.assessments = assessments
        current.save(update_fields=["assessments"])
        audit.record(
            "situation.assess",
            actor=user,
            obj=current,
            organisation=acting_organisation(user, current.partnership),
            details={"section": section, "length": len(clean)},
        )
    report.refresh_from_db()
    return report


def approve(report: SituationReport, user, *, now: datetime | None = None) -> SituationReport:
    """Approve (fastställ) a draft: its figures and assessments are frozen from now on.

    When the partnership asks for two approvers, the first approval only freezes the
    picture as "godkänd av 1 av 2"; a second, different person makes it approved.
    """
    _require(user, "situation.approve_report", report)
    with transaction.atomic():
        current = _locked(report)
        when = now or timezone.now()
        first_step = (
            current.status == workflow.DRAFT and approvers_required(current.partnership) > 1
        )
        target = workflow.APPROVING if first_step else workflow.APPROVED
        workflow.REPORT.check(current.status, target)
        if current.status == workflow.APPROVING:
            check_second_approver(current.first_approved_by_id, user)
        current.status = target
        if first_step:
            current.first_approved_by, current.first_approved_at = user, when
            fields = ["status", "first_approved_by", "first_approved_at"]
        else:
            current.approved_by, current.approved_at = user, when
            fields = ["status", "approved_by", "approved_at"]
        current.save(update_fields=fields)
        audit.record(
            "situation.approve_first" if first_step else "situation.approve",
            actor=user,
            obj=current,
            organisation=acting_organisation(user, current.partnership),
            details={
                "version": current.version,
                "period": current.period_label,
                "approvers_required": approvers_required(current.partnership),
            },
        )
    report.refresh_from_db()
    return report


def share(
    report: SituationReport,
    user,
    *,
    now: datetime | None = None,
    recipients: tuple[str, ...] | list[str] = (),
    request=None,
) -> SituationReport:
    """Share an approved report with reporters and, for aggregates, regional viewers.

    ``recipients`` are the groups (:mod:`samverkan.situation.sharing`) mailed a link; the
    mail goes out once the sharing is committed, so a rollback sends nothing.
    """
    _require(user, "situation.share_report", report)
    with transaction.atomic():
        current = _locked(report)
        workflow.REPORT.check(current.status, workflow.SHARED)
        current.status = workflow.SHARED
        current.shared_at = now or timezone.now()
        current.save(update_fields=["status", "shared_at"])
        people = sharing.recipients(current, list(recipients))
        audit.record(
            "situation.share",
            actor=user,
            obj=current,
            organisation=acting_organisation(user, current.partnership),
            request=request,
            details={
                "version": current.version,
                "audience": current.audience,
                "recipients": sorted(set(recipients)),
                "notified": len(people),
            },
        )
        transaction.on_commit(lambda: sharing.notify(current, people, request=request))
    report.refresh_from_db()
    return report


def recompute(
    report: SituationReport, user, *, now: datetime | None = None, language: str = "sv"
) -> SituationReport:
    """Build the figures again as a new draft version of the same series.

    The old version is left untouched (an approved one stays exactly as approved); the
    assessments are carried over so the group can revise rather than retype them.
    """
    _require(user, "situation.change_report", report)
    period = from_bounds(report.period_type, report.period_start, report.period_end)
    figures = build_for_period(
        report.area,
        period,
        partnership=report.partnership,
        audience=report.audience,
        now=now,
        language=language,
    )
    with transaction.atomic():
        # The unique (series, version) constraint refuses a concurrent duplicate.
        latest = SituationReport.objects.filter(series=report.series).aggregate(v=Max("version"))[
            "v"
        ]
        new = SituationReport.objects.create(
            series=report.series,
            version=(latest or report.version) + 1,
            area=report.area,
            partnership=report.partnership,
            period_type=report.period_type,
            period_start=report.period_start,
            period_end=report.period_end,
            period_label=report.period_label,
            audience=report.audience,
            snapshot=figures,
            assessments=dict(report.assessments),
            created_by=user,
        )
        audit.record(
            "situation.recompute",
            actor=user,
            obj=new,
            organisation=acting_organisation(user, new.partnership),
            details={
                "from_version": report.version,
                "version": new.version,
                "series": str(new.series),
                "count": figures["totals"]["count"],
            },
        )
    return new


def versions(report: SituationReport):
    """All versions of the report's series, newest first."""
    return SituationReport.objects.filter(series=report.series).order_by("-version")
