"""An effect goal's status comes from complete periods only, and incident indicators
recount themselves when incidents come in (docs/followup.md)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from samverkan.core.models import AuditEvent
from samverkan.followup import services
from samverkan.followup.models import GoalStatus, Indicator
from samverkan.incidents.models import Category
from tests.followup.conftest import STOCKHOLM

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def police(world):
    """``police(year, month, n, last_day=28)``: n police events spread over a month's days."""
    from samverkan.incidents.ingest import IncidentRow, ingest

    vandalism = Category.objects.get(code="vandalism").pk
    counter = iter(range(1, 1_000_000))

    def add(year, month, n, last_day=28):
        rows = [
            IncidentRow(
                "polisen",
                datetime(
                    year, month, 1 + i * (last_day - 1) // max(n - 1, 1), 12, tzinfo=STOCKHOLM
                ),
                vandalism,
                external_id=f"p{next(counter)}",
                lon=15.5,
                lat=59.5,
                visibility="public",
            )
            for i in range(n)
        ]
        return ingest(rows).incident_ids

    return add


@pytest.fixture
def at(monkeypatch):
    """Set the clock: ``at(2026, 1, 11, 9)``."""

    def set_now(*args):
        moment = datetime(*args, tzinfo=STOCKHOLM)
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return set_now


def _indicator_and_goal(world, user):
    indicator = services.create_indicator(
        world.p1,
        user,
        name="Skadegörelse",
        kind=Indicator.Kind.INCIDENTS,
        area=world.m1,
        categories=[Category.objects.get(code="vandalism")],
    )
    goal = services.create_goal(
        indicator,
        user,
        title="Skadegörelsen minskar med 10 %",
        baseline_label="2025",
        direction="decrease",
        target_value=108,
        deadline=date(2027, 12, 31),
    )
    return indicator, goal


@pytest.fixture
def year_2025(police):
    for month in range(1, 13):
        police(2025, month, 10)


def test_goal_created_today_has_no_status(world, year_2025, police, at):
    # The feed has run ten days into January 2026: three events so far. Counted as a month,
    # that would be "a clear decrease, target met": the goal was "Uppnått" on its first day.
    police(2026, 1, 3, last_day=10)
    at(2026, 1, 11, 9)
    indicator, goal = _indicator_and_goal(world, world.users["coordinator"])
    assert goal.baseline_value == 120
    january = indicator.values.get(period_start=date(2026, 1, 1))
    assert january.value == 3 and january.preliminary
    assert indicator.values.get(period_start=date(2025, 12, 1)).preliminary is False
    goal.refresh_from_db()
    assert goal.status == GoalStatus.NO_DATA
    assert goal.status_details["reason"].startswith("Ingen data ännu")


def test_no_status_before_a_whole_tertial(world, year_2025, police, at):
    for month in (1, 2, 3):
        police(2026, month, 3)
    police(2026, 4, 1, last_day=10)
    # Data through 10 April: January to March are complete, April is not.
    at(2026, 4, 20, 9)
    indicator, goal = _indicator_and_goal(world, world.users["coordinator"])
    goal.refresh_from_db()
    assert [v.label for v in indicator.values.filter(preliminary=True)] == ["2026-04"]
    assert goal.status == GoalStatus.NO_DATA
    assert "hel tertial" in goal.status_details["reason"]


def test_status_once_a_tertial_is_complete(world, year_2025, police, at):
    for month in (1, 2, 3, 4):
        police(2026, month, 3)
    police(2026, 5, 2, last_day=3)
    at(2026, 5, 5, 9)
    _, goal = _indicator_and_goal(world, world.users["coordinator"])
    goal.refresh_from_db()
    # 12 in January-April against blocks of 40: a clear fall, and 36 a year meets 108.
    assert goal.status_details["current_window"] == ["2026-01", "2026-04"]
    assert goal.status == GoalStatus.REACHED


def test_indicator_refreshes_after_new_incidents(
    world, year_2025, add_incidents, django_capture_on_commit_callbacks
):
    user = world.users["coordinator"]
    indicator, _ = _indicator_and_goal(world, user)
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    before = indicator.values.get(period_start=last_month).value
    # A partner reports five acts of vandalism last month: nobody presses a button, and the
    # task runs once the report is committed (immediately here, in a worker in production).
    moment = datetime.combine(last_month, datetime.min.time()).replace(hour=12)
    with override_settings(TASKS=IMMEDIATE), django_capture_on_commit_callbacks(execute=True):
        add_incidents(world.m1, [moment] * 5)
    assert indicator.values.get(period_start=last_month).value == before + 5
    event = AuditEvent.objects.get(action="indicator.auto_refresh")
    assert event.details["indicators"] == [indicator.pk]


def test_demo_goal_target_is_the_titles_percentage_of_its_baseline(world, police):
    from samverkan.demo import loader as demo

    # Seven acts of vandalism in 2025: a whole-number target (6) would be a cut of 14 %.
    police(2025, 3, 4)
    police(2025, 9, 3)
    users = {"samordnare": world.users["coordinator"]}
    indicator = demo.load_indicator(world.p1, world.m1, users, log=lambda *a: None)
    goal = indicator.goals.get(title=demo.GOAL_TITLE)
    assert f"{demo.GOAL_CUT_PERCENT} %" in goal.title
    assert goal.baseline_value == 7
    cut = 100 * (1 - goal.target_value / goal.baseline_value)
    assert cut == pytest.approx(demo.GOAL_CUT_PERCENT)
