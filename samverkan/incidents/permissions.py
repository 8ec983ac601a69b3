"""Who may see and change incidents.

* Reporters see the reports they filed themselves ("Mina rapporter"), nothing else.
* Coordinators and steering-group members see their own organisation's incidents, what
  partner organisations shared with the partnership, and public-source incidents (police
  events) inside their partnerships' areas.
* Coordinators change (triage, feedback, export) what they can see; steering groups read.
* Regional viewers see no incidents at all, only the aggregates of shared situation pictures.
"""

from __future__ import annotations

import rules
from django.db.models import Exists, OuterRef, Q

from samverkan.core.models import Partnership
from samverkan.core.permissions import (
    has_role,
    is_system_admin,
    is_system_admin_user,
    org_ids,
    partnership_ids,
    scoped,
)
from samverkan.core.roles import Role
from samverkan.incidents.models import Incident, IncidentArea, Visibility

READER_ROLES = {Role.COORDINATOR, Role.STEERING}


def partnership_filter(partnerships) -> Q:
    """Incidents that belong in the picture of the given partnerships.

    Parameters
    ----------
    partnerships : iterable of Partnership or ids
    """
    ids = [getattr(p, "pk", p) for p in partnerships]
    member_orgs = Partnership.organisations.through.objects.filter(partnership_id__in=ids).values(
        "organisation_id"
    )
    areas = Partnership.areas.through.objects.filter(partnership_id__in=ids).values("area_id")
    in_areas = Exists(IncidentArea.objects.filter(incident_id=OuterRef("pk"), area_id__in=areas))
    shared = Q(
        organisation_id__in=member_orgs,
        visibility__in=[Visibility.PARTNERSHIP, Visibility.PUBLIC],
    )
    public_source = Q(organisation__isnull=True) & in_areas
    return shared | public_source


def visible_filter(user) -> Q:
    """The Q object behind :func:`scope` for incidents (also used by aggregations)."""
    own = Q(reporter_id=user.pk)
    reader_orgs = org_ids(user, READER_ROLES)
    if not reader_orgs:
        return own
    partnerships = partnership_ids(user, READER_ROLES)
    return own | Q(organisation_id__in=reader_orgs) | partnership_filter(partnerships)


@scoped(Incident)
def _scope_incidents(qs, user):
    if is_system_admin_user(user):
        return qs
    return qs.filter(visible_filter(user))


@rules.predicate
def can_see_incident(user, incident) -> bool:
    if incident is None:
        return False
    return Incident.objects.filter(pk=incident.pk).filter(visible_filter(user)).exists()


@rules.predicate
def is_own_report(user, incident) -> bool:
    return incident is not None and incident.reporter_id == user.pk


is_coordinator = has_role(Role.COORDINATOR)
can_report = has_role(Role.REPORTER, Role.COORDINATOR)

rules.add_perm("incidents.add_incident", can_report | is_system_admin)
rules.add_perm("incidents.view_incident", is_system_admin | can_see_incident)
rules.add_perm("incidents.change_incident", is_system_admin | (is_coordinator & can_see_incident))
rules.add_perm("incidents.triage", is_system_admin | is_coordinator)
rules.add_perm("incidents.export", is_system_admin | is_coordinator)
