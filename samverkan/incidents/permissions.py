"""Who may see and change incidents.

* Reporters see the reports they filed themselves ("Mina rapporter"), nothing else.
* Coordinators and steering-group members see their own organisation's incidents, what
  partner organisations shared with the partnership, and public-source incidents (police
  events) inside their partnerships' areas.
* A membership limited to areas (``Membership.areas``) reaches only incidents linked to
  those areas or the areas below them (:class:`IncidentArea`), for its organisation and its
  partnerships alike. A user with several memberships sees the union of what each reaches;
  an unlimited membership of an organisation opens all of that organisation's share.
* Coordinators change (triage, feedback, export) what they can see; steering groups read.
* Regional viewers see no incidents at all, only the aggregates of shared situation pictures.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

import rules
from django.db.models import Q

from samverkan.core.models import Partnership
from samverkan.core.permissions import (
    has_role,
    is_system_admin,
    is_system_admin_user,
    membership_area_ids,
    memberships,
    partnership_grants,
    scope,
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
    shared, public_source = partnership_arms(partnerships)
    return shared | public_source


def partnership_arms(partnerships) -> tuple[Q, Q]:
    """The two arms of :func:`partnership_filter`: what the partners shared, and the
    public-source incidents linked to the partnerships' areas."""
    ids = [getattr(p, "pk", p) for p in partnerships]
    member_orgs = Partnership.organisations.through.objects.filter(partnership_id__in=ids).values(
        "organisation_id"
    )
    # The area ids as values, not a subquery: PostgreSQL then estimates their links from its
    # statistics and reads them by the area index instead of scanning every link.
    areas = sorted(
        Partnership.areas.through.objects.filter(partnership_id__in=ids).values_list(
            "area_id", flat=True
        )
    )
    # A set of incident ids from the area links, not an EXISTS per incident: the database
    # reads the few links of the partnership's areas by their index instead of probing the
    # links of every public-source incident in the country (issue 15, item 8).
    # Only the links of public-source incidents (the link keeps the incident's organisation,
    # as the lägesbild's counts rely on): in a municipality they are a tenth of its links,
    # and the database builds its set of ids once per query.
    public_links = IncidentArea.objects.filter(area_id__in=areas, organisation__isnull=True)
    shared = Q(
        organisation_id__in=member_orgs,
        visibility__in=[Visibility.PARTNERSHIP, Visibility.PUBLIC],
    )
    public_source = Q(organisation__isnull=True) & Q(pk__in=public_links.values("incident_id"))
    return shared, public_source


def _in_areas(area_ids) -> Q:
    """Incidents linked to one of ``area_ids`` (the join table, no geometry), read from
    the links of those areas (see :func:`partnership_filter`)."""
    return Q(pk__in=IncidentArea.objects.filter(area_id__in=sorted(area_ids)).values("incident_id"))


def organisation_grants(user, roles) -> dict[int, frozenset | None]:
    """Organisation id -> the areas the user reaches in it with ``roles`` (None: all).

    Like :func:`samverkan.core.permissions.partnership_grants`, per organisation: the
    union over the user's memberships of that organisation, an unlimited one opening all.
    """
    wanted = {str(r) for r in roles}
    grants: dict[int, frozenset | None] = {}
    for m in memberships(user):
        if m.role not in wanted:
            continue
        org = m.organisation_id
        if org in grants and grants[org] is None:
            continue
        limit = membership_area_ids(m)
        grants[org] = None if limit is None else (grants.get(org) or frozenset()) | limit
    return grants


def visible_filter(user) -> Q:
    """The Q object behind :func:`scope` for incidents (also used by aggregations): the
    ``OR`` of :func:`visible_arms`."""
    return reduce(or_, visible_arms(user))


def visible_arms(user) -> list[Q]:
    """What ``user`` may see, as arms whose union it is.

    Organisations and partnerships are grouped by the areas the user reaches in them, so a
    user with one limited membership costs one ``EXISTS`` on the join table, not one per
    partnership. Each arm can be read by an index of its own; :func:`count_visible` counts
    them that way.
    """
    arms = [Q(reporter_id=user.pk)]
    orgs = organisation_grants(user, READER_ROLES)
    if not orgs:
        return arms
    by_limit: dict[frozenset | None, tuple[list[int], list[int]]] = {}
    for org, limit in orgs.items():
        by_limit.setdefault(limit, ([], []))[0].append(org)
    for pid, limit in partnership_grants(user, READER_ROLES).items():
        by_limit.setdefault(limit, ([], []))[1].append(pid)
    for limit, (org_list, pids) in by_limit.items():
        reach = [Q(organisation_id__in=org_list), *(partnership_arms(pids) if pids else ())]
        arms += reach if limit is None else [reduce(or_, reach) & _in_areas(limit)]
    return arms


def count_visible(queryset, user) -> int:
    """``scope(queryset, user).count()``, counted as a ``UNION`` of one query per arm.

    ``queryset`` is not yet scoped. The scope is an ``OR`` of arms of which one reads the
    area links through a subquery; no database combines such an ``OR`` from indexes, so the
    plain count read every incident in the country to count one municipality's (16 ms of
    the incident list's 65 on PostgreSQL). Each arm alone is read by its own index, and the
    ``UNION`` counts an incident in two arms once.
    """
    if not getattr(user, "is_authenticated", False) or is_system_admin_user(user):
        # Nothing, or everything: the scope adds no OR to count around.
        return scope(queryset, user).count()
    base = queryset.order_by().values("pk")
    parts = [base.filter(arm) for arm in visible_arms(user)]
    if len(parts) == 1:
        return parts[0].count()
    return parts[0].union(*parts[1:]).count()


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


@rules.predicate
def is_open_report(user, incident) -> bool:
    """Not yet closed or marked as a duplicate: the report may still get photos."""
    from samverkan.incidents import workflow

    return incident is not None and incident.status in (workflow.NEW, workflow.REVIEWED)


is_coordinator = has_role(Role.COORDINATOR)
can_report = has_role(Role.REPORTER, Role.COORDINATOR)

rules.add_perm("incidents.add_incident", can_report | is_system_admin)
rules.add_perm("incidents.view_incident", is_system_admin | can_see_incident)
rules.add_perm("incidents.change_incident", is_system_admin | (is_coordinator & can_see_incident))
rules.add_perm("incidents.triage", is_system_admin | is_coordinator)
rules.add_perm("incidents.export", is_system_admin | is_coordinator)
# The reporter who filed it, while it is open and they may still report.
rules.add_perm("incidents.add_photo", can_report & is_own_report & is_open_report)
