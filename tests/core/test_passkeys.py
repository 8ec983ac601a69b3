"""Passkeys (WebAuthn) as the second factor: enrolment, sign-in, naming, removal, audit.

The ceremonies are answered by a software authenticator (tests/webauthn_authenticator.py)
and verified by the real server code (django-otp-webauthn, py_webauthn); sessions sign in
through the password form (marker ``real_second_factor``), never the tests' shortcut.
"""

from __future__ import annotations

import json
import re
from base64 import b32encode

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from samverkan.core import passkeys, two_factor
from samverkan.core.models import AuditEvent, Membership
from samverkan.core.roles import Role
from tests.totp import totp
from tests.webauthn_authenticator import Passkey

pytestmark = pytest.mark.real_second_factor

CASES = "/arenden/"
ORIGIN = "https://samverkan.example.se"
RP_ID = "samverkan.example.se"


@pytest.fixture(autouse=True)
def relying_party(settings):
    settings.OTP_WEBAUTHN_RP_ID = RP_ID
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [ORIGIN]


@pytest.fixture
def officer(world, django_user_model):
    user = django_user_model.objects.create_user("handlaggare", password="pw-handlaggare")
    Membership.objects.create(user=user, organisation=world.kommun, role=Role.CASE_OFFICER)
    return user


def sign_in(client, username, next_path=CASES):
    response = client.post(
        reverse("login"), {"username": username, "password": f"pw-{username}", "next": next_path}
    )
    assert response.status_code == 302, response.content[:500]
    return client.get(response["Location"])


def post_json(client, name, data=None):
    return client.post(
        reverse(f"otp_webauthn:{name}"),
        data=json.dumps(data or {}),
        content_type="application/json",
    )


def register(client, key):
    options = post_json(client, "credential-registration-begin")
    assert options.status_code == 200, options.content
    return post_json(client, "credential-registration-complete", key.create(options.json()))


def authenticate(client, key, next_path=CASES, origin=None):
    options = post_json(client, "credential-authentication-begin")
    assert options.status_code == 200, options.content
    return client.post(
        reverse("otp_webauthn:credential-authentication-complete") + f"?next={next_path}",
        data=json.dumps(key.get(options.json(), origin=origin)),
        content_type="application/json",
    )


def actions(user):
    return list(AuditEvent.objects.filter(actor=user).values_list("action", flat=True))


def enrol_passkey(client, user, key):
    """Password, then the first passkey from the enrolment page; returns the JSON answer."""
    response = sign_in(client, user.username)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two-factor-enrol"))
    done = register(client, key)
    assert done.status_code == 200, done.content
    return done.json()


def scripts_of(html: str) -> list[str]:
    return re.findall(r"<script\b[^>]*>", html)


# --- enrolment -------------------------------------------------------------------------


def test_enrolment_page_offers_a_passkey_with_static_scripts_only(client, officer):
    sign_in(client, "handlaggare")
    page = client.get(reverse("two-factor-enrol"))
    html = page.content.decode()
    assert 'id="passkey-registration-placeholder"' in html
    assert 'id="passkey-registration-available-template"' in html
    assert "django_otp_webauthn/otp_webauthn_register.js" in html
    # The CSP allows no inline script: every script is a file, or the JSON configuration.
    for tag in scripts_of(html):
        assert " src=" in tag or 'type="application/json"' in tag, tag
    config = json.loads(
        re.search(r'id="otp_webauthn_config" type="application/json">(.*?)</script>', html).group(1)
    )
    assert config["beginRegistrationUrl"] == reverse("otp_webauthn:credential-registration-begin")


def test_first_passkey_gives_recovery_codes_and_lets_the_session_in(client, officer):
    key = Passkey(ORIGIN, RP_ID)
    answer = enrol_passkey(client, officer, key)

    assert len(answer["recovery_codes"]) == 10
    assert StaticToken.objects.filter(device__user=officer).count() == 10
    device = WebAuthnCredential.objects.get(user=officer)
    assert device.confirmed and device.name == "Nyckel 1" and answer["id"] == device.pk
    assert two_factor.enrolled(officer) and not two_factor.has_app(officer)
    assert client.get(CASES).status_code == 200
    event = AuditEvent.objects.get(action="passkey.enrol")
    assert event.actor == officer
    assert event.details == {"passkey": device.pk, "name": "Nyckel 1", "recovery_codes": 10}

    # A second passkey from the verified session keeps the codes and gets the next name.
    second = register(client, Passkey(ORIGIN, RP_ID))
    assert second.status_code == 200 and second.json()["recovery_codes"] == []
    assert second.json()["name"] == "Nyckel 2"
    assert StaticToken.objects.filter(device__user=officer).count() == 10


