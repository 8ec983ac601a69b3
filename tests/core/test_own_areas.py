"""Own areas drawn on the map: who may draw, see, change and delete them; the border
kept inside the municipality; history and audit; incidents linked by a background task."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
import shapely
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from shapely.geometry import shape

from samverkan.core import own_areas
from samverkan.core.models import Area, AreaBorder, AreaLinkJob, AuditEvent, Membership
from samverkan.core.permissions import scope
from samverkan.incidents.area_jobs import run_link_job
from samverkan.incidents.ingest import IncidentRow, ingest
from samverkan.incidents.models import Category, IncidentArea, SourceMapping
from samverkan.incidents.taxonomy import load_default
from tests.conftest import square

TASK = "samverkan.incidents.tasks.link_own_area"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def polygon(*corners):
    ring = [list(c) for c in corners] + [list(corners[0])]
    return {"type": "Polygon", "coordinates": [ring]}


# A five-cornered area well inside Norrby (15–16 °E, 59–60 °N in the test world).
PENTAGON = polygon((15.40, 59.45), (15.55, 59.42), (15.62, 59.50), (15.50, 59.58), (15.38, 59.53))


def draw(world, user=None, geometry=PENTAGON, name="Centrum", partnership=None):
    return own_areas.create_own_area(
        user or world.users["coordinator"],
        partnership=partnership or world.p1,
        name=name,
        geometry=geometry,
    )


def scatter(n, seed=3, external=""):
    """Point incidents over Norrby's middle, as tapped on a phone map."""
    # A transactional test before this one flushed the data migrations' categories.
    load_default(Category, SourceMapping)
    rng = np.random.default_rng(seed)
    lon = 15.5 + rng.uniform(-0.2, 0.2, n)
    lat = 59.5 + rng.uniform(-0.12, 0.12, n)
    cat = Category.objects.get(code="vandalism")
    start = datetime(2025, 3, 3, 10, tzinfo=UTC)
    ingest(
        [
            IncidentRow(
                "rapport",
                start + timedelta(hours=i),
                cat.pk,
                external_id=f"{external}{seed}-{i}",
                lon=float(lo),
                lat=float(la),
            )
            for i, (lo, la) in enumerate(zip(lon, lat, strict=True))
        ]
    )
    return lon, lat


def by_hand(geometry: dict, lon, lat) -> int:
    """Point-in-polygon with shapely alone, boundary included."""
    return int(shapely.intersects_xy(shape(geometry), lon, lat).sum())


# --- drawing ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_coordinator_draws_an_area_of_the_partnership(world):
    result = draw(world)
    area = result.area
    assert area.level == Area.Level.CUSTOM and area.parent == world.m1
    assert area.owner_partnership == world.p1 and area.owner_organisation == world.kommun
    assert area.created_by == world.users["coordinator"]
    assert shape(area.geometry).equals(shape(PENTAGON))
    assert (area.min_lon, area.min_lat, area.max_lon, area.max_lat) == pytest.approx(
        (15.38, 59.42, 15.62, 59.58)
    )
    border = AreaBorder.objects.get(area=area)
    assert border.valid_to is None and border.geometry == area.geometry
    event = AuditEvent.objects.get(action="own_area.create")
    assert event.object_id == str(area.pk) and event.actor == world.users["coordinator"]
    assert result.job.status == AreaLinkJob.Status.QUEUED and result.notes == []


@pytest.mark.django_db
def test_reporter_and_steering_may_not_draw(world):
    for who in ("reporter", "steering"):
        with pytest.raises(PermissionDenied):
            draw(world, world.users[who])
    assert not Area.objects.filter(level=Area.Level.CUSTOM).exists()
    assert not AuditEvent.objects.filter(action__startswith="own_area.").exists()


