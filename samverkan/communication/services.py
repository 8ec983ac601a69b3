"""Changes to communication activities: one function per change, each in one transaction
with its audit event (details name the fields that changed, never their content)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from samverkan.communication import workflow
from samverkan.communication.models import Activity
from samverkan.core import audit
from samverkan.plans.services import acting_organisation


def _record(action, activity, user, request, **details):
    audit.record(
        action,
        actor=user,
        obj=activity,
        organisation=acting_organisation(user, activity),
        request=request,
        details=details or None,
    )


def check_links(activity: Activity, measures, promises) -> None:
    """Refuse measures and promises of another partnership (a tampered form)."""
    for m in measures:
        if m.plan.partnership_id != activity.partnership_id:
            raise ValidationError(f"Åtgärden '{m.title}' hör till en annan samverkan.")
    for p in promises:
        if p.partnership_id != activity.partnership_id:
            raise ValidationError(f"Medborgarlöftet '{p.title}' hör till en annan samverkan.")


@transaction.atomic
def save_activity(form, user, *, request=None) -> Activity:
    """Create or edit an activity from its form; the status is changed by :func:`set_status`."""
    creating = form.instance.pk is None
    activity = form.save(commit=False)
    check_links(
        activity, form.cleaned_data.get("measures", []), form.cleaned_data.get("promises", [])
    )
    if creating:
        activity.created_by = user
        activity.status = workflow.PLANNED
    activity.save()
    form.save_m2m()
    action = (
        audit.Action.COMMUNICATION_ACTIVITY_CREATE
        if creating
        else audit.Action.COMMUNICATION_ACTIVITY_UPDATE
    )
    _record(action, activity, user, request, fields=sorted(form.changed_data))
    return activity


@transaction.atomic
def set_status(
    activity: Activity,
    status: str,
    user,
    *,
    request=None,
    done_on: date | None = None,
    outcome: str = "",
    reached: int | None = None,
    link: str = "",
) -> Activity:
    """Move an activity along the workflow; marking it done records what was done.

    Done needs the date it was done (not in the future); reopening keeps the recorded
    outcome so that a correction starts from it.
    """
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    workflow.ACTIVITY.check(activity.status, status)
    if status == workflow.DONE:
        if done_on is None:
            raise ValidationError("Ange när aktiviteten genomfördes.")
        if done_on > timezone.localdate():
            raise ValidationError("Datumet då aktiviteten genomfördes kan inte ligga i framtiden.")
        activity.done_on = done_on
        activity.outcome = outcome
        activity.reached = reached
        activity.link = link
    elif status == workflow.PLANNED:
        activity.done_on = None
    previous = activity.status
    activity.status = status
    activity.save()
    _record(
        audit.Action.COMMUNICATION_ACTIVITY_SET_STATUS,
        activity,
        user,
        request,
        old=previous,
        new=status,
    )
    return activity
