"""Import from the web (services and pages): upload, preview, mapping saved and reapplied,
dry run with every reject, the worker's import with progress, rejects file, limits, access."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from samverkan.core.models import AuditEvent
from samverkan.incidents import web_import
from samverkan.incidents.models import ImportMapping, ImportRun, Incident, WebImport

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Column names nobody would guess: the mapping is needed.
PARTNER = (
    "När;Öst;Nord;Vad;Notering;Löpnr\r\n"
    "2024-03-05 kl. 14.30;15,5;59,5;Klotter;Klotter på gavel;A1\r\n"
    "2024-03-06 kl. 08.15;15,25;59,75;Skadegörelse;Krossad ruta, ring 070-123 45 67;A2\r\n"
    "igår;15,5;59,5;Brand;;A3\r\n"
    "2024-03-07 kl. 22.00;;59,25;Klotter;;A4\r\n"
    '2024-03-08 kl. 10.00;35,0;59,25;Klotter;=HYPERLINK("x");A5\r\n'
)
COLUMNS = {"time": "När", "lon": "Öst", "lat": "Nord", "category": "Vad", "text": "Notering"}
COLUMNS_WITH_ID = {**COLUMNS, "id": "Löpnr"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(world, user=None, text=PARTNER, name="partner.csv", **kw):
    return web_import.upload(
        user or world.users["coordinator"],
        partnership=world.p1,
        organisation=world.bostad,
        uploaded=SimpleUploadedFile(name, text.encode("cp1252")),
        source="norrbyhem",
        **kw,
    )


def checked(world, columns=COLUMNS_WITH_ID):
    coordinator = world.users["coordinator"]
    job = upload(world)
    web_import.set_mapping(coordinator, job, columns)
    web_import.dry_run(coordinator, job)
    return job


def test_preview_shows_header_and_first_rows(world):
    job = upload(world)
    header, rows = web_import.preview(job, n=2)
    assert header == ["När", "Öst", "Nord", "Vad", "Notering", "Löpnr"]
    assert rows == [
        ["2024-03-05 kl. 14.30", "15,5", "59,5", "Klotter", "Klotter på gavel", "A1"],
        [
            "2024-03-06 kl. 08.15",
            "15,25",
            "59,75",
            "Skadegörelse",
            "Krossad ruta, ring 070-123 45 67",
            "A2",
        ],
    ]
    assert job.status == WebImport.Status.UPLOADED
    assert AuditEvent.objects.filter(
        action="incident.import_upload", object_id=str(job.pk)
    ).exists()


def test_dry_run_lists_every_reject_with_line_column_and_reason(world):
    job = checked(world)
    job.refresh_from_db()
    assert job.status == WebImport.Status.CHECKED
    assert (job.read, job.imported, job.duplicates, job.rejected) == (5, 2, 0, 3)
    assert job.rejects == [
        [4, "När", "tidpunkten 'igår' kan inte tolkas"],
        [5, "Öst", "koordinater saknas"],
        [6, "Öst/Nord", "koordinaterna ligger utanför Sverige (35.0, 59.25)"],
    ]
    assert not Incident.objects.exists()  # a dry run stores nothing


def test_dry_run_without_mapping_says_which_column_is_missing(world):
    coordinator = world.users["coordinator"]
    job = upload(world)
    assert web_import.dry_run(coordinator, job) is None
    job.refresh_from_db()
    assert job.status == WebImport.Status.FAILED
    assert "tidpunkt saknas" in job.message and "När" in job.message
    event = AuditEvent.objects.get(action="incident.import_check", object_id=str(job.pk))
    assert event.details["error"] == job.message


def test_import_runs_in_the_worker_masks_and_twice_adds_nothing(
    world, django_capture_on_commit_callbacks
):
    coordinator = world.users["coordinator"]
    job = checked(world)
    with override_settings(TASKS=IMMEDIATE), django_capture_on_commit_callbacks(execute=True):
        web_import.start(coordinator, job)
    job.refresh_from_db()
    assert job.status == WebImport.Status.DONE
    assert (job.imported, job.rejected) == (2, 3)
    assert Incident.objects.filter(source="norrbyhem", organisation=world.bostad).count() == 2
    # Masked on the way in, like the command.
    text = Incident.objects.get(external_id="A2").description
    assert "070-123 45 67" not in text
    # The upload is gone; the rejects file stays for download.
    assert not job.file and job.rejects_file
    progress = web_import.progress(job)
    assert progress["percent"] == 100 and progress["finished"]
    # Neither a second click nor a second worker imports it again.
    with pytest.raises(ValueError, match="Provkör"):
        web_import.start(coordinator, job)
    assert web_import.run(job.pk) is None
    run = ImportRun.objects.get()
    assert run.actor == coordinator and run.imported == 2
    assert AuditEvent.objects.filter(action="incident.import", actor=coordinator).count() == 1

    # The same file again: the dry run finds only duplicates, the import adds nothing.
    again = checked(world)
    again.refresh_from_db()
    assert (again.imported, again.duplicates) == (0, 2)
    with override_settings(TASKS=IMMEDIATE), django_capture_on_commit_callbacks(execute=True):
        web_import.start(coordinator, again)
    again.refresh_from_db()
    assert again.status == WebImport.Status.DONE and again.imported == 0
    assert Incident.objects.filter(source="norrbyhem").count() == 2


def test_without_ids_a_second_import_adds_nothing_either(world, django_capture_on_commit_callbacks):
    coordinator = world.users["coordinator"]
    for _ in range(2):
        job = checked(world, COLUMNS)
        with override_settings(TASKS=IMMEDIATE), django_capture_on_commit_callbacks(execute=True):
            web_import.start(coordinator, job)
    assert Incident.objects.filter(source="norrbyhem").count() == 2


def test_rejects_file_is_formula_escaped_csv(world):
    coordinator = world.users["coordinator"]
    job = upload(world, text=PARTNER + "=1+2;15,5;59,5;Klotter;;A6\r\n")
    web_import.set_mapping(coordinator, job, COLUMNS_WITH_ID)
    web_import.dry_run(coordinator, job)
    job.refresh_from_db()
    data = web_import.rejects_csv(coordinator, job).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data), delimiter=";"))
    assert rows[0] == ["rad", "kolumn", "orsak", "innehåll"]
    assert [r[:3] for r in rows[1:]] == [[str(a), b, c] for a, b, c in job.rejects]
    assert rows[-1][0] == "7" and rows[-1][3] == "'=1+2;15,5;59,5;Klotter;;A6"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    # The content is the partner's raw rows: the download is audited as an export.
    event = AuditEvent.objects.get(action="incident.export", object_id=str(job.pk))
    assert event.actor == coordinator and event.details["rows"] == 4


def test_mapping_saved_per_organisation_and_reapplied(world):
    coordinator = world.users["coordinator"]
    job = upload(world)
    saved = web_import.set_mapping(coordinator, job, COLUMNS_WITH_ID, save_as="Norrbyhems logg")
    assert saved.organisation == world.bostad and saved.columns == COLUMNS_WITH_ID
    assert AuditEvent.objects.filter(action="incident.import_mapping").count() == 1
    # Next time: the saved mapping is offered for the same partner and gives the same result.
    nxt = upload(world)
    offered = list(web_import.mappings_for(coordinator, world.bostad.pk))
    assert offered == [saved]
    web_import.set_mapping(coordinator, nxt, offered[0].columns)
    web_import.dry_run(coordinator, nxt)
    nxt.refresh_from_db()
    assert nxt.status == WebImport.Status.CHECKED and nxt.imported == 2
    # Saving under the same name replaces it.
    web_import.set_mapping(coordinator, nxt, COLUMNS, save_as="Norrbyhems logg")
    assert ImportMapping.objects.get().columns == COLUMNS
    # Another partnership's coordinator is not offered it.
    assert not web_import.mappings_for(world.users["other_coordinator"], world.bostad.pk).exists()


def test_changed_mapping_needs_a_new_dry_run(world):
    coordinator = world.users["coordinator"]
    job = checked(world)
    web_import.set_mapping(coordinator, job, COLUMNS)
    with pytest.raises(ValueError, match="Provkör"):
        web_import.start(coordinator, job)


def test_another_partnership_is_refused(world):
    other = world.users["other_coordinator"]
    with pytest.raises(PermissionDenied):
        upload(world, user=other)
    job = checked(world)
    for step in (web_import.dry_run, web_import.start, web_import.rejects_csv):
        with pytest.raises(PermissionDenied):
            step(other, job)
    with pytest.raises(PermissionDenied):
        web_import.set_mapping(other, job, COLUMNS)
    assert job not in web_import.imports_for(other)
    # Nor may a reporter or a steering-group member import; an organisation outside the
    # partnership cannot be chosen.
    for name in ("reporter", "steering"):
        with pytest.raises(PermissionDenied):
            upload(world, user=world.users[name])
    with pytest.raises(PermissionDenied):
        web_import.upload(
            world.users["coordinator"],
            partnership=world.p1,
            organisation=world.other,
            uploaded=SimpleUploadedFile("x.csv", PARTNER.encode()),
        )


def test_limited_membership_may_not_import(world):
    from samverkan.core.models import Membership

    m = Membership.objects.get(user=world.users["coordinator"])
    m.areas.set([world.m1])
    coordinator = type(world.users["coordinator"]).objects.get(pk=world.users["coordinator"].pk)
    assert not web_import.partnerships_for(coordinator).exists()


def test_file_size_format_and_row_limits(world, settings):
    settings.WEB_IMPORT_MAX_UPLOAD_MB = 1
    with pytest.raises(ValueError, match="för stor"):
        upload(world, text="x" * (1024 * 1024 + 1))
    with pytest.raises(ValueError, match="CSV, Excel"):
        upload(world, name="partner.pdf")
    settings.WEB_IMPORT_MAX_ROWS = 4
    job = upload(world)
    web_import.set_mapping(world.users["coordinator"], job, COLUMNS)
    assert web_import.dry_run(world.users["coordinator"], job) is None
    job.refresh_from_db()
    assert job.status == WebImport.Status.FAILED and "fler än 4 rader" in job.message


def test_old_uploads_are_deleted(world):
    job = upload(world)
    path = job.file.path
    WebImport.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(days=8))
    assert web_import.purge_expired() == 1
    job.refresh_from_db()
    assert not job.file
    import os

    assert not os.path.exists(path)


# --- pages ----------------------------------------------------------------------------


def test_pages_flow(world, client_for, django_capture_on_commit_callbacks):
    coordinator = world.users["coordinator"]
    client = client_for(coordinator)
    page = client.get(reverse("incident-import"))
    assert page.status_code == 200
    response = client.post(
        reverse("incident-import"),
        {
            "partnership": world.p1.pk,
            "organisation": world.bostad.pk,
            "source": "norrbyhem",
            "visibility": "partnership",
            "file": SimpleUploadedFile("partner.csv", PARTNER.encode("cp1252")),
        },
    )
    job = WebImport.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "incident-import-detail", args=[job.pk]
    )
    page = client.get(response.url)
    assert "Klotter på gavel" in page.content.decode()
    data = {f"col_{k}": v for k, v in COLUMNS_WITH_ID.items()} | {"save_as": "Logg"}
    response = client.post(reverse("incident-import-check", args=[job.pk]), data)
    assert response.status_code == 302
    page = client.get(reverse("incident-import-detail", args=[job.pk])).content.decode()
    assert "tidpunkten &#x27;igår&#x27; kan inte tolkas" in page
    with override_settings(TASKS=IMMEDIATE), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("incident-import-start", args=[job.pk]))
    assert response.status_code == 302
    status = client.get(reverse("incident-import-progress", args=[job.pk])).json()
    assert status["percent"] == 100 and status["status"] == "done"
    rejects = client.get(reverse("incident-import-rejects", args=[job.pk]))
    assert rejects.status_code == 200 and rejects["Content-Type"].startswith("text/csv")
    # The saved mapping is offered on the next upload of the same partner.
    nxt = upload(world)
    page = client.get(
        reverse("incident-import-detail", args=[nxt.pk])
        + f"?mapping={ImportMapping.objects.get().pk}"
    )
    assert 'value="När" selected' in page.content.decode()

    other = client_for(world.users["other_coordinator"])
    for name in ("incident-import-detail", "incident-import-progress", "incident-import-rejects"):
        assert other.get(reverse(name, args=[job.pk])).status_code == 404


def test_geojson_with_category_table(world, django_capture_on_commit_callbacks):
    """GeoJSON points, the partner's own category words mapped to codes on the page."""
    import json

    def feature(i, when, word, lon=15.5, lat=59.5):
        return {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {"nr": f"G{i}", "tid": when, "typ": word},
        }

    collection = {
        "type": "FeatureCollection",
        "features": [
            feature(1, "2024-05-01 10:00", "Sönder"),
            feature(2, "2024-05-02 11:00", "Sönder", lon=15.4),
            feature(3, "", "Sönder"),  # feature 3 is "line" 4: no time
        ],
    }
    coordinator = world.users["coordinator"]
    job = upload(world, text=json.dumps(collection), name="vakt.geojson")
    assert job.fmt == "geojson"
    header, rows = web_import.preview(job)
    assert header[:3] == ["nr", "tid", "typ"] and len(rows) == 3
    columns = {"time": "tid", "category": "typ", "id": "nr", "categories": {"Sönder": "vandalism"}}
    web_import.set_mapping(coordinator, job, columns)
    web_import.dry_run(coordinator, job)
    job.refresh_from_db()
    assert (job.read, job.imported, job.rejects) == (3, 2, [[4, "tid", "tidpunkt saknas"]])
    with override_settings(TASKS=IMMEDIATE), django_capture_on_commit_callbacks(execute=True):
        web_import.start(coordinator, job)
    codes = set(
        Incident.objects.filter(source="norrbyhem").values_list("category__code", flat=True)
    )
    assert codes == {"vandalism"}


