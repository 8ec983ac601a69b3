"""Permission matrix rows for the weekly meeting pages (/moten/).

Agendas and meeting pages are for the partnership's coordinators and steering group; the
frozen minutes and the prioritised-places page for every member, reporters of the partner
organisations included (the patrol, the caretakers). Another partnership's coordinator
never sees these objects (404). POST-only endpoints answer GET with 405.
"""

from datetime import date, time

from tests.matrix import ANON, COORD, OTHER, REPORTER

LIST = {ANON: 302, REPORTER: 403, COORD: 200, OTHER: 200}
OBJECT = {ANON: 302, REPORTER: 404, COORD: 200, OTHER: 404}
POST_ONLY = {ANON: 302, REPORTER: 404, COORD: 405, OTHER: 404}
MEMBERS = {ANON: 302, REPORTER: 200, COORD: 200, OTHER: 404}
EVERY_MEMBER = {ANON: 302, REPORTER: 200, COORD: 200, OTHER: 200}


def _pk(attr):
    return lambda w: {"pk": getattr(w, attr).pk}


MATRIX: dict[str, tuple] = {
    "meetings-home": (None, LIST),
    "meetings-places": (None, EVERY_MEMBER),
    "meeting-series-create": (None, LIST),
    "meeting-series-edit": (_pk("meeting_series"), OBJECT),
    "meeting-create": (_pk("meeting_series"), OBJECT),
    "meeting-detail": (_pk("meeting"), OBJECT),
    "meeting-agenda": (_pk("meeting"), POST_ONLY),
    "meeting-notes": (_pk("meeting"), POST_ONLY),
    "meeting-place-add": (_pk("meeting"), POST_ONLY),
    "meeting-place-remove": (_pk("meeting_place"), POST_ONLY),
    "meeting-action-add": (_pk("meeting"), POST_ONLY),
    "meeting-action-update": (_pk("meeting_action"), POST_ONLY),
    "meeting-close": (_pk("meeting"), POST_ONLY),
    "meeting-minutes": (_pk("closed_meeting"), MEMBERS),
    "meeting-minutes-pdf": (_pk("closed_meeting"), MEMBERS),
    "meeting-minutes-docx": (_pk("closed_meeting"), MEMBERS),
}


def extend_world(w):
    from samverkan.meetings import services

    coord = w.users["coordinator"]
    w.meeting_series = services.create_series(
        w.p1, coord, name="Veckomöte", weekday=1, at=time(9), member_organisations=[w.polis]
    )
    w.closed_meeting = services.create_meeting(w.meeting_series, coord)
    services.add_place(
        w.closed_meeting,
        coord,
        name="Torget",
        reason="R",
        when="fre",
        organisation=w.polis,
        lon=15.5,
        lat=59.5,
    )
    w.meeting_action = services.add_action(
        w.closed_meeting,
        coord,
        title="Patrull",
        owner_organisation=w.polis,
        due_date=date(2026, 9, 1),
    )
    services.close_meeting(w.closed_meeting, coord)
    w.meeting = services.create_meeting(w.meeting_series, coord)
    w.meeting_place = services.add_place(
        w.meeting,
        coord,
        name="Parken",
        reason="R",
        when="lör",
        organisation=w.polis,
        lon=15.5,
        lat=59.5,
    )
