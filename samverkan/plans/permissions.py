"""Who may see and change problems, analyses, plans, promises and agreements.

* Coordinators of the partnership that owns an object read and change it.
* Steering-group members of that partnership read everything, change nothing.
* Reporters have no access to the internal pages (403 on lists, 404 on objects): what
  they see of this work is the public citizen-promise pages, like every citizen.
* Another partnership's coordinator does not learn that an object exists (404).
* The public sees published citizen promises only, through the public views, which filter
  on ``published`` themselves and never use :func:`scope`.
* A membership limited to areas reaches only objects of those areas and the areas below
  them (a district coordinator sees the district's problems, not the whole municipality's);
  an object without an area belongs to the whole partnership and needs an unlimited
  membership. Measures, analyses and updates follow the object they belong to.
"""

from __future__ import annotations

import rules
from django.db.models import Case, Q, Value, When

from samverkan.core.models import Area, Organisation, Partnership
from samverkan.core.permissions import (
    area_choices,
    grant_filter,
    has_role,
    in_grant,
    is_system_admin,
    is_system_admin_user,
    partnership_area_ids,
    partnership_grants,
    partnership_ids,
    scope,
    scoped,
)
from samverkan.core.roles import Role
from samverkan.plans.models import (
    ActionPlan,
    Agreement,
    CauseAnalysis,
    CitizenPromise,
    EventStep,
    FollowUpDate,
    Measure,
    Problem,
    PromiseUpdate,
    area_id_of,
    partnership_of,
)

READER_ROLES = {Role.COORDINATOR, Role.STEERING}
EDITOR_ROLES = {Role.COORDINATOR}

# The path from each model to the object that carries its partnership and area.
OWNER_PATHS = {
    Problem: "",
    CauseAnalysis: "problem__",
    EventStep: "analysis__problem__",
    ActionPlan: "",
    Measure: "plan__",
    CitizenPromise: "",
    PromiseUpdate: "promise__",
    Agreement: "",
    FollowUpDate: "agreement__",
}


def readable_partnerships(user) -> set[int]:
    return partnership_ids(user, READER_ROLES)


def editable_partnerships(user) -> set[int]:
    return partnership_ids(user, EDITOR_ROLES)


def editable_partnership_qs(user):
    if is_system_admin_user(user):
        return Partnership.objects.all()
    return Partnership.objects.filter(pk__in=editable_partnerships(user))


def partnership_areas(partnership_ids_: set[int] | list[int]):
    """Areas of the partnerships and every area below them, by the core rule
    (:func:`samverkan.core.permissions.partnership_area_ids`: another partnership's own
    areas stay out)."""
    return area_choices(partnership_area_ids(partnership_ids_))


# Choices list the widest areas first (municipality, then districts ... own areas last),
# in the order the levels are declared.
LEVEL_ORDER = Case(
    *[When(level=code, then=Value(i)) for i, code in enumerate(Area.Level.values)],
    default=Value(len(Area.Level.values)),
)


def reachable_areas(user, partnership_ids_, roles=EDITOR_ROLES):
    """Areas of the partnerships, of any level, that the user reaches with one of ``roles``.

    The municipality, its districts and other imported levels, and the partnership's own
    drawn areas (children of the municipality), cut to the areas of a limited membership;
    another partnership's own areas stay hidden (:func:`scope` on areas).
    """
    allowed: set[int] = set()
    grants = None if is_system_admin_user(user) else partnership_grants(user, roles)
    for pid in set(partnership_ids_):
        ids = set(partnership_areas([pid]).values_list("id", flat=True))
        if grants is not None:
            if pid not in grants:
                continue
            if grants[pid] is not None:
                ids &= grants[pid]
        allowed |= ids
    return (
        scope(Area.objects.filter(pk__in=allowed), user)
        .defer("geometry")
        .order_by(LEVEL_ORDER, "name")
    )


def partnership_organisations(partnership_ids_):
    return Organisation.objects.filter(partnerships__in=partnership_ids_).distinct()


def visible_filter(user, model, roles=READER_ROLES) -> Q:
    """Q for the rows of ``model`` whose partnership and area the user reaches."""
    path = OWNER_PATHS[model]
    return grant_filter(
        user, roles, partnership_field=f"{path}partnership_id", area_field=f"{path}area_id"
    )


def _register(model):
    @scoped(model)
    def _scope(qs, user):
        if is_system_admin_user(user):
            return qs
        return qs.filter(visible_filter(user, model))

    return _scope


for _model in OWNER_PATHS:
    _register(_model)


def can_edit_area(user, partnership_id, area_id) -> bool:
    """May the user change objects of ``area_id`` (None: the whole partnership)?"""
    return is_system_admin_user(user) or in_grant(user, EDITOR_ROLES, partnership_id, area_id)


@rules.predicate
def can_read(user, obj) -> bool:
    return obj is not None and in_grant(user, READER_ROLES, partnership_of(obj), area_id_of(obj))


@rules.predicate
def can_edit(user, obj) -> bool:
    return obj is not None and in_grant(user, EDITOR_ROLES, partnership_of(obj), area_id_of(obj))


is_reader = has_role(*READER_ROLES)
is_coordinator = has_role(Role.COORDINATOR)

rules.add_perm("plans.view", is_system_admin | is_reader)
rules.add_perm("plans.add", is_system_admin | is_coordinator)
rules.add_perm("plans.view_object", is_system_admin | can_read)
rules.add_perm("plans.change_object", is_system_admin | can_edit)
