"""Permission matrix rows for the REST API of lägesbilder, plans and follow-up.

The objects are those of the pages' fragments (tests/situation, tests/plans,
tests/followup), plus an external indicator with one value. The API answers 403 to
anonymous callers (no login page to send them to); lists are refused (403) to roles the
pages refuse, and an object outside the caller's scope is 404, as on the pages.
"""

from tests.matrix import ANON, COORD, OTHER, REPORTER

# Lägesbilder: every signed-in user has a list (their own scope); the world's report is
# an approved picture of Norrby, which its reporter sees and the other partnership does not.
SITUATION_LIST = {ANON: 403, REPORTER: 200, COORD: 200, OTHER: 200}
SITUATION_OBJECT = {ANON: 403, REPORTER: 200, COORD: 200, OTHER: 404}
# Plans and follow-up: reporters are refused the lists and never find an object.
LIST = {ANON: 403, REPORTER: 403, COORD: 200, OTHER: 200}
OBJECT = {ANON: 403, REPORTER: 404, COORD: 200, OTHER: 404}


def _pk(attr):
    return lambda w: {"pk": getattr(w, attr).pk}


MATRIX: dict[str, tuple] = {
    "api-situation-report-list": (None, SITUATION_LIST),
    "api-situation-report-detail": (_pk("situation_report"), SITUATION_OBJECT),
    "api-problem-list": (None, LIST),
    "api-problem-detail": (_pk("problem"), OBJECT),
    "api-action-plan-list": (None, LIST),
    "api-action-plan-detail": (_pk("plan"), OBJECT),
    "api-measure-list": (None, LIST),
    "api-measure-detail": (_pk("measure"), OBJECT),
    "api-promise-list": (None, LIST),
    "api-promise-detail": (_pk("promise"), OBJECT),
    "api-indicator-list": (None, LIST),
    "api-indicator-detail": (_pk("fu_indicator"), OBJECT),
    "api-indicator-values": (_pk("api_indicator"), OBJECT),
    "api-indicator-value-list": (None, LIST),
    "api-indicator-value-detail": (_pk("api_value"), OBJECT),
    "api-effect-goal-list": (None, LIST),
    "api-effect-goal-detail": (lambda w: {"pk": w.fu_indicator.goals.get().pk}, OBJECT),
    "api-evaluation-list": (None, LIST),
    "api-evaluation-detail": (_pk("fu_evaluation"), OBJECT),
    "api-tertial-report-list": (None, LIST),
    "api-tertial-report-detail": (_pk("fu_tertial"), OBJECT),
    "api-meeting-list": (None, LIST),
    "api-meeting-detail": (_pk("api_meeting"), OBJECT),
    "api-meeting-action-list": (None, LIST),
    "api-meeting-action-detail": (_pk("api_meeting_action"), OBJECT),
}


def extend_world(world):
    """An external indicator of Norrby with one value, and a weekly meeting of Norrby with
    a prioritised place and a short-term action, all made through the services."""
    from datetime import date, datetime, time
    from zoneinfo import ZoneInfo

    from samverkan.followup import services
    from samverkan.followup.models import Indicator
    from samverkan.followup.values import ValueRow, store_values
    from samverkan.meetings import services as meetings

    coordinator = world.users["coordinator"]
    world.api_indicator = services.create_indicator(
        world.p1,
        coordinator,
        name="Anmälda brott Norrby (Brå)",
        area=world.m1,
        kind=Indicator.Kind.EXTERNAL,
        source=Indicator.Source.BRA,
        series_key="13192",
    )
    store_values(world.api_indicator, [ValueRow(date(2024, 1, 1), 310.0, months=12)], coordinator)
    world.api_value = world.api_indicator.values.get()
    series = meetings.create_series(
        world.p1, coordinator, name="Veckomöte Norrby", weekday=1, at=time(9, 0)
    )
    world.api_meeting = meetings.create_meeting(
        series, coordinator, starts_at=datetime(2026, 8, 18, 9, tzinfo=ZoneInfo("Europe/Stockholm"))
    )
    meetings.add_place(
        world.api_meeting,
        coordinator,
        name="Torget",
        reason="Skadegörelse kvällstid",
        organisation=world.polis,
        when="fredag kväll",
        area=world.m1,
    )
    world.api_meeting_action = meetings.add_action(
        world.api_meeting,
        coordinator,
        title="Laga belysningen vid torget",
        owner_organisation=world.kommun,
        due_date=date(2026, 8, 25),
    )
