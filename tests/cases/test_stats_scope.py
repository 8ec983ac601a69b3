"""Case statistics for regional viewers: only the organisations working inside their region.

A county board's viewer once saw outcome shares of every case in the country. A case has
no area, only its owning organisation; it counts for a regional viewer when every area of
the organisation's partnerships lies in the viewer's areas (or the deployment's country when
the membership is unlimited)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from samverkan.cases import services
from samverkan.cases.models import PreventiveCase
from samverkan.cases.views import stats_cases
from samverkan.core.models import Area, Membership, Organisation, Partnership
from samverkan.core.roles import Role
from tests.cases.helpers import make_user, pnr_for_age
from tests.conftest import square

P = "Handläggning"


def _area(code, name, level, parent=None, country="SE"):
    return Area.objects.create(
        code=code,
        name=name,
        level=level,
        parent=parent,
        country=country,
        geometry=square(17, 59, 18, 60),
    )


@pytest.fixture
def regions(cw):
    """County B (Västlän) with its own municipality, partnership and case officer; a
    Norwegian county with one too; a regional viewer for each Swedish county."""
    county_b = _area("98", "Västlän", "county")
    vastby = _area("9801", "Västby", "municipality", county_b)
    agder = _area("42", "Agder", "county", country="NO")
    kristiansand = _area("4204", "Kristiansand", "municipality", agder, country="NO")
    orgs = {}
    for name, area in (("Västby kommun", vastby), ("Kristiansand kommune", kristiansand)):
        org = Organisation.objects.create(name=name, kind="municipality")
        p = Partnership.objects.create(name=f"Samverkan {name}")
        p.organisations.set([org])
        p.areas.set([area])
        orgs[name] = org

    def viewer(username, areas):
        user = make_user(username, cw.lst, Role.REGIONAL_VIEWER)
        Membership.objects.get(user=user).areas.set(areas)
        return user

    cw.county_b, cw.vastby_org = county_b, orgs["Västby kommun"]
    cw.kristiansand_org = orgs["Kristiansand kommune"]
    cw.viewer_a = viewer("lan_a", [cw.county])
    cw.viewer_b = viewer("lan_b", [county_b])
    return cw


def _cases(world, organisation, n, *, case_type="rri"):
    officer = make_user(f"handl-{organisation.pk}-{case_type}", organisation, Role.CASE_OFFICER)
    made = []
    for i in range(n):
        case = services.create_case(
            officer,
            organisation=organisation,
            case_type=case_type,
            person_name=f"Person {organisation.pk} {i}",
            person_number=pnr_for_age(19, f"{organisation.pk % 10}{i:02d}"),
            purpose=P,
        )
        PreventiveCase.objects.filter(pk=case.pk).update(opened_on=date(2025, 3, 1))
        services.record_outcome(
            case,
            6,
            threats="no" if i % 2 else "yes",
            violence="no",
            crime="no",
            source="police_records",
            user=officer,
            purpose=P,
        )
        made.append(case)
    return made


def owners(user) -> set[str]:
    return set(stats_cases(user).values_list("organisation__name", flat=True))


def test_regional_viewer_of_county_a_sees_no_cases_of_county_b(regions):
    w = regions
    # world.case belongs to the police in Norrby (county A).
    _cases(w, w.vastby_org, 4, case_type="leaving_group")
    _cases(w, w.kristiansand_org, 4, case_type="young_at_risk")
    assert owners(w.viewer_a) == {"Lokalpolisområde Norrby"}
    assert owners(w.viewer_b) == {"Västby kommun"}
    # Unlimited regional membership: the deployment's own country, never Norway.
    assert owners(w.users["regional"]) == {"Lokalpolisområde Norrby", "Västby kommun"}


def test_statistics_page_and_export_keep_to_the_region(regions, client):
    w = regions
    _cases(w, w.vastby_org, 6, case_type="leaving_group")
    label = "Stöd att lämna kriminell miljö"

    def seen(user):
        client.force_login(user)
        page = client.get(reverse("case-stats"), {"months": 6}).content.decode()
        export = client.get(reverse("case-stats-export"), {"months": 6})
        return page, export.content.decode("utf-8-sig")

    page, export = seen(w.viewer_a)
    assert label not in page and label not in export
    assert "Inga uppföljningar ännu." in page
    page, export = seen(w.viewer_b)
    assert label in page
    assert f"{label};2025;3;3;0;6;" in export


def test_organisation_working_in_two_counties_counts_for_neither(regions):
    w = regions
    # Norrby's police also sits in Västlän's partnership: its cases carry no area, so
    # neither county's viewer may count them.
    Partnership.objects.get(name="Samverkan Västby kommun").organisations.add(w.polis)
    assert owners(w.viewer_a) == set()
    assert owners(w.viewer_b) == set()
    assert owners(w.users["regional"]) == {"Lokalpolisområde Norrby"}


def test_regional_role_opens_no_partnership_outside_the_region(regions):
    w = regions
    _cases(w, w.vastby_org, 2)
    # The county board of A also sits in Västby's partnership: as a regional viewer that
    # brings nothing from county B.
    Partnership.objects.get(name="Samverkan Västby kommun").organisations.add(w.lst)
    assert owners(w.viewer_a) == {"Lokalpolisområde Norrby"}
    # A case supervisor's own organisation and partners count as for anyone in the role.
    Membership.objects.create(user=w.viewer_a, organisation=w.vastby_org, role="case_supervisor")
    fresh = type(w.viewer_a).objects.get(pk=w.viewer_a.pk)  # memberships are cached per user
    assert owners(fresh) == {"Lokalpolisområde Norrby", "Västby kommun"}
