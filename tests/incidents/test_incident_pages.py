"""Reporter form, my reports, triage, feedback, duplicates, bulk status, exports, API."""

import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from samverkan.core.models import AuditEvent
from samverkan.incidents.ingest import IncidentRow, ingest
from samverkan.incidents.models import Category, Incident, IncidentArea


@pytest.fixture
def cat(db):
    return Category.objects.get(code="vandalism")


def make(world, cat, **kw):
    defaults = {
        "source": "rapport",
        "occurred_from": datetime(2025, 3, 5, 12, tzinfo=UTC),
        "category_id": cat.pk,
        "lon": 15.5,
        "lat": 59.5,
        "organisation_id": world.bostad.pk,
        "reporter_id": world.users["reporter"].pk,
    }
    defaults.update(kw)
    return Incident.objects.get(pk=ingest([IncidentRow(**defaults)]).incident_ids[0])


def test_reporter_files_a_report_with_a_map_point(world, cat, client):
    client.force_login(world.users["reporter"])
    when = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("incident-report"),
        {
            "category": cat.pk,
            "place_type": "stairwell",
            "lon": "15.25",
            "lat": "59.75",
            "occurred_from": when,
            "description": "Klotter i trapphus B, ring 070-123 45 67",
            "perceived_insecurity": "4",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("incident-mine")
    incident = Incident.objects.get()
    assert incident.description == "Klotter i trapphus B, ring [telefon]"
    assert incident.organisation == world.bostad and incident.reporter == world.users["reporter"]
    assert incident.precision == "point" and incident.x is not None and incident.h3
    assert set(incident.areas.values_list("code", flat=True)) == {"99", "9901"}
    assert AuditEvent.objects.filter(action="incident.create", object_id=str(incident.pk)).exists()


def test_report_without_place_is_refused_with_a_message(world, cat, client):
    client.force_login(world.users["reporter"])
    response = client.post(
        reverse("incident-report"),
        {"category": cat.pk, "place_type": "park", "occurred_from": "2025-03-01T10:00"},
    )
    assert response.status_code == 200
    assert "Markera platsen på kartan eller välj ett område." in response.content.decode()
    assert not Incident.objects.exists()


def test_report_with_area_and_approximate_period(world, cat, client):
    client.force_login(world.users["reporter"])
    client.post(
        reverse("incident-report"),
        {
            "category": cat.pk,
            "place_type": "park",
            "area": world.m1.pk,
            "occurred_from": "2025-03-01T22:00",
            "approximate": "on",
            "occurred_to": "2025-03-02T06:00",
        },
    )
    incident = Incident.objects.get()
    assert incident.precision == "municipality" and incident.occurred_to is not None
    assert set(incident.areas.values_list("code", flat=True)) == {"99", "9901"}


def test_future_time_is_refused(world, cat, client):
    client.force_login(world.users["reporter"])
    future = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("incident-report"),
        {"category": cat.pk, "place_type": "park", "area": world.m1.pk, "occurred_from": future},
    )
    assert "Tiden kan inte ligga i framtiden." in response.content.decode()


def test_feedback_reaches_the_reporter(world, cat, client):
    incident = make(world, cat)
    client.force_login(world.users["coordinator"])
    client.post(
        reverse("incident-action", args=[incident.pk, "feedback"]),
        {"feedback": "Tack, fastighetsägaren sanerar i veckan."},
    )
    incident.refresh_from_db()
    assert incident.status == "reviewed" and incident.feedback_by == world.users["coordinator"]
    client.force_login(world.users["reporter"])
    html = client.get(reverse("incident-mine")).content.decode()
    assert "Tack, fastighetsägaren sanerar i veckan." in html
    assert AuditEvent.objects.filter(action="incident.give_feedback").count() == 1


def test_feedback_whose_author_was_removed_still_shows(world, cat, client):
    # Feedback written by an import or by a user who has since been deleted has no author.
    incident = make(world, cat)
    Incident.objects.filter(pk=incident.pk).update(
        feedback="Åtgärdat av fastighetsvärden.", feedback_by=None, feedback_at=timezone.now()
    )
    client.force_login(world.users["coordinator"])
    response = client.get(reverse("incident-detail", args=[incident.pk]))
    assert response.status_code == 200
    assert "Åtgärdat av fastighetsvärden." in response.content.decode()


