"""Single sign-on against a real OpenID Connect provider that the test starts itself.

The test client goes to /konto/sso/, the browser's leg to the provider's /authorize is
made with ``requests``, and the provider's redirect brings the code back to the callback;
the platform then calls the provider's /token and /jwks over HTTP as it would in
production (tests/oidc_provider.py).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests
from django.urls import reverse

from samverkan.core import oidc
from samverkan.core.models import AuditEvent, Membership
from tests.oidc_provider import OIDCProvider

NOT_MAPPED = "Du har ingen roll i Samverkan"
NOT_VERIFIED = "kunde inte verifieras"


@pytest.fixture
def provider():
    with OIDCProvider() as p:
        p.user = {
            "sub": "a1b2c3",
            "preferred_username": "anna.sso",
            "email": "anna@norrby.example",
            "given_name": "Anna",
            "family_name": "Andersson",
            "groups": ["samverkan-samordnare"],
        }
        yield p


@pytest.fixture
def sso(provider, settings, world):
    settings.OIDC_DISCOVERY_URL = provider.issuer
    settings.OIDC_CLIENT_ID = provider.client_id
    settings.OIDC_CLIENT_SECRET = provider.client_secret
    settings.OIDC_PROVIDER_NAME = "Norrby kommuns inloggning"
    settings.OIDC_ROLE_MAPPING = {
        "samverkan-samordnare": {"organisation": "Norrby kommun", "role": "coordinator"},
        "samverkan-handlaggare": [
            {"organisation": "Norrby kommun", "role": "case_officer", "areas": ["9901"]},
        ],
        "polisen": {"organisation": world.polis.pk, "role": "reporter"},
    }
    settings.OIDC_CREATE_USERS = True
    oidc._client.cache_clear()
    yield provider
    oidc._client.cache_clear()


def sign_in(client, query=""):
    """The whole code flow; returns the platform's answer to the provider's redirect."""
    start = client.get("/konto/sso/" + query)
    assert start.status_code == 302, start.content
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302, at_provider.text
    back = urlsplit(at_provider.headers["Location"])
    assert back.path == "/konto/sso/svar/"
    return client.get(back.path + "?" + back.query)


def test_no_button_without_configuration(client, db):
    page = client.get("/konto/logga-in/").content.decode()
    assert "/konto/sso/" not in page
    assert client.get("/konto/sso/").status_code == 404


def test_login_page_names_the_provider(client, sso):
    page = client.get("/konto/logga-in/?next=/handelser/").content.decode()
    assert "Logga in med Norrby kommuns inloggning" in page
    assert 'href="/konto/sso/?next=/handelser/"' in page


def test_mapped_group_lands_in_organisation_and_role(client, sso, world, django_user_model):
    response = sign_in(client, "?next=/handelser/")
    assert response.status_code == 302
    assert response["Location"] == "/handelser/"
    user = django_user_model.objects.get(username="anna.sso")
    assert not user.has_usable_password()
    assert (user.email, user.first_name, user.last_name) == (
        "anna@norrby.example",
        "Anna",
        "Andersson",
    )
    memberships = list(Membership.objects.filter(user=user))
    assert [(m.organisation, m.role) for m in memberships] == [(world.kommun, "coordinator")]
    assert client.get("/").status_code == 200
    actions = list(AuditEvent.objects.filter(actor=user).values_list("action", flat=True))
    for action in ("user.create", "membership.grant", "user.sign_in", "user.sign_in_sso"):
        assert action in actions
    sso_event = AuditEvent.objects.get(action="user.sign_in_sso")
    assert sso_event.details["issuer"] == sso.issuer
    assert sso_event.details["created"] is True


def test_memberships_follow_the_groups_at_every_login(client, sso, world, django_user_model):
    sign_in(client)
    sso.user["groups"] = ["samverkan-handlaggare", "polisen"]
    client.logout()
    assert sign_in(client).status_code == 302
    user = django_user_model.objects.get(username="anna.sso")
    got = {(m.organisation, m.role) for m in Membership.objects.filter(user=user)}
    assert got == {(world.kommun, "case_officer"), (world.polis, "reporter")}
    officer = Membership.objects.get(user=user, role="case_officer")
    assert list(officer.areas.all()) == [world.m1]
    revoked = AuditEvent.objects.get(action="membership.revoke")
    assert revoked.details["role"] == "coordinator"
    assert AuditEvent.objects.get(action="user.sign_in_sso", details__created=False)


def test_unmapped_user_is_refused_without_an_account(client, sso, django_user_model):
    sso.user["groups"] = ["ekonomi", "alla-anstallda"]
    response = sign_in(client)
    assert response.status_code == 403
    assert NOT_MAPPED in response.content.decode()
    assert not django_user_model.objects.filter(username="anna.sso").exists()
    assert "_auth_user_id" not in client.session
    failed = AuditEvent.objects.get(action="sign_in.fail")
    assert failed.details == {"method": "oidc", "reason": "not_mapped", "known_account": False}


def test_user_without_groups_claim_is_refused(client, sso, django_user_model):
    del sso.user["groups"]
    response = sign_in(client)
    assert response.status_code == 403
    assert NOT_MAPPED in response.content.decode()
    assert not django_user_model.objects.filter(username="anna.sso").exists()


def test_groups_from_userinfo_when_not_in_the_id_token(client, sso, world, django_user_model):
    sso.groups_in_userinfo_only = True
    assert sign_in(client).status_code == 302
    user = django_user_model.objects.get(username="anna.sso")
    assert Membership.objects.get(user=user).role == "coordinator"


def test_removed_from_every_group_loses_roles_and_access(client, sso, django_user_model):
    sign_in(client)
    client.logout()
    sso.user["groups"] = []
    response = sign_in(client)
    assert response.status_code == 403
    user = django_user_model.objects.get(username="anna.sso")
    assert not Membership.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(action="membership.revoke", object_id__isnull=False).count()
    assert "_auth_user_id" not in client.session


def test_no_new_accounts_when_creation_is_off(client, sso, settings, django_user_model):
    settings.OIDC_CREATE_USERS = False
    response = sign_in(client)
    assert response.status_code == 403
    assert "inget konto" in response.content.decode()
    assert not django_user_model.objects.filter(username="anna.sso").exists()


def test_existing_sso_account_signs_in_when_creation_is_off(
    client, sso, settings, django_user_model
):
    sign_in(client)
    client.logout()
    settings.OIDC_CREATE_USERS = False
    assert sign_in(client).status_code == 302


def test_local_account_cannot_be_taken_over(client, sso, world):
    sso.user["preferred_username"] = world.users["coordinator"].username
    response = sign_in(client)
    assert response.status_code == 403
    assert "lokalt konto" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_deactivated_account_is_refused(client, sso, django_user_model):
    sign_in(client)
    client.logout()
    django_user_model.objects.filter(username="anna.sso").update(is_active=False)
    response = sign_in(client)
    assert response.status_code == 403
    assert "avstängt" in response.content.decode()


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda p: setattr(p, "sign_with_rogue_key", True), id="bad-signature"),
        pytest.param(lambda p: setattr(p, "audience", "annan-klient"), id="wrong-audience"),
        pytest.param(
            lambda p: (setattr(p, "audience", "annan-klient"), setattr(p, "azp", p.client_id)),
            id="wrong-audience-naming-us-as-azp",
        ),
        pytest.param(lambda p: setattr(p, "audience", ""), id="no-audience"),
        pytest.param(
            lambda p: setattr(p, "issuer_claim", "http://evil.example"), id="wrong-issuer"
        ),
        pytest.param(lambda p: setattr(p, "lifetime", -600), id="expired"),
    ],
)
def test_forged_id_token_is_refused(client, sso, forge, django_user_model):
    forge(sso)
    response = sign_in(client)
    assert response.status_code == 403
    assert NOT_VERIFIED in response.content.decode()
    assert sso.token_requests == 1
    assert not django_user_model.objects.filter(username="anna.sso").exists()
    assert "_auth_user_id" not in client.session
    failed = AuditEvent.objects.get(action="sign_in.fail")
    assert failed.details["method"] == "oidc"
    assert failed.details["reason"].startswith("invalid:")


def test_replayed_nonce_is_refused(client, sso, django_user_model):
    assert sign_in(client).status_code == 302
    client.logout()
    django_user_model.objects.filter(username="anna.sso").delete()
    # A valid, signed ID token from the earlier sign-in, with that sign-in's nonce.
    sso.replay_last_id_token = True
    response = sign_in(client)
    assert response.status_code == 403
    assert NOT_VERIFIED in response.content.decode()
    assert not django_user_model.objects.filter(username="anna.sso").exists()


def test_replayed_callback_is_refused(client, sso, django_user_model):
    start = client.get("/konto/sso/")
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=10)
    back = urlsplit(at_provider.headers["Location"])
    assert client.get(back.path + "?" + back.query).status_code == 302
    client.logout()
    again = client.get(back.path + "?" + back.query)
    assert again.status_code == 403
    assert "_auth_user_id" not in client.session


def test_provider_error_is_refused(client, sso):
    client.get("/konto/sso/")
    response = client.get("/konto/sso/svar/?error=access_denied&state=x")
    assert response.status_code == 403
    failed = AuditEvent.objects.get(action="sign_in.fail")
    assert failed.details["reason"] == "provider_error:access_denied"


def test_foreign_next_is_not_followed(client, sso):
    response = sign_in(client, "?next=https://evil.example/")
    assert response["Location"] == "/"


def test_unreachable_provider_gives_a_friendly_page(client, sso, settings):
    settings.OIDC_DISCOVERY_URL = "http://127.0.0.1:9"
    oidc._client.cache_clear()
    response = client.get("/konto/sso/")
    assert response.status_code == 503
    assert "svarar inte" in response.content.decode()


def test_invalid_mapping_entry_grants_nothing(client, sso, settings, django_user_model):
    settings.OIDC_ROLE_MAPPING = {
        "samverkan-samordnare": [
            {"organisation": "Finns inte AB", "role": "coordinator"},
            {"organisation": "Norrby kommun", "role": "kung"},
            {"organisation": "Norrby kommun", "role": "reporter", "areas": ["0000"]},
        ]
    }
    response = sign_in(client)
    assert response.status_code == 403
    assert not django_user_model.objects.filter(username="anna.sso").exists()


@pytest.mark.parametrize("mapping", [[], {"samverkan-samordnare": "coordinator"}])
def test_malformed_mapping_grants_nothing(client, sso, settings, mapping, django_user_model):
    settings.OIDC_ROLE_MAPPING = mapping
    response = sign_in(client)
    assert response.status_code == 403
    assert NOT_MAPPED in response.content.decode()
    assert not django_user_model.objects.filter(username="anna.sso").exists()


def test_area_limited_grant_by_level_and_code(client, sso, settings, world):
    settings.OIDC_ROLE_MAPPING = {
        "samverkan-samordnare": [
            {"organisation": "Norrby kommun", "role": "reporter", "areas": ["municipality:9901"]},
            {"organisation": "Norrby kommun", "role": "reporter", "areas": ["9902"]},
        ]
    }
    assert sign_in(client).status_code == 302
    membership = Membership.objects.get(user__username="anna.sso")
    assert set(membership.areas.all()) == {world.m1, world.m2}


def test_case_officer_by_sso_still_needs_the_second_factor(client, sso):
    # The provider's sign-in is the first factor only: a case role must enrol an app here.
    sso.user["groups"] = ["samverkan-handlaggare"]
    sso.user["amr"] = ["pwd", "mfa"]
    assert sign_in(client, "?next=/arenden/").status_code == 302
    response = client.get("/arenden/")
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/tvafaktor/")


def test_second_factor_only_when_the_provider_says_so(client, sso, settings):
    sign_in(client)
    request = type("R", (), {"session": client.session})()
    assert not oidc.second_factor_by_idp(request)
    client.logout()
    sso.user["amr"] = ["pwd", "mfa"]
    sign_in(client)
    request = type("R", (), {"session": client.session})()
    assert oidc.second_factor_by_idp(request)
    assert AuditEvent.objects.filter(action="user.sign_in_sso").order_by("pk").last().details[
        "amr"
    ] == [
        "pwd",
        "mfa",
    ]


def test_signing_out_ends_the_session_at_the_provider_too(client, sso):
    assert sign_in(client).status_code == 302
    out = client.post(reverse("logout"))
    assert out.status_code == 302
    at_provider = urlsplit(out["Location"])
    assert f"{at_provider.scheme}://{at_provider.netloc}" == sso.issuer
    assert at_provider.path == "/logout"
    # The browser follows to the provider, which ends its session and sends it back.
    back = requests.get(out["Location"], allow_redirects=False, timeout=10)
    assert back.status_code == 302
    assert urlsplit(back.headers["Location"]).path == reverse("login")
    [request] = sso.logouts
    assert request["known_token"] and request["client_id"] == sso.client_id
    # Signed out here as well, and the event is written.
    assert client.get(reverse("home")).status_code == 302
    assert AuditEvent.objects.filter(action="user.sign_out").count() == 1


def test_without_an_end_session_endpoint_signing_out_stays_local(client, sso):
    sso.supports_logout = False
    oidc._client.cache_clear()
    assert sign_in(client).status_code == 302
    out = client.post(reverse("logout"))
    assert out.status_code == 302 and urlsplit(out["Location"]).path == reverse("login")
    assert sso.logouts == []
    assert client.get(reverse("home")).status_code == 302


def test_a_password_session_signs_out_locally(client, sso, world):
    client.force_login(world.users["coordinator"])
    out = client.post(reverse("logout"))
    assert urlsplit(out["Location"]).path == reverse("login")
    assert sso.logouts == []
