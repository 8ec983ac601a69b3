"""Permission matrix rows for the communication plan (/kommunikation/).

Coordinators of the owning partnership change activities; reporters are refused (403 on
lists and forms, 404 on objects); another partnership's coordinator never sees them (404).
"""

from tests.matrix import ANON, COORD, OTHER, REPORTER

LIST = {ANON: 302, REPORTER: 403, COORD: 200, OTHER: 200}
OBJECT = {ANON: 302, REPORTER: 404, COORD: 200, OTHER: 404}
POST_ONLY = {ANON: 302, REPORTER: 404, COORD: 405, OTHER: 404}


def _pk(w):
    return {"pk": w.activity.pk}


MATRIX: dict[str, tuple] = {
    "communication-home": (None, LIST),
    "communication-create": (None, LIST),
    "communication-detail": (_pk, OBJECT),
    "communication-edit": (_pk, OBJECT),
    "communication-status": (_pk, POST_ONLY),
    # The API: 403 to anonymous callers, otherwise the pages' answers.
    "api-communication-activity-list": (None, {**LIST, ANON: 403}),
    "api-communication-activity-detail": (_pk, {**OBJECT, ANON: 403}),
}


def extend_world(world):
    """One planned activity of the Norrby partnership (tied to nothing: the plans fragment
    that makes measures may run after this one)."""
    from datetime import date

    from samverkan.communication.models import Activity, Channel

    world.activity = Activity.objects.create(
        partnership=world.p1,
        area=world.m1,
        title="Informationsbrev om källarbelysning",
        audience="Boende i Norrby",
        message="Belysningen i källargångarna byts under våren.",
        channel=Channel.objects.get_or_create(name="Brev")[0],
        planned_on=date(2025, 4, 1),
        owner=world.bostad,
        owner_person="Kommunikatör Kim",
        outcome="Utdelat",
        link="https://example.org/brev",
    )
