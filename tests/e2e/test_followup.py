"""A coordinator defines an indicator, sets an effect goal, generates a tertial report,
evaluates a measure and finds the evaluation in the experience bank by searching for an
inflected Swedish word ("inbrotten" finds "inbrott")."""

from datetime import UTC, date, datetime

import pytest

from samverkan.core.models import Area, Organisation, Partnership
from samverkan.followup.models import EffectGoal, Evaluation, ExperienceEntry, TertialReport
from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.e2e


def _burglaries(orebro):
    from samverkan.incidents.ingest import IncidentRow, ingest
    from samverkan.incidents.models import Category

    cat = Category.objects.get(code="theft.burglary").pk
    org = Organisation.objects.get(name="Örebro kommun").pk
    rows = []
    for year, per_month in ((2024, 6), (2025, 2)):
        for month in range(1, 13 if year == 2024 else 9):
            for i in range(per_month):
                rows.append(
                    IncidentRow(
                        "rapport",
                        datetime(year, month, 10 + i, 12, tzinfo=UTC),
                        cat,
                        external_id=f"e2e-{year}-{month}-{i}",
                        precision="municipality",
                        organisation_id=org,
                        area_ids=[orebro.pk],
                    )
                )
    ingest(rows)


def test_follow_up_evaluate_and_find(page, live_server, demo_world):
    from samverkan.plans.models import ActionPlan, Measure

    orebro = Area.objects.get(country="SE", level="municipality", code="1880")
    _burglaries(orebro)
    partnership = Partnership.objects.get(name="Samverkan Örebro")
    plan = ActionPlan.objects.create(
        partnership=partnership, title="Åtgärdsplan 2025", start_year=2025, end_year=2025
    )
    measure = Measure.objects.create(
        plan=plan,
        title="Kameror och belysning mot inbrott",
        target_side="place",
        owner=Organisation.objects.get(name="Örebro kommun"),
        start=date(2025, 1, 1),
        end=date(2025, 8, 31),
        status="ongoing",
    )

    user = demo_world["samordnare"]
    login(page, live_server, user.username, user.password)
    page.get_by_role("link", name="Uppföljning").first.click()
    page.get_by_role("link", name="Samverkan Örebro").click()

    # Define an indicator over the partnership's burglaries.
    page.get_by_role("link", name="Ny indikator").click()
    page.get_by_label("Namn", exact=True).fill("Inbrott i Örebro")
    page.get_by_label("Område", exact=True).select_option(label="Örebro (Kommun)")
    page.get_by_label("Kategorier", exact=True).select_option(label="Inbrott")
    page.get_by_role("button", name="Spara indikator").click()
    page.wait_for_selector("text=Indikatorn är skapad.")

    # Set an effect goal: fewer than 50 a year from the 2024 baseline (72).
    page.get_by_role("link", name="Nytt effektmål").click()
    page.get_by_label("Effektmål", exact=True).fill("Färre inbrott")
    page.get_by_label("Basperiod", exact=True).fill("2024")
    page.get_by_label("Målvärde", exact=True).fill("50")
    page.get_by_label("Ska vara uppnått", exact=True).fill("2026-12-31")
    page.get_by_role("button", name="Spara effektmål").click()
    page.wait_for_selector("text=Effektmålet är sparat.")
    goal = EffectGoal.objects.get()
    assert goal.baseline_value == 72 and goal.status == "reached"
    assert "Uppnått" in page.content()
    screenshot(page, "followup-indicator")

    # Generate the tertial report for T2 2025 and write the group's analysis.
    page.get_by_role("link", name="Samverkan Örebro").click()
    page.get_by_label("Tertial", exact=True).fill("2025-T2")
    page.get_by_role("button", name="Ta fram tertialrapport").click()
    page.wait_for_selector("text=Tertialrapporten är framtagen.")
    page.get_by_label("Gruppens analys", exact=True).fill(
        "Inbrotten har minskat sedan kamerorna kom upp."
    )
    page.get_by_role("button", name="Spara analys").click()
    page.wait_for_selector("text=Analysen är sparad.")
    report = TertialReport.objects.get()
    assert report.snapshot["measures"][0]["title"] == measure.title
    pdf = page.request.get(f"{live_server.url}/uppfoljning/tertial/{report.pk}/pdf/")
    assert pdf.ok and pdf.body()[:4] == b"%PDF"
    screenshot(page, "followup-tertial")

    # The follow-up start page sums the partnership up and leads to the latest report.
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Uppföljning").click()
    card = page.locator("section.followup-partnership", has_text="Samverkan Örebro")
    goal.refresh_from_db()
    assert "1 indikator, 1 effektmål" in card.inner_text()
    assert card.locator(f".badge.goal-{goal.status}").count() == 1
    card.get_by_role("link", name="Tertial 2025-T2").click()
    page.wait_for_url(f"**/uppfoljning/tertial/{report.pk}/")
    page.go_back()
    screenshot(page, "followup-home")

    # Evaluate the measure: before (2024) and after (2025), burglaries in Örebro.
    page.get_by_role("link", name="Samverkan Örebro").click()
    page.get_by_role("link", name="Utvärdera Kameror och belysning mot inbrott").click()
    page.get_by_label("Rubrik", exact=True).fill("Kameror och belysning mot inbrott i Örebro")
    page.get_by_label("Upplägg", exact=True).select_option("before_after")
    page.get_by_label("Kategorier", exact=True).select_option(label="Inbrott")
    page.get_by_label("Insatsområde", exact=True).select_option(label="Örebro (Kommun)")
    page.get_by_label("Före: från", exact=True).fill("2024-01-01")
    page.get_by_label("Före: till och med", exact=True).fill("2024-08-31")
    page.get_by_label("Efter: från", exact=True).fill("2025-01-01")
    page.get_by_label("Efter: till och med", exact=True).fill("2025-08-31")
    page.get_by_label("Slutsats", exact=True).fill("Inbrotten minskade med två tredjedelar.")
    page.get_by_role("button", name="Beräkna och spara").click()
    page.wait_for_selector("text=Utvärderingen är beräknad och sparad.")
    ev = Evaluation.objects.get()
    assert ev.counts == {"treated_before": 48, "treated_after": 16}
    page.get_by_role("button", name="Lägg i erfarenhetsbanken").click()
    page.wait_for_selector("text=Utvärderingen finns nu i erfarenhetsbanken.")
    assert ExperienceEntry.objects.get().evaluation_id == ev.pk
    screenshot(page, "followup-evaluation")

    # Find it again in the experience bank with an inflected word.
    page.get_by_role("link", name="Erfarenhetsbank").first.click()
    page.get_by_label("Sök", exact=True).fill("inbrotten")
    page.get_by_role("button", name="Sök").click()
    page.wait_for_url("**q=inbrotten**")
    assert page.get_by_role("link", name="Kameror och belysning mot inbrott i Örebro").count() == 1
    page.get_by_label("Sök", exact=True).fill("klotter")
    page.get_by_role("button", name="Sök").click()
    assert "Inga erfarenheter hittades." in page.content()
    screenshot(page, "followup-bank")


