"""From lägesbild to published citizen promise, in the browser.

A coordinator takes a problem from a finding of an approved lägesbild and writes another by
hand, fills in the problem triangle and the event chain, creates an action plan with two
measures (one aimed at the place manager, moved to ongoing), publishes a citizen promise
with a progress update and prints its poster; an anonymous visitor then finds the promise
on the public page /medborgarloften/9901/ without logging in.
"""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime

import pytest

from samverkan.core import periods
from samverkan.incidents.ingest import IncidentRow, ingest
from samverkan.incidents.models import Category, SourceMapping
from samverkan.incidents.taxonomy import load_default
from samverkan.plans.models import CauseAnalysis, CitizenPromise, Measure, Problem
from samverkan.situation import services as situation_services
from tests.e2e.conftest import ARTIFACTS, login, screenshot

pytestmark = pytest.mark.e2e


@pytest.fixture
def approved_report(transactional_db, world):
    # An earlier browser test flushed the taxonomy that the data migration loads.
    load_default(Category, SourceMapping)
    vandalism = Category.objects.get(code="vandalism")
    rows = [
        IncidentRow(
            "rapport",
            datetime(2025, 3, 3 + i, 21, tzinfo=UTC),
            vandalism.pk,
            external_id=f"e2e-{i}",
            lon=15.5,
            lat=59.5,
            organisation_id=world.kommun.pk,
            visibility="partnership",
        )
        for i in range(6)
    ]
    ingest(rows)
    coordinator = world.users["coordinator"]
    report = situation_services.create_report(
        world.m1, periods.parse("2025-03"), world.p1, coordinator
    )
    return situation_services.approve(report, coordinator)


def fill_measure(page, title, side, start, end):
    page.get_by_label("Rubrik").fill(title)
    page.get_by_label(side, exact=True).check()
    page.get_by_label("Ansvarig organisation").select_option(label="Norrbyhem AB")
    page.get_by_label("Ansvarig person").fill("Fastighetschef Eva Ek")
    page.get_by_label("Start").fill(start)
    page.get_by_label("Slut").fill(end)


