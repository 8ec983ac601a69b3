"""State changes of incidents: one function each, each writing its audit event."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from samverkan.core import audit
from samverkan.core.permissions import memberships
from samverkan.core.roles import Role
from samverkan.incidents import workflow
from samverkan.incidents.feedback_mail import send_feedback_mail, will_mail
from samverkan.incidents.ingest import IncidentRow, ingest
from samverkan.incidents.models import Incident
from samverkan.incidents.photos import add_photo
from samverkan.incidents.validation import point_problem, time_problem

REPORT_SOURCE = "rapport"


def reporting_organisation(user):
    """The organisation a user reports for: the first one where they report or coordinate."""
    for m in memberships(user):
        if m.role in (Role.REPORTER, Role.COORDINATOR):
            return m.organisation
    return None


@transaction.atomic
def report_incident(user, row: IncidentRow, *, photos=(), request=None) -> Incident:
    """File one report from the reporter form or the API, with up to three photos."""
    problem = (
        point_problem(row.lon, row.lat)
        or time_problem(row.occurred_from)
        or time_problem(row.occurred_to)
    )
    if problem:
        raise ValueError(problem)
    row.source = row.source or REPORT_SOURCE
    row.reporter_id = user.pk
    if row.organisation_id is None:
        org = reporting_organisation(user)
        row.organisation_id = org.pk if org else None
    result = ingest([row])
    if not result.incident_ids:
        raise ValueError("Samma händelse finns redan registrerad.")
    incident = Incident.objects.get(pk=result.incident_ids[0])
    audit.record(
        "incident.create",
        actor=user,
        obj=incident,
        organisation=incident.organisation,
        request=request,
    )
    for data in photos:
        add_photo(incident, data, user, request=request)
    return incident


@transaction.atomic
def set_status(incident: Incident, status: str, user, *, request=None) -> Incident:
    """Change the status; "duplicate" only through :func:`mark_duplicate`, with the original."""
    if status == workflow.DUPLICATE:
        raise workflow.TransitionError(
            "En dubblett markeras tillsammans med originalet (Markera som dubblett), "
            "inte genom att byta status."
        )
    workflow.INCIDENT.check(incident.status, status)
    old = incident.status
    incident.status = status
    if status != workflow.DUPLICATE:
        incident.duplicate_of = None
    incident.save(update_fields=["status", "duplicate_of"])
    incident.sync_area_links()
    audit.record(
        "incident.set_status",
        actor=user,
        obj=incident,
        organisation=incident.organisation,
        request=request,
        details={"from": old, "to": status},
    )
    return incident


def bulk_set_status(incidents, status: str, user, *, request=None) -> tuple[int, list[str]]:
    """Change many; those the workflow refuses are reported, not half-changed."""
    changed, refused = 0, []
    with transaction.atomic():
        for incident in incidents:
            try:
                set_status(incident, status, user, request=request)
                changed += 1
            except workflow.TransitionError as exc:
                refused.append(f"#{incident.pk}: {exc}")
    return changed, refused


@transaction.atomic
def give_feedback(incident: Incident, text: str, user, *, request=None) -> Incident:
    """Feedback to the reporter: the thing evaluations say is missing most."""
    from samverkan.core.masking import mask_text

    incident.feedback = mask_text(text.strip())
    incident.feedback_at = timezone.now()
    incident.feedback_by = user
    if incident.status == workflow.NEW:
        incident.status = workflow.REVIEWED
    incident.save(update_fields=["feedback", "feedback_at", "feedback_by", "status"])
    mailed = will_mail(incident, user)
    audit.record(
        "incident.give_feedback",
        actor=user,
        obj=incident,
        organisation=incident.organisation,
        request=request,
        details={"mailed": mailed},
    )
    if mailed:
        # After commit: a mail must not announce feedback that was rolled back.
        transaction.on_commit(lambda: send_feedback_mail(incident, request))
    return incident


@transaction.atomic
def mark_duplicate(incident: Incident, original: Incident, user, *, request=None) -> Incident:
    """Mark ``incident`` as a duplicate of ``original`` (it then leaves all counts)."""
    if incident.pk == original.pk:
        raise ValueError("En händelse kan inte vara dubblett av sig själv.")
    if original.status == workflow.DUPLICATE:
        raise ValueError("Originalet är självt markerat som dubblett.")
    workflow.INCIDENT.check(incident.status, workflow.DUPLICATE)
    incident.status = workflow.DUPLICATE
    incident.duplicate_of = original
    incident.save(update_fields=["status", "duplicate_of"])
    incident.sync_area_links()
    audit.record(
        "incident.mark_duplicate",
        actor=user,
        obj=incident,
        organisation=incident.organisation,
        request=request,
        details={"original": original.pk},
    )
    return incident
