"""Reminders to coordinators before an agreement's follow-up date.

Run daily: ``samverkan send_reminders`` (from cron), or queue :data:`send_reminders_task`
in django-tasks' database queue with ``samverkan send_reminders --enqueue``. Each follow-up
date is reminded once (``reminded_at``), so running twice a day sends nothing twice.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from samverkan.core import audit
from samverkan.core.permissions import coordinators_to_notify
from samverkan.plans.models import FollowUpDate


def days_before() -> int:
    return int(getattr(settings, "REMINDER_DAYS_BEFORE", 14))


def _message(followup: FollowUpDate) -> tuple[str, str]:
    agreement = followup.agreement
    link = reverse("agreement-detail", args=[agreement.pk])
    base = getattr(settings, "PUBLIC_BASE_URL", "")
    subject = f"Påminnelse: uppföljning av {agreement.title} den {followup.date:%Y-%m-%d}"
    body = (
        f"Hej!\n\nDen {followup.date:%Y-%m-%d} ska samverkansöverenskommelsen "
        f'"{agreement.title}" ({agreement.area.name}) följas upp'
        f"{': ' + followup.description if followup.description else ''}.\n\n"
        f"Överenskommelsen: {base}{link}\n\n"
        "Det här meddelandet skickas till samordnarna i samverkansgruppen.\n"
    )
    return subject, body


def send_due_reminders(today: date | None = None, days: int | None = None) -> int:
    """Send the reminders due by ``today`` (follow-ups within ``days``). Returns the count."""
    today = today or timezone.localdate()
    days = days_before() if days is None else days
    due = (
        FollowUpDate.objects.filter(
            reminded_at__isnull=True, date__gte=today, date__lte=today + timedelta(days=days)
        )
        .select_related("agreement__area", "agreement__partnership")
        .order_by("date")
    )
    sent = 0
    for followup in due:
        recipients = [u.email for u in coordinators_to_notify(followup.agreement.partnership)]
        with transaction.atomic():
            if recipients:
                subject, body = _message(followup)
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
            followup.reminded_at = timezone.now()
            followup.save(update_fields=["reminded_at"])
            audit.record(
                audit.Action.AGREEMENT_SEND_REMINDER,
                obj=followup.agreement,
                details={"date": followup.date.isoformat(), "recipients": len(recipients)},
            )
        sent += 1
    return sent


@task()
def send_reminders_task(days: int | None = None) -> int:
    """The background-task form of :func:`send_due_reminders` (arguments are JSON)."""
    return send_due_reminders(days=days)
