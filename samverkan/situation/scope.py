"""Which partnerships, areas, reports and schedules a user's lägesbild pages start from.

The object rules (:mod:`samverkan.situation.permissions`) decide about one report; these
functions give the querysets the pages offer, so that no view narrows them by hand and the
build form, the schedules and the map agree on what a user may reach.
"""

from __future__ import annotations

from django.db.models.fields.json import KT

from samverkan.core.models import Area, Partnership
from samverkan.core.permissions import (
    in_grant,
    is_system_admin_user,
    partnership_area_ids,
    partnership_grants,
    partnership_ids,
    scope,
)
from samverkan.core.roles import Role
from samverkan.situation.build import INTERNAL
from samverkan.situation.models import ReportSchedule, SituationReport
from samverkan.situation.permissions import READER_ROLES, regional_areas

# Reports per page of the list: builds add up, and each listed row costs the page.
REPORTS_PER_PAGE = 50


def coordinator_partnerships(user):
    """The partnerships ``user`` coordinates (all of them for a system administrator)."""
    if is_system_admin_user(user):
        return Partnership.objects.all().order_by("name")
    return Partnership.objects.filter(pk__in=partnership_ids(user, {Role.COORDINATOR})).order_by(
        "name"
    )


def build_areas(user, partnerships):
    """Areas a user may build a picture for.

    The partnerships' areas and all below them, narrowed to the areas of a coordinator's
    membership when it is limited to some; for a regional viewer also the areas of the
    regional scope. The service checks the same rule again for the chosen pair.
    """
    admin = is_system_admin_user(user)
    grants = {} if admin else partnership_grants(user, {Role.COORDINATOR})
    ids: set[int] = set()
    for p in partnerships:
        reach = partnership_area_ids([p.pk])
        limit = None if admin else grants.get(p.pk)
        ids |= reach if limit is None else reach & limit
    qs = Area.objects.filter(pk__in=ids) | regional_areas(user)
    # Choices: the borders stay unread (a real one is megabytes).
    return qs.distinct().defer("geometry").order_by("level", "name")


def sees_incidents(user, report: SituationReport) -> bool:
    """May ``user`` see the report's incidents as points (internal pictures only)?"""
    if report.audience != INTERNAL:
        return False
    if is_system_admin_user(user):
        return True
    return in_grant(user, READER_ROLES, report.partnership_id, report.area_id)


def listed(qs):
    """``qs`` as a list or a panel reads it: names and dates, never the frozen content.

    Each report carries ``period_name`` and ``total_count`` from its frozen figures, its
    area and partnership (an area without its border: a municipality's can be megabytes of
    GeoJSON, parsed per report although only the name is shown).
    """
    return (
        qs.select_related("area", "partnership")
        .defer("snapshot", "assessments", "area__geometry")
        .annotate(
            period_name=KT("snapshot__period__name"), total_count=KT("snapshot__totals__count")
        )
    )


def report_list(user, area_id: int | None = None, partnership_id: int | None = None) -> dict:
    """The reports ``user`` sees, newest first, optionally of one area or partnership.

    Returns ``reports`` (a query, paged by the view: :data:`REPORTS_PER_PAGE`) and the
    ``areas`` and ``partnerships`` to filter by: those of every visible report, not only
    the listed ones.
    A listed report carries ``period_name`` and ``total_count`` from its frozen figures
    instead of the figures themselves: they are tens of kilobytes per report, and reading
    and parsing them for hundreds of reports made the list slower with every build (issue
    15).
    """
    visible = scope(SituationReport.objects.all(), user)
    qs = listed(visible)
    if area_id is not None:
        qs = qs.filter(area_id=area_id)
    if partnership_id is not None:
        qs = qs.filter(partnership_id=partnership_id)
    return {
        # The id last: reports of one area, period and version (several partnerships) keep
        # one order, so that no report is shown on two pages or on none.
        "reports": qs.order_by("-period_start", "area__name", "-version", "-pk"),
        "areas": Area.objects.filter(pk__in=visible.values("area_id"))
        .defer("geometry")
        .order_by("level", "name"),
        "partnerships": Partnership.objects.filter(
            pk__in=visible.values("partnership_id")
        ).order_by("name"),
    }


def schedules(user):
    """The report schedules of the partnerships ``user`` coordinates."""
    return (
        ReportSchedule.objects.filter(partnership__in=coordinator_partnerships(user))
        .select_related("area", "partnership", "last_report")
        .defer("area__geometry", "last_report__snapshot", "last_report__assessments")
    )
