"""Triage by a coordinator: category, assignment and tags, each one audited service.

Who can be assigned and which tags exist follow the partnership: the organisations of the
coordinator's partnerships, the people with a role in them, and each partnership's own
tag list (a tag named in one partnership is not seen by another).
"""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from samverkan.core import audit
from samverkan.core.models import Organisation, Partnership
from samverkan.core.permissions import memberships, partnership_ids
from samverkan.incidents.models import Category, Incident, Status
from samverkan.incidents.triage_models import Tag

MAX_TAGS = 10
TAG_LENGTH = 60


def assignable_organisations(user):
    """Organisations of the user's partnerships (and the user's own)."""
    members = Partnership.organisations.through.objects.filter(
        partnership_id__in=partnership_ids(user)
    ).values("organisation_id")
    own = [m.organisation_id for m in memberships(user)]
    return Organisation.objects.filter(Q(pk__in=members) | Q(pk__in=own)).order_by("name")


def assignable_people(user):
    """People with a role in an organisation of the user's partnerships."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__organisation_id__in=assignable_organisations(user).values("pk"),
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def tag_partnership(incident: Incident, user) -> Partnership | None:
    """The partnership whose tags the user sets on ``incident``.

    The user's partnership that the incident's organisation belongs to; for incidents of
    no organisation (police events) or of an organisation outside them, the user's first.
    """
    mine = Partnership.objects.filter(pk__in=partnership_ids(user)).order_by("name")
    if incident.organisation_id is not None:
        shared = mine.filter(organisations=incident.organisation_id).first()
        if shared is not None:
            return shared
    return mine.first()


def waiting_for_feedback() -> Q:
    """Reports from people with no feedback to their reporter yet (duplicates excepted)."""
    from samverkan.incidents.services import REPORT_SOURCE

    return Q(source=REPORT_SOURCE, feedback="") & ~Q(status=Status.DUPLICATE)


def assigned_filter(value: str, user) -> Q | None:
    """The triage filter ``assigned``: "me", "none" or "org-<id>"; None when unknown."""
    if value == "me":
        return Q(assigned_to=user.pk)
    if value == "none":
        return Q(assigned_to__isnull=True, assigned_organisation__isnull=True)
    if value.startswith("org-") and value[4:].isdigit():
        return Q(assigned_organisation_id=int(value[4:]))
    return None


def visible_tags(user):
    """The tags of the user's partnerships (what the filter offers)."""
    return Tag.objects.filter(partnership_id__in=partnership_ids(user)).order_by("name")


def parse_tags(text: str) -> list[str]:
    """Tag names from a comma-separated text: trimmed, spaces collapsed, no repeats."""
    names: dict[str, str] = {}
    for raw in text.split(","):
        name = re.sub(r"\s+", " ", raw).strip()[:TAG_LENGTH]
        if name:
            names.setdefault(name.casefold(), name)
    return list(names.values())


@transaction.atomic
def change_category(incident: Incident, category: Category, user, *, request=None) -> Incident:
    """Re-categorise a report; its counts follow, and the reporter sees the new category."""
    old = incident.category
    if old.pk == category.pk:
        return incident
    incident.category = category
    # A summary category leaves the counts like an imported summary does.
    incident.is_summary = category.is_summary
    incident.save(update_fields=["category", "is_summary"])
    incident.sync_area_links()
    audit.record(
        "incident.change_category",
        actor=user,
        obj=incident,
        organisation=incident.organisation,
        request=request,
        details={"from": old.code, "to": category.code},
    )
    return incident


@transaction.atomic
def assign(incident: Incident, organisation, person, user, *, request=None) -> Incident:
    """Give the report to an organisation and/or a person of the partnership (None clears)."""
    if (
        organisation is not None
        and not assignable_organisations(user).filter(pk=organisation.pk).exists()
    ):
        raise ValueError(_("Organisationen ingår inte i din samverkan."))
    if person is not None and not assignable_people(user).filter(pk=person.pk).exists():
        raise ValueError(_("Personen ingår inte i din samverkan."))
    before = {"organisation": incident.assigned_organisation_id, "person": incident.assigned_to_id}
    incident.assigned_organisation = organisation
    incident.assigned_to = person
    incident.save(update_fields=["assigned_organisation", "assigned_to"])
    audit.record(
        "incident.assign",
        actor=user,
        obj=incident,
        organisation=incident.organisation,
        request=request,
        details={
            "from": before,
            "to": {
                "organisation": organisation.pk if organisation else None,
                "person": person.pk if person else None,
            },
        },
    )
    return incident


@transaction.atomic
def set_tags(incident: Incident, names: list[str], user, *, request=None) -> list[Tag]:
    """Set the incident's tags of the user's partnership; other partnerships' tags stay."""
    partnership = tag_partnership(incident, user)
    if partnership is None:
        raise ValueError(_("Du ingår inte i någon samverkan som har etiketter."))
    if len(names) > MAX_TAGS:
        raise ValueError(_("Högst %(n)s etiketter per händelse.") % {"n": MAX_TAGS})
    existing = {t.name.casefold(): t for t in Tag.objects.filter(partnership=partnership)}
    tags = []
    for name in names:
        tag = existing.get(name.casefold())
        if tag is None:
            tag = Tag.objects.create(partnership=partnership, name=name)
            existing[name.casefold()] = tag
        tags.append(tag)
    before = sorted(incident.tags.filter(partnership=partnership).values_list("name", flat=True))
    incident.tags.remove(*incident.tags.filter(partnership=partnership))
    incident.tags.add(*tags)
    audit.record(
        "incident.set_tags",
        actor=user,
        obj=incident,
        organisation=incident.organisation,
        request=request,
        details={
            "partnership": partnership.pk,
            "from": before,
            "to": sorted(t.name for t in tags),
        },
    )
    return tags
