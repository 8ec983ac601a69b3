"""Scheduled drafts: a partnership asks for a lägesbild every week or month.

``samverkan schedule_reports`` (cron, e.g. hourly) calls :func:`enqueue_due`, which puts
one :data:`samverkan.situation.tasks.build_scheduled_report` task per due schedule in
django-tasks' database queue; ``samverkan db_worker`` runs it: :func:`run_schedule` builds
the draft for the period that has just ended and e-mails the partnership's coordinators a
link. A schedule is due when its last finished period has not been built yet; the build
re-checks that under a row lock, and an existing report of the same partnership, area,
period and audience counts as built, so a second run (or a task enqueued twice) makes no
second draft.
"""

from __future__ import annotations

from datetime import date

import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from samverkan.core import audit, periods
from samverkan.core.models import Area, Partnership
from samverkan.core.permissions import (
    coordinators_to_notify,
    has_role,
    is_system_admin,
    is_system_admin_user,
    partnership_ids,
)
from samverkan.core.roles import Role
from samverkan.situation import services
from samverkan.situation.models import ReportSchedule, SituationReport

SCHEDULE_TYPES = (periods.WEEK, periods.MONTH)

rules.add_perm("situation.schedule", is_system_admin | has_role(Role.COORDINATOR))


def period_to_build(period_type: str, today: date | None = None) -> periods.Period:
    """The last complete period of ``period_type`` before ``today`` (local date)."""
    today = today or timezone.localdate()
    return periods.containing(today, period_type).previous()


def create_schedule(
    partnership: Partnership, area: Area, period_type: str, audience: str, user
) -> ReportSchedule:
    """Ask for a draft every week or month; only the partnership's coordinators may."""
    if period_type not in SCHEDULE_TYPES:
        raise ValueError(f"Schemat kan bara vara veckovis eller månadsvis, inte '{period_type}'.")
    if (
        user is not None
        and not is_system_admin_user(user)
        and partnership.pk not in partnership_ids(user, {Role.COORDINATOR})
    ):
        raise PermissionDenied(f"Bara samordnare i {partnership.name} kan schemalägga.")
    services._check_area(area, partnership)
    with transaction.atomic():
        schedule, created = ReportSchedule.objects.get_or_create(
            partnership=partnership,
            area=area,
            period_type=period_type,
            audience=audience,
            defaults={"created_by": user},
        )
        if not created and not schedule.enabled:
            schedule.enabled = True
            schedule.save(update_fields=["enabled"])
        audit.record(
            "situation_schedule.save",
            actor=user,
            obj=schedule,
            organisation=services.acting_organisation(user, partnership),
            details={"area": area.code, "period_type": period_type, "audience": audience},
        )
    return schedule


@transaction.atomic
def set_enabled(schedule: ReportSchedule, enabled: bool, user) -> ReportSchedule:
    schedule.enabled = enabled
    schedule.save(update_fields=["enabled"])
    audit.record(
        "situation_schedule.enable" if enabled else "situation_schedule.pause",
        actor=user,
        obj=schedule,
        organisation=services.acting_organisation(user, schedule.partnership),
        details={"area": schedule.area.code, "period_type": schedule.period_type},
    )
    return schedule


@transaction.atomic
def delete_schedule(schedule: ReportSchedule, user) -> None:
    audit.record(
        "situation_schedule.delete",
        actor=user,
        obj=schedule,
        organisation=services.acting_organisation(user, schedule.partnership),
        details={"area": schedule.area.code, "period_type": schedule.period_type},
    )
    schedule.delete()


def due(today: date | None = None):
    """Enabled schedules whose last finished period has not been built yet."""
    out = []
    for schedule in ReportSchedule.objects.filter(enabled=True).select_related("area"):
        if schedule.last_period != period_to_build(schedule.period_type, today).label:
            out.append(schedule)
    return out


def enqueue_due(today: date | None = None) -> list[str]:
    """Put one task per due schedule in the queue. Returns the task result ids."""
    from samverkan.situation.tasks import build_scheduled_report

    ids = []
    for schedule in due(today):
        period = period_to_build(schedule.period_type, today)
        result = build_scheduled_report.enqueue(schedule.pk, period.label)
        ids.append(str(result.id))
    return ids


def _existing(schedule: ReportSchedule, period: periods.Period) -> SituationReport | None:
    return (
        SituationReport.objects.filter(
            partnership=schedule.partnership,
            area=schedule.area,
            period_type=period.type,
            period_start=period.start,
            period_end=period.end,
            audience=schedule.audience,
        )
        .order_by("-version")
        .first()
    )


def _notify(report: SituationReport, schedule: ReportSchedule) -> int:
    recipients = [u.email for u in coordinators_to_notify(schedule.partnership)]
    if not recipients:
        return 0
    base = getattr(settings, "PUBLIC_BASE_URL", "")
    link = f"{base}{reverse('situation-detail', args=[report.pk])}"
    count = report.snapshot.get("totals", {}).get("count")
    subject = f"Utkast till lägesbild: {report.area.name} {report.snapshot['period']['name']}"
    body = (
        "Hej!\n\n"
        f"Ett utkast till lägesbild för {report.area.name}, "
        f"{report.snapshot['period']['name']}, är framtaget ({count} händelser).\n\n"
        f"{report.snapshot.get('summary', '')}\n\n"
        f"Skriv gruppens bedömning och fastställ den här: {link}\n\n"
        f"Meddelandet skickas till samordnarna i {schedule.partnership.name} eftersom "
        "gruppen har beställt en lägesbild "
        f"{schedule.get_period_type_display().lower()}.\n"
    )
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    return len(recipients)


def run_schedule(
    schedule_id: int, period_label: str | None = None, today: date | None = None
) -> int | None:
    """Build the schedule's draft for ``period_label`` (default: the period just ended).

    Returns the id of the new report, or None when the period was built already or the
    schedule is gone or paused.
    """
    schedule = (
        ReportSchedule.objects.filter(pk=schedule_id, enabled=True)
        .select_related("partnership", "area")
        .first()
    )
    if schedule is None:
        return None
    if period_label:
        period = periods.parse(period_label, schedule.period_type)
    else:
        period = period_to_build(schedule.period_type, today)
    try:
        with transaction.atomic():
            # The row lock makes two workers on the same schedule take turns.
            locked = ReportSchedule.objects.select_for_update().get(pk=schedule.pk)
            existing = _existing(locked, period)
            if locked.last_period == period.label or existing is not None:
                if locked.last_period != period.label:
                    locked.last_period = period.label
                    locked.last_report = existing
                    locked.save(update_fields=["last_period", "last_report"])
                return None
            report = services.create_report(
                locked.area, period, locked.partnership, None, locked.audience
            )
            locked.last_run = timezone.now()
            locked.last_period = period.label
            locked.last_report = report
            locked.save(update_fields=["last_run", "last_period", "last_report"])
            # In the draft's transaction: a worker killed after the commit must not leave
            # a draft without its audit event, which no rerun would write (the period is
            # built by then). The e-mail follows the commit, so it is at most once.
            audit.record(
                "situation_schedule.run",
                obj=report,
                details={
                    "schedule": schedule.pk,
                    "period": period.label,
                    "recipients": coordinators_to_notify(locked.partnership).count(),
                },
            )
    except IntegrityError:
        return None
    _notify(report, schedule)
    return report.pk
