"""1,000 submissions from many addresses behind a trusted proxy: no 5xx, limits hold."""

import time

import pytest
from django.test import Client

from samverkan.citizens import challenge
from samverkan.citizens.models import Observation
from samverkan.citizens.services import concerns_for

pytestmark = pytest.mark.django_db


def test_thousand_submissions_without_a_server_error(world, settings):
    settings.TRUSTED_PROXIES = ["10.9.9.9"]
    settings.CITIZEN_RATE_PER_IP = 2
    settings.CITIZEN_RATE_PER_DEVICE = 1000
    concern = concerns_for(world.m1).first().pk
    client = Client()
    client.get("/tryggvandring/9901/")
    statuses: dict[int, int] = {}
    started = time.monotonic()
    for i in range(1000):
        ch = challenge.issue()
        data = {
            "lon": 15.0 + (i % 97) / 100,
            "lat": 59.0 + (i % 89) / 100,
            "concerns": [concern],
            "text": f"Observation {i}",
            "challenge": ch,
            "counter": str(challenge.solve(ch)),
        }
        # Every tenth post is a robot in some way: honeypot, no work, or a point outside.
        if i % 10 == 3:
            data["website"] = "x"
        elif i % 10 == 6:
            data["counter"] = "notanumber"
        elif i % 10 == 9:
            data["lon"] = 30.0
        # 300 addresses: each sends three or four times, the limit is two.
        r = client.post(
            "/tryggvandring/9901/",
            data,
            REMOTE_ADDR="10.9.9.9",
            HTTP_X_FORWARDED_FOR=f"198.51.{i % 300 // 250}.{i % 250}",
        )
        statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
    elapsed = time.monotonic() - started
    assert not any(code >= 500 for code in statuses), statuses
    assert elapsed < 60
    assert set(statuses) <= {302, 400, 429}
    # Each address got its genuine posts stored up to its quota of two, and no more.
    genuine: dict[str, int] = {}
    for i in range(1000):
        if i % 10 not in (3, 6, 9):
            ip = f"{i % 300 // 250}.{i % 250}"
            genuine[ip] = genuine.get(ip, 0) + 1
    assert Observation.objects.count() == sum(min(n, 2) for n in genuine.values())
    assert statuses[400] == 200
    assert statuses[429] == sum(max(n - 2, 0) for n in genuine.values())
