"""Who may see, change and approve situation reports.

* Coordinators and steering-group members of the report's partnership see every version,
  drafts included; reporters of the partnership see it once it is approved or shared (the
  feedback to reporters that evaluations of EST found missing).
* Regional viewers see only shared reports whose audience is ``shared`` or ``public``:
  those hold aggregates with small counts suppressed, never internal figures. A regional
  viewer whose membership is limited to areas sees reports of those areas and below.
* Coordinators of the partnership change drafts and approve them. A regional composition
  (no partnership) is changed and approved by the user who created it.
"""

from __future__ import annotations

import rules
from django.db.models import Q

from samverkan.core.models import Area
from samverkan.core.permissions import (
    is_system_admin,
    is_system_admin_user,
    memberships,
    partnership_ids,
    scoped,
)
from samverkan.core.roles import Role
from samverkan.situation import workflow
from samverkan.situation.models import Audience, SituationReport

READER_ROLES = {Role.COORDINATOR, Role.STEERING}
RELEASED = (workflow.APPROVED, workflow.SHARED)
REGIONAL_AUDIENCES = (Audience.SHARED, Audience.PUBLIC)


def regional_area_ids(user) -> set[int] | None:
    """Area ids a regional viewer may see (with descendants), or None for all areas.

    Returns an empty set when the user is no regional viewer at all.
    """
    regional = [m for m in memberships(user) if m.role == str(Role.REGIONAL_VIEWER)]
    if not regional:
        return set()
    roots: set[int] = set()
    for m in regional:
        ids = set(m.areas.values_list("id", flat=True))
        if not ids:
            return None
        roots |= ids
    # Expand to descendants level by level (hierarchies are a handful of levels deep).
    found, frontier = set(roots), set(roots)
    while frontier:
        frontier = set(Area.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
        frontier -= found
        found |= frontier
    return found


def regional_filter(user) -> Q | None:
    """Q for the reports a regional viewer may see; None when the user is none."""
    areas = regional_area_ids(user)
    if areas is not None and not areas:
        return None
    q = Q(status=workflow.SHARED, audience__in=REGIONAL_AUDIENCES)
    if areas is not None:
        q &= Q(area_id__in=areas)
    return q


def visible_filter(user) -> Q:
    """The Q object behind :func:`scope` for situation reports."""
    q = Q(created_by_id=user.pk)
    readers = partnership_ids(user, READER_ROLES)
    if readers:
        q |= Q(partnership_id__in=readers)
    reporters = partnership_ids(user, {Role.REPORTER})
    if reporters:
        q |= Q(partnership_id__in=reporters, status__in=RELEASED)
    regional = regional_filter(user)
    if regional is not None:
        q |= regional
    return q


@scoped(SituationReport)
def _scope_reports(qs, user):
    if is_system_admin_user(user):
        return qs
    return qs.filter(visible_filter(user))


@rules.predicate
def can_see_report(user, report) -> bool:
    if report is None or not getattr(user, "is_authenticated", False):
        return False
    return SituationReport.objects.filter(pk=report.pk).filter(visible_filter(user)).exists()


@rules.predicate
def is_report_coordinator(user, report) -> bool:
    if report is None or not getattr(user, "is_authenticated", False):
        return False
    if report.partnership_id is None:
        return report.created_by_id == user.pk
    return report.partnership_id in partnership_ids(user, {Role.COORDINATOR})


@rules.predicate
def is_draft(user, report) -> bool:
    return report is not None and report.status == workflow.DRAFT


@rules.predicate
def is_approved(user, report) -> bool:
    return report is not None and report.status == workflow.APPROVED


rules.add_perm("situation.view_report", is_system_admin | can_see_report)
rules.add_perm("situation.change_report", is_system_admin | is_report_coordinator)
rules.add_perm("situation.approve_report", is_system_admin | is_report_coordinator)
rules.add_perm("situation.share_report", is_system_admin | is_report_coordinator)