def test_category_lines_from_the_page():
    from samverkan.incidents.web_import_views import _categories

    text = "Sönder = vandalism\nTag=graffiti\n\n  = x\nutan likhetstecken\nA = B = other"
    assert _categories(text) == {"Sönder": "vandalism", "Tag": "graffiti", "A = B": "other"}


def test_the_progress_bar_moves_while_a_file_is_imported(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    """A file of a few thousand rows moved the bar once, from 0 to 100 %: batches were
    10,000 rows whatever the file, and the bar followed the rows read, which run thousands
    ahead of those written. Now about 50 steps of written rows, each batch at least 200."""
    assert web_import.progress_batch(1_000) == 200
    assert web_import.progress_batch(100_000) == 2_000
    assert web_import.progress_batch(10_000_000) == 10_000
    rows = "".join(
        f"2024-03-{1 + i % 28:02d} kl. 12.00;15,5;59,5;Klotter;;B{i}\r\n" for i in range(1_000)
    )
    coordinator = world.users["coordinator"]
    job = upload(world, text="När;Öst;Nord;Vad;Notering;Löpnr\r\n" + rows)
    web_import.set_mapping(coordinator, job, COLUMNS_WITH_ID)
    web_import.dry_run(coordinator, job)
    written = []
    real = web_import._write_progress

    def record(job, done, total):
        written.append(done)
        real(job, done, total)
        if 0 < done < total:
            job.status = WebImport.Status.RUNNING
            seen.append(web_import.progress(job))

    seen = []
    monkeypatch.setattr(web_import, "_write_progress", record)
    with override_settings(TASKS=IMMEDIATE), django_capture_on_commit_callbacks(execute=True):
        web_import.start(coordinator, job)
    job.refresh_from_db()
    assert job.status == WebImport.Status.DONE and job.imported == 1_000
    # Queued, started, each batch written, done.
    assert written == [0, 0, 200, 400, 600, 800, 1_000, 1_000]
    assert [p["percent"] for p in seen] == [20, 40, 60, 80]
    assert seen[0]["text"] == "Importerar: 20 %."
    # Every row read, the new ones being written: the page says so rather than "100 %".
    job.status = WebImport.Status.RUNNING
    assert web_import.progress_text(job, 100) == "Alla rader är lästa. Sparar i databasen …"
