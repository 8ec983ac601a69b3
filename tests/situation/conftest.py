"""Helpers for the situation tests: incidents made through the one ingestion path."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import count
from zoneinfo import ZoneInfo

import pytest

from samverkan.incidents.ingest import IncidentRow, ingest
from samverkan.incidents.models import Category
from samverkan.situation.models import SituationReport

STHLM = ZoneInfo("Europe/Stockholm")
_ids = count(1)


def more_versions(report, up_to: int) -> None:
    """Versions 2 to ``up_to`` of ``report`` as copies of it (building each is slow)."""
    fields = {
        f.name: getattr(report, f.name)
        for f in SituationReport._meta.concrete_fields
        if f.name not in ("id", "version")
    }
    for version in range(2, up_to + 1):
        SituationReport.objects.create(**fields, version=version)


def local(*args) -> datetime:
    return datetime(*args, tzinfo=STHLM)


@pytest.fixture
def make():
    """``make(code, when, n=1, lon=15.5, lat=59.5, **row)`` ingests ``n`` incidents."""

    def make(code, when, n=1, lon=15.5, lat=59.5, spread=0.0, **extra):
        cat = Category.objects.get(code=code)
        extra.setdefault("source", "rapport")
        source = extra.pop("source")
        rows = [
            IncidentRow(
                source,
                when + timedelta(minutes=i),
                cat.pk,
                external_id=f"t{next(_ids)}",
                lon=lon + spread * (i % 7),
                lat=lat + spread * (i // 7),
                **extra,
            )
            for i in range(n)
        ]
        return ingest(rows).incident_ids

    return make
