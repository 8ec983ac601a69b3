"""Where a user may file a report and with what visibility: one rule for the reporter form
and the API.

The API once accepted what the form never offers: a reporter posted to another
municipality's area with ``visibility=public``. Both now draw their choices from here.
The areas are those of the partnerships the user reports in, and all below them, narrowed
to the areas of a membership that is limited to some
(:func:`samverkan.core.permissions.partnership_grants`). A report is always shared with the
partnership, as the form files it; public visibility belongs to open sources, shown only as
aggregates.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from samverkan.core.models import Area
from samverkan.core.permissions import area_choices, partnership_area_ids, partnership_grants
from samverkan.core.roles import Role
from samverkan.incidents.models import Visibility

REPORTING_ROLES = (Role.REPORTER, Role.COORDINATOR)
REPORT_VISIBILITIES = (Visibility.PARTNERSHIP,)


def report_area_ids(user) -> set[int]:
    """Ids of the areas ``user`` may file a report for."""
    grants = partnership_grants(user, REPORTING_ROLES)
    ids: set[int] = set()
    for pid, limit in grants.items():
        reach = partnership_area_ids([pid])
        ids |= reach if limit is None else reach & limit
    return ids


def report_areas(user) -> QuerySet[Area]:
    """The areas the reporter form offers ``user``, as a queryset."""
    return area_choices(report_area_ids(user))


def report_area(user, code: str) -> Area:
    """The area with ``code`` that ``user`` may report for; ValueError saying why not."""
    found = list(Area.objects.filter(code=code).filter(Q(pk__in=report_area_ids(user)))[:2])
    if len(found) == 1:
        return found[0]
    if found:
        raise ValueError(f"Områdeskoden {code} är inte entydig bland dina områden.")
    if Area.objects.filter(code=code).exists():
        raise ValueError(
            f"Området {code} ligger utanför de områden du rapporterar för; välj ett område "
            "i din samverkansgrupp."
        )
    raise ValueError(f"Det finns inget område med koden {code}.")


def area_problem(user, area: Area | None) -> str | None:
    """Why ``user`` may not report for ``area``, or None when they may."""
    if area is None or area.pk in report_area_ids(user):
        return None
    return (
        f"Området {area.name} ligger utanför de områden du rapporterar för; välj ett område "
        "i din samverkansgrupp."
    )


def visibility_problem(visibility: str | None) -> str | None:
    """Why a report cannot have ``visibility``, or None (empty means the default)."""
    if not visibility or visibility in REPORT_VISIBILITIES:
        return None
    allowed = ", ".join(str(v) for v in REPORT_VISIBILITIES)
    return (
        f"En rapport delas med samverkansgruppen (visibility={allowed}); "
        f"'{visibility}' kan inte väljas."
    )
