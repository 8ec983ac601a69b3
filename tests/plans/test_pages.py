"""The plans pages as a coordinator, a steering-group member and an outsider use them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from samverkan.core import periods
from samverkan.core.models import AuditEvent
from samverkan.incidents.ingest import IncidentRow, ingest
from samverkan.incidents.models import Category
from samverkan.plans.models import ActionPlan, CauseAnalysis, CitizenPromise, Measure, Problem
from samverkan.situation import services as situation_services
from tests.plans.conftest import audit_actions


def incident(world, org, external_id, visibility="partnership", reporter=None):
    row = IncidentRow(
        "rapport",
        datetime(2025, 3, 5, 12, tzinfo=UTC),
        Category.objects.get(code="vandalism").pk,
        external_id=external_id,
        lon=15.5 if org != world.other else 16.5,
        lat=59.5,
        organisation_id=org.pk,
        visibility=visibility,
        reporter_id=reporter.pk if reporter else None,
    )
    return ingest([row]).incident_ids[0]


def test_home_lists_objects_and_buttons(pw, client_for):
    page = client_for(pw.users["coordinator"]).get(reverse("plans-home")).content.decode()
    for text in ("Inbrott i källarförråd", "Trygg i Norrby", "Tryggare källare", "Nytt problem"):
        assert text in page


def test_steering_reads_but_may_not_change(pw, client_for):
    client = client_for(pw.users["steering"])
    assert client.get(reverse("problem-detail", args=[pw.problem.pk])).status_code == 200
    page = client.get(reverse("plan-detail", args=[pw.plan.pk])).content.decode()
    assert "Belysning i källargångar" in page and "Ny åtgärd" not in page
    assert client.get(reverse("plans-home")).status_code == 200
    assert client.get(reverse("problem-create")).status_code == 403
    assert client.get(reverse("problem-edit", args=[pw.problem.pk])).status_code == 403
    assert client.get(reverse("analysis-edit", args=[pw.problem.pk])).status_code == 403
    response = client.post(reverse("measure-status", args=[pw.measure.pk]), {"status": "ongoing"})
    assert response.status_code == 403
    pw.measure.refresh_from_db()
    assert pw.measure.status == "planned"


def test_other_partnership_gets_404_everywhere(pw, client_for):
    client = client_for(pw.users["other_coordinator"])
    assert "Inbrott i källarförråd" not in client.get(reverse("plans-home")).content.decode()
    for name, pk in (
        ("problem-status", pw.problem.pk),
        ("measure-status", pw.measure.pk),
        ("promise-publish", pw.promise.pk),
        ("plan-status", pw.plan.pk),
    ):
        assert client.post(reverse(name, args=[pk]), {"status": "closed"}).status_code == 404


def test_create_problem_by_hand_with_visible_incidents_only(pw, client_for):
    own = incident(pw, pw.kommun, "a1")
    foreign = incident(pw, pw.other, "a2")
    client = client_for(pw.users["coordinator"])
    data = {
        "partnership": pw.p1.pk,
        "title": "Klotter vid skolan",
        "priority": 1,
        "area": pw.m1.pk,
        "incident_ids": f"{own}, #{foreign}",
    }
    response = client.post(reverse("problem-create"), data)
    assert response.status_code == 200
    assert (
        f"Händelse #{foreign} finns inte eller är inte synlig för dig." in response.content.decode()
    )
    assert not Problem.objects.filter(title="Klotter vid skolan").exists()
    data["incident_ids"] = str(own)
    response = client.post(reverse("problem-create"), data)
    problem = Problem.objects.get(title="Klotter vid skolan")
    assert response.url == reverse("problem-detail", args=[problem.pk])
    assert list(problem.incidents.values_list("pk", flat=True)) == [own]
    assert problem.created_by == pw.users["coordinator"]
    assert audit_actions(object_id=str(problem.pk), object_type="plans.problem") == [
        "problem.create",
        "problem.attach_evidence",
    ]


def test_area_of_another_partnership_refused(pw, client_for):
    client = client_for(pw.users["coordinator"])
    response = client.post(
        reverse("plan-create"),
        {
            "partnership": pw.p1.pk,
            "area": pw.m2.pk,
            "title": "X",
            "start_year": 2025,
            "end_year": 2026,
        },
    )
    assert response.status_code == 200 and not ActionPlan.objects.filter(title="X").exists()


def test_create_problem_from_an_approved_situation_report(pw, client_for):
    for i in range(4):
        incident(pw, pw.kommun, f"s{i}")
    coord = pw.users["coordinator"]
    report = situation_services.create_report(pw.m1, periods.parse("2025-03"), pw.p1, coord)
    client = client_for(coord)
    url = f"{reverse('problem-create')}?lagesbild={report.pk}&kategori=vandalism"
    # A draft is no finding to build on yet.
    assert client.get(url).status_code == 404
    situation_services.approve(report, coord)
    home = client.get(reverse("plans-home")).content.decode()
    assert "Fynd i fastställda lägesbilder" in home and f"lagesbild={report.pk}" in home
    form = client.get(url).content.decode()
    assert "Norrby" in form and "Lägesbild 2025-03: 4 händelser" in form
    response = client.post(
        reverse("problem-create"),
        {
            "lagesbild": report.pk,
            "kategori": "vandalism",
            "partnership": pw.p1.pk,
            "title": "Skadegörelse i Norrby",
            "priority": 1,
            "area": pw.m1.pk,
            "category": Category.objects.get(code="vandalism").pk,
            "period_label": "2025-03",
        },
    )
    assert response.status_code == 302
    problem = Problem.objects.get(title="Skadegörelse i Norrby")
    assert problem.situation_report == report
    assert problem.figures["count"] == 4 and problem.figures["period"] == "2025-03"
    assert str(problem.period_start) == "2025-03-01" and str(problem.period_end) == "2025-03-31"


def test_overview_handles_suppressed_counts_of_a_shared_picture(pw, client_for):
    """A shared lägesbild shows small counts as "<3": the overview still sorts and renders."""
    fire = Category.objects.get(code="fire").pk
    row = IncidentRow(
        "rapport",
        datetime(2025, 3, 6, 12, tzinfo=UTC),
        fire,
        external_id="f1",
        lon=15.5,
        lat=59.5,
        organisation_id=pw.kommun.pk,
    )
    ingest([row])
    for i in range(5):
        incident(pw, pw.kommun, f"many{i}")
    coord = pw.users["coordinator"]
    report = situation_services.create_report(
        pw.m1, periods.parse("2025-03"), pw.p1, coord, audience="shared"
    )
    situation_services.approve(report, coord)
    assert client_for(coord).get(reverse("plans-home")).status_code == 200


def test_cause_analysis_form_saves_triangle_and_chain(pw, client_for):
    client = client_for(pw.users["coordinator"])
    url = reverse("analysis-edit", args=[pw.problem.pk])
    page = client.get(url).content.decode()
    assert "Platsansvarig" in page and "Händelsekedja" in page
    data = {
        "offender_findings": "Unga från grannområdet",
        "place_findings": "Mörka källargångar",
        "manager_findings": "Fastighetsägaren saknar rutin för lås",
        "manager_sources": "Trygghetsvandring 2025-02",
        "staff_dialogue": "Fastighetsskötare",
        "citizen_dialogue": "Boendemöte",
        "conclusion": "Belysning och lås",
        "steg-TOTAL_FORMS": "3",
        "steg-INITIAL_FORMS": "0",
        "steg-MIN_NUM_FORMS": "0",
        "steg-MAX_NUM_FORMS": "30",
        "steg-0-stage": "need",
        "steg-0-description": "Pengar",
        "steg-1-stage": "act",
        "steg-1-description": "Bryter upp förråd",
        "steg-2-stage": "",
        "steg-2-description": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    analysis = CauseAnalysis.objects.get(problem=pw.problem)
    assert analysis.side("manager")["sources"] == "Trygghetsvandring 2025-02"
    assert [s.stage for s in analysis.steps.all()] == ["need", "act"]
    detail = client.get(reverse("problem-detail", args=[pw.problem.pk])).content.decode()
    assert "Fastighetsägaren saknar rutin för lås" in detail and "Bryter upp förråd" in detail
    # A step without a stage is refused with a message, and nothing is saved.
    data.update({"steg-2-description": "Något", "conclusion": "Ändrad"})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Välj vilket steg i händelsekedjan detta är." in response.content.decode()
    analysis.refresh_from_db()
    assert analysis.conclusion == "Belysning och lås"


def test_plan_measures_status_and_timeline(pw, client_for):
    client = client_for(pw.users["coordinator"])
    response = client.post(
        reverse("measure-create", args=[pw.plan.pk]),
        {
            "title": "Grannsamverkan",
            "target_side": "guardian",
            "owner": pw.polis.pk,
            "partners": [pw.kommun.pk],
            "problems": [pw.problem.pk],
            "start": "2025-05-01",
            "end": "2025-04-01",
        },
    )
    assert "Slutdatum kan inte komma före startdatum." in response.content.decode()
    from samverkan.followup.models import Indicator

    burglary = Indicator.objects.create(partnership=pw.p1, name="Anmälda inbrott", area=pw.m1)
    foreign = Indicator.objects.create(partnership=pw.p2, name="Söderbys indikator", area=pw.m2)
    data = {
        "title": "Grannsamverkan",
        "target_side": "guardian",
        "owner": pw.polis.pk,
        "partners": [pw.kommun.pk],
        "problems": [pw.problem.pk],
        "start": "2025-05-01",
        "end": "2026-04-01",
        "indicators": [foreign.pk],
    }
    # Another partnership's indicator is not offered and not accepted.
    response = client.post(reverse("measure-create", args=[pw.plan.pk]), data)
    assert response.status_code == 200 and "Söderbys indikator" not in response.content.decode()
    assert not Measure.objects.filter(title="Grannsamverkan").exists()
    data["indicators"] = [burglary.pk]
    response = client.post(reverse("measure-create", args=[pw.plan.pk]), data)
    assert response.status_code == 302
    measure = Measure.objects.get(title="Grannsamverkan")
    assert list(measure.indicators.all()) == [burglary]
    assert (
        "Anmälda inbrott" in client.get(reverse("plan-detail", args=[pw.plan.pk])).content.decode()
    )
    page = client.get(reverse("followup-indicator", args=[burglary.pk])).content.decode()
    assert "Följer upp åtgärderna" in page and "Grannsamverkan" in page
    # A deleted indicator leaves no dangling reference behind.
    burglary.delete()
    assert not measure.indicators.exists()
    client.post(reverse("measure-status", args=[measure.pk]), {"status": "ongoing"})
    measure.refresh_from_db()
    assert measure.status == "ongoing"
    response = client.post(reverse("measure-status", args=[measure.pk]), {"status": "planned"})
    measure.refresh_from_db()
    assert measure.status == "planned"
    timeline = client.get(reverse("plan-timeline", args=[pw.plan.pk])).content.decode()
    assert "<svg" in timeline and "Grannsamverkan" in timeline and ">2026<" in timeline
    client.post(
        reverse("plan-status", args=[pw.plan.pk]),
        {
            "status": "adopted",
            "adopted_by": "Kommunfullmäktige",
            "adopted_on": "2025-02-10",
            "confirm": "1",
        },
    )
    pw.plan.refresh_from_db()
    assert pw.plan.status == "adopted" and str(pw.plan.adopted_on) == "2025-02-10"


def test_promise_create_publish_and_update(pw, client_for):
    client = client_for(pw.users["coordinator"])
    response = client.post(
        reverse("promise-create"),
        {
            "partnership": pw.p1.pk,
            "area": pw.m1.pk,
            "year": 2026,
            "title": "Trygg skolväg",
            "text": "Vi lovar fler vuxna på skolvägen.",
            "signatory_municipality": "Kommundirektören",
            "signatory_police": "Områdeschefen",
            "status": "active",
            "measures": [pw.measure.pk],
        },
    )
    promise = CitizenPromise.objects.get(title="Trygg skolväg")
    assert response.url == reverse("promise-detail", args=[promise.pk]) and not promise.published
    client.post(
        reverse("promise-publish", args=[promise.pk]), {"action": "publish", "confirm": "1"}
    )
    client.post(
        reverse("promise-update", args=[promise.pk]),
        {"date": "2026-03-01", "text": "Tio föräldrar går nattvandring."},
    )
    promise.refresh_from_db()
    assert promise.published and promise.updates.count() == 1
    assert (
        "/medborgarloften/9901/"
        in client.get(reverse("promise-detail", args=[promise.pk])).content.decode()
    )


@pytest.mark.parametrize("who", ["coordinator", "steering"])
def test_every_detail_page_renders(pw, client_for, who):
    client = client_for(pw.users[who])
    for name, pk in (
        ("problem-detail", pw.problem.pk),
        ("plan-detail", pw.plan.pk),
        ("plan-timeline", pw.plan.pk),
        ("promise-detail", pw.promise.pk),
        ("agreement-detail", pw.agreement.pk),
    ):
        assert client.get(reverse(name, args=[pk])).status_code == 200, name


def test_no_change_without_audit_event(pw, client_for):
    client = client_for(pw.users["coordinator"])  # signing in is an audit event too
    before = AuditEvent.objects.count()
    client.post(
        reverse("problem-edit", args=[pw.problem.pk]),
        {"title": "Inbrott i förråd", "priority": 2, "area": pw.m1.pk},
    )
    pw.problem.refresh_from_db()
    assert pw.problem.title == "Inbrott i förråd"
    event = AuditEvent.objects.latest("id")
    assert AuditEvent.objects.count() == before + 1
    assert event.action == "problem.update" and "title" in event.details["fields"]
    assert "Inbrott i förråd" not in str(event.details)


def test_problem_figures_show_a_zero_z_and_mark_missing_figures(pw, client_for):
    """A z of exactly 0 is a figure, not a missing one; a missing figure shows a dash."""
    pw.problem.figures = {"count": 4, "previous": 4, "last_year": 3, "z": 0.0}
    pw.problem.save()
    client = client_for(pw.users["coordinator"])
    url = reverse("problem-detail", args=[pw.problem.pk])
    row = client.get(url).content.decode().split('<th scope="col">z</th>')[1].split("</tr>")[1]
    assert "<td>0,0</td>" in row and "–" not in row
    pw.problem.figures = {"count": 4, "previous": 4, "last_year": 3}
    pw.problem.save()
    row = client.get(url).content.decode().split('<th scope="col">z</th>')[1].split("</tr>")[1]
    assert "<td>–</td>" in row


def test_a_picture_approved_for_the_group_and_the_county_is_one_finding(pw, client_for):
    """The internal version is the one to plan from; its suppressed twin is not repeated."""
    for i in range(4):
        incident(pw, pw.kommun, f"t{i}")
    coord = pw.users["coordinator"]
    march, april = periods.parse("2025-03"), periods.parse("2025-04")
    internal = situation_services.create_report(pw.m1, march, pw.p1, coord, "internal")
    shared = situation_services.create_report(pw.m1, march, pw.p1, coord, "shared")
    only_shared = situation_services.create_report(pw.m1, april, pw.p1, coord, "shared")
    for report in (internal, shared, only_shared):
        situation_services.approve(report, coord)
    home = client_for(coord).get(reverse("plans-home")).content.decode()
    findings = home.split("Fynd i fastställda lägesbilder", 1)[1].split("</section>", 1)[0]
    assert f"lagesbild={internal.pk}&" in findings
    assert f"lagesbild={shared.pk}&" not in findings
    # A period approved only for the county is still a finding, marked with its audience.
    assert f"<h3>{only_shared} <span" in findings
    assert findings.count("<h3>") == 2 and "Delad (aggregat, små tal dolda)" in findings


def test_findings_read_the_figures_of_the_listed_pictures_only(pw, client_for):
    """Candidates are chosen by their keys; only the chosen pictures' frozen figures are
    read (tens of kilobytes each), and no area's border."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from samverkan.plans.findings import findings_for

    coord = pw.users["coordinator"]
    march = periods.parse("2025-03")
    internal = situation_services.create_report(pw.m1, march, pw.p1, coord, "internal")
    shared = situation_services.create_report(pw.m1, march, pw.p1, coord, "shared")
    for report in (internal, shared):
        situation_services.approve(report, coord)
    with CaptureQueriesContext(connection) as ctx:
        found = findings_for(coord)
    assert [f["report"].pk for f in found] == [internal.pk]
    selects = [q["sql"].split(" FROM ", 1)[0] for q in ctx.captured_queries]
    assert not any('"core_area"."geometry"' in s for s in selects)
    # One query reads a snapshot: the chosen picture's, not its shared twin's.
    assert sum('"situation_situationreport"."snapshot"' in s for s in selects) == 1
