"""Masking the stored free texts again (``samverkan remask_texts``).

Texts stored before a masking fix keep what the old masker let through. The command masks
every registered field again; checked with rows stored as the faulty masker of 6 December
2026 left them ("Lindberg [namn][namn] Anna ringde": both names still in the text).
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from samverkan.citizens.models import Observation
from samverkan.core import masked_text
from samverkan.core.masking import mask_text
from samverkan.core.models import AuditEvent
from samverkan.incidents.models import Incident
from tests.incidents.test_triage import cat, make  # noqa: F401 (fixture)

LEAKED = "Lindberg [namn][namn] Anna ringde om klottret."


def test_every_app_registers_the_fields_it_masks():
    fields = {m._meta.label: f for m, f in masked_text.registered().items()}
    assert fields["incidents.Incident"] == ("description", "place_name", "feedback")
    assert fields["citizens.Observation"] == ("text", "public_note")


def test_remask_rewrites_what_the_old_masker_let_through(world, cat):  # noqa: F811
    leaked = make(world, cat, external_id="leaked")
    clean = make(world, cat, external_id="clean", description="Klotter på [namn]s garage.")
    Incident.objects.filter(pk=leaked.pk).update(
        description=LEAKED, feedback="Tack, Kalle!", place_name="Utanför Lindberg Annas port"
    )
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
    assert "Lindberg" not in leaked.place_name and "Anna" not in leaked.place_name
    assert Incident.objects.get(pk=clean.pk).description == before
    assert "rader lästa" in err.getvalue()
    event = AuditEvent.objects.get(action="text.remask")
    assert event.details == {
        "incidents.Incident.description": 1,
        "incidents.Incident.place_name": 1,
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


# --- after an upgrade: migrate masks the stored texts again when the rules changed ---------


def _stored_as_before(world, cat, external_id):  # noqa: F811
    """An incident whose text an older masker let through."""
    incident = make(world, cat, external_id=external_id)
    Incident.objects.filter(pk=incident.pk).update(description=LEAKED)
    return incident


def test_migrate_masks_old_texts_once_the_rules_changed(world, cat):  # noqa: F811
    from samverkan.core.models import MaskingRun

    incident = _stored_as_before(world, cat, "old")
    # The texts were last masked by other rules (an older release).
    MaskingRun.objects.all().delete()
    MaskingRun.objects.create(fingerprint="0" * 64)

    out = io.StringIO()
    call_command("migrate", verbosity=1, stdout=out)
    incident.refresh_from_db()
    assert "Lindberg" not in incident.description and "Anna" not in incident.description
    assert "maskerade 1 sparade texter på nytt" in out.getvalue()
    assert MaskingRun.objects.filter(fingerprint=masked_text.rules_fingerprint()).exists()
    assert AuditEvent.objects.filter(action="text.remask").count() == 1

    # The same rules again: nothing is read or written, however often migrate runs.
    Incident.objects.filter(pk=incident.pk).update(description=LEAKED)
    call_command("migrate", verbosity=0)
    assert Incident.objects.get(pk=incident.pk).description == LEAKED
    assert AuditEvent.objects.filter(action="text.remask").count() == 1


def test_a_manual_run_records_the_rules_and_a_dry_run_does_not(world, cat):  # noqa: F811
    from samverkan.core.models import MaskingRun

    MaskingRun.objects.all().delete()
    call_command("remask_texts", "--dry-run", stdout=io.StringIO(), stderr=io.StringIO())
    assert not masked_text.rules_applied()
    call_command("remask_texts", stdout=io.StringIO(), stderr=io.StringIO())
    assert masked_text.rules_applied()


def test_flush_and_migrating_back_do_not_remask(world, cat):  # noqa: F811
    from samverkan.core.models import MaskingRun

    incident = _stored_as_before(world, cat, "flushed")
    MaskingRun.objects.all().delete()
    # ``flush`` sends post_migrate without a plan: the test suite's resets must stay cheap.
    masked_text.remask_after_upgrade(using="default", plan=None)
    assert Incident.objects.get(pk=incident.pk).description == LEAKED
    # Nor when migrating back: the older schema may lack a registered field.
    masked_text.remask_after_upgrade(using="default", plan=[(object(), True)])
    assert Incident.objects.get(pk=incident.pk).description == LEAKED
    masked_text.remask_after_upgrade(using="default", plan=[])
    assert Incident.objects.get(pk=incident.pk).description != LEAKED


def test_the_fingerprint_follows_the_name_lists(tmp_path, monkeypatch):
    before = masked_text.rules_fingerprint()
    for name in ("first_names.txt", "surnames.txt"):
        (tmp_path / name).write_bytes((masked_text._DATA_DIR / name).read_bytes())
    monkeypatch.setattr(masked_text, "_DATA_DIR", tmp_path)
    masked_text.rules_fingerprint.cache_clear()
    try:
        assert masked_text.rules_fingerprint() == before
        with (tmp_path / "first_names.txt").open("a", encoding="utf-8") as fh:
            fh.write("Tesfaldet\n")
        masked_text.rules_fingerprint.cache_clear()
        assert masked_text.rules_fingerprint() != before
    finally:
        masked_text.rules_fingerprint.cache_clear()


def test_the_fingerprint_follows_the_registered_fields(monkeypatch):
    # A field registered in an upgrade holds texts masked only by the rules of their day:
    # migrate must read them once, so the fingerprint differs.
    masked_text.rules_fingerprint.cache_clear()
    before = masked_text.rules_fingerprint()
    fields = dict(masked_text._FIELDS)
    fields[Incident] = ("description", "feedback")
    monkeypatch.setattr(masked_text, "_FIELDS", fields)
    masked_text.rules_fingerprint.cache_clear()
    try:
        assert masked_text.rules_fingerprint() != before
    finally:
        masked_text.rules_fingerprint.cache_clear()


@pytest.mark.parametrize("data_parent", ["a", "zz"])
def test_the_fingerprint_does_not_depend_on_where_the_package_lies(
    tmp_path, monkeypatch, data_parent
):
    # CI's checkout lay where the name lists' copy sorted on the other side of the masking
    # code, and the fingerprint changed with the same rules. Either side must give one value.
    masked_text.rules_fingerprint.cache_clear()
    before = masked_text.rules_fingerprint()
    masking = tmp_path / "m" / "masking"
    data = tmp_path / data_parent / "data"
    masking.mkdir(parents=True)
    data.mkdir(parents=True)
    for path in masked_text._MASKING_DIR.glob("*.py"):
        (masking / path.name).write_bytes(path.read_bytes())
    for path in masked_text._DATA_DIR.glob("*.txt"):
        (data / path.name).write_bytes(path.read_bytes())
    monkeypatch.setattr(masked_text, "_MASKING_DIR", masking)
    monkeypatch.setattr(masked_text, "_DATA_DIR", data)
    masked_text.rules_fingerprint.cache_clear()
    try:
        assert masked_text.rules_fingerprint() == before
    finally:
        masked_text.rules_fingerprint.cache_clear()


def test_remask_keeps_a_text_within_its_column(world, cat):  # noqa: F811
    """A mask can be longer than the name it hides: the place name stays within its 200
    characters, as it was cut when stored, and a second run changes nothing."""
    incident = make(world, cat, external_id="long")
    place = ("hos Bo Ek, " * 19)[:200]
    Incident.objects.filter(pk=incident.pk).update(place_name=place)
    call_command("remask_texts", stdout=io.StringIO(), stderr=io.StringIO())
    incident.refresh_from_db()
    assert len(incident.place_name) == 200 and incident.place_name.startswith("hos [namn], ")
    assert incident.place_name == mask_text(place)[:200]
    out = io.StringIO()
    call_command("remask_texts", stdout=out, stderr=io.StringIO())
    assert "Klart: 0 texter maskerade på nytt." in out.getvalue()
