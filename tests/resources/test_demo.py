"""The demo's resource rows: a few Örebro districts, May-August 2026, in the demo lägesbild."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from samverkan.resources.models import ResourceEntry
from samverkan.situation.models import SituationReport
from tests.core.test_demo import small_events  # noqa: F401  (the fixture)


@pytest.mark.django_db
def test_demo_resources_are_loaded_once_and_frozen_in_the_lagesbild(small_events):  # noqa: F811
    call_command("load_demo")
    n = ResourceEntry.objects.count()
    assert n > 0
    call_command("load_demo")
    assert ResourceEntry.objects.count() == n
    assert ResourceEntry.objects.filter(area__name__startswith="Vivalla").exists()
    report = SituationReport.objects.filter(period_label="2026-08").order_by("pk").first()
    section = report.snapshot["resources"]
    vivalla = next(r for r in section["rows"] if r["name"].startswith("Vivalla"))
    assert vivalla["hours"] == 60 + 120 + 80
    # The approximate demo districts have no population: no rate is invented.
    assert vivalla["hours_per_1000"] is None and vivalla["missing"] == "folkmängd saknas"
    assert section["area"]["hours"] == (60 + 120 + 80 + 40 + 90 + 30)
