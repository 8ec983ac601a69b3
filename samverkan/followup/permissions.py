"""Who may see and change follow-up material and the experience bank.

* Indicators, effect goals, tertial reports and evaluations belong to one partnership:
  its coordinators and steering-group members read them, its coordinators change them.
* A membership limited to areas reaches only the indicators (with their values and goals)
  and evaluations of those areas and the areas below them; an evaluation belongs to its
  treated area. Tertial reports summarise the whole partnership and need an unlimited
  membership.
* The experience bank is for learning across partnerships: every signed-in user sees the
  entries marked as shared and those of their own partnerships; public entries are also
  shown on a page without sign-in. Coordinators add entries; the owning partnership's
  coordinators (or the author) change them.
"""

from __future__ import annotations

import rules
from django.db.models import Q

from samverkan.core.models import Partnership
from samverkan.core.permissions import (
    grant_filter,
    has_role,
    in_grant,
    is_system_admin,
    is_system_admin_user,
    partnership_ids,
    scoped,
)
from samverkan.core.roles import Role
from samverkan.followup.models import (
    EffectGoal,
    Evaluation,
    ExperienceAttachment,
    ExperienceEntry,
    Indicator,
    IndicatorValue,
    TertialReport,
)

READER_ROLES = {Role.COORDINATOR, Role.STEERING}
EDITOR_ROLES = {Role.COORDINATOR}


def reader_partnerships(user) -> set[int]:
    return partnership_ids(user, READER_ROLES)


def editor_partnerships(user) -> set[int]:
    return partnership_ids(user, EDITOR_ROLES)


def partnership_id_of(obj) -> int | None:
    """The partnership an object of this app belongs to."""
    if obj is None:
        return None
    if isinstance(obj, (EffectGoal, IndicatorValue)):
        return obj.indicator.partnership_id
    if isinstance(obj, ExperienceAttachment):
        return obj.entry.partnership_id
    if hasattr(obj, "plan_id"):  # a measure of an action plan
        return obj.plan.partnership_id
    return getattr(obj, "partnership_id", None) or getattr(obj, "pk", None)


def area_id_of(obj) -> int | None:
    """The area that decides who reaches an object (None: the whole partnership)."""
    if isinstance(obj, (EffectGoal, IndicatorValue)):
        return obj.indicator.area_id
    if isinstance(obj, Indicator):
        return obj.area_id
    if isinstance(obj, Evaluation):
        return obj.treated_area_id
    if isinstance(obj, TertialReport):
        return obj.area_id
    if hasattr(obj, "plan_id"):  # a measure: its own area, else its plan's
        return obj.area_id or obj.plan.area_id
    return None


def _area_scope(partnership_path: str, area_path: str):
    # A row without an area (a whole partnership's tertial report) is reached only by
    # memberships without an area limit (grant_filter).
    def scope_func(qs, user):
        if is_system_admin_user(user):
            return qs
        return qs.filter(
            grant_filter(
                user, READER_ROLES, partnership_field=partnership_path, area_field=area_path
            )
        )

    return scope_func


scoped(Indicator)(_area_scope("partnership_id", "area_id"))
scoped(IndicatorValue)(_area_scope("indicator__partnership_id", "indicator__area_id"))
scoped(EffectGoal)(_area_scope("indicator__partnership_id", "indicator__area_id"))
scoped(TertialReport)(_area_scope("partnership_id", "area_id"))
scoped(Evaluation)(_area_scope("partnership_id", "treated_area_id"))


def bank_filter(user) -> Q:
    """Entries a signed-in user may see: shared, public, their partnerships', their own."""
    return (
        Q(shared=True)
        | Q(public=True)
        | Q(partnership_id__in=partnership_ids(user))
        | Q(created_by_id=user.pk)
    )


@scoped(ExperienceEntry)
def _scope_bank(qs, user):
    if is_system_admin_user(user):
        return qs
    return qs.filter(bank_filter(user))


@scoped(ExperienceAttachment)
def _scope_attachments(qs, user):
    if is_system_admin_user(user):
        return qs
    return qs.filter(entry__in=_scope_bank(ExperienceEntry.objects.all(), user))


def _reaches(user, obj, roles) -> bool:
    pid = partnership_id_of(obj)
    if pid is None:
        return False
    if isinstance(obj, Partnership):
        # The partnership's pages list what the user reaches in it; any membership opens them.
        return pid in partnership_ids(user, roles)
    return in_grant(user, roles, pid, area_id_of(obj))


@rules.predicate
def reads_partnership(user, obj) -> bool:
    return _reaches(user, obj, READER_ROLES)


@rules.predicate
def edits_partnership(user, obj) -> bool:
    return _reaches(user, obj, EDITOR_ROLES)


@rules.predicate
def edits_whole_partnership(user, obj) -> bool:
    """Tertial reports and statistics imports span every area of the partnership."""
    pid = partnership_id_of(obj)
    return pid is not None and in_grant(user, EDITOR_ROLES, pid, None)


@rules.predicate
def can_see_entry(user, entry) -> bool:
    if entry is None or not getattr(user, "is_authenticated", False):
        return False
    if isinstance(entry, ExperienceAttachment):
        entry = entry.entry
    return ExperienceEntry.objects.filter(pk=entry.pk).filter(bank_filter(user)).exists()


@rules.predicate
def can_edit_entry(user, entry) -> bool:
    if entry is None or not getattr(user, "is_authenticated", False):
        return False
    if entry.partnership_id is not None:
        return entry.partnership_id in editor_partnerships(user)
    return entry.created_by_id == user.pk


is_reader = has_role(*READER_ROLES)
is_coordinator = has_role(Role.COORDINATOR)

rules.add_perm("followup.view", is_system_admin | is_reader)
rules.add_perm("followup.view_partnership", is_system_admin | reads_partnership)
rules.add_perm("followup.change_partnership", is_system_admin | edits_partnership)
rules.add_perm("followup.change_whole_partnership", is_system_admin | edits_whole_partnership)
rules.add_perm("followup.view_bank", rules.is_authenticated)
rules.add_perm("followup.view_entry", is_system_admin | can_see_entry)
rules.add_perm("followup.add_entry", is_system_admin | is_coordinator)
rules.add_perm("followup.change_entry", is_system_admin | can_edit_entry)
