"""Who may see and change problems, analyses, plans, promises and agreements.

* Coordinators of the partnership that owns an object read and change it.
* Steering-group members of that partnership read everything, change nothing.
* Reporters have no access to the internal pages (403 on lists, 404 on objects): what
  they see of this work is the public citizen-promise pages, like every citizen.
* Another partnership's coordinator does not learn that an object exists (404).
* The public sees published citizen promises only, through the public views, which filter
  on ``published`` themselves and never use :func:`scope`.
"""

from __future__ import annotations

import rules
from django.db.models import Q

from samverkan.core.models import Area, Organisation, Partnership
from samverkan.core.permissions import (
    has_role,
    is_system_admin,
    is_system_admin_user,
    partnership_ids,
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
    partnership_of,
)

READER_ROLES = {Role.COORDINATOR, Role.STEERING}
EDITOR_ROLES = {Role.COORDINATOR}

# The path from each model to its partnership id, for queryset scoping.
PARTNERSHIP_PATHS = {
    Problem: "partnership_id",
    CauseAnalysis: "problem__partnership_id",
    EventStep: "analysis__problem__partnership_id",
    ActionPlan: "partnership_id",
    Measure: "plan__partnership_id",
    CitizenPromise: "partnership_id",
    PromiseUpdate: "promise__partnership_id",
    Agreement: "partnership_id",
    FollowUpDate: "agreement__partnership_id",
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
    """Areas of the partnerships and every area below them."""
    roots = Area.objects.filter(partnerships__in=partnership_ids_).distinct()
    ids = set(roots.values_list("id", flat=True))
    frontier = set(ids)
    while frontier:
        frontier = set(Area.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
        frontier -= ids
        ids |= frontier
    return Area.objects.filter(pk__in=ids).order_by("level", "name")


def partnership_organisations(partnership_ids_):
    return Organisation.objects.filter(partnerships__in=partnership_ids_).distinct()


def _register(model, path):
    @scoped(model)
    def _scope(qs, user):
        if is_system_admin_user(user):
            return qs
        return qs.filter(Q(**{f"{path}__in": readable_partnerships(user)}))

    return _scope


for _model, _path in PARTNERSHIP_PATHS.items():
    _register(_model, _path)


@rules.predicate
def can_read(user, obj) -> bool:
    return obj is not None and partnership_of(obj) in readable_partnerships(user)


@rules.predicate
def can_edit(user, obj) -> bool:
    return obj is not None and partnership_of(obj) in editable_partnerships(user)


is_reader = has_role(*READER_ROLES)
is_coordinator = has_role(Role.COORDINATOR)

rules.add_perm("plans.view", is_system_admin | is_reader)
rules.add_perm("plans.add", is_system_admin | is_coordinator)
rules.add_perm("plans.view_object", is_system_admin | can_read)
rules.add_perm("plans.change_object", is_system_admin | can_edit)
