"""Permission matrix rows for incident pages and the incidents API."""

from tests.matrix import ANON, COORD, OTHER, REPORTER

MATRIX: dict[str, tuple] = {
    "incident-report": (None, {ANON: 302, REPORTER: 200, COORD: 200, OTHER: 200}),
    "incident-mine": (None, {ANON: 302, REPORTER: 200, COORD: 200, OTHER: 200}),
    "incident-triage": (None, {ANON: 302, REPORTER: 403, COORD: 200, OTHER: 200}),
    "incident-geojson": (None, {ANON: 302, REPORTER: 403, COORD: 200, OTHER: 200}),
    "incident-bulk-status": (None, {ANON: 302, REPORTER: 403, COORD: 405, OTHER: 405}),
    "incident-export": (
        lambda w: {"fmt": "csv"},
        {ANON: 302, REPORTER: 403, COORD: 200, OTHER: 200},
    ),
    # The incident is the reporter's own report, shared with the Norrby partnership.
    "incident-detail": (
        lambda w: {"pk": w.incident.pk},
        {ANON: 302, REPORTER: 200, COORD: 200, OTHER: 404},
    ),
    "incident-action": (
        lambda w: {"pk": w.incident.pk, "action": "feedback"},
        {ANON: 302, REPORTER: 404, COORD: 405, OTHER: 404},
    ),
    # A photo of the reporter's report: seen by whoever sees the report, by no one else.
    "incident-photo": (
        lambda w: {"pk": w.photo.pk},
        {ANON: 302, REPORTER: 200, COORD: 200, OTHER: 404},
    ),
    # Photos added to a filed report: its reporter only (GET is not allowed); a
    # coordinator who sees it is refused, someone who does not learns nothing.
    "incident-add-photos": (
        lambda w: {"pk": w.incident.pk},
        {ANON: 302, REPORTER: 405, COORD: 403, OTHER: 404},
    ),
    "incident-feedback-mail": (None, {ANON: 302, REPORTER: 405, COORD: 405, OTHER: 405}),
    # Imports from the web: the Norrby partnership's coordinators only.
    "incident-import": (None, {ANON: 302, REPORTER: 403, COORD: 200, OTHER: 200}),
    "incident-import-detail": (
        lambda w: {"pk": w.web_import.pk},
        {ANON: 302, REPORTER: 403, COORD: 200, OTHER: 404},
    ),
    "incident-import-check": (
        lambda w: {"pk": w.web_import.pk},
        {ANON: 302, REPORTER: 403, COORD: 405, OTHER: 405},
    ),
    "incident-import-start": (
        lambda w: {"pk": w.web_import.pk},
        {ANON: 302, REPORTER: 403, COORD: 405, OTHER: 405},
    ),
    "incident-import-progress": (
        lambda w: {"pk": w.web_import.pk},
        {ANON: 302, REPORTER: 403, COORD: 200, OTHER: 404},
    ),
    "incident-import-rejects": (
        lambda w: {"pk": w.web_import.pk},
        {ANON: 302, REPORTER: 403, COORD: 200, OTHER: 404},
    ),
    "api-incident-list": (None, {ANON: 403, REPORTER: 200, COORD: 200, OTHER: 200}),
    "api-incident-detail": (
        lambda w: {"pk": w.incident.pk},
        {ANON: 403, REPORTER: 200, COORD: 200, OTHER: 404},
    ),
    # A report's photos through the API: read like the report (POST is tested on its own).
    "api-incident-photos": (
        lambda w: {"pk": w.incident.pk},
        {ANON: 403, REPORTER: 200, COORD: 200, OTHER: 404},
    ),
    # Tags are PUT by coordinators; a GET is refused for its method once signed in.
    "api-incident-tags": (
        lambda w: {"pk": w.incident.pk},
        {ANON: 403, REPORTER: 405, COORD: 405, OTHER: 405},
    ),
    "api-incident-actions": (
        lambda w: {"pk": w.incident.pk},
        {ANON: 403, REPORTER: 405, COORD: 405, OTHER: 405},
    ),
    "api-incident-photo": (
        lambda w: {"pk": w.incident.pk, "photo_id": w.photo.pk},
        {ANON: 403, REPORTER: 200, COORD: 200, OTHER: 404},
    ),
}


def extend_world(world):
    """One incident reported by the housing company's reporter, shared with Norrby."""
    from datetime import UTC, datetime

    from samverkan.incidents.ingest import IncidentRow, ingest
    from samverkan.incidents.models import Category, Incident

    row = IncidentRow(
        "rapport",
        datetime(2025, 3, 5, 12, tzinfo=UTC),
        Category.objects.get(code="vandalism").pk,
        external_id="m1",
        lon=15.5,
        lat=59.5,
        organisation_id=world.bostad.pk,
        reporter_id=world.users["reporter"].pk,
    )
    world.incident = Incident.objects.get(pk=ingest([row]).incident_ids[0])
    from samverkan.incidents.models import ReportPhoto

    world.photo = ReportPhoto.objects.create(
        incident=world.incident, data=b"\xff\xd8\xff\xd9", width=1, height=1
    )
    # An uploaded file of the housing company with a rejects file, in Norrby.
    from django.core.files.base import ContentFile

    from samverkan.incidents.models import WebImport

    job = WebImport(
        partnership=world.p1, organisation=world.bostad, file_name="m.csv", fmt="csv", source="m"
    )
    job.rejects_file.save("imports/m.rejects.csv", ContentFile(b"rad;kolumn;orsak\n"), save=False)
    job.save()
    world.web_import = job
