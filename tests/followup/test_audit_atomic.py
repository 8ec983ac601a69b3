"""Each follow-up change and its audit event are committed together or not at all.

The audit writer is made to fail; the change it would have recorded must be gone too.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from samverkan.core import audit
from samverkan.core.models import AuditEvent
from samverkan.followup import services
from samverkan.followup.models import (
    EffectGoal,
    ExperienceAttachment,
    ExperienceEntry,
    Indicator,
    IndicatorValue,
    TertialReport,
)
from samverkan.incidents.models import Category


class AuditDown(Exception):
    pass


@pytest.fixture
def audit_fails(monkeypatch):
    """Make the audit writer raise for actions starting with the given prefix."""

    def install(prefix: str = ""):
        real = audit.record

        def record(action, **kwargs):
            if action.startswith(prefix):
                raise AuditDown(action)
            return real(action, **kwargs)

        monkeypatch.setattr(audit, "record", record)

    return install


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _last_month_noon(months_back: int = 1) -> datetime:
    today = timezone.localdate()
    first = date(today.year, today.month, 1)
    for _ in range(months_back):
        first = (first - timedelta(days=1)).replace(day=1)
    return datetime(first.year, first.month, 10, 12)


@pytest.fixture
def indicator(world, add_incidents):
    add_incidents(world.m1, [_last_month_noon(2)] * 3)
    coord = world.users["coordinator"]
    ind = services.create_indicator(
        world.p1,
        coord,
        name="Skadegörelse",
        area=world.m1,
        categories=list(Category.objects.filter(code="vandalism")),
    )
    services.create_goal(
        ind,
        coord,
        title="Minska",
        baseline_label=str(timezone.localdate().year - 1),
        baseline_value=10,
        direction="decrease",
        target_value=None,
        deadline=date(timezone.localdate().year + 2, 12, 31),
    )
    return ind


def _values(ind: Indicator):
    return sorted(
        IndicatorValue.objects.filter(indicator=ind).values_list("period_start", "value", "rate")
    )


def _goals(ind: Indicator):
    return sorted(EffectGoal.objects.filter(indicator=ind).values_list("pk", "status_details"))


def test_indicator_refresh_is_recorded_in_its_transaction(world, indicator, add_incidents, client):
    add_incidents(world.m1, [_last_month_noon(1)] * 5)
    client.force_login(world.users["coordinator"])
    response = client.post(reverse("followup-indicator-refresh", args=[indicator.pk]))
    assert response.status_code == 302
    assert 5.0 in [v for _s, v, _r in _values(indicator)]
    event = AuditEvent.objects.get(action="indicator.refresh")
    assert event.actor == world.users["coordinator"]
    assert event.object_id == str(indicator.pk)


def test_indicator_refresh_is_undone_when_its_audit_event_fails(
    world, indicator, add_incidents, client, audit_fails
):
    add_incidents(world.m1, [_last_month_noon(1)] * 5)
    values, goals = _values(indicator), _goals(indicator)
    audit_fails("indicator.refresh")
    client.force_login(world.users["coordinator"])
    with pytest.raises(AuditDown):
        client.post(reverse("followup-indicator-refresh", args=[indicator.pk]))
    assert _values(indicator) == values
    assert _goals(indicator) == goals


@pytest.fixture
def entry(world):
    return services.save_entry(
        ExperienceEntry(title="Trygghetsvandring", partnership=world.p1, shared=False),
        world.users["coordinator"],
    )


def _stored_files(media):
    return sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []


def test_attachment_is_recorded_in_its_transaction(world, entry, media, client):
    client.force_login(world.users["coordinator"])
    upload = SimpleUploadedFile("rapport.pdf", b"%PDF-1.4 rapport")
    response = client.post(reverse("followup-entry", args=[entry.pk]), {"file": upload})
    assert response.status_code == 302
    att = ExperienceAttachment.objects.get(entry=entry)
    assert att.name == "rapport.pdf" and att.file.read() == b"%PDF-1.4 rapport"
    event = AuditEvent.objects.get(action="experience.attach")
    assert (event.actor, event.object_id) == (world.users["coordinator"], str(att.pk))


def test_attachment_is_undone_with_its_file_when_its_audit_event_fails(
    world, entry, media, client, audit_fails
):
    audit_fails("experience.attach")
    client.force_login(world.users["coordinator"])
    upload = SimpleUploadedFile("rapport.pdf", b"%PDF-1.4 rapport")
    with pytest.raises(AuditDown):
        client.post(reverse("followup-entry", args=[entry.pk]), {"file": upload})
    assert not ExperienceAttachment.objects.exists()
    assert _stored_files(media) == []


def _create_indicator(world):
    services.create_indicator(world.p1, world.users["coordinator"], name="Ny", area=world.m1)


def _tertial(world):
    services.generate_tertial_report(world.p1, "2025-T1", world.users["coordinator"])


def _new_entry(world):
    services.save_entry(ExperienceEntry(title="Ny erfarenhet"), world.users["coordinator"])


def _bank_import(world):
    services.import_entries("title;description\nImporterad;Text\n", world.users["coordinator"])


@pytest.mark.parametrize(
    "change,prefix,table",
    [
        (_create_indicator, "indicator.create", Indicator),
        (_tertial, "tertial_report.", TertialReport),
        (_new_entry, "experience.create", ExperienceEntry),
        (_bank_import, "experience.create", ExperienceEntry),
    ],
    ids=["indicator", "tertial", "entry", "bank-import"],
)
def test_other_changes_are_undone_when_their_audit_event_fails(
    world, audit_fails, change, prefix, table
):
    before = table.objects.count()
    audit_fails(prefix)
    with pytest.raises(AuditDown):
        change(world)
    assert table.objects.count() == before