def test_other_partnership_cannot_act(world, cat, client):
    incident = make(world, cat)
    client.force_login(world.users["other_coordinator"])
    response = client.post(
        reverse("incident-action", args=[incident.pk, "feedback"]), {"feedback": "x"}
    )
    assert response.status_code == 404
    incident.refresh_from_db()
    assert incident.feedback == ""


def test_duplicate_suggestion_and_marking(world, cat, client):
    a = make(world, cat, external_id="a")
    b = make(
        world,
        cat,
        external_id="b",
        lon=15.5003,
        lat=59.5002,
        occurred_from=datetime(2025, 3, 5, 13, tzinfo=UTC),
    )
    far = make(world, cat, external_id="far", lon=15.6, lat=59.5)
    client.force_login(world.users["coordinator"])
    html = client.get(reverse("incident-detail", args=[b.pk])).content.decode()
    assert f"Markera som dubblett av #{a.pk}" in html
    assert f"dubblett av #{far.pk}" not in html
    client.post(reverse("incident-action", args=[b.pk, "duplicate"]), {"of": a.pk})
    b.refresh_from_db()
    assert b.status == "duplicate" and b.duplicate_of == a


def _link_copies(incident):
    return set(
        IncidentArea.objects.filter(incident=incident).values_list(
            "is_duplicate", "organisation_id", "visibility", "category_id", "is_summary"
        )
    )


def test_area_links_follow_the_incident(world, cat, client):
    """The counts read copies on the area links: every change path must update them."""
    from samverkan.incidents import services

    a = make(world, cat, external_id="orig")
    b = make(world, cat, external_id="copy", visibility="organisation")
    assert _link_copies(b) == {(False, world.bostad.pk, "organisation", cat.pk, False)}
    assert IncidentArea.objects.filter(incident=b).count() >= 1

    services.mark_duplicate(b, a, world.users["coordinator"])
    assert {c[0] for c in _link_copies(b)} == {True}
    services.set_status(b, "new", world.users["coordinator"])
    assert {c[0] for c in _link_copies(b)} == {False}

    # An administrator's edit in the admin site reaches the links too.
    other = Category.objects.get(code="littering")
    client.force_login(world.users["sysadmin"])
    url = reverse("admin:incidents_incident_change", args=[b.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        category=other.pk,
        visibility="public",
        status="duplicate",
        duplicate_of=a.pk,
        organisation=world.bostad.pk,
        reporter=world.users["reporter"].pk,
        occurred_from_0="2025-03-05",
        occurred_from_1="12:00:00",
        reported_at_0="2025-03-05",
        reported_at_1="12:00:00",
    )
    data = {k: v for k, v in data.items() if k not in ("occurred_from", "reported_at")}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert _link_copies(b) == {(True, world.bostad.pk, "public", other.pk, False)}


def test_workflow_refuses_a_transition_not_in_the_table(world, cat, client):
    incident = make(world, cat)
    incident.status = "duplicate"
    incident.save()
    client.force_login(world.users["coordinator"])
    response = client.post(
        reverse("incident-action", args=[incident.pk, "status"]), {"status": "closed"}, follow=True
    )
    assert "kan inte ändras" in response.content.decode()
    incident.refresh_from_db()
    assert incident.status == "duplicate"


def test_bulk_status(world, cat, client):
    ids = [make(world, cat, external_id=str(i)).pk for i in range(3)]
    client.force_login(world.users["coordinator"])
    client.post(reverse("incident-bulk-status"), {"ids": ids, "status": "closed"})
    assert set(Incident.objects.values_list("status", flat=True)) == {"closed"}
    assert AuditEvent.objects.filter(action="incident.set_status").count() == 3


def test_triage_filters(world, cat, client):
    make(world, cat, external_id="march")
    make(world, cat, external_id="april", occurred_from=datetime(2025, 4, 2, 12, tzinfo=UTC))
    client.force_login(world.users["coordinator"])
    response = client.get(reverse("incident-triage"), {"start": "2025-04-01", "end": "2025-04-30"})
    assert response.context["paginator"].count == 1


def test_exports_escape_formulas_and_are_audited(world, cat, client):
    make(world, cat, description='=HYPERLINK("http://evil")')
    client.force_login(world.users["coordinator"])
    csv_body = client.get(reverse("incident-export", args=["csv"])).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_body
    xlsx = client.get(reverse("incident-export", args=["xlsx"])).content
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(xlsx)).active
    header = [c.value for c in ws[1]]
    assert ws.cell(2, header.index("beskrivning") + 1).value.startswith("'=")
    geo = json.loads(client.get(reverse("incident-export", args=["geojson"])).content)
    assert geo["features"][0]["geometry"]["coordinates"] == [15.5, 59.5]
    assert AuditEvent.objects.filter(action="incident.export").count() == 3


