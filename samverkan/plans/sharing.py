"""Sharing a problem or an action plan with the partnership of a neighbouring municipality.

A route of youth robberies crosses a municipal border: the owning partnership invites the
neighbour's partnership to see the parts it chooses (title, description, a common goal,
the cause analysis' findings and the measures it marks). The neighbour's coordinators
accept or decline; once accepted, every reader of the neighbour's partnership sees those
parts, read-only, through :func:`shared_view` and nothing else of the object. The owner
withdraws the share at once.

Who may do what:

* the owner's coordinators (who may change the object) share, change the shared parts and
  withdraw;
* the receiver's coordinators (unlimited membership) see an invitation and answer it, and
  link an own plan that is coordinated with the shared one ("samordnas med");
* the receiver's readers (coordinators and steering group) read an accepted share;
* the owner's readers see the share as the neighbour sees it;
* everyone else does not learn that the share exists (404).

Neighbours are municipalities whose boundaries touch: the geometries of core ``Area`` are
projected to metres and must come within :data:`NEIGHBOUR_TOLERANCE_M` of each other, which
absorbs the rounding of simplified boundaries (two touching municipalities of the bundled
map may be a few metres apart along their border).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import rules
import shapely
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from shapely.geometry import shape

from samverkan.core import audit
from samverkan.core.audit_actions import Action
from samverkan.core.geo import project
from samverkan.core.models import Area, Partnership
from samverkan.core.permissions import (
    in_grant,
    is_system_admin,
    is_system_admin_user,
    partnership_grants,
    scope,
    scoped,
)
from samverkan.core.roles import Role
from samverkan.core.workflow import TransitionError, Workflow
from samverkan.plans import permissions as perms
from samverkan.plans.models import ActionPlan, Measure, Problem, Share, ShareStatus, Side

__all__ = [
    "NEIGHBOUR_TOLERANCE_M",
    "SHARE",
    "NotNeighboursError",
    "TransitionError",
    "accept",
    "are_neighbours",
    "change_parts",
    "coordinate",
    "decline",
    "share",
    "shared_view",
    "withdraw",
]

NEIGHBOUR_TOLERANCE_M = 25.0

# Declined and withdrawn shares can be offered again (the same row, back to pending).
SHARE_TRANSITIONS: dict[str, set[str]] = {
    ShareStatus.PENDING: {ShareStatus.ACCEPTED, ShareStatus.DECLINED, ShareStatus.WITHDRAWN},
    ShareStatus.ACCEPTED: {ShareStatus.WITHDRAWN},
    ShareStatus.DECLINED: {ShareStatus.PENDING},
    ShareStatus.WITHDRAWN: {ShareStatus.PENDING},
}
SHARE = Workflow(SHARE_TRANSITIONS, ShareStatus.choices, "Delningens status")

# Statuses in which each side still sees the share.
RECEIVER_SEES = {ShareStatus.PENDING, ShareStatus.ACCEPTED}


class NotNeighboursError(ValueError):
    """The receiving partnership's municipality does not border the owner's."""


# Neighbours ----------------------------------------------------------------------------


def municipalities_of(partnership_id: int) -> set[int]:
    """The municipalities a partnership works in: its municipality areas, and the
    municipality above each of its narrower areas (districts, own areas)."""
    found: set[int] = set()
    frontier = set(
        Partnership.areas.through.objects.filter(partnership_id=partnership_id).values_list(
            "area_id", flat=True
        )
    )
    seen: set[int] = set()
    while frontier:
        seen |= frontier
        parents = set()
        for pk, level, parent_id in Area.objects.filter(pk__in=frontier).values_list(
            "pk", "level", "parent_id"
        ):
            if level == Area.Level.MUNICIPALITY:
                found.add(pk)
            elif parent_id is not None:
                parents.add(parent_id)
        frontier = parents - seen
    return found


@lru_cache(maxsize=256)
def _projected(area_id: int, updated: str):
    geometry, country = Area.objects.filter(pk=area_id).values_list("geometry", "country").get()
    if not geometry:
        return None
    return shapely.transform(
        shape(geometry), lambda xy: _project_array(xy, country), include_z=False
    )


def _project_array(xy, country):
    x, y = project(xy[:, 0], xy[:, 1], country)
    return np.column_stack([x, y])


def _geometry(area_id: int):
    # The cache key carries the geometry's bounds: a re-imported border is projected anew.
    bounds = Area.objects.filter(pk=area_id).values_list("min_lon", "min_lat", "max_lon", "max_lat")
    return _projected(area_id, repr(bounds.first()))


def municipalities_touch(a: int, b: int, tolerance: float = NEIGHBOUR_TOLERANCE_M) -> bool:
    """Do the boundaries of municipalities ``a`` and ``b`` touch (within ``tolerance`` metres)?"""
    if a == b:
        return False
    ga, gb = _geometry(a), _geometry(b)
    if ga is None or gb is None:
        return False
    return bool(shapely.dwithin(ga, gb, tolerance))


def are_neighbours(owner_id: int, receiver_id: int) -> bool:
    """Does a municipality of the receiver border one of the owner's?

    A municipality the two have in common is not a neighbour: two partnerships of the same
    municipality share through their own membership, not across a border.
    """
    if owner_id == receiver_id:
        return False
    own = municipalities_of(owner_id)
    theirs = municipalities_of(receiver_id) - own
    return any(municipalities_touch(a, b) for a in own for b in theirs)


def neighbour_partnerships(owner_id: int):
    """The partnerships the owner may share with, by name."""
    ids = [
        p
        for p in Partnership.objects.exclude(pk=owner_id).values_list("pk", flat=True)
        if are_neighbours(owner_id, p)
    ]
    return Partnership.objects.filter(pk__in=ids).order_by("name")


# Who may see what ---------------------------------------------------------------------


def _receiver_ids(user, roles) -> set[int]:
    # The share goes to the whole partnership: an area-limited membership does not reach it.
    return {pid for pid, limit in partnership_grants(user, roles).items() if limit is None}


def incoming_filter(user) -> Q:
    """Shares offered to the user's partnerships that the user may read."""
    coordinating = _receiver_ids(user, {Role.COORDINATOR})
    reading = _receiver_ids(user, perms.READER_ROLES)
    return Q(receiver_id__in=coordinating, status__in=RECEIVER_SEES) | Q(
        receiver_id__in=reading, status=ShareStatus.ACCEPTED
    )


