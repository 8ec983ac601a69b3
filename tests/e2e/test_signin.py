"""In the browser: wrong passwords lock the account, the organisation admin lifts the lock,
the user signs in and changes the password."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import login, screenshot
from tests.e2e.test_accessibility import violations

pytestmark = pytest.mark.e2e


@pytest.fixture
def people(transactional_db, settings, django_user_model):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from samverkan.core.models import Membership, Organisation
    from samverkan.core.roles import Role

    kommun = Organisation.objects.create(name="Norrby kommun", kind="municipality")
    anna = django_user_model.objects.create_user("anna", password="Blåbärssoppa-2026")
    admin = django_user_model.objects.create_user("orgadmin", password="Lingonsylt-2026")
    Membership.objects.create(user=anna, organisation=kommun, role=Role.COORDINATOR)
    Membership.objects.create(user=admin, organisation=kommun, role=Role.ORG_ADMIN)
    return kommun


# The element's text colour and the colour of the first ancestor with a background.
TEXT_AND_BACKGROUND = """el => {
    let node = el, bg = "rgba(0, 0, 0, 0)";
    while (node && (bg === "rgba(0, 0, 0, 0)" || bg === "transparent")) {
        bg = getComputedStyle(node).backgroundColor;
        node = node.parentElement;
    }
    return [getComputedStyle(el).color, bg];
}"""


def contrast(foreground: str, background: str) -> float:
    """WCAG 2.1 contrast ratio of two CSS ``rgb()`` colours."""

    def luminance(css: str) -> float:
        channels = [int(c) / 255 for c in re.findall(r"\d+", css)[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_of_known_colours():
    assert round(contrast("rgb(255, 255, 255)", "rgb(0, 0, 0)"), 1) == 21.0
    assert contrast("rgb(255, 255, 255)", "rgb(255, 255, 255)") == 1.0


def try_login(page, live_server, username, password):
    page.goto(f"{live_server.url}/konto/logga-in/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_load_state()


def test_lockout_unlock_and_password_change(browser, page, live_server, people, settings):
    from samverkan.core.models import AuditEvent

    for i in range(settings.SIGNIN_FAILURE_LIMIT - 1):
        try_login(page, live_server, "anna", f"fel-{i}")
        assert "Fel användarnamn eller lösenord" in page.content()
    try_login(page, live_server, "anna", "fel-sista")
    assert page.get_by_role("heading", level=1).inner_text() == "Inloggningen är spärrad"
    try_login(page, live_server, "anna", "Blåbärssoppa-2026")
    assert page.get_by_role("heading", level=1).inner_text() == "Inloggningen är spärrad"
    assert "30 minuter" in page.content()
    screenshot(page, "signin-locked")

    # bypass_csp: the axe checker is injected as an inline script (see test_accessibility).
    admin_context = browser.new_context(locale="sv-SE", bypass_csp=True)
    admin_page = admin_context.new_page()
    try:
        login(admin_page, live_server, "orgadmin", "Lingonsylt-2026")
        admin_page.goto(f"{live_server.url}/organisationer/{people.pk}/")
        assert admin_page.get_by_text("Inloggningen är spärrad").is_visible()
        # The unlock button sits on a white page, not in the dark header: it must be readable.
        # axe leaves a transparent button's contrast "incomplete", so it is measured here too.
        assert violations(admin_page) == []
        unlock = admin_page.get_by_role("button", name="Häv spärren")
        assert contrast(*unlock.evaluate(TEXT_AND_BACKGROUND)) >= 4.5
        admin_page.get_by_role("button", name="Häv spärren").click()
        admin_page.wait_for_load_state()
        assert "Inloggningsspärren för anna är hävd." in admin_page.content()
    finally:
        admin_context.close()

    login(page, live_server, "anna", "Blåbärssoppa-2026")
    page.get_by_role("link", name="anna").click()
    page.get_by_label("Gammalt lösenord").fill("Blåbärssoppa-2026")
    page.get_by_label("Nytt lösenord", exact=True).fill("kort-1")
    page.get_by_label("Bekräfta nytt lösenord").fill("kort-1")
    page.get_by_role("button", name="Byt lösenord").click()
    assert "minst 12 tecken" in page.content()
    page.get_by_label("Gammalt lösenord").fill("Blåbärssoppa-2026")
    page.get_by_label("Nytt lösenord", exact=True).fill("Hjortronkräm-2027")
    page.get_by_label("Bekräfta nytt lösenord").fill("Hjortronkräm-2027")
    page.get_by_role("button", name="Byt lösenord").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Lösenordet är bytt"

    page.get_by_role("button", name="Logga ut").click()
    login(page, live_server, "anna", "Hjortronkräm-2027")

    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions.count("sign_in.fail") == settings.SIGNIN_FAILURE_LIMIT + 1
    for action in ("user.lock_out", "user.unlock", "user.change_password", "user.sign_out"):
        assert action in actions
