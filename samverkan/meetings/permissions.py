"""Who may see and change meeting series, meetings, their places and actions.

* Coordinators of the partnership hold the meetings: they create series and meetings,
  record places, actions and notes, and close a meeting.
* Steering-group members of the partnership read agendas and minutes.
* Every member of the partnership (reporters of the partner organisations too: the patrol,
  the caretakers) and every user named a member of a series reads the frozen minutes and
  the prioritised-places page: they are the ones who go to the places.
* Another partnership never learns that a meeting exists (404).

A meeting belongs to the whole partnership, so any membership in it counts, limited to
areas or not: the weekly meeting goes through the partnership's whole area.
"""

from __future__ import annotations

import rules
from django.db.models import Q

from samverkan.core.permissions import (
    has_role,
    is_system_admin,
    is_system_admin_user,
    partnership_ids,
    scoped,
)
from samverkan.core.roles import PARTNERSHIP_ROLES, Role
from samverkan.meetings.models import Meeting, MeetingAction, MeetingSeries, PrioritisedPlace

READER_ROLES = {Role.COORDINATOR, Role.STEERING}
EDITOR_ROLES = {Role.COORDINATOR}

# The path from each model to its series.
SERIES_PATHS = {
    MeetingSeries: "",
    Meeting: "series__",
    PrioritisedPlace: "meeting__series__",
    MeetingAction: "meeting__series__",
}


def series_filter(user, model, roles=READER_ROLES) -> Q:
    path = SERIES_PATHS[model]
    return Q(**{f"{path}partnership_id__in": partnership_ids(user, roles)})


def member_filter(user, model) -> Q:
    """Rows of series the user takes part in: a partnership member or a named member."""
    path = SERIES_PATHS[model]
    return Q(**{f"{path}partnership_id__in": partnership_ids(user, PARTNERSHIP_ROLES)}) | Q(
        **{f"{path}member_users": user}
    )


def _register(model):
    @scoped(model)
    def _scope(qs, user):
        if is_system_admin_user(user):
            return qs
        return qs.filter(series_filter(user, model))

    return _scope


for _model in SERIES_PATHS:
    _register(_model)


def member_series(user):
    """The series whose minutes and places the user may read."""
    qs = MeetingSeries.objects.all()
    if is_system_admin_user(user):
        return qs
    return qs.filter(member_filter(user, MeetingSeries)).distinct()


def editable_partnership_ids(user) -> set[int]:
    return partnership_ids(user, EDITOR_ROLES)


def _series(obj):
    if isinstance(obj, MeetingSeries):
        return obj
    if isinstance(obj, Meeting):
        return obj.series
    if isinstance(obj, PrioritisedPlace | MeetingAction):
        return obj.meeting.series
    return None


@rules.predicate
def can_read(user, obj) -> bool:
    series = _series(obj)
    return series is not None and series.partnership_id in partnership_ids(user, READER_ROLES)


@rules.predicate
def can_edit(user, obj) -> bool:
    series = _series(obj)
    return series is not None and series.partnership_id in partnership_ids(user, EDITOR_ROLES)


@rules.predicate
def is_series_member(user, obj) -> bool:
    series = _series(obj)
    if series is None:
        return False
    if series.partnership_id in partnership_ids(user, PARTNERSHIP_ROLES):
        return True
    return series.member_users.filter(pk=user.pk).exists()


@rules.predicate
def is_closed(user, obj) -> bool:
    return isinstance(obj, Meeting) and obj.is_closed


@rules.predicate
def takes_part(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(partnership_ids(user, PARTNERSHIP_ROLES)) or (
        MeetingSeries.objects.filter(member_users=user).exists()
    )


is_reader = has_role(*READER_ROLES)
is_coordinator = has_role(Role.COORDINATOR)

rules.add_perm("meetings.view", is_system_admin | is_reader)
rules.add_perm("meetings.add", is_system_admin | is_coordinator)
rules.add_perm("meetings.view_object", is_system_admin | can_read)
rules.add_perm("meetings.change_object", is_system_admin | can_edit)
# Frozen minutes: for every member, once the meeting is closed (an open meeting's notes
# are still being written).
rules.add_perm(
    "meetings.view_minutes", is_system_admin | (is_closed & (can_read | is_series_member))
)
rules.add_perm("meetings.places", is_system_admin | takes_part)
