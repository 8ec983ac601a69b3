"""Who may moderate residents' observations and edit a municipality's list of concerns.

* The public form, its thanks page and the public map need no login (the views say so).
* A coordinator of a partnership moderates the observations of the areas the partnership
  reaches: a coordinator limited to a district moderates that district's observations
  only, and edits the list of concerns of whole municipalities only.
* Observations elsewhere are not found (404); a user who coordinates no partnership is
  refused the queue (403). System administrators see everything.

The pages and the REST API (:mod:`samverkan.citizens.api`) read these rules and the scope
registered for :class:`Observation`, so they cannot disagree.
"""

from __future__ import annotations

import rules
from django.db.models import Q

from samverkan.citizens.models import Concern, Observation
from samverkan.core.models import Area
from samverkan.core.permissions import (
    is_system_admin,
    is_system_admin_user,
    partnership_area_ids,
    partnership_grants,
    scoped,
)
from samverkan.core.roles import Role


def reach_ids(user) -> set[int]:
    """The areas (municipalities and districts) the user coordinates in some partnership."""
    reach: set[int] = set()
    for pid, limit in partnership_grants(user, [Role.COORDINATOR]).items():
        areas = partnership_area_ids([pid])
        reach |= areas if limit is None else areas & limit
    return reach


def coordinated_municipalities(user):
    """The whole municipalities the user coordinates, whose list of concerns the queue
    links to (a system administrator may open any list, but is offered none)."""
    return Area.objects.filter(
        level=Area.Level.MUNICIPALITY, valid_to__isnull=True, pk__in=reach_ids(user)
    ).defer("geometry")


@scoped(Observation)
def _scope_observations(qs, user):
    if is_system_admin_user(user):
        return qs
    reach = reach_ids(user)
    return qs.filter(Q(municipality_id__in=reach) | Q(district_id__in=reach))


@scoped(Concern)
def _scope_concerns(qs, user):
    if is_system_admin_user(user):
        return qs
    return qs.filter(municipality_id__in=reach_ids(user))


@rules.predicate
def coordinates_a_partnership(user) -> bool:
    return bool(partnership_grants(user, [Role.COORDINATOR]))


@rules.predicate
def reaches_observation(user, obs) -> bool:
    if not isinstance(obs, Observation):
        return False
    reach = reach_ids(user)
    return obs.municipality_id in reach or obs.district_id in reach


@rules.predicate
def reaches_municipality(user, area) -> bool:
    return isinstance(area, Area) and area.pk in reach_ids(user)


rules.add_perm("citizens.moderate", is_system_admin | coordinates_a_partnership)
rules.add_perm("citizens.moderate_object", is_system_admin | reaches_observation)
rules.add_perm(
    "citizens.edit_concerns", is_system_admin | (coordinates_a_partnership & reaches_municipality)
)
