"""Permission matrix rows for preventive cases (pages and the cases API).

None of the four matrix users holds a case role: the coordinator (Norrby kommun) sees only
the aggregates, and nobody else sees anything. The finer rules (assigned officer,
unassigned officer of the same organisation, supervisor, organisation administrator) are
in tests/cases/test_case_permissions.py.
"""

from tests.matrix import ANON, COORD, OTHER, REPORTER

HIDDEN = {ANON: 302, REPORTER: 404, COORD: 404, OTHER: 404}
NO_CASE_ROLE = {ANON: 302, REPORTER: 403, COORD: 403, OTHER: 403}


def _case(w):
    return {"pk": w.case.pk}


MATRIX: dict[str, tuple] = {
    "case-list": (None, NO_CASE_ROLE),
    "case-create": (None, NO_CASE_ROLE),
    "case-export": (None, NO_CASE_ROLE),
    "case-requests": (None, NO_CASE_ROLE),
    "case-detail": (_case, HIDDEN),
    "case-purpose": (_case, HIDDEN),
    "case-edit": (_case, HIDDEN),
    "case-action": (lambda w: {"pk": w.case.pk, "action": "outcome"}, HIDDEN),
    "case-request-detail": (lambda w: {"pk": w.case_request.pk}, HIDDEN),
    "case-request-action": (
        lambda w: {"pk": w.case_request.pk, "action": "decide"},
        HIDDEN,
    ),
    "case-stats": (None, {ANON: 302, REPORTER: 403, COORD: 200, OTHER: 200}),
    "case-stats-export": (None, {ANON: 302, REPORTER: 403, COORD: 200, OTHER: 200}),
    "case-access-log": (None, NO_CASE_ROLE),
    "case-api-list": (None, {ANON: 403, REPORTER: 403, COORD: 403, OTHER: 403}),
    "case-api-detail": (_case, {ANON: 403, REPORTER: 404, COORD: 404, OTHER: 404}),
}


def extend_world(world):
    """A police case officer with an RRI case, and a request from it to the municipality."""
    from django.contrib.auth import get_user_model

    from samverkan.cases import services
    from samverkan.core.models import Membership
    from samverkan.core.roles import Role
    from tests.cases.helpers import pnr_for_age

    officer = get_user_model().objects.create_user("polishandlaggare", password="pw")
    Membership.objects.create(user=officer, organisation=world.polis, role=Role.CASE_OFFICER)
    world.users["case_officer"] = officer
    world.case = services.create_case(
        officer,
        organisation=world.polis,
        case_type="rri",
        person_name="Test Testsson",
        person_number=pnr_for_age(19),
        purpose="Handläggning",
    )
    world.case_request = services.request_information(
        world.case,
        world.kommun,
        "Pågående insatser från socialtjänsten",
        "osl_10_18a",
        officer,
        purpose="Handläggning",
    )
