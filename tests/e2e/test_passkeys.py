"""A case officer enrols a passkey and signs in with it, in Chromium.

The passkey lives in Chromium's virtual authenticator (DevTools protocol, WebAuthn
domain: CTAP2, internal transport, resident keys, user verification), so the browser runs
the real ceremonies with django-otp-webauthn's static scripts under the site's CSP.
"""

import re

import pytest

from samverkan.core.models import AuditEvent, Organisation
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e


def password_step(page, live_server, username, password, next_path=""):
    query = f"?next={next_path}" if next_path else ""
    page.goto(f"{live_server.url}/konto/logga-in/{query}")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()


def virtual_authenticator(page) -> tuple[object, str]:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def test_case_officer_enrols_a_passkey_and_signs_in_with_it(
    page, live_server, demo_world, settings
):
    from django.contrib.auth import get_user_model

    from samverkan.cases import services

    # The live server's own origin: a passkey answer is accepted from the listed origins only.
    assert live_server.url.startswith("http://localhost:")
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]

    officer = demo_world["handlaggare"]
    user = get_user_model().objects.get(username=officer.username)
    case = services.create_case(
        user,
        organisation=Organisation.objects.get(name=officer.organisation),
        case_type="rri",
        person_name="Passkey Testsson",
        person_number="200001019876",
        purpose="Handläggning",
    )
    case_url = f"{live_server.url}/arenden/{case.pk}/"
    violations = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    cdp, authenticator = virtual_authenticator(page)

    # Password, then enrolment: the passkey instead of an app.
    password_step(page, live_server, officer.username, officer.password, f"/arenden/{case.pk}/")
    page.wait_for_url(re.compile(r"/konto/tvafaktor/aktivera/"))
    page.get_by_role("button", name="Lägg till en passkey").click()
    page.wait_for_selector("#passkey-codes:not([hidden])")
    assert page.locator("#passkey-codes .recovery-codes li").count() == 10
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert len(credentials["credentials"]) == 1
    screenshot(page, "passkey-recovery-codes")
    page.get_by_role("link", name="Jag har sparat koderna – fortsätt").click()
    page.wait_for_url(case_url + "**")
    assert "Passkey Testsson" in page.content()

    # The account page lists the passkey by name; the user renames it.
    page.goto(f"{live_server.url}/konto/tvafaktor/")
    page.get_by_label("Nytt namn för Nyckel 1").fill("Jobbdatorn")
    page.get_by_role("button", name="Byt namn").click()
    page.wait_for_selector("text=Nyckeln har fått ett nytt namn.")
    assert page.get_by_label("Nytt namn för Jobbdatorn").input_value() == "Jobbdatorn"
    screenshot(page, "passkey-account")
    page.get_by_role("button", name="Logga ut").click()

    # Next sign-in: password, then the passkey; without it no case page.
    password_step(page, live_server, officer.username, officer.password, f"/arenden/{case.pk}/")
    page.wait_for_url(re.compile(r"/konto/tvafaktor/kod/"))
    page.goto(case_url)
    assert "/konto/tvafaktor/kod/" in page.url
    assert "Passkey Testsson" not in page.content()
    screenshot(page, "passkey-verify")
    page.get_by_role("button", name="Logga in med passkey").click()
    page.wait_for_url(case_url + "**")
    assert "/konto/tvafaktor/" not in page.url
    assert "Passkey Testsson" in page.content()

    assert not violations, violations
    actions = set(AuditEvent.objects.filter(actor=user).values_list("action", flat=True))
    assert {"passkey.enrol", "passkey.rename", "passkey.use"} <= actions
