"""axe-core on every page kind (list, detail, form) of every app, with the demo's example
work of Samverkan Örebro loaded, each page seen by a user who may open it.

One test per user loads the demo content once and walks its pages: loading it for every
page would take minutes on the shared machine. The failure message lists each page with
its serious and critical violations, so one run shows all that needs fixing.
"""

import pytest
from django.urls import reverse

from tests.e2e.conftest import login
from tests.e2e.test_accessibility import AXE, TAGS

pytestmark = pytest.mark.e2e

BLOCKING = {"serious", "critical"}


@pytest.fixture
def page(browser):
    # axe-core is injected as an inline script, which the pages' CSP rightly refuses.
    context = browser.new_context(
        locale="sv-SE", viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(30000)
    yield page
    context.close()


@pytest.fixture
def demo_content(demo_world):
    """The demo's example work (lägesbild, problem, plan, promise, agreement, indicators,
    tertial report, evaluation, experience bank, case, meetings), as `samverkan demo` loads it."""
    from samverkan.demo import loader as demo

    demo.load_content(log=lambda *_: None)
    return demo_world


def blocking_violations(page):
    page.add_script_tag(content=AXE)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]


def walk(page, live_server, user, paths):
    login(page, live_server, user.username, user.password)
    found = {}
    for path in paths:
        response = page.goto(f"{live_server.url}{path}")
        assert response.ok, f"{path}: {response.status}"
        # A redirect (to sign-in, to a purpose form) would check another page than named.
        assert page.url == f"{live_server.url}{path}", f"{path} -> {page.url}"
        page.wait_for_load_state("networkidle")
        if problems := blocking_violations(page):
            found[path] = problems
    return found


def coordinator_pages():
    from samverkan.followup.models import (
        Evaluation,
        ExperienceEntry,
        Indicator,
        TertialReport,
    )
    from samverkan.incidents.models import Incident
    from samverkan.meetings.models import Meeting
    from samverkan.plans.models import ActionPlan, Agreement, CitizenPromise, Measure, Problem
    from samverkan.situation.models import SituationReport

    report = SituationReport.objects.first()
    plan = ActionPlan.objects.first()
    indicator = Indicator.objects.first()
    meeting = Meeting.objects.first()
    incident = Incident.objects.filter(source="rapport").first()
    return [
        # Lägesbild: list, build form, detail.
        reverse("situation-list"),
        reverse("situation-create"),
        reverse("situation-schedules"),
        reverse("situation-detail", args=[report.pk]),
        # Plans: list, detail and edit form of problem, plan, promise and agreement.
        reverse("plans-home"),
        reverse("problem-create"),
        reverse("problem-detail", args=[Problem.objects.first().pk]),
        reverse("problem-edit", args=[Problem.objects.first().pk]),
        reverse("plan-detail", args=[plan.pk]),
        reverse("plan-edit", args=[plan.pk]),
        reverse("measure-edit", args=[Measure.objects.filter(plan=plan).first().pk]),
        reverse("promise-detail", args=[CitizenPromise.objects.first().pk]),
        reverse("agreement-create"),
        reverse("agreement-detail", args=[Agreement.objects.first().pk]),
        # Follow-up: partnership, indicator, tertial report, evaluation, experience bank.
        reverse("followup-home"),
        reverse("followup-partnership", args=[indicator.partnership_id]),
        reverse("followup-indicator", args=[indicator.pk]),
        reverse("followup-goal-create", args=[indicator.pk]),
        reverse("followup-tertial", args=[TertialReport.objects.first().pk]),
        reverse("followup-evaluation", args=[Evaluation.objects.first().pk]),
        reverse("followup-bank"),
        reverse("followup-entry-create"),
        reverse("followup-entry", args=[ExperienceEntry.objects.first().pk]),
        # Incidents: triage list, a report, the imports.
        reverse("incident-triage"),
        reverse("incident-detail", args=[incident.pk]),
        reverse("incident-import"),
        # Meetings: list, a meeting, its minutes, the patrol's places.
        reverse("meetings-home"),
        reverse("meeting-detail", args=[meeting.pk]),
        reverse("meetings-places"),
        # Residents' safety walk: the coordinator's review queue.
        reverse("citizens-queue"),
        # Core: start page, areas, organisations, audit log, own areas.
        reverse("home"),
        reverse("area-browser"),
        reverse("organisation-list"),
        reverse("own-area-list"),
        # Cases: the coordinator sees the anonymous statistics only.
        reverse("case-stats"),
        reverse("two-factor-account"),
        reverse("password_change"),
    ]


