"""State changes of residents' observations: one function each, each writing its audit event.

A submission is audited without the request: the resident's address is personal data
and is not kept in the log; rate limits count keyed hashes instead.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.citizens import workflow
from samverkan.citizens.models import Concern, ContactAddress, Observation
from samverkan.core import audit, downloads
from samverkan.core.masking import mask_text
from samverkan.core.models import Area
from samverkan.incidents.ingest import IncidentRow, ingest
from samverkan.incidents.models import Category, Incident
from samverkan.incidents.photos import add_photo, clean_photo
from samverkan.incidents.services import reporting_organisation

SOURCE = "allmänheten"

# The municipality's list until it edits its own: (label, category code).
DEFAULT_CONCERNS = [
    ("Dålig belysning", "unsafe_place"),
    ("Skymd sikt, buskage och växtlighet", "unsafe_place"),
    ("Folksamlingar som skapar otrygghet", "gathering"),
    ("Skadegörelse och klotter", "vandalism"),
    ("Nedskräpning", "littering"),
    ("Trafiken", "traffic"),
    ("Annat", "other"),
]


class RateLimited(Exception):
    """Too many submissions from one address or device in the window."""


class ChallengeSpent(Exception):
    """The proof-of-work answer was already used by another submission."""


def keyed(value: str) -> str:
    """A keyed hash: counts submissions without storing the address or cookie."""
    key = (settings.SECRET_KEY + ":citizens").encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def concerns_for(municipality: Area):
    """The municipality's active concerns, created from the defaults on first use."""
    if not Concern.objects.filter(municipality=municipality).exists():
        categories = {c.code: c for c in Category.objects.all()}
        fallback = categories.get("other") or Category.objects.first()
        Concern.objects.bulk_create(
            Concern(
                municipality=municipality,
                label=label,
                category=categories.get(code, fallback),
                sort_order=i,
            )
            for i, (label, code) in enumerate(DEFAULT_CONCERNS)
        )
    return Concern.objects.filter(municipality=municipality, active=True)


@transaction.atomic
def save_concerns(municipality: Area, formset, user, *, request=None) -> None:
    """Store the municipality's edited list of concerns (a valid model formset)."""
    for concern in formset.save(commit=False):
        concern.municipality = municipality
        concern.save()
    audit.record(
        "citizen_concerns.update",
        actor=user,
        obj=municipality,
        request=request,
        details={"concerns": Concern.objects.filter(municipality=municipality).count()},
    )


def check_rate(ip_key: str, device_key: str, now=None) -> None:
    """Raise :class:`RateLimited` when the address or the device has sent its quota."""
    since = (now or timezone.now()) - timedelta(seconds=settings.CITIZEN_RATE_WINDOW)
    recent = Observation.objects.filter(submitted_at__gte=since)
    if recent.filter(ip_key=ip_key).count() >= settings.CITIZEN_RATE_PER_IP:
        raise RateLimited
    if recent.filter(device_key=device_key).count() >= settings.CITIZEN_RATE_PER_DEVICE:
        raise RateLimited


@dataclass
class Submission:
    municipality: Area
    district: Area | None
    lon: float
    lat: float
    concerns: list
    text: str
    photo: bytes | None
    email: str
    challenge: str
    ip: str
    device: str


@transaction.atomic
def submit(s: Submission) -> Observation:
    """Store a resident's observation for moderation: text masked, photo cleaned."""
    ip_key, device_key = keyed(s.ip or "-"), keyed(s.device)
    check_rate(ip_key, device_key)
    if Observation.objects.filter(challenge=s.challenge).exists():
        raise ChallengeSpent
    obs = Observation(
        municipality=s.municipality,
        district=s.district,
        lon=s.lon,
        lat=s.lat,
        text=mask_text(s.text.strip()),
        ip_key=ip_key,
        device_key=device_key,
        challenge=s.challenge,
    )
    if s.photo:
        obs.photo, obs.photo_width, obs.photo_height = clean_photo(s.photo)
    obs.save()
    obs.concerns.set(s.concerns)
    if s.email:
        ContactAddress.objects.create(observation=obs, email=s.email)
    audit.record(
        "citizen_observation.submit", obj=obs, details={"municipality": s.municipality.code}
    )
    return obs


