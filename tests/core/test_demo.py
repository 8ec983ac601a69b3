"""`load_demo`: demo organisations, a user per role, bundled data; a second run changes nothing."""

import gzip
import itertools

import pytest
from django.core.management import call_command

from samverkan import demo_data
from samverkan.core.models import Area, AuditEvent, Membership, Organisation
from samverkan.core.roles import Role
from samverkan.incidents.models import Incident


@pytest.fixture
def small_events(tmp_path, monkeypatch):
    """The first 400 bundled police events, to keep the test quick."""
    source = demo_data.path(demo_data.SE_POLICE_EVENTS)
    target = tmp_path / "events.jsonl.gz"
    with gzip.open(source, "rt", encoding="utf-8") as src, gzip.open(target, "wt") as dst:
        dst.writelines(itertools.islice(src, 400))
    original = demo_data.path
    monkeypatch.setattr(
        demo_data,
        "path",
        lambda name: target if name == demo_data.SE_POLICE_EVENTS else original(name),
    )
    return target


def snapshot():
    return (
        Area.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
        Incident.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.mark.django_db
def test_load_demo_twice_changes_nothing(small_events, capsys):
    call_command("load_demo")
    first = snapshot()
    out = capsys.readouterr().out
    call_command("load_demo")
    assert snapshot() == first
    assert first[0] == 290 + 21 + 357 + 15
    assert first[3] == 400
    assert "samordnare" in out and "demo-samordnare" in out


@pytest.mark.django_db
def test_demo_has_every_kind_of_organisation_and_role(small_events):
    call_command("load_demo")
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert {"municipality", "police", "housing", "school", "county_board"} <= kinds
    roles = set(Membership.objects.values_list("role", flat=True))
    assert {str(r) for r in Role} <= roles


@pytest.mark.django_db
def test_police_events_land_in_the_named_municipality(small_events):
    call_command("load_demo")
    for incident in Incident.objects.filter(precision="municipality")[:50]:
        names = set(incident.areas.filter(level="municipality").values_list("name", flat=True))
        assert len(names) == 1, incident.pk
        # The municipality's county is linked too, so county counts include it.
        assert incident.areas.filter(level="county").count() == 1
