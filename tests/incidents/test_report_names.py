"""Names in a report's free text (issue 13, point 10): the form warns before saving a text
that seems to name someone and shows what would be stored; names are masked as [namn] in
the description and the place name on every path (form, API, import)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from samverkan.incidents.ingest import IncidentRow, ingest
from samverkan.incidents.models import Category, Incident


@pytest.fixture
def cat(db):
    return Category.objects.get(code="vandalism")


def _form(cat, **kw):
    when = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    data = {
        "category": cat.pk,
        "place_type": "stairwell",
        "lon": "15.25",
        "lat": "59.75",
        "occurred_from": when,
    }
    data.update(kw)
    return data


def test_form_warns_before_saving_a_name_and_shows_what_would_be_stored(world, cat, client):
    client.force_login(world.users["reporter"])
    text = "Kalle Svensson ringde om klotter i trapphus B, 070-123 45 67"
    response = client.post(reverse("incident-report"), _form(cat, description=text))
    assert response.status_code == 200
    page = response.content.decode()
    assert "verkar innehålla namn på personer: Kalle Svensson" in page
    assert "[namn] ringde om klotter i trapphus B, [telefon]" in page
    assert 'name="confirm_names"' in page
    assert not Incident.objects.exists()

    response = client.post(
        reverse("incident-report"), _form(cat, description=text, confirm_names="on")
    )
    assert response.status_code == 302
    stored = Incident.objects.get()
    assert stored.description == "[namn] ringde om klotter i trapphus B, [telefon]"
    assert "Svensson" not in stored.description


def test_form_without_names_saves_at_once(world, cat, client):
    client.force_login(world.users["reporter"])
    response = client.get(reverse("incident-report"))
    page = response.content.decode()
    # The form says exactly what is masked (lone common surnames too), and that other names
    # may remain.
    assert "[personnummer]" in page and "[telefon]" in page and "[e-post]" in page
    assert "[namn]" in page and "efternamn som står ensamma" in page and "ovanliga namn" in page
    assert 'name="confirm_names"' not in page
    text = "Klotter på Olof Palmes gata, porten stod öppen."
    response = client.post(reverse("incident-report"), _form(cat, description=text))
    assert response.status_code == 302
    assert Incident.objects.get().description == text


def test_name_in_the_place_field_is_warned_about_and_masked(world, cat, client):
    client.force_login(world.users["reporter"])
    data = _form(cat, place_name="Utanför Anna Karlssons hus", description="Krossad ruta.")
    response = client.post(reverse("incident-report"), data)
    assert "Anna Karlssons" in response.content.decode() and not Incident.objects.exists()
    client.post(reverse("incident-report"), {**data, "confirm_names": "on"})
    assert Incident.objects.get().place_name == "Utanför [namn] hus"


def test_api_masks_names_in_description_and_place(world, cat, client):
    client.force_login(world.users["reporter"])
    body = {
        "occurred_from": (timezone.now() - timedelta(hours=2)).isoformat(),
        "category": "vandalism",
        "place_type": "park",
        "area": world.m1.code,
        "place_name": "Hos Ole Hansen",
        "description": "Vittne: Kari Nilsen, tlf 912 34 567.",
    }
    response = client.post("/api/incidents/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    stored = Incident.objects.get()
    assert stored.description == "Vittne: [namn], tlf [telefon]."
    assert stored.place_name == "Hos [namn]"


def test_imported_description_is_masked(world, cat):
    row = IncidentRow(
        source="import-test",
        occurred_from=datetime(2025, 3, 5, 12, tzinfo=UTC),
        category_id=cat.pk,
        lon=15.5,
        lat=59.5,
        description="Per Andersson såg två personer vid Gustav Adolfs torg.",
    )
    incident = Incident.objects.get(pk=ingest([row]).incident_ids[0])
    assert incident.description == "[namn] såg två personer vid Gustav Adolfs torg."


def test_imported_place_name_is_masked(world, cat):
    row = IncidentRow(
        source="import-test",
        occurred_from=datetime(2025, 3, 6, 12, tzinfo=UTC),
        category_id=cat.pk,
        lon=15.5,
        lat=59.5,
        place_name="Garaget hos Eva Lindqvist, Olof Palmes gata 3",
    )
    incident = Incident.objects.get(pk=ingest([row]).incident_ids[0])
    assert incident.place_name == "Garaget hos [namn], Olof Palmes gata 3"