def reporter_pages():
    from tests.e2e.test_phone_width import reporter_incident

    return [
        reverse("home"),
        reverse("incident-report"),
        reverse("incident-mine"),
        reverse("incident-detail", args=[reporter_incident().pk]),
        reverse("two-factor-account"),
        reverse("password_change"),
        reverse("meetings-places"),
    ]


def case_pages():
    from samverkan.cases.models import PreventiveCase

    case = PreventiveCase.objects.first()
    return [
        reverse("case-list"),
        reverse("case-create"),
        reverse("case-purpose", args=[case.pk]),
        reverse("case-requests"),
    ]


def test_coordinator_pages_have_no_serious_violations(page, live_server, demo_content):
    assert walk(page, live_server, demo_content["samordnare"], coordinator_pages()) == {}


def test_reporter_pages_have_no_serious_violations(page, live_server, demo_content):
    assert walk(page, live_server, demo_content["rapportor"], reporter_pages()) == {}


def test_case_pages_have_no_serious_violations(page, live_server, demo_content):
    assert walk(page, live_server, demo_content["handlaggare"], case_pages()) == {}


def test_county_board_pages_have_no_serious_violations(page, live_server, demo_content):
    pages = [reverse("home"), reverse("county-overview"), reverse("situation-list")]
    assert walk(page, live_server, demo_content["lansstyrelsen"], pages) == {}


def test_case_detail_has_no_serious_violations(page, live_server, demo_content):
    """The case itself opens after the officer has stated why (the purpose form)."""
    from samverkan.cases.models import PreventiveCase

    case = PreventiveCase.objects.first()
    officer = demo_content["handlaggare"]
    login(page, live_server, officer.username, officer.password)
    page.goto(f"{live_server.url}{reverse('case-detail', args=[case.pk])}")
    if "/syfte/" in page.url:
        page.locator("form textarea, form input[type=text]").first.fill("Uppföljning av åtgärd")
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_url(f"**{reverse('case-detail', args=[case.pk])}")
    page.wait_for_load_state("networkidle")
    assert blocking_violations(page) == []
    edit = reverse("case-edit", args=[case.pk])
    page.goto(f"{live_server.url}{edit}")
    page.wait_for_load_state("networkidle")
    assert blocking_violations(page) == [], edit


def test_the_check_sees_a_serious_violation(page, live_server, demo_world):
    """An input without a label is a critical violation; a table of class "cards" does
    not hide one from axe either."""
    page.goto(f"{live_server.url}/konto/logga-in/")
    assert blocking_violations(page) == []
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend',"
        " '<table class=\"table cards\"><tbody><tr><td><input type=text></td></tr></tbody></table>')"
    )
    assert any(v.startswith("label (critical)") for v in blocking_violations(page))


@pytest.fixture
def phone_axe(browser):
    context = browser.new_context(
        locale="sv-SE",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        bypass_csp=True,
    )
    page = context.new_page()
    page.set_default_timeout(30000)
    yield page
    context.close()


def test_phone_pages_have_no_serious_violations(phone_axe, live_server, demo_content):
    """At 390 px the list tables are cards and the header wraps: axe checks that layout
    too, for the reporter's pages and the coordinator's card lists."""
    from samverkan.followup.models import Indicator

    found = walk(phone_axe, live_server, demo_content["rapportor"], reporter_pages())
    phone_axe.context.clear_cookies()
    found |= walk(
        phone_axe,
        live_server,
        demo_content["samordnare"],
        [
            reverse("incident-triage"),
            reverse("situation-list"),
            reverse("plans-home"),
            reverse("followup-partnership", args=[Indicator.objects.first().partnership_id]),
        ],
    )
    assert found == {}
