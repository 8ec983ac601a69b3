"""Sign-in: lockout after repeated failures, audit events, password change, idle sessions,
no-store case pages, and access lost at once when a user or membership goes."""

from __future__ import annotations

import time

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.authtoken.models import Token

from samverkan.core.models import AuditEvent, Membership
from samverkan.core.roles import Role
from samverkan.core.signin import LAST_SEEN_KEY

LOGIN = "/konto/logga-in/"


def attempt(client, username, password, ip="127.0.0.1", url=LOGIN):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip)


def signed_in(client) -> bool:
    return client.get(reverse("home")).status_code == 200


def events(action, **filters):
    return list(AuditEvent.objects.filter(action=action, **filters).order_by("id"))


@pytest.fixture
def anna(world):
    return world.users["coordinator"]  # username "samordnare", password "pw-samordnare"


def test_twenty_wrong_passwords_lock_the_account_and_leave_audit_events(anna, client):
    statuses = [attempt(client, anna.username, f"fel-{i}").status_code for i in range(20)]
    assert statuses[:4] == [200] * 4  # the form again, with its message
    assert set(statuses[4:]) == {429}

    refused = attempt(client, anna.username, "pw-samordnare")
    assert refused.status_code == 429
    assert "Inloggningen är spärrad" in refused.content.decode()
    assert not signed_in(client)

    failures = events("sign_in.fail", actor=anna)
    assert len(failures) == 21
    assert all(e.ip == "127.0.0.1" and e.at is not None for e in failures)
    assert [e.details["during_lockout"] for e in failures] == [False] * 5 + [True] * 16
    lockouts = events("user.lock_out", actor=anna)
    assert len(lockouts) == 1 and lockouts[0].ip == "127.0.0.1"
    assert not events("user.sign_in")


def test_lockout_holds_from_another_address_and_ends_after_reset(anna, client):
    for i in range(5):
        attempt(client, anna.username, f"fel-{i}")
    assert attempt(client, anna.username, "pw-samordnare", ip="10.1.2.3").status_code == 429

    call_command("axes_reset_username", anna.username)
    response = attempt(client, anna.username, "pw-samordnare", ip="10.1.2.3")
    assert response.status_code == 302
    assert signed_in(client)
    assert events("user.sign_in", actor=anna)[0].ip == "10.1.2.3"


def test_signing_in_with_ones_own_account_clears_no_one_elses_failures(world, anna, client):
    # An attacker with an account of their own signs in between guesses at anna's.
    for round_ in range(2):
        for i in range(3):
            assert attempt(client, anna.username, f"fel-{round_}-{i}").status_code in (200, 429)
        assert attempt(client, "rapportor", "pw-rapportor").status_code == 302
        client.logout()
    assert attempt(client, anna.username, "pw-samordnare").status_code == 429


def test_lockout_ends_by_itself_after_the_cool_off(anna, client, settings):
    from datetime import timedelta

    from axes.models import AccessAttempt
    from django.utils import timezone

    for i in range(5):
        attempt(client, anna.username, f"fel-{i}")
    assert attempt(client, anna.username, "pw-samordnare").status_code == 429
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    assert attempt(client, anna.username, "pw-samordnare").status_code == 302


def test_one_address_trying_many_accounts_is_locked_at_the_higher_limit(world, client, settings):
    settings.SIGNIN_IP_FAILURE_LIMIT = 12
    # At most two failures per account never reach the per-account limit of 5.
    statuses = [
        attempt(client, f"gissning{i // 2}", "x", ip="192.0.2.9").status_code for i in range(12)
    ]
    assert statuses == [200] * 11 + [429]
    refused = attempt(client, "samordnare", "pw-samordnare", ip="192.0.2.9")
    assert refused.status_code == 429
    assert attempt(client, "samordnare", "pw-samordnare", ip="192.0.2.10").status_code == 302


def test_a_few_failures_below_the_ip_limit_lock_nothing(world, client, settings):
    settings.SIGNIN_IP_FAILURE_LIMIT = 12
    for i in range(11):
        attempt(client, f"gissning{i}", "x", ip="192.0.2.9")
    assert attempt(client, "samordnare", "pw-samordnare", ip="192.0.2.9").status_code == 302


def test_admin_login_is_locked_too(world, client):
    admin = world.users["sysadmin"]
    for i in range(5):
        attempt(client, admin.username, f"fel-{i}", url="/admin/login/")
    refused = attempt(client, admin.username, "pw-admin", url="/admin/login/")
    assert refused.status_code == 429
    assert len(events("sign_in.fail", actor=admin)) == 6
    assert len(events("user.lock_out", actor=admin)) == 1


