"""The demo's communication plan: four activities around the demo plan, loaded once."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from samverkan.communication.models import Activity
from samverkan.demo import loader as demo
from samverkan.plans.models import ActionPlan
from tests.core.test_demo import small_events  # noqa: F401  (the fixture)


@pytest.mark.django_db
def test_demo_plan_has_its_communication(small_events, client):  # noqa: F811
    call_command("load_demo")
    call_command("load_demo")
    activities = Activity.objects.all()
    assert activities.count() == 4
    statuses = sorted(a.status for a in activities)
    assert statuses == ["done", "done", "planned", "planned"]
    assert sum(a.is_overdue() for a in activities) == 1
    assert activities.filter(promises__title=demo.PROMISE_TITLE).count() == 1
    plan = ActionPlan.objects.get(title=demo.PLAN_TITLE)
    assert activities.filter(measures__plan=plan).count() == 3
    client.force_login(get_user_model().objects.get(username="samordnare"))
    page = client.get(reverse("plan-detail", args=[plan.pk])).content.decode()
    assert "Föräldramöte om vuxenvandringarna" in page and "Inlägg om medborgarlöftet" in page
