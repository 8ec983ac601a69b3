"""Permission matrix rows for the safety walk: public pages and the moderation queue."""

from tests.matrix import ANON, COORD, OTHER, REPORTER

PUBLIC = {ANON: 200, REPORTER: 200, COORD: 200, OTHER: 200}

MATRIX: dict[str, tuple] = {
    "citizens-form": (lambda w: {"code": "9901"}, PUBLIC),
    "citizens-thanks": (lambda w: {"code": "9901"}, PUBLIC),
    "citizens-outline": (lambda w: {"code": "9901"}, PUBLIC),
    "citizens-map": (lambda w: {"code": "9901"}, PUBLIC),
    "citizens-map-geojson": (lambda w: {"code": "9901"}, PUBLIC),
    "citizens-queue": (None, {ANON: 302, REPORTER: 403, COORD: 200, OTHER: 200}),
    # A Norrby observation: Norrby's coordinators moderate it, Söderby's never see it.
    "citizens-observation": (
        lambda w: {"pk": w.observation.pk},
        {ANON: 302, REPORTER: 403, COORD: 200, OTHER: 404},
    ),
    # Norrby's list of concerns: edited by Norrby's coordinators only.
    "citizens-concerns": (
        lambda w: {"code": "9901"},
        {ANON: 302, REPORTER: 403, COORD: 200, OTHER: 404},
    ),
    "citizens-photo": (
        lambda w: {"pk": w.observation.pk},
        {ANON: 302, REPORTER: 403, COORD: 200, OTHER: 404},
    ),
    # The REST API: the same reach as the pages; another partnership's observation is a 404.
    "api-observation-list": (None, {ANON: 403, REPORTER: 403, COORD: 200, OTHER: 200}),
    "api-observation-detail": (
        lambda w: {"pk": w.observation.pk},
        {ANON: 403, REPORTER: 404, COORD: 200, OTHER: 404},
    ),
    "api-observation-photo": (
        lambda w: {"pk": w.observation.pk},
        {ANON: 403, REPORTER: 404, COORD: 200, OTHER: 404},
    ),
    # Decisions are posted; a GET is refused for its method once signed in.
    "api-observation-decision": (
        lambda w: {"pk": w.observation.pk},
        {ANON: 403, REPORTER: 405, COORD: 405, OTHER: 405},
    ),
}


def extend_world(world):
    """One pending observation with a photo in Norrby."""
    from samverkan.citizens.models import Observation

    world.observation = Observation.objects.create(
        municipality=world.m1,
        lon=15.5,
        lat=59.5,
        ip_key="x",
        device_key="y",
        challenge="matrix",
        photo=b"\xff\xd8\xff\xd9",
    )