def test_unknown_names_are_not_written_to_the_log(world, client):
    attempt(client, "hemligt-lösenord-i-fel-fält", "x")
    (event,) = events("sign_in.fail")
    assert event.actor is None and event.actor_name == ""
    assert "hemligt" not in str(event.details)
    assert event.details["known_account"] is False


def test_login_and_logout_are_audited(anna, client):
    assert attempt(client, anna.username, "pw-samordnare", ip="10.9.8.7").status_code == 302
    client.post(reverse("logout"), REMOTE_ADDR="10.9.8.7")
    (login,) = events("user.sign_in")
    (logout,) = events("user.sign_out")
    assert login.actor == anna and logout.actor == anna
    assert login.ip == logout.ip == "10.9.8.7"


def test_org_admin_unlocks_a_member_and_it_is_audited(world, anna, client):
    for i in range(5):
        attempt(client, anna.username, f"fel-{i}")
    admin = world.users["org_admin"]  # admin of Norrby kommun, where anna is coordinator
    client.force_login(admin)
    page = client.get(reverse("organisation-detail", args=[world.kommun.pk]))
    assert reverse("account-unlock", args=[anna.pk]) in page.content.decode()
    response = client.post(reverse("account-unlock", args=[anna.pk]))
    assert response.status_code == 302
    (event,) = events("user.unlock")
    assert event.actor == admin and event.object_id == str(anna.pk)
    client.logout()
    assert attempt(client, anna.username, "pw-samordnare").status_code == 302


def test_an_admin_of_another_organisation_cannot_unlock(world, anna, client, django_user_model):
    stranger = django_user_model.objects.create_user("frammande", password="x")
    Membership.objects.create(user=stranger, organisation=world.other, role=Role.ORG_ADMIN)
    client.force_login(stranger)
    assert client.post(reverse("account-unlock", args=[anna.pk])).status_code == 403
    assert not events("user.unlock")


# --- passwords ------------------------------------------------------------------------


def change_password(client, old, new):
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


def test_password_shorter_than_twelve_is_refused_in_swedish(anna, client):
    client.force_login(anna)
    response = change_password(client, "pw-samordnare", "Kort-7x!q2")
    assert response.status_code == 200
    assert "minst 12 tecken" in response.content.decode()
    anna.refresh_from_db()
    assert anna.check_password("pw-samordnare")


def test_user_changes_own_password(anna, client):
    client.force_login(anna)
    response = change_password(client, "pw-samordnare", "Lingonris-Hallon-42")
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    anna.refresh_from_db()
    assert anna.check_password("Lingonris-Hallon-42")
    assert events("user.change_password", actor=anna)
    assert signed_in(client)  # the session stays valid after one's own change


def test_a_password_change_ends_the_other_sessions(anna, client):
    from django.test import Client

    other = Client()
    assert attempt(other, anna.username, "pw-samordnare").status_code == 302
    client.force_login(anna)
    assert change_password(client, "pw-samordnare", "Lingonris-Hallon-42").status_code == 302
    assert signed_in(client)
    assert not signed_in(other)


# --- idle sessions --------------------------------------------------------------------


def age_session(client, seconds):
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - seconds
    session.save()


def test_idle_session_ends_and_is_audited(anna, client, settings):
    assert attempt(client, anna.username, "pw-samordnare").status_code == 302
    age_session(client, settings.SESSION_IDLE_TIMEOUT - 120)
    assert signed_in(client)
    age_session(client, settings.SESSION_IDLE_TIMEOUT + 1)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and LOGIN in response["Location"]
    assert events("session.expire", actor=anna)
    assert not signed_in(client)


def test_case_roles_get_the_shorter_idle_timeout(world, client, settings, django_user_model):
    settings.SESSION_IDLE_TIMEOUT_CASES = 600
    officer = django_user_model.objects.create_user("handlaggare", password="pw-handlaggare")
    Membership.objects.create(user=officer, organisation=world.kommun, role=Role.CASE_OFFICER)
    attempt(client, "handlaggare", "pw-handlaggare")
    assert client.session.get_expiry_age() == 600
    age_session(client, 601)
    assert not signed_in(client)

    client.logout()
    attempt(client, "rapportor", "pw-rapportor")
    assert client.session.get_expiry_age() == settings.SESSION_IDLE_TIMEOUT
    age_session(client, 601)
    assert signed_in(client)


# --- caching and deactivation -------------------------------------------------------------