def owner_filter(user) -> Q:
    """Shares of objects the user may read in the owning partnership."""
    return Q(problem__in=scope(Problem.objects.all(), user)) | Q(
        plan__in=scope(ActionPlan.objects.all(), user)
    )


@scoped(Share)
def _scope_shares(qs, user):
    if is_system_admin_user(user):
        return qs
    return qs.filter(incoming_filter(user) | owner_filter(user))


def incoming(user):
    """The "Delat med oss" list: what neighbours share with the user's partnerships."""
    if is_system_admin_user(user):
        return Share.objects.none()
    return (
        Share.objects.filter(incoming_filter(user))
        .select_related("owner", "receiver", "problem", "plan")
        .order_by("status", "-updated_at")
    )


@rules.predicate
def is_owner_editor(user, share) -> bool:
    return share is not None and perms.can_edit(user, share.shared_object)


@rules.predicate
def is_receiver_coordinator(user, share) -> bool:
    return share is not None and in_grant(user, {Role.COORDINATOR}, share.receiver_id, None)


@rules.predicate
def can_view_shared(user, share) -> bool:
    if share is None:
        return False
    if perms.can_read(user, share.shared_object):
        return True
    if share.status == ShareStatus.PENDING:
        return is_receiver_coordinator(user, share)
    return share.status == ShareStatus.ACCEPTED and in_grant(
        user, perms.READER_ROLES, share.receiver_id, None
    )


rules.add_perm("plans.view_share", is_system_admin | can_view_shared)
rules.add_perm("plans.manage_share", is_system_admin | is_owner_editor)
rules.add_perm("plans.answer_share", is_receiver_coordinator)


# What the receiver sees ----------------------------------------------------------------


def _measure_view(m: Measure) -> dict:
    return {
        "title": m.title,
        "description": m.description,
        "target_side": m.get_target_side_display(),
        "start": m.start,
        "end": m.end,
        "status": m.get_status_display(),
        "status_code": m.status,
    }


def shared_view(share: Share) -> dict:
    """Exactly the shared parts of the object, as plain values.

    The receiver's page and every other place the neighbour reads are built from this
    dictionary alone, so an unshared field cannot reach them even by a template mistake.
    """
    obj = share.shared_object
    is_problem = share.problem_id is not None
    description = obj.description if is_problem else obj.summary
    view = {
        "kind": "problem" if is_problem else "plan",
        "kind_label": "Problem" if is_problem else "Åtgärdsplan",
        "title": obj.title,
        "description": description if share.with_description else "",
        "goal": share.goal,
        "period": "" if is_problem else obj.period,
        "owner": share.owner.name,
        "receiver": share.receiver.name,
        "status": share.status,
        "status_label": share.get_status_display(),
        "analysis": None,
        "measures": [_measure_view(m) for m in share.measures.order_by("start", "title")],
        "coordinated_plan": None,
    }
    if is_problem and share.with_analysis:
        analysis = getattr(obj, "analysis", None)
        if analysis is not None:
            view["analysis"] = {
                "sides": [
                    {"label": label, "findings": analysis.side(code)["findings"]}
                    for code, label in Side.choices
                    if analysis.side(code)["findings"]
                ],
                "conclusion": analysis.conclusion,
            }
    if share.coordinated_plan_id:
        plan = share.coordinated_plan
        view["coordinated_plan"] = {"pk": plan.pk, "title": plan.title, "period": plan.period}
    return view


# Changes -------------------------------------------------------------------------------