def _decide(obs: Observation, status: str, user, note: str) -> None:
    if not workflow.OBSERVATION.allowed(obs.status):
        # Every decision is final (citizens.workflow): say so in the coordinator's words.
        raise workflow.TransitionError(_("Observationen är redan granskad."))
    workflow.OBSERVATION.check(obs.status, status)
    obs.status = status
    obs.decided_at = timezone.now()
    obs.decided_by = user
    obs.public_note = mask_text(note.strip())


@transaction.atomic
def accept(obs: Observation, user, *, note: str = "", request=None) -> Incident:
    """Make the observation an incident of source "allmänheten" in the user's organisation."""
    _decide(obs, Observation.Status.ACCEPTED, user, note)
    concerns = list(obs.concerns.all())
    category = concerns[0].category if concerns else Category.objects.get(code="unsafe_place")
    labels = ", ".join(c.label for c in concerns)
    org = reporting_organisation(user)
    row = IncidentRow(
        source=SOURCE,
        external_id=f"observation-{obs.pk}",
        occurred_from=obs.submitted_at,
        reported_at=obs.submitted_at,
        category_id=category.pk,
        description="\n\n".join(t for t in (labels, obs.text) if t),
        lon=obs.lon,
        lat=obs.lat,
        organisation_id=org.pk if org else None,
        visibility=settings.CITIZEN_INCIDENT_VISIBILITY,
    )
    result = ingest([row])
    if not result.incident_ids:
        raise ValueError(_("Observationen finns redan som händelse."))
    incident = Incident.objects.get(pk=result.incident_ids[0])
    obs.incident = incident
    obs.save()
    audit.record("incident.create", actor=user, obj=incident, organisation=org, request=request)
    audit.record(
        "citizen_observation.accept", actor=user, obj=obs, organisation=org, request=request
    )
    if obs.photo:
        add_photo(incident, bytes(obs.photo), user, request=request)
    return incident


@transaction.atomic
def merge(obs: Observation, incident: Incident, user, *, note: str = "", request=None) -> None:
    """Count the observation as part of an existing report: no new incident."""
    _decide(obs, Observation.Status.MERGED, user, note)
    obs.incident = incident
    obs.save()
    audit.record(
        "citizen_observation.merge",
        actor=user,
        obj=obs,
        request=request,
        details={"incident": incident.pk},
    )


@transaction.atomic
def reject(obs: Observation, user, *, request=None) -> None:
    """Refuse the observation; its text and photo are removed at once."""
    _decide(obs, Observation.Status.REJECTED, user, "")
    obs.text, obs.photo = "", None
    obs.save()
    audit.record("citizen_observation.reject", actor=user, obj=obs, request=request)


@transaction.atomic
def answer(obs: Observation, text: str, user, *, request=None) -> None:
    """Mail the resident an answer, then delete the address: it was kept for this only."""
    contact = ContactAddress.objects.filter(observation=obs).first()
    if contact is None:
        raise ValueError(_("Invånaren lämnade ingen e-postadress, eller den är redan raderad."))
    send_mail(
        _("Svar på din trygghetsobservation"),
        text,
        settings.DEFAULT_FROM_EMAIL,
        [contact.email],
    )
    contact.delete()
    obs.answered_at = timezone.now()
    obs.save(update_fields=["answered_at"])
    audit.record("citizen_observation.answer", actor=user, obj=obs, request=request)


def photo_response(obs: Observation):
    """The observation's photo (cleaned of metadata at submission), never cached.

    The caller has checked that the user moderates the observation (the page and the API
    both look it up through :func:`~samverkan.core.permissions.scope`).

    Raises
    ------
    Http404
        If the observation has no photo (none sent, or removed when it was rejected).
    """
    if not obs.photo:
        raise Http404
    response = downloads.file_response(
        bytes(obs.photo), f"observation-{obs.pk}", "jpg", inline=True
    )
    # A resident's photo of a place: kept out of every cache, the reader's too.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def purge_contacts(now=None) -> int:
    """Delete addresses older than ``CITIZEN_CONTACT_DAYS``; the number deleted."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.CITIZEN_CONTACT_DAYS)
    deleted, _rows = ContactAddress.objects.filter(created_at__lt=cutoff).delete()
    if deleted:
        audit.record("citizen_contact.purge", details={"deleted": deleted})
    return deleted
