"""Who may see and enter resource rows.

Coordinators and analysts (``coordinator``) of a partnership see and enter every row of
the areas their membership reaches in it. Other members of a partner organisation
(steering group, organisation administrator, case officers) enter and see their own
organisation's rows only. Reporters and the county board get nothing: what one partner
puts where is the partnership's working material, and the county sees it only through a
shared lägesbild.
"""

from __future__ import annotations

import rules
from django.db.models import Q, QuerySet

from samverkan.core import permissions as core_permissions
from samverkan.core.models import Area, Organisation, Partnership
from samverkan.core.roles import Role
from samverkan.resources.models import ResourceEntry

COORDINATOR_ROLES = {Role.COORDINATOR}
OWN_ORG_ROLES = {Role.STEERING, Role.ORG_ADMIN, Role.CASE_OFFICER, Role.CASE_SUPERVISOR}


def _system_admin(user) -> bool:
    return core_permissions.is_system_admin_user(user)


def may_use(user) -> bool:
    if _system_admin(user):
        return True
    return bool(
        core_permissions.partnership_grants(user, COORDINATOR_ROLES)
        or core_permissions.partnership_grants(user, OWN_ORG_ROLES)
    )


def visible(user) -> QuerySet:
    """The rows ``user`` may see: the one scope of every list, export, edit and the API."""
    qs = ResourceEntry.objects.select_related("partnership", "organisation", "area").defer(
        "area__geometry"
    )
    return core_permissions.scope(qs, user)


@core_permissions.scoped(ResourceEntry)
def _scope_entries(qs, user):
    if _system_admin(user):
        return qs
    q = core_permissions.grant_filter(user, COORDINATOR_ROLES)
    own_orgs = core_permissions.org_ids(user, OWN_ORG_ROLES)
    if own_orgs:
        q |= core_permissions.grant_filter(user, OWN_ORG_ROLES) & Q(organisation_id__in=own_orgs)
    return qs.filter(q)


def partnerships_for(user) -> QuerySet:
    if _system_admin(user):
        return Partnership.objects.all()
    ids = set(core_permissions.partnership_grants(user, COORDINATOR_ROLES))
    ids |= set(core_permissions.partnership_grants(user, OWN_ORG_ROLES))
    return Partnership.objects.filter(pk__in=ids)


def organisations_for(user, partnership: Partnership) -> QuerySet:
    """Organisations whose rows ``user`` may enter in ``partnership``."""
    members = partnership.organisations.all()
    if _system_admin(user) or partnership.pk in core_permissions.partnership_grants(
        user, COORDINATOR_ROLES
    ):
        return members
    return members.filter(pk__in=core_permissions.org_ids(user, OWN_ORG_ROLES))


def areas_for(user, partnership: Partnership) -> QuerySet:
    """Areas of ``partnership`` that ``user`` reaches in it (the core area rule)."""
    reach = core_permissions.partnership_area_ids([partnership.pk])
    if not _system_admin(user):
        limits = [
            core_permissions.partnership_grants(user, roles).get(partnership.pk, False)
            for roles in (COORDINATOR_ROLES, OWN_ORG_ROLES)
        ]
        if None not in limits:
            allowed = set().union(*(lim for lim in limits if lim))
            reach &= allowed
    return core_permissions.area_choices(reach)


def may_enter(user, partnership: Partnership, organisation: Organisation, area: Area) -> bool:
    """May ``user`` write a row for ``organisation`` in ``area`` of ``partnership``?"""
    if not partnership.organisations.filter(pk=organisation.pk).exists():
        return False
    if area.pk not in core_permissions.partnership_area_ids([partnership.pk]):
        return False
    if _system_admin(user):
        return True
    if core_permissions.in_grant(user, COORDINATOR_ROLES, partnership.pk, area.pk):
        return True
    return organisation.pk in core_permissions.org_ids(
        user, OWN_ORG_ROLES
    ) and core_permissions.in_grant(user, OWN_ORG_ROLES, partnership.pk, area.pk)


@rules.predicate
def _may_use(user) -> bool:
    return may_use(user)


def register() -> None:
    rules.add_perm("resources.view", _may_use)
