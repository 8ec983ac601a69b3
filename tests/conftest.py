"""Shared fixtures: a small world of areas, organisations, partnerships and users.

Two municipalities side by side (synthetic squares, so tests are fast and exact), each with
its own partnership; users for every role in the first, one coordinator in the second.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def square(lon0, lat0, lon1, lat1):
    return {
        "type": "Polygon",
        "coordinates": [[[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0]]],
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's deliberate slowness costs seconds per test user and tests nothing here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def verify_second_factor(client, user):
    """Mark ``client``'s session as signed in with a second factor, as the code step would.

    For users who must use one or have one (samverkan/core/two_factor.py) a confirmed app
    is created if missing and the session records it: exactly what django-otp's ``login``
    stores after a correct code. Tests of the code step itself use the real pages.
    """
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from samverkan.core.two_factor import enrolled, requires_two_factor

    if not (requires_two_factor(user) or enrolled(user)):
        return
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture(autouse=True)
def _force_login_includes_second_factor(request, monkeypatch):
    """``client.force_login`` skips signing in, so it skips the second factor as well.

    Explicit and only here: every ``force_login`` in the tests also calls
    :func:`verify_second_factor`. Tests marked ``real_second_factor`` keep Django's own
    ``force_login`` (password step only) to exercise the two-factor rules; the browser
    tests never use it and always enter a real code.
    """
    if request.node.get_closest_marker("real_second_factor"):
        return
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        verify_second_factor(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def shared_data():
    if not SHARED_DATA.exists():
        pytest.fail(f"../shared/data saknas ({SHARED_DATA}); testerna behöver den.")
    return SHARED_DATA


@pytest.fixture
def world(db, django_user_model):
    from samverkan.core.models import Area, Membership, Organisation, Partnership
    from samverkan.core.roles import Role

    def area(code, name, level, geom, parent=None):
        lons = [c[0] for c in geom["coordinates"][0]]
        lats = [c[1] for c in geom["coordinates"][0]]
        return Area.objects.create(
            code=code,
            name=name,
            level=level,
            geometry=geom,
            parent=parent,
            min_lon=min(lons),
            max_lon=max(lons),
            min_lat=min(lats),
            max_lat=max(lats),
        )

    county = area("99", "Testlän", "county", square(15, 59, 17, 60))
    m1 = area("9901", "Norrby", "municipality", square(15, 59, 16, 60), county)
    m2 = area("9902", "Söderby", "municipality", square(16, 59, 17, 60), county)

    kommun = Organisation.objects.create(name="Norrby kommun", kind="municipality")
    polis = Organisation.objects.create(name="Lokalpolisområde Norrby", kind="police")
    bostad = Organisation.objects.create(name="Norrbyhem AB", kind="housing")
    lst = Organisation.objects.create(name="Länsstyrelsen i Testlän", kind="county_board")
    other = Organisation.objects.create(name="Söderby kommun", kind="municipality")

    p1 = Partnership.objects.create(name="Samverkan Norrby")
    p1.organisations.set([kommun, polis, bostad])
    p1.areas.set([m1])
    p2 = Partnership.objects.create(name="Samverkan Söderby")
    p2.organisations.set([other])
    p2.areas.set([m2])

    def user(username, org, role, **extra):
        u = django_user_model.objects.create_user(username, password="pw-" + username, **extra)
        Membership.objects.create(user=u, organisation=org, role=role)
        return u

    users = {
        "reporter": user("rapportor", bostad, Role.REPORTER),
        "coordinator": user("samordnare", kommun, Role.COORDINATOR),
        "police_coordinator": user("polissamordnare", polis, Role.COORDINATOR),
        "steering": user("styrgrupp", kommun, Role.STEERING),
        "org_admin": user("orgadmin", kommun, Role.ORG_ADMIN),
        "regional": user("lansviewer", lst, Role.REGIONAL_VIEWER),
        "other_coordinator": user("annan", other, Role.COORDINATOR),
        "sysadmin": django_user_model.objects.create_superuser("admin", password="pw-admin"),
    }

    class World:
        pass

    w = World()
    w.county, w.m1, w.m2 = county, m1, m2
    w.kommun, w.polis, w.bostad, w.lst, w.other = kommun, polis, bostad, lst, other
    w.p1, w.p2 = p1, p2
    w.users = users
    return w


@pytest.fixture
def client_for(client):
    """Log a test client in as one of the world's users: ``client_for(world.users['x'])``."""

    def login(user):
        client.force_login(user)
        return client

    return login


def pytest_report_header(config):
    return f"database: {os.environ.get('DATABASE_URL', 'sqlite (SAMVERKAN_DATA)')}"