def _record(action, share, user, request, **details):
    audit.record(
        action,
        actor=user,
        obj=share,
        request=request,
        details={"owner": share.owner_id, "receiver": share.receiver_id, **details},
    )


def _check_measures(obj, measures: Iterable[Measure]) -> list[Measure]:
    """Only measures of the shared object may be marked: a plan's own measures, or the
    measures aimed at the problem."""
    measures = list(measures)
    allowed = set(obj.measures.values_list("pk", flat=True))
    if any(m.pk not in allowed for m in measures):
        raise ValueError("En åtgärd hör inte till det som delas.")
    return measures


def _locked(pk: int) -> Share:
    return Share.objects.select_for_update().select_related("owner", "receiver").get(pk=pk)


@transaction.atomic
def share(
    obj,
    receiver: Partnership,
    user,
    *,
    with_description: bool = True,
    with_analysis: bool = False,
    goal: str = "",
    measures: Iterable[Measure] = (),
    request=None,
) -> Share:
    """Invite ``receiver`` to see the chosen parts of a problem or an action plan.

    Raises
    ------
    NotNeighboursError
        When no municipality of the receiver borders the owner's.
    TransitionError
        When the object is already shared with the receiver (pending or accepted).
    """
    if not isinstance(obj, (Problem, ActionPlan)):
        raise TypeError("Bara problem och åtgärdsplaner kan delas.")
    owner_id = obj.partnership_id
    if not are_neighbours(owner_id, receiver.pk):
        raise NotNeighboursError(
            f"{receiver.name} arbetar inte i en grannkommun: bara samverkansgrupper i "
            "kommuner som gränsar till er kan få ta del."
        )
    measures = _check_measures(obj, measures)
    field = "problem" if isinstance(obj, Problem) else "plan"
    existing = (
        Share.objects.select_for_update().filter(**{field: obj, "receiver": receiver}).first()
    )
    if existing is not None:
        SHARE.check(existing.status, ShareStatus.PENDING)
        item = existing
        item.status = ShareStatus.PENDING
        item.answered_at = None
        item.coordinated_plan = None
    else:
        item = Share(**{field: obj}, owner_id=owner_id, receiver=receiver, created_by=user)
    item.with_description = with_description
    item.with_analysis = with_analysis and field == "problem"
    item.goal = goal
    item.save()
    item.measures.set(measures)
    _record(Action.PLAN_SHARE_CREATE, item, user, request, measures=len(measures))
    return item


@transaction.atomic
def change_parts(
    item: Share,
    user,
    *,
    with_description: bool,
    with_analysis: bool,
    goal: str,
    measures: Iterable[Measure],
    request=None,
) -> Share:
    """Change what is shared; the receiver sees the new parts at once."""
    item = _locked(item.pk)
    if item.status not in RECEIVER_SEES:
        raise TransitionError("En avböjd eller återkallad delning kan inte ändras.")
    measures = _check_measures(item.shared_object, measures)
    item.with_description = with_description
    item.with_analysis = with_analysis and item.problem_id is not None
    item.goal = goal
    item.save()
    item.measures.set(measures)
    _record(Action.PLAN_SHARE_UPDATE, item, user, request, measures=len(measures))
    return item


@transaction.atomic
def _set_status(item: Share, target: str, user, action, request) -> Share:
    item = _locked(item.pk)
    SHARE.check(item.status, target)
    item.status = target
    if target in {ShareStatus.ACCEPTED, ShareStatus.DECLINED}:
        item.answered_at = timezone.now()
    if target != ShareStatus.ACCEPTED:
        item.coordinated_plan = None
    item.save()
    _record(action, item, user, request)
    return item


@transaction.atomic
def accept(item: Share, user, *, request=None) -> Share:
    return _set_status(item, ShareStatus.ACCEPTED, user, Action.PLAN_SHARE_ACCEPT, request)


@transaction.atomic
def decline(item: Share, user, *, request=None) -> Share:
    return _set_status(item, ShareStatus.DECLINED, user, Action.PLAN_SHARE_DECLINE, request)


@transaction.atomic
def withdraw(item: Share, user, *, request=None) -> Share:
    """End the receiver's access at once (the next page it opens is a 404)."""
    return _set_status(item, ShareStatus.WITHDRAWN, user, Action.PLAN_SHARE_WITHDRAW, request)


@transaction.atomic
def coordinate(item: Share, plan: ActionPlan | None, user, *, request=None) -> Share:
    """Link the receiver's own plan to an accepted share ("samordnas med"), or unlink it.

    The receiver adds its measures to its own plan; the owner's plan is never changed.
    """
    item = _locked(item.pk)
    if item.status != ShareStatus.ACCEPTED:
        raise TransitionError("Bara en godtagen delning kan samordnas.")
    if plan is not None and plan.partnership_id != item.receiver_id:
        raise ValueError("Planen hör inte till er samverkan.")
    item.coordinated_plan = plan
    item.save()
    _record(Action.PLAN_SHARE_COORDINATE, item, user, request, linked=plan is not None)
    return item
