"""Many reports in a row queue one recount of the incident indicators, not one each.

Every ingest (a report post, the police feed, an import) queues the recount on commit;
under load that was one full recount per report post (issue 15, item 8). A recount
waiting to start covers every incident committed before it starts, so no second one is
queued behind it; the values after the worker ran are those of a recount per report.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from samverkan.followup import services
from samverkan.followup.models import Indicator
from samverkan.followup.tasks import refresh_incident_indicators
from samverkan.incidents.models import Category

# The worker commits as it does in production. pytest-django runs these transactional
# tests after the others; the fixture puts the default categories back itself.
pytestmark = pytest.mark.django_db(transaction=True)


def _recounts(status=None):
    queued = DBTaskResult.objects.filter(task_path=refresh_incident_indicators.module_path)
    return queued.filter(status=status) if status else queued


@pytest.fixture
def indicator(world):
    from samverkan.incidents.models import SourceMapping
    from samverkan.incidents.taxonomy import load_default

    # An earlier live-server or transactional test may have flushed the database, data
    # migrations included: put the default categories back first.
    load_default(Category, SourceMapping)
    return services.create_indicator(
        world.p1,
        world.users["coordinator"],
        name="Skadegörelse",
        kind=Indicator.Kind.INCIDENTS,
        area=world.m1,
        categories=[Category.objects.get(code="vandalism")],
    )


@pytest.fixture
def last_month():
    first = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    return first, datetime.combine(first, datetime.min.time()).replace(hour=12)


def _run_worker():
    call_command("worker", "--batch", "--no-startup-delay", "--interval", "0", "--worker-id", "t")


def test_twenty_reports_queue_one_recount_and_count_right(
    world, indicator, add_incidents, last_month
):
    month, moment = last_month
    before = indicator.values.get(period_start=month).value
    for _ in range(20):
        add_incidents(world.m1, [moment])
    assert _recounts(TaskResultStatus.READY).count() == 1
    _run_worker()
    assert _recounts(TaskResultStatus.READY).count() == 0
    assert _recounts(TaskResultStatus.SUCCESSFUL).count() == 1
    assert indicator.values.get(period_start=month).value == before + 20


def test_a_report_after_the_recount_started_queues_another(
    world, indicator, add_incidents, last_month
):
    month, moment = last_month
    before = indicator.values.get(period_start=month).value
    add_incidents(world.m1, [moment])
    # The worker has claimed the waiting recount: it may have counted already, so a
    # report committed now needs a recount of its own.
    _recounts(TaskResultStatus.READY).update(status=TaskResultStatus.RUNNING)
    add_incidents(world.m1, [moment] * 2)
    assert _recounts(TaskResultStatus.READY).count() == 1
    _run_worker()
    assert indicator.values.get(period_start=month).value == before + 3


def test_a_recount_of_one_partnership_does_not_stand_for_all(
    world, indicator, add_incidents, last_month
):
    _month, moment = last_month
    refresh_incident_indicators.enqueue(world.p1.pk)
    add_incidents(world.m1, [moment])
    waiting = _recounts(TaskResultStatus.READY)
    assert sorted(r["args"] for r in waiting.values_list("args_kwargs", flat=True)) == [
        [],
        [world.p1.pk],
    ]
