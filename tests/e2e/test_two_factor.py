"""A case officer enrols an authenticator app and signs in with its code.

The code is computed in the test from the secret shown on the enrolment page (as a phone
would compute it); without the code the case page cannot be reached.
"""

import re
import time

import pytest

from samverkan.core.models import AuditEvent, Organisation
from tests.e2e.conftest import screenshot
from tests.totp import totp

pytestmark = pytest.mark.e2e


def password_step(page, live_server, username, password, next_path=""):
    query = f"?next={next_path}" if next_path else ""
    page.goto(f"{live_server.url}/konto/logga-in/{query}")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()


def test_case_officer_enrols_and_signs_in_with_a_code(page, live_server, demo_world):
    from django.contrib.auth import get_user_model

    from samverkan.cases import services

    officer = demo_world["handlaggare"]
    user = get_user_model().objects.get(username=officer.username)
    case = services.create_case(
        user,
        organisation=Organisation.objects.get(name=officer.organisation),
        case_type="rri",
        person_name="Tvåfaktor Testsson",
        person_number="200001019876",
        purpose="Handläggning",
    )
    case_url = f"{live_server.url}/arenden/{case.pk}/"

    # The password alone leads to enrolment, and the case page stays out of reach.
    password_step(page, live_server, officer.username, officer.password)
    page.wait_for_url(re.compile(r"/konto/tvafaktor/aktivera/"))
    page.goto(case_url)
    assert "/konto/tvafaktor/aktivera/" in page.url
    assert "Tvåfaktor Testsson" not in page.content()

    assert page.locator("img[src^='data:image/svg+xml']").count() == 1
    secret = page.locator("#totp-secret").inner_text()
    enrolled_step = int(time.time() // 30)
    page.get_by_label("Kod från appen").fill(totp(secret, enrolled_step * 30))
    page.get_by_role("button", name="Aktivera").click()
    page.wait_for_selector("text=Reservkoder")
    assert page.locator(".recovery-codes li").count() == 10
    screenshot(page, "two-factor-recovery-codes")
    page.get_by_role("link", name="Jag har sparat koderna – fortsätt").click()
    page.goto(case_url)
    assert page.url.startswith(case_url)
    page.get_by_role("button", name="Logga ut").click()

    # Next sign-in: password, then the code; without the code no case page.
    password_step(page, live_server, officer.username, officer.password, f"/arenden/{case.pk}/")
    page.wait_for_url(re.compile(r"/konto/tvafaktor/kod/"))
    page.goto(case_url)
    assert "/konto/tvafaktor/kod/" in page.url
    assert "Tvåfaktor Testsson" not in page.content()

    page.get_by_label("Kod från appen eller reservkod").fill("000000")
    page.get_by_role("button", name="Fortsätt").click()
    page.wait_for_selector("text=Koden stämmer inte")
    assert "/konto/tvafaktor/kod/" in page.url

    # A wrong code makes the next attempt wait (django-otp's throttle doubles per failure).
    time.sleep(1.5)
    step = max(int(time.time() // 30), enrolled_step + 1)
    page.get_by_label("Kod från appen eller reservkod").fill(totp(secret, step * 30))
    page.get_by_role("button", name="Fortsätt").click()
    page.wait_for_url(case_url + "**")
    assert "/konto/tvafaktor/" not in page.url
    assert "Tvåfaktor Testsson" in page.content()
    screenshot(page, "two-factor-case-page")

    actions = set(AuditEvent.objects.filter(actor=user).values_list("action", flat=True))
    assert {"user.sign_in", "two_factor.enrol", "two_factor.fail"} <= actions
