"""The world with the objects the API serves (the matrix fragments' own fixtures)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

import tests.matrix  # noqa: F401  (loads every fragment first: they import tests.matrix)
from tests.api.matrix import extend_world as api_world
from tests.followup.matrix import extend_world as followup_world
from tests.plans.matrix import extend_world as plans_world
from tests.situation.matrix import extend_world as situation_world


@pytest.fixture
def aw(world):
    for extend in (situation_world, plans_world, followup_world, api_world):
        extend(world)
    return world


@pytest.fixture
def token_client():
    """``token_client(user)``: a client that signs every request with the user's token,
    as a machine client does (no session, no CSRF token)."""
    from rest_framework.authtoken.models import Token

    def make(user):
        client = APIClient(enforce_csrf_checks=True)
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make