@pytest.mark.django_db
def test_another_partnerships_coordinator_neither_sees_nor_changes_it(world, client_for):
    area = draw(world).area
    other = world.users["other_coordinator"]
    assert not scope(Area.objects.filter(pk=area.pk), other).exists()
    assert area not in own_areas.own_areas_for(other)
    with pytest.raises(PermissionDenied):
        own_areas.update_own_area(other, area, name="Mitt nu")
    with pytest.raises(PermissionDenied):
        own_areas.delete_own_area(other, area)
    with pytest.raises(PermissionDenied):
        draw(world, other, partnership=world.p1, name="Intrång")
    client = client_for(other)
    for name in ("own-area-detail", "own-area-edit", "own-area-delete", "own-area-progress"):
        assert client.get(reverse(name, kwargs={"pk": area.pk})).status_code == 404, name
    assert client.get(reverse("area-detail", kwargs={"pk": area.pk})).status_code == 404
    geojson = client.get(reverse("area-geojson"), {"parent": world.m1.pk}).json()
    assert area.pk not in [f["id"] for f in geojson["features"]]
    assert b"Centrum" not in client.get(reverse("own-area-list")).content
    area.refresh_from_db()
    assert area.name == "Centrum"


@pytest.mark.django_db
def test_partnership_members_see_it_and_only_coordinators_change_it(world, client_for):
    area = draw(world).area
    for who in ("reporter", "steering", "police_coordinator"):
        assert scope(Area.objects.filter(pk=area.pk), world.users[who]).exists(), who
    reporter = client_for(world.users["reporter"])
    assert reporter.get(reverse("own-area-detail", kwargs={"pk": area.pk})).status_code == 200
    assert reporter.get(reverse("own-area-edit", kwargs={"pk": area.pk})).status_code == 403
    with pytest.raises(PermissionDenied):
        own_areas.update_own_area(world.users["reporter"], area, name="Annat")
    # Another organisation's coordinator in the same partnership may change it.
    own_areas.update_own_area(world.users["police_coordinator"], area, name="Centrum väst")
    area.refresh_from_db()
    assert area.name == "Centrum väst"


@pytest.mark.django_db
def test_a_coordinator_limited_to_a_district_may_not_draw_for_the_municipality(world):
    district = Area.objects.create(
        code="d1",
        name="Östra",
        level="district",
        parent=world.m1,
        geometry=square(15, 59, 15.5, 60),
    )
    membership = Membership.objects.get(user=world.users["coordinator"])
    membership.areas.set([district])
    with pytest.raises(own_areas.OwnAreaError, match="ingen hel kommun"):
        draw(world)


@pytest.mark.django_db
def test_an_area_outside_the_municipality_is_refused(world):
    in_soderby = polygon((16.2, 59.2), (16.4, 59.2), (16.4, 59.4), (16.2, 59.4))
    with pytest.raises(own_areas.OwnAreaError, match="utanför Norrby"):
        draw(world, geometry=in_soderby)
    assert not Area.objects.filter(level=Area.Level.CUSTOM).exists()


@pytest.mark.django_db
def test_an_area_across_the_border_is_clipped_and_the_coordinator_told(world):
    across = polygon((15.9, 59.4), (16.1, 59.4), (16.1, 59.5), (15.9, 59.5))
    result = draw(world, geometry=across)
    geom = shape(result.area.geometry)
    assert geom.bounds[2] == pytest.approx(16.0)
    assert shape(world.m1.geometry).buffer(1e-9).contains(geom)
    assert geom.area == pytest.approx(shape(across).area / 2, rel=1e-6)
    assert result.area.max_lon == pytest.approx(16.0)
    assert len(result.notes) == 1 and "klipptes vid kommungränsen" in result.notes[0]
    assert "utanför Norrby" in result.notes[0]
    event = AuditEvent.objects.get(action="own_area.create")
    assert event.details["notes"] == result.notes