def test_case_pages_are_not_stored_other_pages_may_be(world, client, django_user_model):
    officer = django_user_model.objects.create_user("handlaggare", password="x")
    Membership.objects.create(user=officer, organisation=world.kommun, role=Role.CASE_OFFICER)
    client.force_login(officer)
    response = client.get(reverse("case-list"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "no-store" in client.get(reverse("case-api-list"))["Cache-Control"]
    assert "no-store" not in client.get(reverse("home")).get("Cache-Control", "")


def test_deactivated_user_loses_session_and_token_at_once(anna, client):
    token = Token.objects.create(user=anna)
    api = reverse("api-area-list")
    assert client.get(api, HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 200
    attempt(client, anna.username, "pw-samordnare")
    assert signed_in(client)

    anna.is_active = False
    anna.save()
    assert not signed_in(client)
    client.logout()
    assert client.get(api, HTTP_AUTHORIZATION=f"Token {token.key}").status_code in (401, 403)
    assert not Token.objects.filter(user=anna).exists()


def test_removed_membership_loses_access_at_once(anna, world, client):
    client.force_login(anna)
    page = reverse("organisation-detail", args=[world.kommun.pk])
    assert client.get(page).status_code == 200
    Membership.objects.filter(user=anna).delete()
    assert client.get(page).status_code == 403


# --- client address behind a proxy ------------------------------------------------------


def test_client_address_is_read_from_trusted_proxies_only(rf, settings):
    from samverkan.core.audit import client_ip

    forged = rf.get("/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="10.0.0.1")
    assert client_ip(forged) == "203.0.113.5"
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    proxied = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    # The proxy appends the address it saw; what the client sent in front of it is not trusted.
    assert client_ip(proxied) == "198.51.100.7"
    assert client_ip(rf.get("/", REMOTE_ADDR="127.0.0.1")) == "127.0.0.1"


def test_behind_a_trusted_proxy_each_client_is_counted_on_its_own(world, client, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    settings.SIGNIN_IP_FAILURE_LIMIT = 6
    for i in range(6):
        client.post(
            LOGIN,
            {"username": f"gissning{i}", "password": "x"},
            HTTP_X_FORWARDED_FOR="198.51.100.7",
        )
    response = client.post(
        LOGIN,
        {"username": "samordnare", "password": "pw-samordnare"},
        HTTP_X_FORWARDED_FOR="198.51.100.8",
    )
    assert response.status_code == 302
    failures = events("sign_in.fail")
    assert {e.ip for e in failures} == {"198.51.100.7"}


def test_removed_case_role_refuses_the_api_token_at_once(world, client, django_user_model):
    officer = django_user_model.objects.create_user("handlaggare", password="x")
    Membership.objects.create(user=officer, organisation=world.kommun, role=Role.CASE_OFFICER)
    token = Token.objects.create(user=officer)
    api = reverse("case-api-list")
    assert client.get(api, HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 200
    Membership.objects.filter(user=officer).delete()
    assert client.get(api, HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 403


def test_lifting_a_lockout_in_the_admin_leaves_the_same_audit_event(anna, world, client):
    from axes.models import AccessAttempt

    for i in range(5):
        attempt(client, anna.username, f"fel-{i}")
    assert attempt(client, anna.username, "pw-samordnare").status_code == 429
    record = AccessAttempt.objects.get(username=anna.username)

    admin = world.users["sysadmin"]
    client.force_login(admin)
    url = reverse("admin:axes_accessattempt_delete", args=[record.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    client.logout()

    [unlock] = events("user.unlock")
    assert unlock.actor == admin and unlock.object_id == str(anna.pk)
    assert unlock.details == {"removed_attempts": 1, "via": "admin", "username": anna.username}
    assert attempt(client, anna.username, "pw-samordnare").status_code == 302


def test_api_tokens_made_or_removed_in_the_admin_are_audited(world, client):
    # A token signs its holder in to the API; the admin made and removed them silently.
    from samverkan.core.models import AuditEvent

    admin_user, holder = world.users["sysadmin"], world.users["reporter"]
    client.force_login(admin_user)
    add = reverse("admin:authtoken_tokenproxy_add")
    assert client.post(add, {"user": holder.pk}).status_code == 302
    token = Token.objects.get(user=holder)
    [made] = events("api_token.create")
    assert made.actor == admin_user and made.object_id == str(holder.pk)
    assert made.details == {"via": "admin", "username": holder.username}
    # The key is the token's secret: it is nowhere in the audit log.
    assert not [e for e in AuditEvent.objects.all() if token.key in str(e.__dict__)]
    delete = reverse("admin:authtoken_tokenproxy_delete", args=[holder.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not Token.objects.filter(user=holder).exists()
    [removed] = events("api_token.delete")
    assert removed.actor == admin_user and removed.object_id == str(holder.pk)
