"""In the browser: single sign-on through a real OpenID Connect provider started by the test.

The browser follows the whole code flow: the sign-in page's button, the provider's
/authorize (which approves the test user at once) and its redirect back; the live server
then calls the provider's /token and /jwks itself.
"""

from __future__ import annotations

import pytest

from samverkan.core import oidc
from tests.e2e.conftest import screenshot
from tests.oidc_provider import OIDCProvider

pytestmark = pytest.mark.e2e


@pytest.fixture
def provider(transactional_db, settings):
    from samverkan.core.models import Organisation

    kommun = Organisation.objects.create(name="Norrby kommun", kind="municipality")
    with OIDCProvider() as p:
        p.user = {
            "sub": "e2e-1",
            "preferred_username": "bo.sso",
            "given_name": "Bo",
            "family_name": "Berg",
            "groups": ["sg-samverkan-samordnare"],
        }
        settings.OIDC_DISCOVERY_URL = p.discovery_url
        settings.OIDC_CLIENT_ID = p.client_id
        settings.OIDC_CLIENT_SECRET = p.client_secret
        settings.OIDC_PROVIDER_NAME = "Norrby kommuns konto"
        settings.OIDC_ROLE_MAPPING = {
            "sg-samverkan-samordnare": {"organisation": kommun.pk, "role": "coordinator"}
        }
        oidc._client.cache_clear()
        yield p
        oidc._client.cache_clear()


def test_sign_in_with_the_provider(page, live_server, provider, django_user_model):
    from samverkan.core.models import Membership

    page.goto(f"{live_server.url}/konto/logga-in/?next=/organisationer/")
    page.get_by_role("link", name="Logga in med Norrby kommuns konto").click()
    page.wait_for_url(f"{live_server.url}/organisationer/")
    assert page.locator(".user-name").inner_text() == "Bo Berg"
    assert page.get_by_role("link", name="Norrby kommun").is_visible()
    user = django_user_model.objects.get(username="bo.sso")
    membership = Membership.objects.get(user=user)
    assert (membership.organisation.name, membership.role) == ("Norrby kommun", "coordinator")
    screenshot(page, "oidc-signed-in")


def test_unmapped_user_sees_why(page, live_server, provider, django_user_model):
    provider.user["groups"] = ["sg-ekonomi"]
    page.goto(f"{live_server.url}/konto/logga-in/")
    page.get_by_role("link", name="Logga in med Norrby kommuns konto").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Inloggningen nekades"
    assert "Du har ingen roll i Samverkan" in page.get_by_role("alert").inner_text()
    assert not django_user_model.objects.filter(username="bo.sso").exists()
    screenshot(page, "oidc-refused")
