"""Two-factor sign-in: who must use it, the middleware's gate, enrolment, codes, reset.

These tests sign in through the real pages (password form, then the code step) or with
Django's own ``force_login`` (marker ``real_second_factor``), never with the tests'
shortcut that marks a session as verified.
"""

from __future__ import annotations

import re
import time

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from samverkan.core import two_factor
from samverkan.core.models import AuditEvent, Membership
from samverkan.core.roles import Role
from tests.totp import totp

pytestmark = pytest.mark.real_second_factor

CASES = "/arenden/"


def test_rfc6238_vectors():
    # RFC 6238 appendix B, SHA-1: the tests' own code generator is right.
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # base32 of "12345678901234567890"
    assert totp(secret, 59, digits=8) == "94287082"
    assert totp(secret, 1111111109, digits=8) == "07081804"


@pytest.fixture
def officer(world, django_user_model):
    user = django_user_model.objects.create_user("handlaggare", password="pw-handlaggare")
    Membership.objects.create(user=user, organisation=world.kommun, role=Role.CASE_OFFICER)
    return user


def sign_in(client, username):
    response = client.post(
        reverse("login"), {"username": username, "password": f"pw-{username}", "next": CASES}
    )
    assert response.status_code == 302, response.content[:500]
    return client.get(response["Location"])


def secret_of(response) -> str:
    match = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', response.content.decode())
    assert match, "Ingen nyckel för inmatning för hand på sidan"
    return match.group(1).replace(" ", "")


def enrol(client, username):
    """Sign in, follow the gate to enrolment and confirm with the app's code."""
    response = sign_in(client, username)
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("two-factor-enrol")
    )
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    secret = secret_of(page)
    assert 'src="data:image/svg+xml' in page.content.decode()
    done = client.post(response["Location"], {"code": totp(secret), "next": CASES})
    assert done.status_code == 200
    assert "no-store" in done["Cache-Control"]
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    return secret, codes


def actions(user):
    return list(AuditEvent.objects.filter(actor=user).values_list("action", flat=True))


# --- who must use a second factor ------------------------------------------------------


@pytest.mark.parametrize(
    "role", [Role.CASE_OFFICER, Role.CASE_SUPERVISOR, Role.ORG_ADMIN, Role.SYSTEM_ADMIN]
)
def test_case_and_admin_roles_always_need_it(world, django_user_model, role):
    user = django_user_model.objects.create_user("x")
    Membership.objects.create(user=user, organisation=world.other, role=role)
    assert two_factor.requires_two_factor(user)
    # An empty policy, or one naming these roles, does not switch them off.
    two_factor.set_policy(world.other, [], by=world.users["sysadmin"])
    assert two_factor.requires_two_factor(user)
    policy = two_factor.set_policy(world.other, [role], by=world.users["sysadmin"])
    assert policy.two_factor_roles == []


def test_other_roles_follow_their_organisations_policy(world):
    coordinator, other = world.users["coordinator"], world.users["other_coordinator"]
    assert not two_factor.requires_two_factor(coordinator)
    two_factor.set_policy(
        world.kommun, [Role.COORDINATOR, Role.STEERING], by=world.users["org_admin"]
    )
    assert two_factor.requires_two_factor(coordinator)
    assert two_factor.requires_two_factor(world.users["steering"])
    # Another organisation's coordinators are not affected.
    assert not two_factor.requires_two_factor(other)
    # A reporter of the police is not either: the policy is per organisation.
    assert not two_factor.requires_two_factor(world.users["police_coordinator"])
    event = AuditEvent.objects.get(action="organisation.set_two_factor_policy")
    assert event.actor == world.users["org_admin"]
    assert event.details["after"] == ["coordinator", "steering"]


def test_staff_and_superusers_need_it(world, django_user_model):
    assert two_factor.requires_two_factor(world.users["sysadmin"])
    staff = django_user_model.objects.create_user("personal", is_staff=True)
    assert two_factor.requires_two_factor(staff)


def test_unknown_role_is_refused(world):
    with pytest.raises(ValueError):
        two_factor.set_policy(world.kommun, ["janitor"], by=world.users["org_admin"])


# --- the gate --------------------------------------------------------------------------


def test_unverified_case_officer_reaches_nothing_but_enrolment(client, officer):
    client.force_login(officer)
    for path in (CASES, "/", "/handelser/", reverse("organisation-list")):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("two-factor-enrol")), path
    api = client.get("/api/")
    assert api.status_code == 403 and api["Content-Type"].startswith("application/json")
    assert client.get(reverse("two-factor-enrol")).status_code == 200
    assert client.get(reverse("health")).status_code == 200


def test_admin_site_needs_the_second_factor(client, world):
    client.force_login(world.users["sysadmin"])
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two-factor-enrol"))


def test_reporter_without_policy_is_not_asked(client, world):
    client.force_login(world.users["reporter"])
    assert client.get("/").status_code == 200


