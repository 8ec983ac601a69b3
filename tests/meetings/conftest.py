"""A partnership with a weekly meeting series, and incidents made through ingestion."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from itertools import count
from zoneinfo import ZoneInfo

import pytest

from samverkan.incidents.ingest import IncidentRow, ingest
from samverkan.incidents.models import Category
from samverkan.meetings import services

STHLM = ZoneInfo("Europe/Stockholm")
_ids = count(1)
# Tuesdays at nine: the first meeting, the second a week later.
WEEK1 = datetime(2026, 8, 18, 9, 0, tzinfo=STHLM)
WEEK2 = WEEK1 + timedelta(days=7)


@pytest.fixture
def make(world):
    """``make(code, reported_at, source="rapport", org=world.bostad, ...)``: one incident."""

    def make(code, reported_at, *, source="rapport", org="default", lon=15.5, lat=59.5, **extra):
        if org == "default":
            org = world.bostad if source == "rapport" else None
        row = IncidentRow(
            source,
            reported_at - timedelta(hours=3),
            Category.objects.get(code=code).pk,
            external_id=f"m{next(_ids)}",
            reported_at=reported_at,
            lon=lon,
            lat=lat,
            organisation_id=org.pk if org else None,
            **extra,
        )
        return ingest([row]).incident_ids[0]

    return make


@pytest.fixture
def series(world):
    return services.create_series(
        world.p1,
        world.users["coordinator"],
        name="Veckomöte Norrby",
        weekday=1,
        at=time(9, 0),
        member_users=[world.users["reporter"]],
        member_organisations=[world.polis],
    )