def test_a_stolen_password_cannot_add_a_passkey(client, officer, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    response = sign_in(client, "handlaggare")
    assert response["Location"].startswith(reverse("two-factor-verify"))
    refused = post_json(client, "credential-registration-begin")
    assert refused.status_code == 403 and refused.json()["code"] == "user_not_verified"
    assert not WebAuthnCredential.objects.filter(user=officer).exists()
    event = AuditEvent.objects.filter(action="two_factor.fail").last()
    assert event.actor == officer
    assert event.details == {
        "step": "passkey_enrol",
        "passkey": True,
        "reason": "user_not_verified",
    }


def test_a_passkey_from_another_origin_is_refused(client, officer):
    sign_in(client, "handlaggare")
    options = post_json(client, "credential-registration-begin").json()
    answer = Passkey(ORIGIN, RP_ID).create(options, origin="https://phishing.example")
    refused = post_json(client, "credential-registration-complete", answer)
    assert refused.status_code == 422
    assert not WebAuthnCredential.objects.exists()
    assert client.get(CASES).status_code == 302
    assert "two_factor.fail" in actions(officer)


def test_anonymous_cannot_start_a_ceremony(client, world):
    for name in ("credential-registration-begin", "credential-authentication-begin"):
        response = post_json(client, name)
        assert response.status_code == 403, name
        assert response["Content-Type"].startswith("application/json")
    # Nothing was tried against an account: no audit rows for anyone to flood the log with.
    assert not AuditEvent.objects.filter(actor__isnull=True).exists()


# --- sign-in ---------------------------------------------------------------------------


def test_passkey_is_the_second_factor_at_sign_in(client, officer):
    key = Passkey(ORIGIN, RP_ID)
    enrol_passkey(client, officer, key)
    client.post(reverse("logout"))

    response = sign_in(client, "handlaggare")
    assert response["Location"].startswith(reverse("two-factor-verify"))
    page = client.get(response["Location"])
    html = page.content.decode()
    assert 'id="passkey-verification-button"' in html
    assert "django_otp_webauthn/otp_webauthn_auth.js" in html
    assert "autofocus" not in html  # the passkey button first, the code field second
    # Without an app the code field takes recovery codes only.
    assert "Reservkod" in html and "Kod från appen" not in html
    for tag in scripts_of(html):
        assert " src=" in tag or 'type="application/json"' in tag, tag
    assert client.get(CASES).status_code == 302

    done = authenticate(client, key)
    assert done.status_code == 200, done.content
    assert done.json()["redirect_url"] == CASES
    assert client.get(CASES).status_code == 200
    used = AuditEvent.objects.get(action="passkey.use")
    assert used.actor == officer and used.details["passkey"] == key_pk(officer)
    assert WebAuthnCredential.objects.get(user=officer).last_used_at is not None


def key_pk(user):
    return WebAuthnCredential.objects.get(user=user).pk


def test_another_users_passkey_does_not_sign_in(client, officer, world, django_user_model):
    other = django_user_model.objects.create_user("handlaggare2", password="pw-handlaggare2")
    Membership.objects.create(user=other, organisation=world.kommun, role=Role.CASE_OFFICER)
    mine, theirs = Passkey(ORIGIN, RP_ID), Passkey(ORIGIN, RP_ID)
    enrol_passkey(client, officer, mine)
    client.post(reverse("logout"))
    enrol_passkey(client, other, theirs)
    client.post(reverse("logout"))

    sign_in(client, "handlaggare")
    refused = authenticate(client, theirs)
    assert refused.status_code == 403 and refused.json()["code"] == "credential_user_mismatch"
    assert client.get(CASES).status_code == 302
    failed = AuditEvent.objects.filter(actor=officer, action="two_factor.fail").last()
    assert failed.details["step"] == "passkey_verify"
    assert "passkey.use" not in actions(officer)


def test_a_signature_for_another_origin_does_not_sign_in(client, officer):
    key = Passkey(ORIGIN, RP_ID)
    enrol_passkey(client, officer, key)
    client.post(reverse("logout"))
    sign_in(client, "handlaggare")
    refused = authenticate(client, key, origin="https://phishing.example")
    assert refused.status_code == 422
    assert client.get(CASES).status_code == 302


def test_app_users_may_sign_in_with_either_factor(client, officer, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    app = TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    sign_in(client, "handlaggare")
    code = totp(b32encode(app.bin_key).decode())
    ok = client.post(reverse("two-factor-verify"), {"code": code, "next": CASES})
    assert ok.status_code == 302
    key = Passkey(ORIGIN, RP_ID)
    two_factor.new_recovery_codes(officer)
    assert register(client, key).json()["recovery_codes"] == []  # the app's codes stay
    client.post(reverse("logout"))

    sign_in(client, "handlaggare")
    page = client.get(reverse("two-factor-verify")).content.decode()
    assert "Kod från appen eller reservkod" in page
    assert 'id="passkey-verification-button"' in page
    assert authenticate(client, key).status_code == 200
    assert client.get(CASES).status_code == 200


# --- naming and removing ---------------------------------------------------------------


def test_owner_renames_and_removes_a_passkey_audited(client, officer):
    enrol_passkey(client, officer, Passkey(ORIGIN, RP_ID))
    register(client, Passkey(ORIGIN, RP_ID))
    first, second = WebAuthnCredential.objects.filter(user=officer).order_by("pk")

    page = client.get(reverse("two-factor-account")).content.decode()
    assert "Nyckel 1" in page and "Nyckel 2" in page
    renamed = client.post(
        reverse("two-factor-passkey-rename", args=[first.pk]), {"name": "  Jobbdatorn  "}
    )
    assert renamed.status_code == 302
    first.refresh_from_db()
    assert first.name == "Jobbdatorn"
    event = AuditEvent.objects.get(action="passkey.rename")
    assert event.details == {"passkey": first.pk, "before": "Nyckel 1", "after": "Jobbdatorn"}
    assert (
        client.post(
            reverse("two-factor-passkey-rename", args=[first.pk]), {"name": "   "}
        ).status_code
        == 302
    )
    first.refresh_from_db()
    assert first.name == "Jobbdatorn"

    removed = client.post(reverse("two-factor-passkey-remove", args=[second.pk]))
    assert removed.status_code == 302
    assert list(WebAuthnCredential.objects.filter(user=officer)) == [first]
    event = AuditEvent.objects.get(action="passkey.remove")
    assert event.actor == officer and event.object_id == str(officer.pk)
    assert event.details == {
        "passkey": second.pk,
        "name": "Nyckel 2",
        "recovery_codes_removed": False,
    }


def test_the_last_passkey_of_a_required_role_stays(client, officer):
    enrol_passkey(client, officer, Passkey(ORIGIN, RP_ID))
    only = WebAuthnCredential.objects.get(user=officer)
    response = client.post(reverse("two-factor-passkey-remove", args=[only.pk]), follow=True)
    assert "Lägg till en annan nyckel" in response.content.decode()
    assert WebAuthnCredential.objects.filter(pk=only.pk).exists()
    assert "passkey.remove" not in actions(officer)


def test_optional_user_removing_the_last_passkey_turns_two_factor_off(client, world):
    reporter = world.users["reporter"]
    sign_in(client, reporter.username, "/")
    answer = register(client, Passkey(ORIGIN, RP_ID)).json()
    assert len(answer["recovery_codes"]) == 10
    only = WebAuthnCredential.objects.get(user=reporter)
    assert client.post(reverse("two-factor-passkey-remove", args=[only.pk])).status_code == 302
    assert not two_factor.enrolled(reporter)
    assert not StaticToken.objects.filter(device__user=reporter).exists()
    event = AuditEvent.objects.get(action="passkey.remove")
    assert event.details["recovery_codes_removed"] is True


def test_nobody_changes_someone_elses_passkey(client, officer, world):
    enrol_passkey(client, officer, Passkey(ORIGIN, RP_ID))
    key = WebAuthnCredential.objects.get(user=officer)
    client.post(reverse("logout"))
    # Another user, even an organisation admin, reaches another's passkey only by the reset.
    client.force_login(world.users["coordinator"])
    for name in ("two-factor-passkey-rename", "two-factor-passkey-remove"):
        response = client.post(reverse(name, args=[key.pk]), {"name": "Min nu"})
        assert response.status_code in (403, 404), name
    key.refresh_from_db()
    assert key.name == "Nyckel 1"


def test_a_password_alone_cannot_remove_a_passkey(client, officer, world, django_user_model):
    # A reporter (no second factor required) with a passkey and an app: the password step
    # is not enough to remove the passkey.
    reporter = world.users["reporter"]
    key = Passkey(ORIGIN, RP_ID)
    sign_in(client, reporter.username, "/")
    register(client, key)
    device = WebAuthnCredential.objects.get(user=reporter)
    client.post(reverse("logout"))
    sign_in(client, reporter.username, "/")
    response = client.post(reverse("two-factor-passkey-remove", args=[device.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two-factor-verify"))
    # Straight to the service's check, past the gate: refused as well.
    request = type("R", (), {"user": reporter})()
    reporter.is_verified = lambda: False
    with pytest.raises(passkeys.PermissionDenied):
        passkeys.own_passkey(request, device.pk)
    assert WebAuthnCredential.objects.filter(pk=device.pk).exists()


def test_admin_reset_removes_passkeys_too(client, officer, world):
    enrol_passkey(client, officer, Passkey(ORIGIN, RP_ID))
    page_rows = two_factor.users_enrolled([officer.pk])
    assert page_rows == {officer.pk}
    removed = two_factor.reset(officer, by=world.users["org_admin"])
    assert removed == 2  # the passkey and the recovery-code set
    assert not WebAuthnCredential.objects.filter(user=officer).exists()
    assert not two_factor.enrolled(officer)
    # The session verified by the removed passkey is not verified any more.
    response = client.get(CASES)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two-factor-enrol"))


def test_passkey_devices_are_not_in_the_admin():
    from django.contrib import admin

    assert not admin.site.is_registered(WebAuthnCredential)


@pytest.mark.parametrize(
    "language, text",
    [("sv", "Avbrutet eller inte tillåtet."), ("nb", "Avbrutt eller ikke tillatt.")],
)
def test_the_passkey_scripts_speak_the_pages_language(client, db, language, text):
    # django-otp-webauthn's scripts call gettext; its own catalog has neither language.
    response = client.get(reverse("otp_webauthn:js-i18n-catalog"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert json.dumps(text) in response.content.decode()  # the catalog is JSON inside
