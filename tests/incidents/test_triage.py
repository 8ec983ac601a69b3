"""Triage a coordinator expects: category, assignment, tags, filters, sorting, pages, mail."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from samverkan.core.models import AuditEvent, Membership
from samverkan.core.roles import Role
from samverkan.incidents.ingest import IncidentRow, ingest
from samverkan.incidents.models import Category, Incident, IncidentArea, Tag
from samverkan.incidents.triage import parse_tags


@pytest.fixture
def cat(db):
    return Category.objects.get(code="vandalism")


def make(world, cat, **kw):
    defaults = {
        "source": "rapport",
        "occurred_from": datetime(2025, 3, 5, 12, tzinfo=UTC),
        "category_id": cat.pk,
        "lon": 15.5,
        "lat": 59.5,
        "organisation_id": world.bostad.pk,
        "reporter_id": world.users["reporter"].pk,
    }
    defaults.update(kw)
    return Incident.objects.get(pk=ingest([IncidentRow(**defaults)]).incident_ids[0])


def other_category(cat):
    return Category.objects.exclude(pk=cat.pk).exclude(is_summary=True).exclude(parent=None).first()


def test_coordinator_changes_the_category_and_the_reporter_sees_it(world, cat, client):
    incident = make(world, cat)
    new = other_category(cat)
    client.force_login(world.users["coordinator"])
    url = reverse("incident-action", args=[incident.pk, "category"])
    assert client.post(url, {"category": new.code}).status_code == 302
    incident.refresh_from_db()
    assert incident.category == new
    # The counts follow: the area links carry the new category.
    assert set(
        IncidentArea.objects.filter(incident=incident).values_list("category", flat=True)
    ) == {new.pk}
    event = AuditEvent.objects.get(action="incident.change_category")
    assert event.details == {"from": cat.code, "to": new.code}
    assert event.actor == world.users["coordinator"]

    client.force_login(world.users["reporter"])
    mine = client.get(reverse("incident-mine")).content.decode()
    assert new.label in mine and cat.label not in mine
    assert new.label in client.get(reverse("incident-detail", args=[incident.pk])).content.decode()


def test_reporter_and_other_partnership_cannot_change_the_category(world, cat, client):
    incident = make(world, cat)
    new = other_category(cat)
    for who in ("reporter", "other_coordinator"):
        client.force_login(world.users[who])
        url = reverse("incident-action", args=[incident.pk, "category"])
        assert client.post(url, {"category": new.code}).status_code == 404
    incident.refresh_from_db()
    assert incident.category == cat
    assert not AuditEvent.objects.filter(action="incident.change_category").exists()


def test_assign_to_an_organisation_and_a_person_of_the_partnership(world, cat, client):
    incident = make(world, cat)
    client.force_login(world.users["coordinator"])
    url = reverse("incident-action", args=[incident.pk, "assign"])
    person = world.users["police_coordinator"]
    client.post(url, {"organisation": world.polis.pk, "person": person.pk})
    incident.refresh_from_db()
    assert incident.assigned_organisation == world.polis and incident.assigned_to == person
    assert AuditEvent.objects.filter(action="incident.assign").count() == 1
    page = client.get(reverse("incident-detail", args=[incident.pk])).content.decode()
    assert "Lokalpolisområde Norrby" in page and "polissamordnare" in page
    # The reporter is not told who in the partnership handles it (another person's name).
    client.force_login(world.users["reporter"])
    page = client.get(reverse("incident-detail", args=[incident.pk])).content.decode()
    assert "polissamordnare" not in page and "Tilldelad" not in page
    client.force_login(world.users["coordinator"])

    # Someone of another partnership is refused and nothing changes.
    client.post(
        url, {"organisation": world.other.pk, "person": world.users["other_coordinator"].pk}
    )
    incident.refresh_from_db()
    assert incident.assigned_organisation == world.polis and incident.assigned_to == person
    assert AuditEvent.objects.filter(action="incident.assign").count() == 1


def test_assign_service_refuses_outsiders(world, cat):
    from samverkan.incidents.triage import assign

    incident = make(world, cat)
    with pytest.raises(ValueError):
        assign(incident, world.other, None, world.users["coordinator"])
    with pytest.raises(ValueError):
        assign(incident, None, world.users["other_coordinator"], world.users["coordinator"])


def test_parse_tags_trims_and_drops_repeats():
    assert parse_tags(" Klotter ,klotter,  skolan   norr ,,") == ["Klotter", "skolan norr"]


def test_tags_belong_to_the_partnership(world, cat, client):
    incident = make(world, cat)
    client.force_login(world.users["coordinator"])
    url = reverse("incident-action", args=[incident.pk, "tags"])
    client.post(url, {"tags": "klotter, skolan"})
    assert sorted(incident.tags.values_list("name", flat=True)) == ["klotter", "skolan"]
    assert set(Tag.objects.values_list("partnership", flat=True)) == {world.p1.pk}
    # Setting again replaces them and reuses the partnership's existing tag.
    client.post(url, {"tags": "Klotter"})
    assert list(incident.tags.values_list("name", flat=True)) == ["klotter"]
    assert Tag.objects.filter(partnership=world.p1).count() == 2
    assert AuditEvent.objects.filter(action="incident.set_tags").count() == 2

    # The filter finds it by tag.
    tag = Tag.objects.get(name="klotter")
    make(world, cat, external_id="x2", lon=15.6)
    listing = client.get(reverse("incident-triage"), {"tag": tag.pk})
    assert [i.pk for i in listing.context["object_list"]] == [incident.pk]

    # Another partnership's coordinator neither sees nor can filter by Norrby's tags.
    client.force_login(world.users["other_coordinator"])
    response = client.get(reverse("incident-triage"), {"tag": tag.pk})
    assert "klotter" not in response.content.decode()


def test_waiting_for_feedback_filter(world, cat, client):
    waiting = make(world, cat)
    answered = make(world, cat, external_id="a", lon=15.6)
    police = make(world, cat, source="polisen", reporter_id=None, organisation_id=None, lon=15.7)
    client.force_login(world.users["coordinator"])
    client.post(reverse("incident-action", args=[answered.pk, "feedback"]), {"feedback": "Tack"})
    listing = client.get(reverse("incident-triage"), {"waiting": "on"})
    ids = {i.pk for i in listing.context["object_list"]}
    assert ids == {waiting.pk}
    assert police.pk not in ids


def test_assigned_filter(world, cat, client):
    from samverkan.incidents.triage import assign

    mine = make(world, cat)
    theirs = make(world, cat, external_id="b", lon=15.6)
    free = make(world, cat, external_id="c", lon=15.7)
    coordinator = world.users["coordinator"]
    assign(mine, None, coordinator, coordinator)
    assign(theirs, world.polis, None, coordinator)
    client.force_login(coordinator)

    def listed(value):
        response = client.get(reverse("incident-triage"), {"assigned": value})
        return {i.pk for i in response.context["object_list"]}

    assert listed("me") == {mine.pk}
    assert listed(f"org-{world.polis.pk}") == {theirs.pk}
    assert listed("none") == {free.pk}


def test_lists_are_paged_by_twenty_and_sorted(world, cat, client):
    second = other_category(cat)
    start = datetime(2025, 1, 1, 12, tzinfo=UTC)
    for n in range(41):
        make(
            world,
            second if n % 2 else cat,
            external_id=f"p{n}",
            occurred_from=start + timedelta(days=n),
            lon=15.1 + n / 100,
        )
    client.force_login(world.users["reporter"])
    page1 = client.get(reverse("incident-mine"))
    assert len(page1.context["object_list"]) == 20
    assert page1.context["paginator"].num_pages == 3
    dates = [i.occurred_from for i in page1.context["object_list"]]
    assert dates == sorted(dates, reverse=True)
    assert "page=2" in page1.content.decode()
    oldest = client.get(reverse("incident-mine"), {"sort": "date"}).context["object_list"]
    assert oldest[0].occurred_from == start
    page3 = client.get(reverse("incident-mine"), {"sort": "date", "page": 3})
    assert [i.occurred_from for i in page3.context["object_list"]] == [start + timedelta(days=40)]
    by_cat = client.get(reverse("incident-mine"), {"sort": "category"}).context["object_list"]
    orders = [(i.category.sort_order, i.category.code) for i in by_cat]
    assert orders == sorted(orders)

    client.force_login(world.users["coordinator"])
    triage = client.get(reverse("incident-triage"), {"sort": "status"})
    assert len(triage.context["object_list"]) == 20
    assert triage.context["paginator"].count == 41


def test_reporter_gets_a_mail_with_a_link_only(
    world, cat, client, mailoutbox, django_capture_on_commit_callbacks
):
    reporter = world.users["reporter"]
    reporter.email = "rapportor@example.org"
    reporter.save()
    incident = make(world, cat, description="Klotter vid porten")
    client.force_login(world.users["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("incident-action", args=[incident.pk, "feedback"]),
            {"feedback": "Fastighetsskötaren har sanerat. Hälsningar Lisa"},
        )
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["rapportor@example.org"]
    assert reverse("incident-detail", args=[incident.pk]) in mail.body
    # Nothing of the report, the feedback or its author: only a link.
    for secret in ("Fastighetsskötaren", "Lisa", "Klotter", "samordnare", cat.label):
        assert secret not in mail.body and secret not in mail.subject
    assert AuditEvent.objects.get(action="incident.give_feedback").details == {"mailed": True}


def test_reporter_opts_out_on_the_account_page(
    world, cat, client, mailoutbox, django_capture_on_commit_callbacks
):
    reporter = world.users["reporter"]
    reporter.email = "rapportor@example.org"
    reporter.save()
    client.force_login(reporter)
    account = client.get(reverse("two-factor-account")).content.decode()
    assert "checked" in account.split('name="feedback_mail"')[1].split(">")[0]
    client.post(reverse("incident-feedback-mail"), {})
    assert AuditEvent.objects.get(action="user.set_feedback_mail").details == {
        "feedback_mail": False
    }
    account = client.get(reverse("two-factor-account")).content.decode()
    field = account.split('name="feedback_mail"')[1].split(">")[0]
    assert "checked" not in field

    incident = make(world, cat)
    client.force_login(world.users["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("incident-action", args=[incident.pk, "feedback"]), {"feedback": "Tack"}
        )
    assert mailoutbox == []
    assert AuditEvent.objects.get(action="incident.give_feedback").details == {"mailed": False}

    # Opting in again brings the mail back.
    client.force_login(reporter)
    client.post(reverse("incident-feedback-mail"), {"feedback_mail": "on"})
    client.force_login(world.users["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("incident-action", args=[incident.pk, "feedback"]), {"feedback": "Igen"}
        )
    assert len(mailoutbox) == 1


def test_no_mail_without_an_address(
    world, cat, client, mailoutbox, django_capture_on_commit_callbacks
):
    incident = make(world, cat)
    client.force_login(world.users["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("incident-action", args=[incident.pk, "feedback"]), {"feedback": "Tack"}
        )
    assert mailoutbox == []


def test_people_offered_for_assignment_are_the_partnerships(world, cat, client):
    incident = make(world, cat)
    client.force_login(world.users["coordinator"])
    page = client.get(reverse("incident-detail", args=[incident.pk]))
    people = set(page.context["assign_form"].fields["person"].queryset)
    assert world.users["police_coordinator"] in people and world.users["reporter"] in people
    assert world.users["other_coordinator"] not in people
    Membership.objects.create(
        user=world.users["other_coordinator"], organisation=world.bostad, role=Role.REPORTER
    )
    page = client.get(reverse("incident-detail", args=[incident.pk]))
    assert world.users["other_coordinator"] in set(
        page.context["assign_form"].fields["person"].queryset
    )


def test_the_category_form_shows_the_current_category_selected(world, cat, client):
    incident = make(world, cat)
    client.force_login(world.users["coordinator"])
    page = client.get(reverse("incident-detail", args=[incident.pk])).content.decode()
    # Chosen by code, the word the API uses too; the incident's own is preselected.
    assert f'<option value="{cat.code}" selected>' in page
