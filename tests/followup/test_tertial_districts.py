"""A district's own tertial report: what it holds, who makes, reads and approves it.

Norrby is split into Västra and Östra Norrby (districts), with the own area Skolgården
inside Västra (tests/plans/districts.py); ``district_coordinator`` is a coordinator whose
membership is limited to Västra Norrby.
"""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.urls import reverse

from samverkan.core.models import AuditEvent
from samverkan.followup import services
from samverkan.followup.approval import approve_tertial
from samverkan.followup.models import Design, Evaluation, TertialFrozenError, TertialReport
from tests.api_client import token_client as api
from tests.plans.districts import add_districts


@pytest.fixture
def dw(world):
    """Indicators and goals in Västra, Skolgården (inside Västra), Östra and all Norrby; a
    measure and an evaluation in Skolgården, another measure in Östra."""
    from samverkan.plans.models import ActionPlan, Measure

    dw = add_districts(world)
    coord = dw.users["coordinator"]
    dw.indicators = {}
    for name, area in (
        ("Väster", dw.west),
        ("Skolgården", dw.yard),
        ("Öster", dw.east),
        ("Hela Norrby", dw.m1),
    ):
        indicator = dw.indicators[name] = services.create_indicator(
            dw.p1, coord, name=name, area=area
        )
        services.create_goal(
            indicator,
            coord,
            title=f"Färre i {name}",
            baseline_label="2024",
            direction="decrease",
            target_value=1,
            deadline=date(2026, 12, 31),
        )
    plan = ActionPlan.objects.create(
        partnership=dw.p1, area=dw.m1, title="Plan", start_year=2025, end_year=2025
    )
    dw.yard_measure, dw.east_measure = (
        Measure.objects.create(
            plan=plan,
            title=title,
            area=area,
            target_side="place",
            owner=dw.kommun,
            start=date(2025, 2, 1),
            end=date(2025, 6, 30),
        )
        for title, area in (("Belysning på skolgården", dw.yard), ("Trygghetsvandring", dw.east))
    )
    # The yard's measure is followed by the yard's indicator and by all Norrby's.
    dw.yard_measure.indicators.set([dw.indicators["Skolgården"], dw.indicators["Hela Norrby"]])
    Evaluation.objects.create(
        partnership=dw.p1,
        measure=dw.yard_measure,
        title="Belysningens effekt",
        design=Design.BEFORE_AFTER,
        treated_area=dw.yard,
        before_start=date(2024, 2, 1),
        before_end=date(2024, 6, 30),
        after_start=date(2025, 2, 1),
        after_end=date(2025, 6, 30),
    )
    return dw


def test_a_district_report_holds_the_district_and_the_areas_inside_it(dw):
    coord = dw.users["coordinator"]
    west = services.generate_tertial_report(dw.p1, "2025-T1", coord, area=dw.west)
    snap = west.snapshot
    assert snap["area"] == {"id": dw.west.pk, "name": "Västra Norrby"}
    assert {i["name"] for i in snap["indicators"]} == {"Väster", "Skolgården"}
    assert {g["title"] for g in snap["goals"]} == {"Färre i Väster", "Färre i Skolgården"}
    assert [m["title"] for m in snap["measures"]] == ["Belysning på skolgården"]
    # The measure names only the indicators the district's report holds.
    assert snap["measures"][0]["indicators"] == ["Skolgården"]
    assert [e["title"] for e in snap["evaluations"]] == ["Belysningens effekt"]
    assert west.subject == f"{dw.p1.name}, Västra Norrby"

    # The whole partnership's report of the same tertial is another report, with all of it.
    whole = services.generate_tertial_report(dw.p1, "2025-T1", coord)
    assert whole.pk != west.pk and whole.snapshot["area"] is None
    assert len(whole.snapshot["indicators"]) == 4 and len(whole.snapshot["measures"]) == 2
    yard = next(m for m in whole.snapshot["measures"] if m["title"] == "Belysning på skolgården")
    assert sorted(yard["indicators"]) == ["Hela Norrby", "Skolgården"]
    assert whole.subject == dw.p1.name
    # Regenerating either finds its own report.
    again = services.generate_tertial_report(dw.p1, "2025-T1", coord, area=dw.west)
    assert again.pk == west.pk and TertialReport.objects.count() == 2
    assert AuditEvent.objects.filter(action="tertial_report.regenerate").count() == 1


def test_one_report_per_area_and_tertial(dw):
    services.generate_tertial_report(dw.p1, "2025-T1", area=dw.west)
    services.generate_tertial_report(dw.p1, "2025-T1")
    for area in (dw.west, None):
        with pytest.raises(IntegrityError), transaction.atomic():
            TertialReport.objects.create(
                partnership=dw.p1,
                area=area,
                tertial="2025-T1",
                period_start=date(2025, 1, 1),
                period_end=date(2025, 4, 30),
            )


