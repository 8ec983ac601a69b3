"""Incident indicators counted per local month; tertial reports (snapshot, pages, command)."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from samverkan.core.models import AuditEvent
from samverkan.followup import services
from samverkan.followup.models import Indicator, TertialReport
from samverkan.incidents.models import Category
from tests.followup.conftest import monthly


def make_indicator(world, **kw):
    cats = kw.pop("categories", ["vandalism"])
    ind = Indicator.objects.create(partnership=world.p1, name="Skadegörelse", area=world.m1, **kw)
    ind.categories.set(Category.objects.filter(code__in=cats))
    return ind


def test_monthly_counts_in_local_time_with_subcategories(world, add_incidents):
    world.m1.population = 20000
    world.m1.save()
    # 23:30 on 31 January in Stockholm is 22:30 UTC: a January incident.
    add_incidents(world.m1, [datetime(2025, 1, 31, 23, 30)])
    add_incidents(world.m1, [datetime(2025, 2, 1, 0, 30)] * 2, code="vandalism.graffiti")
    add_incidents(world.m1, [datetime(2025, 2, 3, 12)], code="fire")
    # Another organisation's incident kept to itself is not the partnership's.
    add_incidents(
        world.m1, [datetime(2025, 2, 4, 12)], organisation=world.other, visibility="organisation"
    )
    ind = make_indicator(world)
    services.refresh_indicator(ind, until=date(2025, 3, 10), months=3)
    values = {v.label: (v.value, v.rate, v.preliminary) for v in ind.values.all()}
    assert values == {
        "2025-01": (1.0, 5.0, False),
        "2025-02": (2.0, 10.0, False),
        "2025-03": (0.0, 0.0, True),
    }


def test_place_type_filter(world, add_incidents):
    add_incidents(world.m1, monthly(2025, 1, 2), place_type="park")
    add_incidents(world.m1, monthly(2025, 1, 3), place_type="street")
    ind = make_indicator(world, place_types=["park"])
    services.refresh_indicator(ind, until=date(2025, 1, 20), months=1)
    assert ind.values.get().value == 2


def test_refresh_twice_keeps_one_value_per_month(world, add_incidents):
    ind = make_indicator(world)
    services.refresh_indicator(ind, until=date(2025, 6, 1), months=6)
    services.refresh_indicator(ind, until=date(2025, 6, 1), months=6)
    assert ind.values.count() == 6


@pytest.fixture
def followed(world, add_incidents):
    """Burglary-like vandalism in Norrby: 10 a month in 2024, 4 a month in 2025."""
    for m in range(1, 13):
        add_incidents(world.m1, monthly(2024, m, 10))
    for m in range(1, 9):
        add_incidents(world.m1, monthly(2025, m, 4))
    coord = world.users["coordinator"]
    ind = services.create_indicator(
        world.p1,
        coord,
        name="Skadegörelse i Norrby",
        area=world.m1,
        categories=list(Category.objects.filter(code="vandalism")),
    )
    services.create_goal(
        ind,
        coord,
        title="Halvera skadegörelsen",
        baseline_label="2024",
        baseline_value=None,
        direction="decrease",
        target_value=60,
        deadline=date(2026, 12, 31),
    )
    from samverkan.plans.models import ActionPlan, Measure

    plan = ActionPlan.objects.create(
        partnership=world.p1, title="Plan 2025", start_year=2025, end_year=2025
    )
    walks = Measure.objects.create(
        plan=plan,
        title="Trygghetsvandringar",
        target_side="place",
        owner=world.kommun,
        start=date(2025, 5, 1),
        end=date(2025, 12, 31),
        status="ongoing",
    )
    ind.measures.add(walks)
    Measure.objects.create(
        plan=plan,
        title="Gammal åtgärd",
        target_side="place",
        owner=world.kommun,
        start=date(2024, 1, 1),
        end=date(2024, 12, 31),
    )
    return ind


def test_tertial_snapshot(world, followed):
    report = services.generate_tertial_report(world.p1, "2025-T2", world.users["coordinator"])
    snap = report.snapshot
    assert (snap["first_day"], snap["last_day"]) == ("2025-05-01", "2025-08-31")
    ind = snap["indicators"][0]
    # The tertial (May-August 2025: 16) against the same tertial of 2024 (40):
    # Z = (sqrt 16 - sqrt 40) / sqrt(1/2) = -3.29, a clear decrease (Huffman 1984).
    assert ind["tertial"]["count"] == 16 and ind["tertial"]["same_tertial_last_year"] == 40
    assert ind["tertial"]["z"] == pytest.approx((16**0.5 - 40**0.5) / 0.5**0.5)
    assert ind["tertial"]["flag"] == "decrease"
    goal = snap["goals"][0]
    assert goal["status"] == "reached" and goal["baseline_value"] == 120
    assert [m["title"] for m in snap["measures"]] == ["Trygghetsvandringar"]
    assert snap["measures"][0]["status_label"] == "Pågår"
    # The indicators that follow the measure up are named with it.
    assert snap["measures"][0]["indicators"] == ["Skadegörelse i Norrby"]
    assert AuditEvent.objects.filter(action="tertial_report.create").exists()


def test_tertial_command_json_and_pdf(world, followed, tmp_path):
    out = tmp_path / "t.json"
    call_command("tertial_report", partnership=str(world.p1.pk), tertial="2025-T2", output=str(out))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["tertial"] == "2025-T2" and data["goals"][0]["title"] == "Halvera skadegörelsen"
    pdf_path = tmp_path / "t.pdf"
    call_command(
        "tertial_report",
        partnership=world.p1.name,
        tertial="2025-T2",
        format="pdf",
        output=str(pdf_path),
    )
    assert pdf_path.read_bytes().startswith(b"%PDF")
    assert TertialReport.objects.count() == 1


def test_tertial_command_refuses_bad_tertial(world):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="tertial"):
        call_command("tertial_report", partnership=str(world.p1.pk), tertial="2025-T4")


def test_pages_for_a_coordinator(world, followed, client_for):
    client = client_for(world.users["coordinator"])
    page = client.get(reverse("followup-partnership", args=[world.p1.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "Halvera skadegörelsen" in html and "Uppnått" in html
    r = client.post(reverse("followup-tertial-create", args=[world.p1.pk]), {"tertial": "2025-T2"})
    report = TertialReport.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("followup-tertial", args=[report.pk])
    client.post(reverse("followup-tertial", args=[report.pk]), {"analysis": "Färre skador."})
    report.refresh_from_db()
    assert report.analysis == "Färre skador." and report.snapshot["analysis"] == "Färre skador."
    assert client.get(reverse("followup-tertial-pdf", args=[report.pk])).content[:4] == b"%PDF"
    assert client.get(reverse("followup-tertial-json", args=[report.pk])).json()["analysis"]
    ind_page = client.get(reverse("followup-indicator", args=[followed.pk]))
    assert "Z = -" in ind_page.content.decode()


def test_steering_group_reads_but_cannot_change(world, followed, client_for):
    client = client_for(world.users["steering"])
    assert client.get(reverse("followup-partnership", args=[world.p1.pk])).status_code == 200
    r = client.post(reverse("followup-tertial-create", args=[world.p1.pk]), {"tertial": "2025-T2"})
    assert r.status_code == 403
    assert client.get(reverse("followup-indicator-create", args=[world.p1.pk])).status_code == 403


def test_indicator_form_creates_and_counts(world, add_incidents, client_for):
    add_incidents(world.m1, [datetime.now()] * 2)
    client = client_for(world.users["coordinator"])
    r = client.post(
        reverse("followup-indicator-create", args=[world.p1.pk]),
        {
            "name": "Skadegörelse",
            "kind": "incidents",
            "value_type": "count",
            "area": world.m1.pk,
            "categories": [Category.objects.get(code="vandalism").pk],
        },
    )
    ind = Indicator.objects.get()
    assert r.status_code == 302
    assert ind.values.order_by("-period_start").first().value == 2


def test_import_page(world, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(world.users["coordinator"])
    csv = "område;period;fråga;andel;antal_svarande\n9901;2025;Trygg;61,5;812\n".encode()
    r = client.post(
        reverse("followup-import", args=[world.p1.pk]),
        {"format": "survey", "file": SimpleUploadedFile("enkat.csv", csv)},
    )
    assert r.status_code == 302
    bad = client.post(
        reverse("followup-import", args=[world.p1.pk]),
        {"format": "survey", "file": SimpleUploadedFile("x.csv", b"a;b\n1;2\n")},
    )
    assert "saknas" in bad.content.decode()
