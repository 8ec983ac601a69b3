"""Helpers for the follow-up tests: incidents in the world's municipalities."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def add_incidents(world):
    """``add_incidents(area, [local datetimes], code="vandalism", **row)``: point incidents
    in the middle of Norrby (m1) or Söderby (m2), shared with the partnership."""
    from samverkan.incidents.ingest import IncidentRow, ingest
    from samverkan.incidents.models import Category

    counter = iter(range(1, 1_000_000))

    def add(area, moments, code="vandalism", **extra):
        lon = 15.5 if area == world.m1 else 16.5
        cat = Category.objects.get(code=code).pk
        org = extra.pop("organisation", world.kommun)
        rows = [
            IncidentRow(
                "rapport",
                m if m.tzinfo else m.replace(tzinfo=STOCKHOLM),
                cat,
                external_id=f"t{next(counter)}",
                lon=lon,
                lat=59.5,
                organisation_id=org.pk if org else None,
                **extra,
            )
            for m in moments
        ]
        return ingest(rows).incident_ids

    return add


def monthly(year, month, n, day=15):
    return [datetime(year, month, day, 12)] * n