@pytest.mark.django_db
def test_a_self_crossing_drawing_is_repaired(world):
    bowtie = polygon((15.4, 59.4), (15.6, 59.6), (15.6, 59.4), (15.4, 59.6))
    result = draw(world, geometry=bowtie)
    geom = shape(result.area.geometry)
    assert geom.is_valid and geom.geom_type == "MultiPolygon"
    assert geom.area == pytest.approx(0.02, rel=1e-6)
    assert any("lagats" in n for n in result.notes)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "geometry, message",
    [
        (None, "Rita området"),
        ("inte json", "kunde inte läsas"),
        ({"type": "LineString", "coordinates": [[15.4, 59.4], [15.5, 59.5]]}, "yta"),
        (polygon((150, 95), (151, 95), (151, 96)), "utanför jorden"),
    ],
)
def test_bad_drawings_get_a_clear_message(world, geometry, message):
    with pytest.raises(own_areas.OwnAreaError, match=message):
        draw(world, geometry=geometry)


@pytest.mark.django_db
def test_names_are_required_and_unique_within_the_partnership(world):
    draw(world, name="Centrum")
    with pytest.raises(own_areas.OwnAreaError, match="redan"):
        draw(world, name="  centrum ")
    with pytest.raises(own_areas.OwnAreaError, match="namn"):
        draw(world, name="   ")


@pytest.mark.django_db
def test_a_geojson_feature_collection_from_the_map_is_read(world):
    drawn = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {}, "geometry": PENTAGON},
            {
                "type": "Feature",
                "properties": {},
                "geometry": polygon((15.7, 59.7), (15.8, 59.7), (15.8, 59.8), (15.7, 59.8)),
            },
        ],
    }
    area = draw(world, geometry=drawn).area
    assert shape(area.geometry).geom_type == "MultiPolygon"
    assert len(shape(area.geometry).geoms) == 2


# --- editing and deleting -------------------------------------------------------------


@pytest.mark.django_db
def test_moving_the_border_keeps_its_history_and_queues_linking_again(world):
    area = draw(world).area
    first = AreaBorder.objects.get(area=area)
    moved = polygon((15.30, 59.30), (15.45, 59.30), (15.45, 59.45), (15.30, 59.45))
    result = own_areas.update_own_area(
        world.users["coordinator"], area, name="Centrum", geometry=moved
    )
    area.refresh_from_db()
    assert shape(area.geometry).equals(shape(moved))
    assert area.max_lat == pytest.approx(59.45)
    history = list(AreaBorder.objects.filter(area=area).order_by("pk"))
    assert history[0].pk == first.pk and len(history) == 2
    assert history[0].valid_to == history[1].valid_from and history[1].valid_to is None
    assert shape(history[0].geometry).equals(shape(PENTAGON))
    assert area.current_border_id() == history[1].pk
    assert result.job is not None and AreaLinkJob.objects.filter(area=area).count() == 2
    event = AuditEvent.objects.get(action="own_area.update")
    assert event.details["changed"] == ["geometry"]


@pytest.mark.django_db
def test_renaming_alone_keeps_the_border_and_queues_nothing(world):
    area = draw(world).area
    result = own_areas.update_own_area(
        world.users["coordinator"], area, name="Torget", geometry=PENTAGON
    )
    assert result.job is None
    assert AreaBorder.objects.filter(area=area).count() == 1
    assert AuditEvent.objects.get(action="own_area.update").details["changed"] == ["name"]
    # Nothing changed: no audit event either.
    own_areas.update_own_area(world.users["coordinator"], area, name="Torget")
    assert AuditEvent.objects.filter(action="own_area.update").count() == 1


@pytest.mark.django_db
def test_an_area_used_by_a_lagesbild_cannot_be_deleted_and_says_why(world, client_for):
    from samverkan.situation.models import SituationReport

    area = draw(world).area
    SituationReport.objects.create(
        area=area,
        partnership=world.p1,
        period_type="month",
        period_start=datetime(2025, 3, 1, tzinfo=UTC),
        period_end=datetime(2025, 4, 1, tzinfo=UTC),
        period_label="2025-03",
    )
    with pytest.raises(own_areas.OwnAreaError, match="1 lägesbilder"):
        own_areas.delete_own_area(world.users["coordinator"], area)
    assert Area.objects.filter(pk=area.pk).exists()
    page = client_for(world.users["coordinator"]).get(
        reverse("own-area-delete", kwargs={"pk": area.pk})
    )
    assert "kan inte tas bort" in page.content.decode()


