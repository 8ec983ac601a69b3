"""The prepared area index is kept per process and rebuilt when areas change anywhere."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from samverkan.core.models import Area, AreaBorder
from samverkan.incidents import area_links, services
from samverkan.incidents.ingest import IncidentRow
from samverkan.incidents.models import AreaIndexVersion, Category, IncidentArea
from tests.conftest import square


@pytest.fixture
def builds(monkeypatch):
    """How many times an index of all areas was built from the database."""
    count = {"n": 0}
    original = area_links.AreaIndex.from_queryset

    def counted(queryset):
        count["n"] += 1
        return original(queryset)

    monkeypatch.setattr(area_links.AreaIndex, "from_queryset", staticmethod(counted))
    area_links._indexes.clear()
    return count


def _report(world, minute, lon=15.5, lat=59.5):
    row = IncidentRow(
        source="rapport",
        occurred_from=datetime(2025, 3, 5, 12, minute, tzinfo=UTC),
        category_id=Category.objects.get(code="vandalism").pk,
        lon=lon,
        lat=lat,
        description=f"rapport {minute}",
    )
    incident = services.report_incident(world.users["reporter"], row)
    return set(IncidentArea.objects.filter(incident=incident).values_list("area_id", flat=True))


def _district(world):
    """A district of the first municipality around the reports' point."""
    return Area.objects.create(
        code="990101", name="Centrum", level="district", parent=world.m1,
        geometry=square(15.4, 59.4, 15.6, 59.6),
        min_lon=15.4, min_lat=59.4, max_lon=15.6, max_lat=59.6,
    )  # fmt: skip


def test_reports_share_one_index_until_areas_change(world, builds):
    assert _report(world, 1) == {world.m1.pk, world.county.pk}
    assert _report(world, 2) == {world.m1.pk, world.county.pk}
    assert builds["n"] == 1

    # An area saved in this process: the next report sees it at once.
    district = _district(world)
    assert _report(world, 3) == {district.pk, world.m1.pk, world.county.pk}
    assert builds["n"] == 2


def test_a_border_moved_by_another_process_is_seen(world, builds):
    assert _report(world, 1, lon=15.9) == {world.m1.pk, world.county.pk}
    assert builds["n"] == 1
    # Another process moves the border between the municipalities with bulk writes (no
    # signals reach this process, the counts of areas and borders stay the same) and renews
    # the stamp, as invalidate_area_index does there.
    Area.objects.filter(pk=world.m1.pk).update(geometry=square(15, 59, 15.8, 60), max_lon=15.8)
    Area.objects.filter(pk=world.m2.pk).update(geometry=square(15.8, 59, 17, 60), min_lon=15.8)
    AreaIndexVersion.objects.filter(pk=1).update(version=987654321)
    assert _report(world, 2, lon=15.9) == {world.m2.pk, world.county.pk}
    assert builds["n"] == 2


def test_without_a_change_the_index_is_not_rebuilt(world, builds):
    area_links.area_index()
    area_links.area_index()
    assert builds["n"] == 1
    # A change of areas written in bulk by code that forgot to renew the stamp: a new
    # border row changes the key all the same.
    AreaBorder.objects.bulk_create([AreaBorder(area=world.m1, geometry=world.m1.geometry)])
    area_links.area_index()
    assert builds["n"] == 2


def test_invalidate_renews_the_stamp_even_without_its_row(world, builds):
    before = area_links.area_version()
    area_links.invalidate_area_index()
    assert area_links.area_version() != before
    AreaIndexVersion.objects.all().delete()  # as a flushed database would be
    area_links.invalidate_area_index()
    assert AreaIndexVersion.objects.get(pk=1).version != 0


def test_parents_are_kept_with_the_index_and_renewed_with_it(world, builds):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    district = _district(world)
    assert _report(world, 1) == {district.pk, world.m1.pk, world.county.pk}
    with CaptureQueriesContext(connection) as ctx:
        assert _report(world, 2) == {district.pk, world.m1.pk, world.county.pk}
    # The second report reads no area's parent: index and parents came from the process.
    read = [q["sql"] for q in ctx.captured_queries if '"core_area"."parent_id"' in q["sql"]]
    assert not read, read
    # Another process hangs the district under the other municipality (a bulk write, no
    # signal here) and renews the stamp: the next report links the new parent as well as
    # the municipality its point lies in.
    Area.objects.filter(pk=district.pk).update(parent=world.m2)
    AreaIndexVersion.objects.filter(pk=1).update(version=123456789)
    linked = _report(world, 3)
    assert linked == {district.pk, world.m1.pk, world.m2.pk, world.county.pk}
