"""The plans world (tests/plans/matrix.py) with a channel list, uploads in tmp."""

from __future__ import annotations

import pytest

import tests.matrix  # noqa: F401  (loads every fragment first: they import tests.matrix)
from tests.communication.matrix import extend_world as add_activity
from tests.plans.matrix import extend_world


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def cw(world):
    extend_world(world)
    add_activity(world)
    return world
