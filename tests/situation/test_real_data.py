"""On real data: the bundled demo areas and the first 3000 bundled police events."""

from __future__ import annotations

import gzip
import itertools
import json

import pytest

from samverkan import demo_data
from samverkan.core import periods
from samverkan.core.area_import import import_areas
from samverkan.core.models import Area
from samverkan.incidents.importers import polisen
from samverkan.incidents.importers.base import run_import
from samverkan.incidents.models import Incident
from samverkan.situation.build import build_for_period


@pytest.fixture
def police_world(db, tmp_path):
    import_areas(
        demo_data.path(demo_data.SE_COUNTIES), level="county", code_field="code", name_field="name"
    )
    import_areas(
        demo_data.path(demo_data.SE_MUNICIPALITIES),
        level="municipality",
        code_field="code",
        name_field="name",
        parent_level="county",
        parent_field="county_code",
    )
    subset = tmp_path / "events.jsonl"
    with gzip.open(demo_data.path(demo_data.SE_POLICE_EVENTS), "rt", encoding="utf-8") as src:
        subset.write_text("".join(itertools.islice(src, 3000)), encoding="utf-8")
    rows, summary = polisen.read_rows(subset)
    run_import(rows, summary, source="polisen", path=subset)
    assert Incident.objects.count() > 2000
    return subset


def test_counts_match_direct_count_for_a_municipality_month(police_world):
    # The municipality-month with the most events in the subset.
    first = Incident.objects.filter(precision="municipality", is_summary=False).first()
    area = first.areas.filter(level="municipality").first()
    period = periods.containing(
        first.occurred_from.astimezone(periods.local_zone()).date(), periods.MONTH
    )
    f = build_for_period(area, period)
    direct = Incident.objects.filter(
        areas=area,
        occurred_from__gte=period.start,
        occurred_from__lt=period.end,
        is_summary=False,
    ).exclude(status="duplicate")
    assert f["totals"]["count"] == direct.count() > 0
    assert sum(r["count"] for r in f["by_category"]) == direct.count()
    # Police events sit at the municipality's centroid: never a hot spot.
    assert f["hotspots"]["cells"] == [] and f["hotspots"]["n_points"] == 0
    county = area.parent
    shared = build_for_period(county, period, audience="shared")
    kid = next(r for r in shared["by_child_area"] if r["code"] == area.code)
    assert kid["count"] == (direct.count() if direct.count() >= 3 else kid["count"])
    assert json.dumps(shared)  # serialisable
    assert Area.objects.filter(level="municipality").count() == 290