@pytest.mark.django_db
def test_an_area_a_membership_is_limited_to_cannot_be_deleted(world):
    area = draw(world).area
    Membership.objects.get(user=world.users["reporter"]).areas.set([area])
    with pytest.raises(own_areas.OwnAreaError, match="medlemskap"):
        own_areas.delete_own_area(world.users["coordinator"], area)


@pytest.mark.django_db
def test_deleting_an_unused_area_is_audited(world, client_for):
    area = draw(world).area
    client = client_for(world.users["coordinator"])
    response = client.post(reverse("own-area-delete", kwargs={"pk": area.pk}))
    assert response.status_code == 302
    assert not Area.objects.filter(pk=area.pk).exists()
    event = AuditEvent.objects.get(action="own_area.delete")
    assert event.object_id == str(area.pk) and event.details["name"] == "Centrum"


# --- pages ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_draw_page_saves_and_returns_at_once(world, client_for, django_capture_on_commit_callbacks):
    client = client_for(world.users["coordinator"])
    page = client.get(reverse("own-area-create"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "vendor/leaflet-geoman/leaflet-geoman.min.js" in html and "draw_area.js" in html
    assert f"?parent={world.m1.pk}" in html  # the districts around, labelled by map.js
    import json

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("own-area-create"),
            {"name": "Skolgården", "partnership": world.p1.pk, "geometry": json.dumps(PENTAGON)},
        )
    area = Area.objects.get(name="Skolgården")
    assert response.status_code == 302 and response["Location"] == reverse(
        "own-area-detail", kwargs={"pk": area.pk}
    )
    # Queued for the worker, not run: the save did not wait for it.
    queued = DBTaskResult.objects.get(task_path=TASK)
    assert queued.args_kwargs["args"] == [area.link_jobs.get().pk]
    assert area.link_jobs.get().status == AreaLinkJob.Status.QUEUED
    detail = client.get(response["Location"]).content.decode()
    assert "link_progress.js" in detail and "Väntar på att bakgrundsarbetaren" in detail


@pytest.mark.django_db
def test_draw_page_returns_to_the_page_that_sent_the_coordinator(world, client_for):
    import json

    client = client_for(world.users["coordinator"])
    back = "/uppfoljning/utvardera/7/?a=1"
    page = client.get(reverse("own-area-create"), {"next": back}).content.decode()
    assert 'name="next" value="/uppfoljning/utvardera/7/?a=1"' in page
    data = {"name": "Parken", "partnership": world.p1.pk, "geometry": json.dumps(PENTAGON)}
    response = client.post(reverse("own-area-create"), {**data, "next": back})
    assert response.status_code == 302 and response["Location"] == back
    # Never to another site.
    data["name"] = "Parken 2"
    response = client.post(reverse("own-area-create"), {**data, "next": "https://evil.example/"})
    assert response["Location"] == reverse(
        "own-area-detail", kwargs={"pk": Area.objects.get(name="Parken 2").pk}
    )


@pytest.mark.django_db
def test_draw_page_shows_the_reason_for_a_refusal(world, client_for):
    client = client_for(world.users["coordinator"])
    response = client.post(
        reverse("own-area-create"),
        {
            "name": "Fel kommun",
            "partnership": world.p1.pk,
            "geometry": '{"type": "Polygon", "coordinates": [[[16.2, 59.2], [16.4, 59.2], '
            "[16.4, 59.4], [16.2, 59.2]]]}",
        },
    )
    assert response.status_code == 400
    assert "utanför Norrby" in response.content.decode()
    assert client_for(world.users["reporter"]).get(reverse("own-area-create")).status_code == 403


@pytest.mark.django_db
def test_area_browser_links_to_own_areas(world, client_for):
    html = client_for(world.users["reporter"]).get(reverse("area-browser")).content.decode()
    assert reverse("own-area-list") in html


# --- linking in the background --------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_worker_links_exactly_the_incidents_inside_with_progress(world, client_for):
    lon, lat = scatter(600)
    result = draw(world)
    area, job = result.area, result.job
    # The save queued the task and linked nothing itself.
    assert not IncidentArea.objects.filter(area=area).exists()
    assert DBTaskResult.objects.filter(task_path=TASK).count() == 1
    call_command("worker", "--batch", "--no-startup-delay", "--interval", "0", "--worker-id", "t")
    job.refresh_from_db()
    expected = by_hand(area.geometry, lon, lat)
    assert 0 < expected < 600
    assert job.status == AreaLinkJob.Status.DONE and job.linked == expected
    assert job.done == job.total and job.total >= expected
    assert IncidentArea.objects.filter(area=area).count() == expected
    inside = shapely.intersects_xy(shape(area.geometry), lon, lat)
    linked = set(
        IncidentArea.objects.filter(area=area).values_list("incident__lon", "incident__lat")
    )
    assert linked == {(float(x), float(y)) for x, y in zip(lon[inside], lat[inside], strict=True)}
    progress = client_for(world.users["steering"]).get(
        reverse("own-area-progress", kwargs={"pk": area.pk})
    )
    assert progress.json()["finished"] is True
    assert progress.json()["text"] == f"Klart: {expected} händelser i området."


@pytest.mark.django_db(transaction=True)
def test_a_moved_border_relinks_in_batches(world):
    lon, lat = scatter(500)
    with override_settings(TASKS=IMMEDIATE):
        area = draw(world).area
    before = by_hand(area.geometry, lon, lat)
    assert IncidentArea.objects.filter(area=area).count() == before > 0
    moved = polygon((15.50, 59.50), (15.68, 59.50), (15.68, 59.60), (15.50, 59.60))
    result = own_areas.update_own_area(
        world.users["coordinator"], area, name="Centrum", geometry=moved
    )
    # Small batches: the job commits batch by batch and ends where one pass would.
    assert run_link_job(result.job.pk, batch=37) == by_hand(moved, lon, lat)
    assert by_hand(moved, lon, lat) != before
    assert IncidentArea.objects.filter(area=area).count() == by_hand(moved, lon, lat)
    job = AreaLinkJob.objects.get(pk=result.job.pk)
    assert job.status == AreaLinkJob.Status.DONE and job.done == job.total
    # The points that left the area keep their municipality link.
    assert IncidentArea.objects.filter(area=world.m1).count() == 500
    # A rerun changes nothing.
    assert run_link_job(result.job.pk) == by_hand(moved, lon, lat)


@pytest.mark.django_db(transaction=True)
def test_an_older_job_gives_way_to_a_later_change(world):
    scatter(50)
    area = draw(world).area
    first = area.link_jobs.get()
    own_areas.update_own_area(
        world.users["coordinator"],
        area,
        name="Centrum",
        geometry=polygon((15.5, 59.5), (15.6, 59.5), (15.6, 59.6), (15.5, 59.6)),
    )
    assert run_link_job(first.pk) is None
    first.refresh_from_db()
    assert first.status == AreaLinkJob.Status.SUPERSEDED


@pytest.mark.django_db(transaction=True)
def test_incidents_reported_after_the_area_was_drawn_are_linked_at_ingestion(world):
    with override_settings(TASKS=IMMEDIATE):
        area = draw(world).area
    lon, lat = scatter(300, seed=9, external="late")
    assert IncidentArea.objects.filter(area=area).count() == by_hand(area.geometry, lon, lat)


@pytest.mark.django_db
def test_the_cached_area_index_sees_a_drawn_and_a_deleted_area(world):
    from samverkan.incidents.area_links import area_index

    before = area_index().ids.tolist()
    area = draw(world).area
    assert area.pk not in before and area.pk in area_index().ids.tolist()
    own_areas.delete_own_area(world.users["coordinator"], area)
    assert area.pk not in area_index().ids.tolist()
