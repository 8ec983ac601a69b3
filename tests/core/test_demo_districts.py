"""The demo's approximate districts of Örebro: inside the municipality, each with reports,
counted exactly by the lägesbild, and written once."""

import pytest
import shapely
from django.core.management import call_command
from shapely.geometry import shape

from samverkan.citizens.services import SOURCE as CITIZEN_SOURCE
from samverkan.core.models import Area, Partnership
from samverkan.core.periods import parse
from samverkan.demo import districts as demo_districts
from samverkan.demo import loader as demo
from samverkan.demo.loader import safety_walk
from samverkan.incidents.models import Incident, IncidentArea
from samverkan.incidents.services import REPORT_SOURCE
from samverkan.situation.build import build_for_period
from tests.core.test_demo import small_events  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def districts():
    return list(Area.objects.filter(level="district", code__startswith=demo_districts.CODE_PREFIX))


def demo_reports():
    from samverkan.incidents.models import Incident

    return Incident.objects.filter(source=REPORT_SOURCE, external_id__startswith="demo-")


def test_districts_cover_the_municipality_and_say_they_are_approximate(small_events):  # noqa: F811
    call_command("load_demo")
    orebro = Area.objects.get(level="municipality", code=demo_districts.MUNICIPALITY)
    found = districts()
    assert len(found) == len(demo_districts.CENTRES)
    border = shape(orebro.geometry)
    cells = [shape(d.geometry) for d in found]
    for d, cell in zip(found, cells, strict=True):
        assert d.parent_id == orebro.pk
        assert "ungefärlig demo-indelning" in d.name
        assert cell.is_valid and cell.geom_type == "Polygon"
        # Inside the border, to a centimetre of floating-point noise.
        assert border.buffer(1e-7).contains(cell), d.name
    # Together they are the municipality, without overlaps.
    union = shapely.union_all(cells)
    assert union.symmetric_difference(border).area < 1e-6 * border.area
    assert sum(c.area for c in cells) == pytest.approx(border.area, rel=1e-6)
    partnership = Partnership.objects.get(name="Samverkan Örebro")
    assert set(partnership.areas.filter(level="district")) == set(found)


def test_every_district_has_reports_and_links_match_a_point_in_polygon_count(
    small_events,  # noqa: F811
):
    call_command("load_demo")
    reports = list(demo_reports())
    assert len(reports) == demo.N_REPORTS
    for d in districts():
        cell = shape(d.geometry)
        inside = {r.pk for r in reports if cell.intersects(shapely.Point(r.lon, r.lat))}
        linked = set(
            IncidentArea.objects.filter(area=d, incident__in=reports).values_list(
                "incident_id", flat=True
            )
        )
        assert inside, f"{d.name} har inga rapporter"
        assert linked == inside, d.name


def test_district_lagesbild_counts_exactly_the_incidents_inside(small_events):  # noqa: F811
    call_command("load_demo")
    partnership = Partnership.objects.get(name="Samverkan Örebro")
    period = parse(demo.DEMO_TERTIAL)
    # Every placed incident of the partnership: the partners' reports and the residents'
    # observations accepted on the safety walk (25 August, inside the tertial).
    reports = [*demo_reports(), *Incident.objects.filter(source=CITIZEN_SOURCE)]
    assert len(reports) == demo.N_REPORTS + safety_walk.N_ACCEPTED
    counted = 0
    for d in districts():
        cell = shape(d.geometry)
        by_hand = sum(
            1
            for r in reports
            if period.contains(r.occurred_from) and cell.intersects(shapely.Point(r.lon, r.lat))
        )
        figures = build_for_period(d, period, partnership=partnership)
        assert figures["totals"]["count"] == by_hand, d.name
        counted += by_hand
    assert counted == sum(1 for r in reports if period.contains(r.occurred_from))
    orebro = Area.objects.get(level="municipality", code=demo_districts.MUNICIPALITY)
    rows = {
        r["code"]: r["count"]
        for r in build_for_period(orebro, period, partnership=partnership)["by_child_area"]
    }
    assert {d.code for d in districts()} <= set(rows)


def test_rerun_adds_nothing_and_links_incidents_stored_before_the_districts(
    small_events,  # noqa: F811
):
    call_command("load_demo")
    before = (Area.objects.count(), IncidentArea.objects.count())
    call_command("load_demo")
    assert (Area.objects.count(), IncidentArea.objects.count()) == before
    # A database from before the districts: its point incidents get their links.
    ids = [d.pk for d in districts()]
    removed = IncidentArea.objects.filter(area_id__in=ids).count()
    IncidentArea.objects.filter(area_id__in=ids).delete()
    assert demo_districts.link_point_incidents(districts()) == removed
    assert IncidentArea.objects.count() == before[1]
