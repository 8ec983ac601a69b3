"""A membership limited to areas reaches only incidents linked to those areas and the areas
below them: in the triage list, map data, detail, exports and the API, for its own
organisation and its partnerships alike. Reporters keep their own reports; a user with two
memberships sees the union of what each reaches, per organisation."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from samverkan.core.models import Area, Membership
from samverkan.core.permissions import scope
from samverkan.core.roles import Role
from samverkan.incidents.ingest import IncidentRow, ingest
from samverkan.incidents.models import Category, Incident
from tests.conftest import square

NORTH = (15.5, 59.75)
SOUTH = (15.5, 59.25)
SODERBY = (16.5, 59.5)


def _area(code, name, parent, box):
    return Area.objects.create(
        code=code,
        name=name,
        level="district",
        parent=parent,
        geometry=square(*box),
        min_lon=box[0],
        min_lat=box[1],
        max_lon=box[2],
        max_lat=box[3],
    )


@pytest.fixture
def districts(world):
    north = _area("990101", "Norrby nord", world.m1, (15, 59.5, 16, 60))
    south = _area("990102", "Norrby syd", world.m1, (15, 59, 16, 59.5))
    return north, south


def _member(django_user_model, username, *grants):
    """A user with one membership per (organisation, role, areas) in ``grants``."""
    user = django_user_model.objects.create_user(username, password="pw-" + username)
    for org, role, areas in grants:
        m = Membership.objects.create(user=user, organisation=org, role=role)
        m.areas.set(areas)
    return user


@pytest.fixture
def limited(world, districts, django_user_model):
    """A coordinator of Norrby kommun whose membership covers only Norrby nord."""
    return _member(django_user_model, "distrikt", (world.kommun, Role.COORDINATOR, [districts[0]]))


@pytest.fixture
def incidents(world, districts):
    cat = Category.objects.get(code="vandalism")
    when = datetime(2025, 3, 5, 12, tzinfo=UTC)

    def row(key, point, **kw):
        return IncidentRow(
            "rapport", when, cat.pk, external_id=key, lon=point[0], lat=point[1], **kw
        )

    rows = [
        # The municipality's own, kept to the organisation, one in each district.
        row("kommun-nord", NORTH, organisation_id=world.kommun.pk, visibility="organisation"),
        row("kommun-syd", SOUTH, organisation_id=world.kommun.pk, visibility="organisation"),
        # The housing company's reports, shared with the partnership.
        row("bostad-nord", NORTH, organisation_id=world.bostad.pk),
        row("bostad-syd", SOUTH, organisation_id=world.bostad.pk),
        # Public police events.
        IncidentRow(
            "polisen",
            when,
            cat.pk,
            external_id="polis-nord",
            lon=NORTH[0],
            lat=NORTH[1],
            visibility="public",
        ),
        IncidentRow(
            "polisen",
            when,
            cat.pk,
            external_id="polis-syd",
            lon=SOUTH[0],
            lat=SOUTH[1],
            visibility="public",
        ),
        # The neighbour municipality's own report.
        row("soderby", SODERBY, organisation_id=world.other.pk),
    ]
    report = ingest(rows)
    assert len(report.incident_ids) == len(rows)
    return {i.external_id: i for i in Incident.objects.all()}


def visible(user):
    return set(scope(Incident.objects.all(), user).values_list("external_id", flat=True))


IN_NORTH = {"kommun-nord", "bostad-nord", "polis-nord"}


def test_district_limited_coordinator_sees_only_the_district(world, limited, incidents):
    assert visible(limited) == IN_NORTH
    # The same organisation's unlimited coordinator still sees the whole municipality.
    assert visible(world.users["coordinator"]) == IN_NORTH | {
        "kommun-syd",
        "bostad-syd",
        "polis-syd",
    }


def test_membership_of_the_parent_area_reaches_the_districts(
    world, districts, incidents, django_user_model
):
    user = _member(django_user_model, "kommunen", (world.kommun, Role.STEERING, [world.m1]))
    assert visible(user) == visible(world.users["steering"])
    assert "kommun-syd" in visible(user) and "soderby" not in visible(user)


def test_two_memberships_union_per_organisation(world, districts, incidents, django_user_model):
    north, south = districts
    # Limited at the municipality, unlimited at the police: the partnership's shared and
    # public incidents open fully through the police, the municipality's own stay in north.
    mixed = _member(
        django_user_model,
        "blandad",
        (world.kommun, Role.COORDINATOR, [north]),
        (world.polis, Role.STEERING, []),
    )
    assert visible(mixed) == IN_NORTH | {"bostad-syd", "polis-syd"}
    # Two limited memberships of one organisation add up.
    both = _member(
        django_user_model,
        "tva",
        (world.kommun, Role.COORDINATOR, [north]),
        (world.kommun, Role.STEERING, [south]),
    )
    assert visible(both) == visible(world.users["coordinator"])


def test_limited_reporter_keeps_own_reports(world, districts, django_user_model):
    north, _south = districts
    reporter = _member(django_user_model, "nordrapport", (world.bostad, Role.REPORTER, [north]))
    cat = Category.objects.get(code="vandalism")
    ingest(
        [
            IncidentRow(
                "rapport",
                datetime(2025, 3, 5, 12, tzinfo=UTC),
                cat.pk,
                external_id="egen-syd",
                lon=SOUTH[0],
                lat=SOUTH[1],
                organisation_id=world.bostad.pk,
                reporter_id=reporter.pk,
            )
        ]
    )
    assert visible(reporter) == {"egen-syd"}


def _csv_ids(body: bytes) -> set[str]:
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    return {r["externt_id"] for r in rows}


def _xlsx_ids(body: bytes) -> set[str]:
    ws = load_workbook(io.BytesIO(body)).active
    header = [c.value for c in ws[1]]
    col = header.index("externt_id")
    return {str(r[col]) for r in ws.iter_rows(min_row=2, values_only=True)}


def test_pages_exports_and_api_keep_to_the_district(world, limited, incidents, client_for):
    client = client_for(limited)
    page = client.get(reverse("incident-triage"))
    assert page.status_code == 200
    assert {i.external_id for i in page.context["paginator"].object_list} == IN_NORTH

    features = client.get(reverse("incident-geojson")).json()["features"]
    shown = {f["properties"]["url"] for f in features}
    assert shown == {reverse("incident-detail", args=[incidents[k].pk]) for k in IN_NORTH}

    assert _csv_ids(client.get(reverse("incident-export", args=["csv"])).content) == IN_NORTH
    assert _xlsx_ids(client.get(reverse("incident-export", args=["xlsx"])).content) == IN_NORTH

    listed = client.get("/api/incidents/", {"limit": 100}).json()
    assert {r["external_id"] for r in listed["results"]} == IN_NORTH
    # Filtering by the municipality's code does not widen the scope.
    by_area = client.get("/api/incidents/", {"area": world.m1.code, "limit": 100}).json()
    assert {r["external_id"] for r in by_area["results"]} == IN_NORTH

    for key, incident in incidents.items():
        expected = 200 if key in IN_NORTH else 404
        detail = client.get(reverse("incident-detail", args=[incident.pk]))
        assert detail.status_code == expected, key
        api = client.get(f"/api/incidents/{incident.pk}/")
        assert api.status_code == expected, key


def test_limited_coordinator_cannot_change_incidents_outside(world, limited, incidents):
    assert limited.has_perm("incidents.change_incident", incidents["kommun-nord"])
    assert not limited.has_perm("incidents.change_incident", incidents["kommun-syd"])
    assert not limited.has_perm("incidents.view_incident", incidents["bostad-syd"])
