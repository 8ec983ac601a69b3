"""A world with case roles: police case officers (one assigned, one not), supervisors of
the police and the municipality, a municipal case officer, and one RRI case."""

from __future__ import annotations

import pytest

from samverkan.core.roles import Role
from tests.cases.helpers import make_user, pnr_for_age


@pytest.fixture
def cw(world):
    from samverkan.cases import services

    u = world.users
    u["officer"] = make_user("hanna", world.polis, Role.CASE_OFFICER)
    u["other_officer"] = make_user("olof", world.polis, Role.CASE_OFFICER)
    u["supervisor"] = make_user("asa", world.polis, Role.CASE_SUPERVISOR)
    u["kommun_officer"] = make_user("karin", world.kommun, Role.CASE_OFFICER)
    u["kommun_supervisor"] = make_user("kalle", world.kommun, Role.CASE_SUPERVISOR)
    u["other_supervisor"] = make_user("sven", world.other, Role.CASE_SUPERVISOR)
    u["polis_admin"] = make_user("polisadmin", world.polis, Role.ORG_ADMIN)
    world.pnr = pnr_for_age(19)
    world.case = services.create_case(
        u["officer"],
        organisation=world.polis,
        case_type="rri",
        person_name="Adam Andersson",
        person_number=world.pnr,
        background="Hotade en lärare i oktober.",
        partners=[world.kommun],
        purpose="Handläggning",
    )
    return world
