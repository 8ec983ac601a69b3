"""Permission matrix rows for the lägesbild pages (/lagesbild/).

The world's report is an approved internal picture of Norrby (partnership Samverkan
Norrby): its reporter sees it (feedback to reporters) but may not change it (403); the
other partnership's coordinator must not learn that it exists (404). POST-only endpoints
answer GET with 405 for those allowed.
"""

from tests.matrix import ANON, COORD, OTHER, REPORTER

LIST = {ANON: 302, REPORTER: 200, COORD: 200, OTHER: 200}
COORDINATORS = {ANON: 302, REPORTER: 403, COORD: 200, OTHER: 200}
OBJECT = {ANON: 302, REPORTER: 200, COORD: 200, OTHER: 404}


def _report(w):
    return {"pk": w.situation_report.pk}


MATRIX: dict[str, tuple] = {
    "situation-list": (None, LIST),
    "situation-create": (None, COORDINATORS),
    "situation-schedules": (None, COORDINATORS),
    "situation-schedule-action": (
        lambda w: {"pk": w.report_schedule.pk, "action": "pause"},
        {ANON: 302, REPORTER: 403, COORD: 405, OTHER: 404},
    ),
    "situation-detail": (_report, OBJECT),
    "situation-geojson": (_report, OBJECT),
    "situation-export": (_report, OBJECT),
    "situation-action": (
        lambda w: {"pk": w.situation_report.pk, "action": "assessment"},
        {ANON: 302, REPORTER: 403, COORD: 405, OTHER: 404},
    ),
}


def extend_world(world):
    """An approved March 2025 lägesbild of Norrby and a monthly schedule for it."""
    from samverkan.core import periods
    from samverkan.situation import scheduling, services

    coordinator = world.users["coordinator"]
    report = services.create_report(world.m1, periods.parse("2025-03"), world.p1, coordinator)
    world.situation_report = services.approve(report, coordinator)
    world.report_schedule = scheduling.create_schedule(
        world.p1, world.m1, "month", "internal", coordinator
    )
