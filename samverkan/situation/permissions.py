"""Who may see, change and approve situation reports.

* Coordinators and steering-group members of the report's partnership see every version,
  drafts included; reporters of the partnership see it once it is approved or shared (the
  feedback to reporters that evaluations of EST found missing).
* Regional viewers see only shared reports whose audience is ``shared`` or ``public``:
  those hold aggregates with small counts suppressed, never internal figures.
* A membership limited to areas reaches only reports of those areas and the areas below
  them, for every role (:func:`samverkan.core.permissions.grant_filter`). A regional
  viewer's membership without areas reaches the deployment's own country only
  (``SAMVERKAN_COUNTRY``), never a neighbour's counties.
* Coordinators of the partnership change drafts and approve them. A regional composition
  (no partnership) is changed by the user who created it, and approved or shared by them
  only when it is a regional picture (county, police region, country): regional viewers
  never approve a local picture, which is the municipality's partnership's to fix.
"""

from __future__ import annotations

import rules
from django.conf import settings
from django.db.models import Q

from samverkan.core.models import Area
from samverkan.core.permissions import (
    area_ids,
    grant_filter,
    in_grant,
    is_system_admin,
    is_system_admin_user,
    roles_of,
    scoped,
)
from samverkan.core.roles import Role
from samverkan.situation import workflow
from samverkan.situation.models import Audience, SituationReport

READER_ROLES = {Role.COORDINATOR, Role.STEERING}
RELEASED = (workflow.APPROVED, workflow.SHARED)
REGIONAL_AUDIENCES = (Audience.SHARED, Audience.PUBLIC)


# Levels of a regional picture; anything below is a local picture.
REGIONAL_LEVELS = ("country", "county", "police_region")


def regional_areas(user):
    """The areas a regional viewer reaches: the membership's areas and all below them.

    A regional membership without areas reaches the deployment's country. Empty when the
    user is no regional viewer at all.
    """
    ids = area_ids(user, {Role.REGIONAL_VIEWER})
    if ids is None:
        return Area.objects.filter(country=settings.COUNTRY)
    return Area.objects.filter(pk__in=ids)


def in_regional_scope(user, area) -> bool:
    return area is not None and regional_areas(user).filter(pk=area.pk).exists()


def regional_filter(user) -> Q | None:
    """Q for the reports a regional viewer may see; None when the user is none."""
    if str(Role.REGIONAL_VIEWER) not in roles_of(user):
        return None
    return Q(
        status=workflow.SHARED,
        audience__in=REGIONAL_AUDIENCES,
        area_id__in=regional_areas(user).values("id"),
    )


def own_compositions(user) -> Q:
    """The user's own regional compositions (drafts included) inside their regional scope."""
    return Q(
        created_by_id=user.pk,
        partnership__isnull=True,
        area_id__in=regional_areas(user).values("id"),
    )


def visible_filter(user) -> Q:
    """The Q object behind :func:`scope` for situation reports."""
    q = grant_filter(user, READER_ROLES) | own_compositions(user)
    q |= grant_filter(user, {Role.REPORTER}) & Q(status__in=RELEASED)
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
        return report.created_by_id == user.pk and in_regional_scope(user, report.area)
    return in_grant(user, {Role.COORDINATOR}, report.partnership_id, report.area_id)


@rules.predicate
def is_report_approver(user, report) -> bool:
    """Coordinators approve their partnership's pictures; the author of a regional
    composition approves it only when it is a regional picture inside their scope."""
    if not is_report_coordinator(user, report):
        return False
    if report.partnership_id is not None:
        return True
    return report.area.level in REGIONAL_LEVELS


@rules.predicate
def is_draft(user, report) -> bool:
    return report is not None and report.status == workflow.DRAFT


@rules.predicate
def is_approved(user, report) -> bool:
    return report is not None and report.status == workflow.APPROVED


rules.add_perm("situation.view_report", is_system_admin | can_see_report)
rules.add_perm("situation.change_report", is_system_admin | is_report_coordinator)
rules.add_perm("situation.approve_report", is_system_admin | is_report_approver)
rules.add_perm("situation.share_report", is_system_admin | is_report_approver)
