"""A case officer opens an RRI case, records information received under OSL 10:18 a about
a 19-year-old, plans a conversation and records the 6-month outcome; another officer of the
same organisation is refused; an analyst sees only the aggregate."""

import pytest

from samverkan.cases.models import InformationExchange, OutcomeFollowUp, PreventiveCase
from samverkan.core.models import Organisation
from samverkan.core.roles import Role
from tests.cases.helpers import make_user, pnr_for_age
from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.e2e


def other_cases_with_outcomes(officer, organisation):
    """Enough earlier RRI cases that the aggregate is not suppressed."""
    from samverkan.cases import services

    for i, answer in enumerate(["no", "no", "no", "yes", "yes", "yes"]):
        case = services.create_case(
            officer,
            organisation=organisation,
            case_type="rri",
            person_name=f"Tidigare {i}",
            person_number=pnr_for_age(18, f"9{i:02d}"),
            purpose="Handläggning",
        )
        services.record_outcome(
            case,
            6,
            threats=answer,
            violence="no",
            crime="no",
            source="police_records",
            user=officer,
            purpose="Handläggning",
        )


def test_case_officer_flow_and_refusals(page, browser, live_server, demo_world):
    officer = demo_world["handlaggare"]
    police = Organisation.objects.get(name=officer.organisation)
    login(page, live_server, officer.username, officer.password)
    page.get_by_role("link", name="Förebyggande ärenden").first.click()
    page.get_by_role("link", name="Öppna nytt ärende").click()
    page.get_by_label("Ärendetyp").select_option(label="Riskreducerande insatser (RRI)")
    page.get_by_label("Personens namn").fill("Elias Exempel")
    number = pnr_for_age(19, "321")
    page.get_by_label("Personnummer").fill(number)
    page.get_by_label("Örebro kommun").check()
    page.get_by_role("button", name="Öppna ärendet").click()
    page.wait_for_selector("text=är öppnat")
    case = PreventiveCase.objects.get()
    assert number[:8] + "-****" in page.content()
    assert number not in page.content()
    assert "19 år" in page.content()

    # Information received from social services under OSL 10:18 a.
    page.locator("#id_ex-direction").select_option("received")
    page.locator("#id_ex-counterpart").select_option(label="Örebro kommun")
    page.locator("#id_ex-content").fill("Socialtjänsten har en pågående insats sedan augusti.")
    page.locator("#id_ex-legal_basis").select_option("osl_10_18a")
    page.get_by_role("button", name="Registrera utbyte").click()
    page.wait_for_selector("text=Uppgiftsutbytet är registrerat.")
    exchange = InformationExchange.objects.get(case=case)
    assert exchange.legal_basis == "osl_10_18a" and exchange.age_at_exchange == 19

    # A planned conversation.
    page.locator("#id_conv-kind").select_option("person")
    page.locator("#id_conv-planned_at").fill("2026-12-01T10:00")
    page.get_by_role("button", name="Planera samtal").click()
    page.wait_for_selector("text=Samtalet är planerat.")

    # The 6-month outcome: no new threats, violence or crime.
    page.locator("#id_out-months").select_option("6")
    for legend in ("Nya hot", "Nytt våld", "Ny brottslighet"):
        page.locator("fieldset", has=page.locator(f"legend:text-is('{legend}')")).get_by_label(
            "Nej"
        ).check()
    page.locator("#id_out-source").select_option("police_records")
    page.get_by_role("button", name="Spara uppföljning").click()
    page.wait_for_selector("text=Uppföljningen är registrerad.")
    assert OutcomeFollowUp.objects.get(case=case).ceased is True
    screenshot(page, "case-detail-officer")

    # Another case officer of the same police area is refused.
    make_user("handlaggare2", police, Role.CASE_OFFICER)
    context = browser.new_context(locale="sv-SE")
    other = context.new_page()
    login(other, live_server, "handlaggare2", "pw-handlaggare2")
    response = other.goto(f"{live_server.url}/arenden/{case.pk}/")
    assert response.status == 404
    assert "Elias" not in other.content()
    other.goto(f"{live_server.url}/arenden/")
    assert case.reference not in other.content()
    context.close()

    # The analyst sees the aggregate, never the case.
    other_cases_with_outcomes(officer_user(officer), police)
    analyst = demo_world["samordnare"]
    context = browser.new_context(locale="sv-SE")
    a = context.new_page()
    login(a, live_server, analyst.username, analyst.password)
    a.get_by_role("link", name="Ärendestatistik").click()
    content = a.content()
    assert "Riskreducerande insatser (RRI)" in content
    assert "57 %" in content  # 4 of 7 with known outcome ceased
    assert "Elias" not in content and case.reference not in content
    screenshot(a, "case-statistics-analyst")
    assert a.goto(f"{live_server.url}/arenden/{case.pk}/").status == 404
    context.close()


def officer_user(demo_user):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=demo_user.username)