def test_the_district_coordinator_makes_reads_and_approves_the_district_report(dw, client_for):
    client = client_for(dw.users["district_coordinator"])
    page_url = reverse("followup-partnership", args=[dw.p1.pk])
    create = reverse("followup-tertial-create", args=[dw.p1.pk])

    # On the whole page (their areas together) they are shown how to reach their report.
    page = client.get(page_url).content.decode()
    assert create not in page and "Välj ditt område ovan" in page
    page = client.get(page_url, {"omrade": dw.west.pk}).content.decode()
    assert "Ta fram tertialrapport för Västra Norrby" in page
    assert f'name="omrade" value="{dw.west.pk}"' in page

    response = client.post(create, {"tertial": "2025-T1", "omrade": dw.west.pk})
    report = TertialReport.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "followup-tertial", args=[report.pk]
    )
    assert report.area == dw.west and report.created_by == dw.users["district_coordinator"]
    event = AuditEvent.objects.get(action="tertial_report.create")
    assert event.actor == dw.users["district_coordinator"] and event.object_id == str(report.pk)
    page = client.get(response.url).content.decode()
    assert f"Tertialrapport 2025-T1: {dw.p1.name}, Västra Norrby" in page
    assert "Spara analys" in page
    for fmt in ("pdf", "json", "docx"):
        url = reverse(f"followup-tertial-{fmt}", args=[report.pk])
        assert client.get(url).status_code == 200

    # Regenerated and approved by those who work there.
    response = client.post(
        reverse("followup-tertial", args=[report.pk]),
        {"analysis": "Lugnare kring skolan.", "regenerate": "1"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.analysis == "Lugnare kring skolan." and report.area == dw.west
    approve_tertial(report, dw.users["district_coordinator"])
    report.refresh_from_db()
    assert report.status == "approved"
    # Approved, it stays the district's report.
    report.area = dw.east
    with pytest.raises(TertialFrozenError):
        report.save()
    report.refresh_from_db()

    # The partnership's coordinator sees it among the reports, named by its district.
    whole_client = client_for(dw.users["coordinator"])
    page = whole_client.get(page_url).content.decode()
    assert "Tertial 2025-T1 – Västra Norrby" in page
    assert whole_client.get(reverse("followup-tertial", args=[report.pk])).status_code == 200


def test_a_district_coordinator_reaches_no_other_report(dw, client_for):
    whole = services.generate_tertial_report(dw.p1, "2025-T1")
    east = services.generate_tertial_report(dw.p1, "2025-T1", area=dw.east)
    client = client_for(dw.users["district_coordinator"])
    for report in (whole, east):
        assert client.get(reverse("followup-tertial", args=[report.pk])).status_code == 404
        assert (
            client.post(
                reverse("followup-tertial-approve", args=[report.pk]), {"confirm": "1"}
            ).status_code
            == 404
        )
    create = reverse("followup-tertial-create", args=[dw.p1.pk])
    # Another district: not theirs to see (404); the whole partnership: not theirs (403).
    assert client.post(create, {"tertial": "2025-T2", "omrade": dw.east.pk}).status_code == 404
    assert client.post(create, {"tertial": "2025-T2"}).status_code == 403
    assert client.post(create, {"tertial": "2025-T2", "omrade": "x"}).status_code == 400
    assert TertialReport.objects.count() == 2
    # Another partnership's coordinator reaches none of them, nor its districts.
    other = client_for(dw.users["other_coordinator"])
    assert other.get(reverse("followup-tertial", args=[east.pk])).status_code == 404
    assert other.post(create, {"tertial": "2025-T2", "omrade": dw.west.pk}).status_code == 404


def test_steering_group_reads_but_does_not_make_district_reports(dw, client_for):
    west = services.generate_tertial_report(dw.p1, "2025-T1", area=dw.west)
    client = client_for(dw.users["steering"])
    assert client.get(reverse("followup-tertial", args=[west.pk])).status_code == 200
    create = reverse("followup-tertial-create", args=[dw.p1.pk])
    assert client.post(create, {"tertial": "2025-T2", "omrade": dw.west.pk}).status_code == 403


def test_the_start_page_leads_each_reader_to_the_report_they_reach(dw, client_for):
    services.generate_tertial_report(dw.p1, "2025-T1", area=dw.west)
    whole = services.generate_tertial_report(dw.p1, "2025-T1")
    limited = client_for(dw.users["district_coordinator"]).get(reverse("followup-home"))
    assert "Tertial 2025-T1 – Västra Norrby" in limited.content.decode()
    page = client_for(dw.users["coordinator"]).get(reverse("followup-home")).content.decode()
    # Of one tertial, the whole partnership's report comes first.
    assert reverse("followup-tertial", args=[whole.pk]) in page
    assert "Tertial 2025-T1 – Västra Norrby" not in page


def test_the_api_names_and_filters_by_the_area(dw):
    west = services.generate_tertial_report(dw.p1, "2025-T1", area=dw.west)
    whole = services.generate_tertial_report(dw.p1, "2025-T1")
    url = reverse("api-tertial-report-list")
    client = api(dw.users["coordinator"])
    listed = {r["id"]: r["area"] for r in client.get(url).json()["results"]}
    assert listed == {west.pk: dw.west.pk, whole.pk: None}
    assert [r["id"] for r in client.get(url, {"area": dw.west.pk}).json()["results"]] == [west.pk]
    assert [r["id"] for r in client.get(url, {"whole": "true"}).json()["results"]] == [whole.pk]
    assert client.get(url, {"whole": "kanske"}).status_code == 400
    limited = api(dw.users["district_coordinator"])
    assert [r["id"] for r in limited.get(url).json()["results"]] == [west.pk]
    detail = reverse("api-tertial-report-detail", args=[whole.pk])
    assert limited.get(detail).status_code == 404


def tertial_report(dw, area_code: str, *more, **streams):
    call_command(
        "tertial_report",
        *("--partnership", str(dw.p1.pk), "--tertial", "2025-T1", "--area", area_code),
        *more,
        **streams,
    )


def test_the_command_makes_a_district_report(dw, tmp_path):
    out = tmp_path / "vast.json"
    err = io.StringIO()
    tertial_report(dw, dw.west.code, "-o", str(out), stderr=err)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["area"] == {"id": dw.west.pk, "name": "Västra Norrby"}
    assert {i["name"] for i in data["indicators"]} == {"Väster", "Skolgården"}
    assert "Västra Norrby" in err.getvalue()
    assert TertialReport.objects.get().area == dw.west
    # An area of another partnership is not one of its districts.
    with pytest.raises(CommandError, match="finns inte i samverkan"):
        tertial_report(dw, dw.south_district.code, stdout=io.StringIO())


def test_the_start_page_compares_each_goal_with_the_latest_report_holding_it(dw, client_for):
    """A district's report holds the district's goals only: made after the partnership's,
    it must not hide the changes of every other goal from the start page."""
    from samverkan.followup.models import EffectGoal

    services.generate_tertial_report(dw.p1, "2025-T1")
    services.generate_tertial_report(dw.p1, "2025-T2", area=dw.west)
    recorded = {
        g["title"]: g["status"] for r in TertialReport.objects.all() for g in r.snapshot["goals"]
    }
    for title in ("Färre i Hela Norrby", "Färre i Väster"):
        moved = next(s for s in ("reached", "off_track") if s != recorded[title])
        EffectGoal.objects.filter(title=title).update(status=moved)
    page = client_for(dw.users["coordinator"]).get(reverse("home")).content.decode()
    assert "Färre i Hela Norrby" in page and "Färre i Väster" in page
    assert "Färre i Öster" not in page
    # The district's coordinator is told of the district's goal only.
    page = client_for(dw.users["district_coordinator"]).get(reverse("home")).content.decode()
    assert "Färre i Väster" in page and "Färre i Hela Norrby" not in page


def test_a_district_s_small_counts_are_not_read_as_a_clear_change(dw):
    """A district's counts are small: 0 in the tertial last year against 2 now gives a root
    Z of 2.0, but the exact test's p is 0.5. The report said "Tydlig ökning"; a flag now
    needs the exact p below 0.05 too, as the lägesbild's always did (analysis.change)."""
    from samverkan.followup.models import Indicator, IndicatorValue

    def series(name, before, now):
        indicator = services.create_indicator(
            dw.p1, dw.users["coordinator"], name=name, area=dw.west, kind=Indicator.Kind.EXTERNAL
        )
        for year, months in ((2024, before), (2025, now)):
            for month, value in zip(range(1, 5), months, strict=True):
                IndicatorValue.objects.create(
                    indicator=indicator, period_start=date(year, month, 1), value=value
                )

    series("Få bränder", [0, 0, 0, 0], [1, 0, 1, 0])
    series("Många bränder", [4, 5, 3, 4], [12, 10, 11, 13])
    report = services.generate_tertial_report(dw.p1, "2025-T1", area=dw.west)
    tested = {i["name"]: i["tertial"] for i in report.snapshot["indicators"] if "tertial" in i}
    few, many = tested["Få bränder"], tested["Många bränder"]
    assert (few["count"], few["same_tertial_last_year"]) == (2, 0)
    assert few["z"] == pytest.approx(2.0) and few["p"] == pytest.approx(0.5)
    assert few["flag"] is None
    assert many["flag"] == "increase" and many["p"] < 0.05
