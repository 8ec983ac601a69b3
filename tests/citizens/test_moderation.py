"""The one dispatch table behind the moderation page and the API."""

from __future__ import annotations

import pytest

from samverkan.citizens import moderation, services
from samverkan.citizens.models import Observation
from samverkan.core.models import AuditEvent
from samverkan.incidents.models import Incident

pytestmark = pytest.mark.django_db


def _pending(post_observation):
    assert post_observation(text="Mörkt vid tunneln").status_code == 302
    return Observation.objects.get()


def test_a_decision_reads_the_observation_afresh(world, post_observation):
    # Two coordinators open the same observation; the first rejects it. The second's
    # page still says "pending", but the decision is taken on the stored row.
    stale = _pending(post_observation)
    services.reject(Observation.objects.get(pk=stale.pk), world.users["police_coordinator"])
    assert stale.status == "pending"
    with pytest.raises(moderation.ModerationError, match="redan granskad"):
        moderation.moderate(
            stale, moderation.Decision("accept", note="x"), world.users["coordinator"]
        )
    assert not Incident.objects.exists()
    assert not AuditEvent.objects.filter(action="citizen_observation.accept").exists()


def test_every_action_has_its_message_and_an_unknown_one_is_refused(world, post_observation):
    obs = _pending(post_observation)
    with pytest.raises(moderation.UnknownAction):
        moderation.moderate(obs, moderation.Decision("delete"), world.users["coordinator"])
    assert set(moderation.ACTIONS) == {"accept", "merge", "reject", "answer"}
    done = moderation.moderate(obs, moderation.Decision("accept"), world.users["coordinator"])
    assert done == "Observationen är godtagen och finns nu som händelse."
    obs.refresh_from_db()
    assert obs.status == "accepted"


def test_nearby_reports_are_the_coordinators_own(world, post_observation):
    from datetime import UTC, datetime

    from samverkan.incidents.ingest import IncidentRow, ingest
    from samverkan.incidents.models import Category

    obs = _pending(post_observation)
    category = Category.objects.get(code="vandalism").pk

    def report(org, lon):
        row = IncidentRow(
            source="rapport",
            occurred_from=datetime(2026, 1, 1, tzinfo=UTC),
            category_id=category,
            organisation_id=org.pk,
            lon=lon,
            lat=59.5,
        )
        return ingest([row]).incident_ids[0]

    near = report(world.kommun, 15.501)
    report(world.kommun, 15.52)  # about 1 km away
    theirs = report(world.other, 15.5)
    # Söderby's report on the very spot is not Norrby's coordinator's to merge with.
    assert [i.pk for i in moderation.nearby(obs, world.users["coordinator"])] == [near]
    assert [i.pk for i in moderation.nearby(obs, world.users["other_coordinator"])] == [theirs]


def test_the_observation_statuses_are_the_workflow_tables():
    """The model's choices and the table are one list; every decision is final."""
    from samverkan.citizens import workflow

    assert list(Observation.Status.choices) == [(s, str(label)) for s, label in workflow.STATUSES]
    assert set(workflow.TRANSITIONS) == set(Observation.Status.values)
    assert workflow.OBSERVATION.allowed(workflow.PENDING) == {"accepted", "merged", "rejected"}
    for decided in ("accepted", "merged", "rejected"):
        assert workflow.OBSERVATION.allowed(decided) == set()


def test_the_queue_is_paged_with_the_count_of_all_waiting(world, client):
    """A campaign can leave hundreds waiting: 50 a page, the count of all of them."""
    from samverkan.citizens.views import QUEUE_PER_PAGE

    Observation.objects.bulk_create(
        Observation(
            municipality=world.m1, lon=15.5, lat=59.5, ip_key="x", device_key="y", challenge=str(i)
        )
        for i in range(QUEUE_PER_PAGE + 7)
    )
    Observation.objects.create(
        municipality=world.m1,
        lon=15.5,
        lat=59.5,
        ip_key="x",
        device_key="y",
        challenge="decided",
        status=Observation.Status.REJECTED,
    )
    client.force_login(world.users["coordinator"])
    html = client.get("/tryggvandring/granska/").content.decode()
    assert f"{QUEUE_PER_PAGE + 7} observationer väntar på granskning." in html
    pending = html.split('id="pending"')[1].split("</table>")[0]
    assert pending.count("<tr>") == QUEUE_PER_PAGE + 1  # and the header row
    assert 'rel="next" href="?page=2"' in html
    page2 = client.get("/tryggvandring/granska/", {"page": 2}).content.decode()
    assert page2.split('id="pending"')[1].split("</table>")[0].count("<tr>") == 8


def test_the_queue_answers_the_longest_waiting_first(world, client):
    """Oldest first: in a flood, the resident who wrote first is not pushed to a later page."""
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    made = {}
    for label, days in (("new", 0), ("old", 3), ("middle", 1)):
        obs = Observation.objects.create(
            municipality=world.m1, lon=15.5, lat=59.5, ip_key="x", device_key="y", challenge=label
        )
        Observation.objects.filter(pk=obs.pk).update(submitted_at=now - timedelta(days=days))
        made[label] = obs.pk
    client.force_login(world.users["coordinator"])
    html = client.get("/tryggvandring/granska/").content.decode()
    pending = html.split('id="pending"')[1].split("</table>")[0]
    shown = [pending.index(f"/granska/{made[k]}/") for k in ("old", "middle", "new")]
    assert shown == sorted(shown)
