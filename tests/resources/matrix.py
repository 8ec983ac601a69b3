"""Permission matrix rows for the partners' resource rows."""

from tests.matrix import ANON, COORD, OTHER, REPORTER

MATRIX: dict[str, tuple] = {
    # Söderby's coordinator has a partnership of its own: its list, never Norrby's rows.
    "resources-list": (None, {ANON: 302, REPORTER: 403, COORD: 200, OTHER: 200}),
    "resources-create": (None, {ANON: 302, REPORTER: 403, COORD: 200, OTHER: 200}),
    "resources-export": (None, {ANON: 302, REPORTER: 403, COORD: 200, OTHER: 200}),
    "resources-edit": (
        lambda w: {"pk": w.resource_entry.pk},
        {ANON: 302, REPORTER: 403, COORD: 200, OTHER: 404},
    ),
    # The API answers 403 to anonymous callers and refuses the list to the same roles;
    # a row outside the caller's scope is 404.
    "api-resource-entry-list": (None, {ANON: 403, REPORTER: 403, COORD: 200, OTHER: 200}),
    "api-resource-entry-detail": (
        lambda w: {"pk": w.resource_entry.pk},
        {ANON: 403, REPORTER: 404, COORD: 200, OTHER: 404},
    ),
    "resources-delete": (
        lambda w: {"pk": w.resource_entry.pk},
        {ANON: 302, REPORTER: 403, COORD: 405, OTHER: 405},
    ),
}


def extend_world(world):
    """Forty community police hours in Norrby, entered by the police."""
    from datetime import date

    from samverkan.resources.models import Kind, ResourceEntry

    world.resource_entry = ResourceEntry.objects.create(
        partnership=world.p1,
        organisation=world.polis,
        area=world.m1,
        month=date(2026, 1, 1),
        kind=Kind.COMMUNITY_POLICE,
        amount=40,
    )