def test_a_large_bank_is_paged(page, live_server, demo_world):
    """Sixty entries mention "trapphus": 25 a page, the count of every hit, Nästa/Föregående."""
    from django.contrib.auth import get_user_model

    from samverkan.followup import services

    coordinator = demo_world["samordnare"]
    author = get_user_model().objects.get(username=coordinator.username)
    for i in range(60):
        services.save_entry(
            ExperienceEntry(
                title=f"Trapphus {i:02d}: belysning och lås",
                method="Situationell prevention" if i % 2 else "Grannsamverkan",
                shared=True,
            ),
            author,
        )
    login(page, live_server, coordinator.username, coordinator.password)
    page.goto(f"{live_server.url}/uppfoljning/erfarenhetsbank/")
    page.get_by_label("Sök", exact=True).fill("trapphusen")
    page.get_by_role("button", name="Sök").click()
    page.wait_for_url("**q=trapphusen**")
    assert "60 träffar" in page.content()
    assert page.locator("article.card").count() == 25
    assert page.get_by_text("Sida 1 av 3").count() == 1
    # The line under a title joins what is given, with no dangling separator. Which
    # entry comes first is the database's rank (bm25 weighs length, ts_rank does not).
    lines = set(page.locator("article.card p.muted").all_inner_texts())
    assert lines and lines <= {"Grannsamverkan", "Situationell prevention"}
    screenshot(page, "followup-bank-paged")
    page.get_by_role("link", name="Nästa").click()
    page.wait_for_url("**page=2**")
    assert page.get_by_text("Sida 2 av 3").count() == 1
    page.get_by_role("link", name="Nästa").click()
    assert page.locator("article.card").count() == 10
    # A facet counts every hit and starts again at the first page.
    page.get_by_role("link", name="Grannsamverkan").click()
    page.wait_for_url("**method=Grannsamverkan**")
    assert "30 träffar" in page.content() and "page=" not in page.url
    assert page.get_by_text("Sida 1 av 2").count() == 1
