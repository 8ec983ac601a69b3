"""The status tables and the services that apply them, each writing its audit event."""

from __future__ import annotations

from datetime import date

import pytest

from samverkan.core.models import AuditEvent
from samverkan.plans import services, workflow
from samverkan.plans.models import Side
from tests.plans.conftest import audit_actions


@pytest.mark.parametrize("kind", ["problem", "plan", "measure"])
def test_every_status_has_a_row_and_targets_are_statuses(kind):
    choices = {
        "problem": workflow.PROBLEM_STATUSES,
        "plan": workflow.PLAN_STATUSES,
        "measure": workflow.MEASURE_STATUSES,
    }[kind]
    codes = {c for c, _label in choices}
    table = workflow.TABLES[kind]
    assert set(table) == codes
    for source, targets in table.items():
        assert targets <= codes and source not in targets


def test_transition_refused_with_swedish_message():
    with pytest.raises(workflow.TransitionError, match="från 'Genomförd' till 'Planerad'"):
        workflow.MEASURE.check(workflow.DONE, workflow.PLANNED)


def test_measure_status_changes_are_audited(pw):
    coord = pw.users["coordinator"]
    services.set_measure_status(pw.measure, workflow.ONGOING, coord)
    services.set_measure_status(pw.measure, workflow.DONE, coord)
    with pytest.raises(workflow.TransitionError):
        services.set_measure_status(pw.measure, workflow.CANCELLED, coord)
    pw.measure.refresh_from_db()
    assert pw.measure.status == workflow.DONE
    events = AuditEvent.objects.filter(action="measure.set_status").order_by("id")
    assert [e.details for e in events] == [
        {"from": "planned", "to": "ongoing"},
        {"from": "ongoing", "to": "done"},
    ]
    assert events[0].actor == coord and events[0].organisation == pw.kommun


def test_adopting_a_plan_needs_body_and_date(pw):
    coord = pw.users["coordinator"]
    with pytest.raises(ValueError, match="organ"):
        services.set_plan_status(pw.plan, workflow.ADOPTED, coord)
    pw.plan.refresh_from_db()
    assert pw.plan.status == workflow.DRAFT
    services.set_plan_status(
        pw.plan,
        workflow.ADOPTED,
        coord,
        adopted_by="Kommunfullmäktige",
        adopted_on=date(2025, 2, 1),
    )
    pw.plan.refresh_from_db()
    assert (pw.plan.status, pw.plan.adopted_by) == (workflow.ADOPTED, "Kommunfullmäktige")
    assert audit_actions(action__startswith="action_plan") == ["action_plan.set_status"]


def test_problem_status_walks_the_table(pw):
    coord = pw.users["coordinator"]
    for target in (workflow.PRIORITISED, workflow.ANALYSED, workflow.ADDRESSED, workflow.CLOSED):
        services.set_problem_status(pw.problem, target, coord)
    assert pw.problem.status == workflow.CLOSED
    assert audit_actions(action="problem.set_status") == ["problem.set_status"] * 4


def test_cause_analysis_keeps_all_six_sides_and_ordered_steps(pw):
    coord = pw.users["coordinator"]
    analysis = services.save_cause_analysis(
        pw.problem,
        coord,
        sides={"offender": {"findings": " Unga från andra områden ", "sources": "Polisen"}},
        staff_dialogue="Fastighetsskötarna ser öppna dörrar.",
        steps=[
            {"stage": "need", "description": "Pengar till droger"},
            {"stage": "acquisition", "description": "Kofot", "intervention": "Låsta förråd"},
            {"stage": "act", "description": "Bryter upp förråd"},
        ],
    )
    assert set(analysis.sides) == set(Side.values)
    assert analysis.side("offender") == {
        "findings": "Unga från andra områden",
        "sources": "Polisen",
    }
    assert [s.stage for s in analysis.steps.all()] == ["need", "acquisition", "act"]
    assert [s.position for s in analysis.steps.all()] == [1, 2, 3]
    # Saving again replaces the chain instead of appending to it.
    services.save_cause_analysis(
        pw.problem, coord, sides={}, steps=[{"stage": "act", "description": "x"}]
    )
    assert analysis.steps.count() == 1
    assert audit_actions(action__startswith="cause_analysis") == ["cause_analysis.update"] * 2


def test_promise_publish_and_updates_are_audited(pw):
    coord = pw.users["coordinator"]
    services.unpublish_promise(pw.promise, coord)
    services.publish_promise(pw.promise, coord)
    with pytest.raises(ValueError):
        services.add_promise_update(pw.promise, date(2025, 6, 1), "   ", coord)
    services.add_promise_update(pw.promise, date(2025, 6, 1), "Lamporna sitter uppe.", coord)
    assert audit_actions(action__startswith="promise") == [
        "promise.unpublish",
        "promise.publish",
        "promise.add_update",
    ]


def test_followups_replace_and_keep_reminder_state(pw):
    from django.utils import timezone

    coord = pw.users["coordinator"]
    kept = pw.agreement.followups.get()
    kept.reminded_at = timezone.now()
    kept.save()
    services.set_followups(
        pw.agreement,
        [{"date": kept.date, "description": "Tertial 1"}, {"date": date(2025, 8, 31)}],
        coord,
    )
    rows = list(pw.agreement.followups.order_by("date"))
    assert [r.date for r in rows] == [kept.date, date(2025, 8, 31)]
    assert rows[0].reminded_at is not None and rows[0].description == "Tertial 1"
    assert audit_actions(action="agreement.plan_followups") == ["agreement.plan_followups"]
