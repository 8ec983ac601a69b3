"""Numbers beyond 64 bits in the problem form and its query are refused, not a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

HUGE = "99999999999999999999999"


@pytest.fixture
def coordinator(world, client):
    client.raise_request_exception = False
    client.force_login(world.users["coordinator"])
    return client


@pytest.mark.parametrize("value", [HUGE, "x", "-1"])
def test_problem_from_a_finding_refuses_a_bad_lagesbild_id(coordinator, value):
    response = coordinator.get(reverse("problem-create"), {"lagesbild": value, "kategori": "x"})
    assert response.status_code == 400
    assert "Parametern lagesbild" in response.content.decode()


@pytest.mark.parametrize("value", [HUGE, "9" * 5000, "١٢"])
def test_incident_numbers_beyond_64_bits_are_a_form_error(world, coordinator, value):
    data = {
        "partnership": world.p1.pk,
        "title": "Klotter vid skolan",
        "priority": 1,
        "area": world.m1.pk,
        "incident_ids": f"1, {value}",
    }
    response = coordinator.post(reverse("problem-create"), data)
    assert response.status_code == 200
    assert "är inget händelsenummer" in response.content.decode()
