"""Pausing or deleting a report schedule and its audit event commit together or not at all
(docs/operations.md, Audit guarantees)."""

from __future__ import annotations

import pytest

from samverkan.core import audit
from samverkan.situation import scheduling
from samverkan.situation.models import ReportSchedule


@pytest.fixture
def schedule(world):
    return scheduling.create_schedule(
        world.p1, world.m1, "month", "internal", world.users["coordinator"]
    )


@pytest.fixture
def failing_audit(monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("audit write failed")

    monkeypatch.setattr(audit, "record", fail)


def test_pause_is_undone_when_its_event_fails(world, schedule, failing_audit):
    with pytest.raises(RuntimeError):
        scheduling.set_enabled(schedule, False, world.users["coordinator"])
    assert ReportSchedule.objects.get(pk=schedule.pk).enabled is True


def test_delete_is_undone_when_its_event_fails(world, schedule, monkeypatch):
    # The event is written first; a failing delete must take the event back with it.
    def fail(self, *args, **kwargs):
        raise RuntimeError("delete failed")

    from samverkan.core.models import AuditEvent

    before = AuditEvent.objects.count()
    monkeypatch.setattr(ReportSchedule, "delete", fail)
    with pytest.raises(RuntimeError):
        scheduling.delete_schedule(schedule, world.users["coordinator"])
    assert AuditEvent.objects.count() == before