def test_geojson_never_draws_centroid_incidents(world, cat, client):
    make(world, cat, external_id="point")
    make(
        world,
        cat,
        external_id="centroid",
        precision="municipality",
        reporter_id=None,
        organisation_id=None,
        visibility="public",
        source="polisen",
        area_ids=[world.m1.pk],
    )
    client.force_login(world.users["coordinator"])
    data = client.get(reverse("incident-geojson")).json()
    assert len(data["features"]) == 1


def test_map_names_the_local_minute_in_winter_and_summer(world, cat, client):
    # Stored in UTC, named in Swedish local time: +1 h in March before the change, +2 h in
    # July; seconds and fractions are cut, not rounded.
    winter = make(world, cat, occurred_from=datetime(2025, 3, 5, 23, 30, 59, 900000, tzinfo=UTC))
    summer = make(world, cat, occurred_from=datetime(2025, 7, 1, 22, 5, tzinfo=UTC), lon=15.6)
    client.force_login(world.users["coordinator"])
    data = client.get(reverse("incident-geojson")).json()
    names = {f["properties"]["url"]: f["properties"]["name"] for f in data["features"]}
    label = cat.label
    assert names[reverse("incident-detail", args=[winter.pk])] == f"{label} 2025-03-06 00:30"
    assert names[reverse("incident-detail", args=[summer.pk])] == f"{label} 2025-07-02 00:05"


def test_api_create_list_and_scope(world, cat, client):
    client.force_login(world.users["reporter"])
    response = client.post(
        "/api/incidents/",
        {
            "occurred_from": "2025-03-05T10:00:00+01:00",
            "category": "vandalism",
            "lon": 15.4,
            "lat": 59.4,
            "description": "Mejla mig på kalle@example.se",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["description"] == "Mejla mig på [e-post]"
    client.force_login(world.users["coordinator"])
    listed = client.get("/api/incidents/", {"area": "9901", "category": "vandalism"}).json()
    assert listed["count"] == 1
    client.force_login(world.users["other_coordinator"])
    assert client.get("/api/incidents/").json()["count"] == 0


def test_api_token_authentication(world, cat, client):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=world.users["coordinator"])
    make(world, cat)
    response = client.get("/api/incidents/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200 and response.json()["count"] == 1
    refused = client.get("/api/incidents/", HTTP_AUTHORIZATION="Token wrong")
    assert refused.status_code in (401, 403) and "count" not in refused.json()


def test_api_rejects_bad_input_with_field_messages(world, client):
    client.force_login(world.users["reporter"])
    response = client.post(
        "/api/incidents/",
        {"occurred_from": "igår", "category": "finns-inte"},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert "occurred_from" in body and "category" in body


def test_openapi_schema_lists_incidents(world, client):
    client.force_login(world.users["coordinator"])
    schema = client.get("/api/schema/", {"format": "json"}).json()
    assert "/api/incidents/" in schema["paths"]


def test_deleting_an_incident_finds_its_duplicates_through_an_index(world, cat):
    """Deleting must not scan every incident per deleted one (the duplicate_of lookup)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from samverkan.incidents import services

    original = make(world, cat, external_id="orig")
    copy = make(world, cat, external_id="copy")
    services.mark_duplicate(copy, original, world.users["coordinator"])
    with CaptureQueriesContext(connection) as ctx:
        original.delete()
    copy.refresh_from_db()
    assert copy.duplicate_of is None and copy.status == "duplicate"
    lookups = [q["sql"] for q in ctx.captured_queries if "duplicate_of_id" in q["sql"]]
    assert lookups
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for sql in lookups:
                cursor.execute("EXPLAIN QUERY PLAN " + sql)
                plan = " ".join(str(row[-1]) for row in cursor.fetchall())
                assert "incident_duplicate_of" in plan, (sql, plan)
