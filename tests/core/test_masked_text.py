"""Masking the stored free texts again (``samverkan remask_texts``).

Texts stored before a masking fix keep what the old masker let through. The command masks
every registered field again; checked with rows stored as the faulty masker of 6 December
2026 left them ("Lindberg [namn][namn] Anna ringde": both names still in the text).
"""

from __future__ import annotations

import io

from django.core.management import call_command

from samverkan.citizens.models import Observation
from samverkan.core import masked_text
from samverkan.core.models import AuditEvent
from samverkan.incidents.models import Incident
from tests.incidents.test_triage import cat, make  # noqa: F401 (fixture)

LEAKED = "Lindberg [namn][namn] Anna ringde om klottret."


def test_every_app_registers_the_fields_it_masks():
    fields = {m._meta.label: f for m, f in masked_text.registered().items()}
    assert fields["incidents.Incident"] == ("description", "feedback")
    assert fields["citizens.Observation"] == ("text", "public_note")


def test_remask_rewrites_what_the_old_masker_let_through(world, cat):  # noqa: F811
    leaked = make(world, cat, external_id="leaked")
    clean = make(world, cat, external_id="clean", description="Klotter på [namn]s garage.")
    Incident.objects.filter(pk=leaked.pk).update(description=LEAKED, feedback="Tack, Kalle!")
    obs = Observation.objects.create(
        municipality=world.m1, lon=15.5, lat=59.5, ip_key="x", device_key="y", text=LEAKED
    )
    before = Incident.objects.get(pk=clean.pk).description

    out, err = io.StringIO(), io.StringIO()
    call_command("remask_texts", "--dry-run", stdout=out, stderr=err)
    assert "incidents.Incident.description: 2 texter lästa, 1 skulle ändras" in out.getvalue()
    assert Incident.objects.get(pk=leaked.pk).description == LEAKED
    assert not AuditEvent.objects.filter(action="text.remask").exists()

    call_command("remask_texts", "--batch", "1", stdout=out, stderr=err)
    leaked.refresh_from_db()
    obs.refresh_from_db()
    for text in (leaked.description, obs.text):
        assert "Lindberg" not in text and "Anna" not in text
        assert text.endswith("ringde om klottret.")
    assert leaked.feedback == "Tack, [namn]!"
    assert Incident.objects.get(pk=clean.pk).description == before
    assert "rader lästa" in err.getvalue()
    event = AuditEvent.objects.get(action="text.remask")
    assert event.details == {
        "incidents.Incident.description": 1,
        "incidents.Incident.feedback": 1,
        "citizens.Observation.text": 1,
    }
    # Nothing in the event is a text.
    assert "Lindberg" not in str(event.details)

    # Idempotent: a second run changes nothing and records nothing.
    out = io.StringIO()
    call_command("remask_texts", stdout=out, stderr=io.StringIO())
    assert "Klart: 0 texter maskerade på nytt." in out.getvalue()
    assert AuditEvent.objects.filter(action="text.remask").count() == 1


def test_remask_reaches_the_texts_inside_a_lagesbild(world):
    """An assessment is a JSON field of texts: each is masked again in a draft; an
    approved lägesbild is frozen and left as it is."""
    from samverkan.core import periods
    from samverkan.situation import workflow
    from samverkan.situation.models import SituationReport

    fields = {m._meta.label: f for m, f in masked_text.registered().items()}
    assert fields["situation.SituationReport"] == ("assessments",)
    period = periods.parse("2026-08", "month")
    report, approved = (
        SituationReport.objects.create(
            area=world.m1,
            partnership=world.p1,
            period_type=period.type,
            period_start=period.start,
            period_end=period.end,
            period_label=period.label,
            version=version,
            assessments=assessments,
        )
        for version, assessments in ((1, {}), (2, {"overall": LEAKED}))
    )
    SituationReport.objects.filter(pk=approved.pk).update(status=workflow.APPROVED)
    SituationReport.objects.filter(pk=report.pk).update(
        assessments={"overall": LEAKED, "trend": "Oförändrat."}
    )
    out, err = io.StringIO(), io.StringIO()
    call_command("remask_texts", stdout=out, stderr=err)
    report.refresh_from_db()
    assert report.assessments["trend"] == "Oförändrat."
    assert "Lindberg" not in report.assessments["overall"]
    assert report.assessments["overall"].endswith("ringde om klottret.")
    approved.refresh_from_db()
    assert approved.assessments == {"overall": LEAKED}
    event = AuditEvent.objects.get(action="text.remask")
    assert event.details["situation.SituationReport.assessments"] == 1
