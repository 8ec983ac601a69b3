"""WCAG 2.1 AA checks with axe-core on the pages people use (Swedish public services must
meet WCAG 2.1 AA). axe-core ships inside the axe-playwright-python test dependency."""

from importlib.resources import files

import pytest

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

AXE = files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def page(browser):
    # axe-core is injected as an inline script, which the pages' Content-Security-Policy
    # rightly refuses; the checker (not the page) gets to bypass it.
    context = browser.new_context(
        locale="sv-SE", viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(30000)
    yield page
    context.close()


def violations(page):
    page.add_script_tag(content=AXE)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
    ]


@pytest.mark.parametrize(
    "path",
    ["/", "/omraden/", "/handelser/rapportera/", "/handelser/mina/", "/handelser/"],
)
def test_pages_have_no_wcag_violations(path, page, live_server, demo_world):
    user = demo_world["samordnare"]
    login(page, live_server, user.username, user.password)
    page.goto(f"{live_server.url}{path}")
    page.wait_for_load_state("networkidle")
    assert violations(page) == []


def test_login_page_has_no_wcag_violations(page, live_server, demo_world):
    page.goto(f"{live_server.url}/konto/logga-in/")
    assert violations(page) == []


def test_axe_reports_a_known_violation(page, live_server, demo_world):
    """The check itself works: an image without alternative text is reported."""
    page.goto(f"{live_server.url}/konto/logga-in/")
    page.evaluate("document.querySelector('main').append(document.createElement('img'))")
    assert any(v.startswith("image-alt") for v in violations(page))
