"""The world with one of each plans object (tests/plans/matrix.py), uploads in tmp."""

from __future__ import annotations

import pytest

import tests.matrix  # noqa: F401  (loads every fragment first: they import tests.matrix)
from tests.plans.matrix import extend_world


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def pw(world):
    extend_world(world)
    return world


def audit_actions(**filters):
    from samverkan.core.models import AuditEvent

    return list(
        AuditEvent.objects.filter(**filters).order_by("id").values_list("action", flat=True)
    )
