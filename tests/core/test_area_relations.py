"""An area reached through a relation loads without its border (``Area._base_manager``).

Templates name ``incident.area`` or ``area.parent`` everywhere; each such access would
otherwise read and parse the whole border, megabytes for a municipality imported at full
resolution.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from samverkan.core.models import Area

BORDER = {"type": "Polygon", "coordinates": [[[15, 59], [15.3, 59], [15.3, 59.4], [15, 59]]]}


@pytest.fixture
def municipality(db):
    county = Area.objects.create(code="18", name="Örebro län", level="county", geometry=BORDER)
    return Area.objects.create(
        code="1880", name="Örebro", level="municipality", parent=county, geometry=BORDER
    )


def test_a_related_area_loads_without_its_border(municipality):
    area = Area.objects.get(pk=municipality.pk)
    with CaptureQueriesContext(connection) as ctx:
        assert area.parent.name == "Örebro län"
    assert len(ctx.captured_queries) == 1
    assert '"geometry"' not in ctx.captured_queries[0]["sql"]


def test_the_border_is_read_when_used(municipality):
    parent = Area.objects.get(pk=municipality.pk).parent
    with CaptureQueriesContext(connection) as ctx:
        assert parent.geometry == BORDER
    assert len(ctx.captured_queries) == 1


def test_saving_a_related_area_keeps_its_border(municipality):
    parent = Area.objects.get(pk=municipality.pk).parent
    parent.name = "Örebro län (ny)"
    parent.save()
    stored = Area.objects.get(pk=parent.pk)
    assert (stored.name, stored.geometry) == ("Örebro län (ny)", BORDER)


def test_the_default_manager_still_reads_the_border(municipality):
    assert Area.objects.get(pk=municipality.pk).get_deferred_fields() == set()
