"""Which cases, requests, organisations and officers a user's pages may offer or count.

The object rules (:mod:`samverkan.cases.permissions`) say whether a user may see one case;
these functions give the querysets the pages start from, so that no view filters cases by
hand and every page that offers the same choice offers the same rows.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q

from samverkan.cases.models import InformationRequest, PreventiveCase
from samverkan.cases.permissions import CASE_ROLES
from samverkan.core.models import Area, Organisation, Partnership
from samverkan.core.permissions import (
    area_ids,
    is_system_admin_user,
    org_ids,
    partnership_ids,
    roles_of,
    scope,
)
from samverkan.core.roles import Role


def case_organisations(user):
    """Organisations in which ``user`` may open a case: those where they hold a case role."""
    return Organisation.objects.filter(pk__in=org_ids(user, CASE_ROLES))


def partner_organisations(user):
    """Organisations ``user`` may name as a case's partners: their own and their partnerships'."""
    return Organisation.objects.filter(
        Q(pk__in=org_ids(user)) | Q(partnerships__in=partnership_ids(user))
    ).distinct()


def case_officers(organisation):
    """The users who may be assigned to a case of ``organisation``: its case officers."""
    return (
        get_user_model()
        .objects.filter(memberships__organisation=organisation, memberships__role=Role.CASE_OFFICER)
        .distinct()
    )


def visible_cases(user):
    """The cases ``user`` may see, with their organisation."""
    return scope(PreventiveCase.objects.all(), user).select_related("organisation")


def requests_by_side(user) -> tuple[list, list, list]:
    """``(visible, incoming, outgoing)`` information requests of ``user``.

    Incoming requests are addressed to one of the user's case organisations; outgoing ones
    were sent from the cases the user sees.
    """
    visible = list(
        scope(InformationRequest.objects.all(), user).select_related(
            "case", "from_organisation", "to_organisation"
        )
    )
    mine = org_ids(user, CASE_ROLES)
    incoming = [r for r in visible if r.to_organisation_id in mine]
    outgoing = [r for r in visible if r.to_organisation_id not in mine]
    return visible, incoming, outgoing


def administered_organisations(user):
    """The organisations ``user`` administers (whose access log they may extract)."""
    return Organisation.objects.filter(pk__in=org_ids(user, {Role.ORG_ADMIN}))


def administered_cases(user):
    """The cases of the organisations ``user`` administers, for the access-log extract."""
    return PreventiveCase.objects.filter(organisation_id__in=org_ids(user, {Role.ORG_ADMIN}))


def stats_cases(user):
    """Cases whose aggregates the user may see: their organisations' and their partners',
    and for a regional viewer those of the organisations working inside their region.

    A case has no area, only its owning organisation; an organisation lies in a region when
    every area of its partnerships is reached by the viewer's regional memberships (their
    areas and all below; the deployment's country when unlimited). An organisation that also
    works outside the region is left out, so no county's figures include another county's
    cases.
    """
    if is_system_admin_user(user):
        return PreventiveCase.objects.all()
    # The regional role reaches by area only: a county board that also sits in a
    # partnership elsewhere must not carry that partnership's cases into its region's view.
    local = roles_of(user) - {str(Role.REGIONAL_VIEWER)}
    visible = Q(pk__in=org_ids(user, local)) | Q(partnerships__in=partnership_ids(user, local))
    if str(Role.REGIONAL_VIEWER) in roles_of(user):
        reach = area_ids(user, {Role.REGIONAL_VIEWER})
        if reach is None:
            reach = Area.objects.filter(country=settings.COUNTRY).values("id")
        links = Partnership.areas.through.objects
        members = Partnership.organisations.through.objects
        inside = members.filter(
            partnership_id__in=links.filter(area_id__in=reach).values("partnership_id")
        ).values("organisation_id")
        outside = members.filter(
            partnership_id__in=links.exclude(area_id__in=reach).values("partnership_id")
        ).values("organisation_id")
        visible |= Q(pk__in=inside) & ~Q(pk__in=outside)
    orgs = Organisation.objects.filter(visible).values("pk")
    return PreventiveCase.objects.filter(organisation__in=orgs)
