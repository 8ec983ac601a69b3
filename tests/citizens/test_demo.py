import pytest

from samverkan.citizens.hexmap import public_map
from samverkan.citizens.models import Observation
from samverkan.demo.loader.safety_walk import NOTE, load_safety_walk

pytestmark = pytest.mark.django_db


def test_demo_observations_fill_one_public_cell_and_load_once(world):
    load_safety_walk(world.m1, world.users["coordinator"], log=lambda *_: None)
    load_safety_walk(world.m1, world.users["coordinator"], log=lambda *_: None)
    assert Observation.objects.count() == 5
    assert Observation.objects.filter(status="pending").count() == 2
    cells = public_map(world.m1)["features"]
    assert [c["properties"]["count"] for c in cells] == [3]
    assert cells[0]["properties"]["notes"] == [NOTE]