def test_policy_switched_on_sends_coordinators_to_enrolment(client, world):
    two_factor.set_policy(world.kommun, [Role.COORDINATOR], by=world.users["org_admin"])
    client.force_login(world.users["coordinator"])
    response = client.get("/")
    assert response["Location"].startswith(reverse("two-factor-enrol"))
    client.force_login(world.users["other_coordinator"])
    assert client.get("/").status_code == 200


# --- enrolment and the code step -------------------------------------------------------


def test_enrolment_then_code_at_next_sign_in(client, officer, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    secret, codes = enrol(client, "handlaggare")
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "two_factor.enrol" in actions(officer)
    assert client.get(CASES).status_code == 200
    # A new phone: enrolling again from the verified session replaces the app, audited.
    page = client.get(reverse("two-factor-enrol"))
    new_secret = secret_of(page)
    assert new_secret != secret
    assert client.post(reverse("two-factor-enrol"), {"code": totp(new_secret)}).status_code == 200
    assert TOTPDevice.objects.filter(user=officer, confirmed=True).count() == 1
    event = AuditEvent.objects.filter(actor=officer, action="two_factor.enrol").first()
    assert event.details == {"recovery_codes": 10, "replaced_apps": 1}
    secret = new_secret

    client.post(reverse("logout"))
    response = sign_in(client, "handlaggare")
    assert response["Location"].startswith(reverse("two-factor-verify"))
    assert client.get(CASES).status_code == 302

    wrong = client.post(reverse("two-factor-verify"), {"code": "000000", "next": CASES})
    assert wrong.status_code == 400
    assert "Koden stämmer inte" in wrong.content.decode()
    assert client.get(CASES).status_code == 302
    failed = AuditEvent.objects.filter(actor=officer, action="two_factor.fail").last()
    assert failed is not None and failed.ip == "127.0.0.1"

    # The enrolment used this time step's code; the app's next one is accepted (tolerance).
    ok = client.post(
        reverse("two-factor-verify"), {"code": totp(secret, time.time() + 30), "next": CASES}
    )
    assert ok.status_code == 302 and ok["Location"] == CASES
    assert client.get(CASES).status_code == 200


def test_a_code_is_accepted_once(client, officer, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    secret, _ = enrol(client, "handlaggare")
    client.post(reverse("logout"))
    sign_in(client, "handlaggare")
    code = totp(secret, time.time() + 30)
    assert client.post(reverse("two-factor-verify"), {"code": code}).status_code == 302
    client.post(reverse("logout"))
    sign_in(client, "handlaggare")
    assert client.post(reverse("two-factor-verify"), {"code": code}).status_code == 400


def test_repeated_wrong_codes_are_throttled(client, officer):
    secret, _ = enrol(client, "handlaggare")
    client.post(reverse("logout"))
    sign_in(client, "handlaggare")
    client.post(reverse("two-factor-verify"), {"code": "000000"})
    # Right away after a failure even the right code is refused: the wait doubles per failure.
    refused = client.post(reverse("two-factor-verify"), {"code": totp(secret, time.time() + 30)})
    assert refused.status_code == 400
    assert "För många felaktiga koder" in refused.content.decode()
    assert AuditEvent.objects.filter(
        actor=officer, action="two_factor.fail", details__throttled=True
    ).exists()


def test_recovery_code_works_once_and_is_audited(client, officer, settings):
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    _, codes = enrol(client, "handlaggare")
    client.post(reverse("logout"))
    sign_in(client, "handlaggare")
    response = client.post(reverse("two-factor-verify"), {"code": codes[3].upper()})
    assert response.status_code == 302
    assert client.get(CASES).status_code == 200
    used = AuditEvent.objects.get(actor=officer, action="recovery_code.use")
    assert used.details == {"left": 9}
    assert codes[3] not in StaticToken.objects.values_list("token", flat=True)

    client.post(reverse("logout"))
    sign_in(client, "handlaggare")
    assert client.post(reverse("two-factor-verify"), {"code": codes[3]}).status_code == 400


def test_an_enrolled_app_cannot_be_replaced_with_the_password_alone(client, officer):
    enrol(client, "handlaggare")
    client.post(reverse("logout"))
    sign_in(client, "handlaggare")
    response = client.get(reverse("two-factor-enrol"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two-factor-verify"))
    assert client.post(reverse("two-factor-account")).status_code == 302
    assert TOTPDevice.objects.filter(user=officer, confirmed=True).count() == 1


def test_new_recovery_codes_replace_the_old(client, officer):
    _, old = enrol(client, "handlaggare")
    response = client.post(reverse("two-factor-account"))
    assert response.status_code == 200
    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
    assert len(new) == 10
    assert set(
        StaticToken.objects.filter(device__user=officer).values_list("token", flat=True)
    ) == (set(new))
    assert not set(old) & set(new)
    assert "recovery_codes.renew" in actions(officer)


def test_voluntary_enrolment_is_then_asked_for(client, world, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    reporter = world.users["reporter"]
    client.force_login(reporter)
    page = client.get(reverse("two-factor-enrol"))
    secret = secret_of(page)
    assert client.post(reverse("two-factor-enrol"), {"code": totp(secret)}).status_code == 200
    client.post(reverse("logout"))
    response = sign_in(client, "rapportor")
    assert response["Location"].startswith(reverse("two-factor-verify"))


def test_wrong_enrolment_code_is_refused_and_audited(client, officer):
    client.force_login(officer)
    page = client.get(reverse("two-factor-enrol"))
    # The page shows the same pending secret until it is confirmed.
    assert secret_of(client.get(reverse("two-factor-enrol"))) == secret_of(page)
    response = client.post(reverse("two-factor-enrol"), {"code": "123456x"})
    assert response.status_code == 400
    assert not TOTPDevice.objects.filter(user=officer, confirmed=True).exists()
    assert AuditEvent.objects.filter(
        actor=officer, action="two_factor.fail", details__step="enrol"
    ).exists()
    assert client.get(CASES).status_code == 302


# --- administration --------------------------------------------------------------------


def test_org_admin_resets_a_member_and_open_sessions_lose_verification(
    client, officer, world, django_user_model
):
    from django.test import Client

    enrol(client, "handlaggare")
    assert client.get(CASES).status_code == 200

    admin = Client()
    TOTPDevice.objects.create(user=world.users["org_admin"], confirmed=True)
    _verified(admin, world.users["org_admin"])
    page = admin.get(reverse("two-factor-policy", kwargs={"pk": world.kommun.pk}))
    assert page.status_code == 200
    assert reverse("two-factor-reset", kwargs={"pk": officer.pk}) in page.content.decode()
    response = admin.post(reverse("two-factor-reset", kwargs={"pk": officer.pk}))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert not StaticToken.objects.filter(device__user=officer).exists()
    event = AuditEvent.objects.get(action="two_factor.reset")
    assert event.actor == world.users["org_admin"] and event.object_id == str(officer.pk)

    # The officer's open session is no longer verified: back to enrolment.
    response = client.get(CASES)
    assert response["Location"].startswith(reverse("two-factor-enrol"))


def test_reset_is_refused_outside_ones_organisation(client, officer, world, django_user_model):
    outsider = django_user_model.objects.create_user("annanadmin")
    Membership.objects.create(user=outsider, organisation=world.other, role=Role.ORG_ADMIN)
    TOTPDevice.objects.create(user=officer, confirmed=True)
    TOTPDevice.objects.create(user=outsider, confirmed=True)
    _verified(client, outsider)
    assert client.post(reverse("two-factor-reset", kwargs={"pk": officer.pk})).status_code == 403
    assert TOTPDevice.objects.filter(user=officer).exists()
    page = reverse("two-factor-policy", kwargs={"pk": world.kommun.pk})
    assert client.get(page).status_code == 403


def test_policy_page_sets_the_policy(client, world):
    admin = world.users["org_admin"]
    TOTPDevice.objects.create(user=admin, confirmed=True)
    _verified(client, admin)
    url = reverse("two-factor-policy", kwargs={"pk": world.kommun.pk})
    response = client.post(url, {"roles": ["coordinator", "case_officer"]})
    assert response.status_code == 400  # case officers are not a choice: always required
    response = client.post(url, {"roles": ["coordinator"]})
    assert response.status_code == 302
    assert world.kommun.security_policy.two_factor_roles == ["coordinator"]
    assert two_factor.requires_two_factor(world.users["coordinator"])


def test_api_token_rule(client, officer):
    # Tokens are issued by administrators, never for a password: they are not gated.
    token = Token.objects.create(user=officer)
    response = client.get("/api/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200


def _verified(client, user):
    from tests.conftest import verify_second_factor

    client.force_login(user)
    verify_second_factor(client, user)


def test_single_sign_on_still_needs_the_platforms_code(client, officer):
    from samverkan.core.oidc import AMR_KEY

    client.force_login(officer)
    # Even when the provider's ID token says it checked a second factor.
    session = client.session
    session[AMR_KEY] = ["pwd", "mfa"]
    session.save()
    response = client.get(CASES)
    assert response["Location"].startswith(reverse("two-factor-enrol"))


def test_organisation_page_links_admins_to_the_policy(client, world):
    link = reverse("two-factor-policy", kwargs={"pk": world.kommun.pk})
    page = reverse("organisation-detail", kwargs={"pk": world.kommun.pk})
    _verified(client, world.users["org_admin"])
    assert link in client.get(page).content.decode()
    client.force_login(world.users["coordinator"])
    response = client.get(page)
    assert response.status_code == 200 and link not in response.content.decode()


def test_devices_are_not_in_the_admin():
    # Removal goes through the audited reset only; the admin would also show the secret.
    from django.contrib import admin
    from django_otp.plugins.otp_static.models import StaticDevice

    assert not admin.site.is_registered(TOTPDevice)
    assert not admin.site.is_registered(StaticDevice)