def test_from_situation_report_to_public_promise(
    page, browser, live_server, world, approved_report
):
    base = live_server.url
    login(page, live_server, "samordnare", "pw-samordnare")
    page.get_by_role("link", name="Problem och planer").first.click()
    assert "Fynd i fastställda lägesbilder" in page.content()

    # 1. A problem from the lägesbild's finding: category, area, period and figures follow.
    page.get_by_role("link", name="Skapa problem").first.click()
    assert "Lägesbild 2025-03: 6 händelser" in page.content()
    page.get_by_role("button", name="Spara problem").click()
    from_finding = Problem.objects.get(situation_report=approved_report)
    assert from_finding.figures["count"] == 6 and from_finding.area == world.m1

    # 2. A problem from scratch.
    page.goto(f"{base}/planer/problem/ny/")
    page.get_by_label("Rubrik").fill("Inbrott i källarförråd på Norrbyvägen")
    page.get_by_label("Prioritet").select_option(label="Hög")
    page.get_by_label("Beskrivning").fill("Upprepade inbrott i förråd sedan hösten.")
    page.get_by_label("Område").select_option(label="Norrby (Kommun)")
    page.get_by_role("button", name="Spara problem").click()
    page.wait_for_url("**/planer/problem/*/")
    problem = Problem.objects.get(title="Inbrott i källarförråd på Norrbyvägen")

    # 3. The cause analysis: the triangle with its controllers, the event chain.
    page.get_by_role("link", name="Skriv orsaksanalys").click()
    page.get_by_label("Gärningsperson: iakttagelser").fill("Unga vuxna från grannområdet")
    page.get_by_label("Mål eller offer: iakttagelser").fill("Förråd med cyklar och verktyg")
    page.get_by_label("Plats: iakttagelser").fill("Mörka källargångar utan kameror")
    page.get_by_label("Platsansvarig: iakttagelser").fill("Ingen rutin för trasiga lås")
    page.get_by_label("Platsansvarig: källor").fill("Trygghetsvandring februari")
    page.locator("[name=steg-0-stage]").select_option("need")
    page.locator("[name=steg-0-description]").fill("Behov av pengar")
    page.locator("[name=steg-1-stage]").select_option("act")
    page.locator("[name=steg-1-description]").fill("Bryter upp förrådsdörrar nattetid")
    page.get_by_label("Medborgardialog").fill("Boende är oroliga för källaren.")
    screenshot(page, "plans-cause-analysis")
    page.get_by_role("button", name="Spara orsaksanalys").click()
    page.wait_for_url(f"**/planer/problem/{problem.pk}/")
    assert "Ingen rutin för trasiga lås" in page.content()
    analysis = CauseAnalysis.objects.get(problem=problem)
    assert [s.stage for s in analysis.steps.all()] == ["need", "act"]

    # 4. The action plan with two measures; the place-manager measure starts.
    page.goto(f"{base}/planer/atgardsplaner/ny/")
    page.get_by_label("Rubrik").fill("Trygg i Norrby")
    page.get_by_label("Från år").fill("2025")
    page.get_by_label("Till och med år").fill("2027")
    page.get_by_role("button", name="Spara åtgärdsplan").click()
    page.wait_for_url("**/planer/atgardsplaner/*/")
    page.get_by_role("link", name="Ny åtgärd").click()
    fill_measure(
        page, "Belysning och lås i källargångar", "Platsansvarig", "2025-04-01", "2025-12-31"
    )
    page.get_by_label("Inbrott i källarförråd på Norrbyvägen").check()
    page.get_by_role("button", name="Spara åtgärd").click()
    page.get_by_role("link", name="Ny åtgärd").click()
    fill_measure(
        page,
        "Grannsamverkan i trapphusen",
        "Väktare (för målet eller offret)",
        "2025-06-01",
        "2026-06-30",
    )
    page.get_by_role("button", name="Spara åtgärd").click()
    page.get_by_label("Ny status för Belysning och lås i källargångar").select_option("ongoing")
    page.get_by_role("button", name="Ändra Belysning och lås i källargångar").click()
    assert "har ny status" in page.content()
    measure = Measure.objects.get(title="Belysning och lås i källargångar")
    assert (measure.status, measure.target_side) == ("ongoing", "manager")
    assert list(measure.problems.all()) == [problem]
    assert page.locator("svg.timeline rect").count() == 2
    screenshot(page, "plans-action-plan")

    # 5. The citizen promise, published with a progress update.
    page.goto(f"{base}/planer/medborgarloften/ny/")
    page.get_by_label("Område").select_option(label="Norrby (Kommun)")
    page.get_by_label("År").fill("2025")
    page.get_by_label("Rubrik").fill("Tryggare källare i Norrby")
    page.get_by_label("Löftet").fill(
        "Vi lovar att alla källargångar på Norrbyvägen får ljus och nya lås."
    )
    page.get_by_label("Undertecknat för kommunen").fill("Anna Andersson, kommundirektör")
    page.get_by_label("Undertecknat för polisen").fill("Per Persson, lokalpolisområdeschef")
    page.get_by_label("Belysning och lås i källargångar").check()
    page.get_by_role("button", name="Spara medborgarlöfte").click()
    page.get_by_label("Jag bekräftar att löftet ska publiceras på den offentliga sidan.").check()
    page.get_by_role("button", name="Publicera löftet").click()
    assert "Löftet är publicerat" in page.content()
    page.get_by_label("Vad har hänt?").fill("Belysningen är på plats i tre av fem källargångar.")
    page.get_by_role("button", name="Spara lägesrapport").click()
    assert "Lägesrapporten är sparad." in page.content()
    promise = CitizenPromise.objects.get(title="Tryggare källare i Norrby")
    assert promise.published and promise.updates.count() == 1

    # 6. The poster prints on one A4 page with the QR code to the public page.
    poster = page.request.get(f"{base}/planer/medborgarloften/{promise.pk}/affisch.pdf")
    assert poster.ok and poster.body().startswith(b"%PDF")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "plans-poster.pdf").write_bytes(poster.body())
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "50",
            str(ARTIFACTS / "plans-poster.pdf"),
            str(ARTIFACTS / "plans-poster"),
        ],
        check=True,
    )
    assert (ARTIFACTS / "plans-poster-1.png").exists()
    assert not (ARTIFACTS / "plans-poster-2.png").exists()

    # 7. An anonymous visitor finds it without logging in.
    context = browser.new_context(locale="sv-SE")
    visitor = context.new_page()
    visitor.goto(f"{base}/medborgarloften/")
    visitor.get_by_role("link", name="Norrby").click()
    visitor.wait_for_url(f"{base}/medborgarloften/9901/")
    content = visitor.content()
    assert "Tryggare källare i Norrby" in content
    assert "Belysningen är på plats i tre av fem källargångar." in content
    assert "Belysning och lås i källargångar: pågår" in content
    assert "Fastighetschef Eva Ek" not in content and "Grannsamverkan" not in content
    assert "/konto/logga-in/" not in visitor.url
    screenshot(visitor, "plans-public-promises")
    context.close()
