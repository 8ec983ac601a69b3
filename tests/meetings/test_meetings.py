"""The weekly meeting: agenda from what is new, places, actions, frozen minutes, mail."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from samverkan.core.models import AuditEvent
from samverkan.incidents.models import Incident
from samverkan.meetings import services, workflow
from samverkan.meetings.models import Meeting
from tests.meetings.conftest import WEEK1, WEEK2

pytestmark = pytest.mark.django_db


def _ids(agenda) -> set[int]:
    return {i for row in agenda["new"]["rows"] for i in row["ids"]}


def test_agenda_lists_exactly_what_arrived_since_the_previous_meeting(world, series, make):
    coord = world.users["coordinator"]
    before = make("vandalism", WEEK1 - timedelta(hours=1))
    at_week1 = make("vandalism", WEEK1)  # arrives as week 1 starts: week 2's
    between = [
        make("vandalism.graffiti", WEEK1 + timedelta(days=2)),
        make("littering", WEEK2 - timedelta(minutes=1)),
    ]
    police = make("vandalism", WEEK1 + timedelta(days=1), source="polisen", org=None)
    after = make("vandalism", WEEK2 + timedelta(minutes=1))
    # Another partnership's report inside the window is not this meeting's business.
    other = make("vandalism", WEEK1 + timedelta(days=3), org=world.other, lon=16.5)

    week1 = services.create_meeting(series, coord, starts_at=WEEK1)
    week2 = services.create_meeting(series, coord)
    assert week2.starts_at == WEEK2  # the series' next Tuesday at nine

    assert before in _ids(week1.agenda) and at_week1 not in _ids(week1.agenda)
    expected = {at_week1, police, *between}
    assert _ids(week2.agenda) == expected
    assert after not in _ids(week2.agenda) and other not in _ids(week2.agenda)
    assert week2.agenda["new"]["total"] == len(expected)
    by_source = {s["kind"]: s["count"] for s in week2.agenda["new"]["by_source"]}
    assert by_source == {"reports": 3, "police": 1, "other": 0}
    assert (week2.window_start, week2.window_end) == (WEEK1, WEEK2)
    # Counted by the categories' top-level group.
    groups = {r["category"]: r["count"] for r in week2.agenda["new"]["rows"]}
    assert groups.get("Skadegörelse") == 3


def test_agenda_flags_repeat_places_from_the_lagesbild_sections(world, series, make):
    coord = world.users["coordinator"]
    ids = [make("vandalism", WEEK2 - timedelta(days=d), place_name="Torget") for d in (1, 3, 9)]
    meeting = services.create_meeting(series, coord, starts_at=WEEK2)
    places = meeting.agenda["flagged"]["repeat_places"]
    assert [sorted(p["incident_ids"]) for p in places] == [sorted(ids)]
    assert places[0]["place"] == "Torget"


def test_waiting_for_feedback_lists_reports_without_feedback(world, series, make):
    coord = world.users["coordinator"]
    waiting = make("vandalism", WEEK1 - timedelta(days=20), reporter_id=world.users["reporter"].pk)
    answered = make("vandalism", WEEK1 - timedelta(days=19))
    Incident.objects.filter(pk=answered).update(feedback="Tack!")
    police = make("vandalism", WEEK1 - timedelta(days=2), source="polisen", org=None)
    meeting = services.create_meeting(series, coord, starts_at=WEEK1)
    ids = meeting.agenda["waiting_feedback"]["ids"]
    assert waiting in ids and answered not in ids and police not in ids


def test_next_agenda_starts_with_open_actions(world, series):
    coord = world.users["coordinator"]
    week1 = services.create_meeting(series, coord, starts_at=WEEK1)
    kwargs = {"owner_organisation": world.polis, "due_date": date(2026, 8, 22)}
    open_one = services.add_action(week1, coord, title="Extra patrull vid torget", **kwargs)
    done = services.add_action(week1, coord, title="Laga belysningen", **kwargs)
    services.update_action(done, coord, status=workflow.DONE, feedback="Lagad")
    services.close_meeting(week1, coord)
    week2 = services.create_meeting(series, coord)
    assert list(services.open_actions(week2)) == [open_one]
    # The previous meeting's actions are followed up whatever their status.
    assert set(services.followed_up_actions(week2)) == {open_one, done}
    week3 = services.create_meeting(series, coord)
    services.update_action(open_one, coord, status=workflow.ONGOING, feedback="")
    assert list(services.open_actions(week3)) == [open_one]
    with pytest.raises(workflow.TransitionError):
        services.update_action(done, coord, status=workflow.CANCELLED, feedback="")


def test_closing_freezes_the_minutes_and_mails_the_members(
    world, series, django_capture_on_commit_callbacks
):
    coord = world.users["coordinator"]
    world.users["reporter"].email = "rapportor@example.se"
    world.users["reporter"].save()
    world.users["police_coordinator"].email = "polis@example.se"
    world.users["police_coordinator"].save()
    world.users["steering"].email = "styr@example.se"  # not a member of the series
    world.users["steering"].save()
    meeting = services.create_meeting(series, coord, starts_at=WEEK1)
    services.add_place(
        meeting,
        coord,
        name="Torget",
        reason="Tre inbrott på två veckor",
        organisation=world.polis,
        when="fre–lör kl. 20–02",
        lon=15.5,
        lat=59.5,
    )
    services.add_action(
        meeting,
        coord,
        title="Röj buskagen",
        owner_organisation=world.bostad,
        due_date=date(2026, 8, 25),
    )
    services.save_notes(meeting, coord, "Bra uppslutning.")
    with django_capture_on_commit_callbacks(execute=True):
        services.close_meeting(meeting, coord)
    meeting.refresh_from_db()
    assert meeting.status == workflow.CLOSED and meeting.closed_by == coord
    assert [p["name"] for p in meeting.minutes["places"]] == ["Torget"]
    assert [a["title"] for a in meeting.minutes["actions"]] == ["Röj buskagen"]
    assert "Torget" in meeting.minutes_html and "Bra uppslutning." in meeting.minutes_html
    assert AuditEvent.objects.filter(action="meeting.close", object_id=str(meeting.pk)).exists()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert set(message.to) == {"rapportor@example.se", "polis@example.se"}
    assert reverse("meeting-minutes", args=[meeting.pk]) in message.body

    frozen = meeting.minutes_html
    with pytest.raises(services.MeetingClosed):
        services.save_notes(meeting, coord, "Ändrat i efterhand")
    with pytest.raises(services.MeetingClosed):
        services.add_place(
            meeting, coord, name="X", reason="Y", organisation=world.polis, when="Z", lon=1, lat=2
        )
    with pytest.raises(services.MeetingClosed):
        services.remove_place(meeting.places.get(), coord)
    with pytest.raises(services.MeetingClosed):
        services.close_meeting(meeting, coord)
    # Following the action up later changes the action, not the frozen minutes.
    services.update_action(meeting.actions.get(), coord, status=workflow.DONE, feedback="Klart")
    meeting.refresh_from_db()
    assert meeting.minutes_html == frozen and meeting.notes == "Bra uppslutning."


def test_places_must_be_a_point_or_an_area_of_a_partner(world, series):
    coord = world.users["coordinator"]
    meeting = services.create_meeting(series, coord, starts_at=WEEK1)
    common = {"name": "P", "reason": "R", "when": "W"}
    with pytest.raises(ValueError, match="punkt"):
        services.add_place(meeting, coord, organisation=world.polis, **common)
    with pytest.raises(ValueError, match="ingår inte"):
        services.add_place(meeting, coord, organisation=world.other, lon=1, lat=1, **common)
    place = services.add_place(meeting, coord, organisation=world.polis, area=world.m1, **common)
    assert place.area == world.m1


def test_every_change_writes_its_audit_event(world, series):
    coord = world.users["coordinator"]
    meeting = services.create_meeting(series, coord, starts_at=WEEK1)
    services.rebuild_agenda(meeting, coord)
    services.save_notes(meeting, coord, "x")
    place = services.add_place(
        meeting, coord, name="P", reason="R", when="W", organisation=world.polis, lon=1, lat=2
    )
    services.remove_place(place, coord)
    services.add_action(
        meeting, coord, title="A", owner_organisation=world.polis, due_date=date(2026, 9, 1)
    )
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "meeting_series.create",
        "meeting.create",
        "meeting.build_agenda",
        "meeting.save_notes",
        "meeting.add_place",
        "meeting.remove_place",
        "meeting.add_action",
    } <= actions


def test_the_steering_group_sees_the_counts_without_the_coordinators_incident_list(
    world, series, make, client_for
):
    """The incident list is the coordinators' own (a steering group member is refused it),
    so their meeting page shows the counts without links that would end in "forbidden"."""
    coord, steering = world.users["coordinator"], world.users["steering"]
    make("vandalism", WEEK1 + timedelta(days=1))
    services.create_meeting(series, coord, starts_at=WEEK1)
    meeting = services.create_meeting(series, coord)
    triage = reverse("incident-triage")
    assert client_for(steering).get(triage).status_code == 403
    page = client_for(steering).get(reverse("meeting-detail", args=[meeting.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Nytt sedan förra mötet" in html and f'href="{triage}?' not in html
    assert f'href="{triage}?' in client_for(coord).get(page.request["PATH_INFO"]).content.decode()


def test_meeting_page_and_forms(world, series, make, client_for):
    coord = world.users["coordinator"]
    make("vandalism", WEEK1 + timedelta(days=1))
    services.create_meeting(series, coord, starts_at=WEEK1)
    meeting = services.create_meeting(series, coord)
    client = client_for(coord)
    page = client.get(reverse("meeting-detail", args=[meeting.pk])).content.decode()
    assert "Nytt sedan förra mötet" in page and "Avsluta mötet" in page
    row = meeting.agenda["new"]["rows"][0]
    assert f"ids={row['ids'][0]}" in page  # the count links to exactly its incidents

    url = reverse("meeting-place-add", args=[meeting.pk])
    response = client.post(
        url, {"name": "Torget", "reason": "R", "when": "fre", "organisation": world.polis.pk}
    )
    assert response.status_code == 400 and "Välj en punkt" in response.content.decode()
    client.post(
        url,
        {
            "name": "Torget",
            "reason": "R",
            "when": "fre",
            "organisation": world.polis.pk,
            "lon": "15.5",
            "lat": "59.5",
        },
    )
    client.post(
        reverse("meeting-action-add", args=[meeting.pk]),
        {"title": "Patrull", "owner_organisation": world.polis.pk, "due_date": "2026-09-01"},
    )
    assert meeting.places.count() == 1 and meeting.actions.count() == 1
    # Closing asks for a confirmation first.
    client.post(reverse("meeting-close", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.status == workflow.PLANNED
    response = client.post(reverse("meeting-close", args=[meeting.pk]), {"confirm": "1"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.is_closed
    page = client.get(reverse("meeting-detail", args=[meeting.pk])).content.decode()
    assert "Avsluta mötet och skicka" not in page and 'action="' + url not in page
    # A POST to a closed meeting changes nothing.
    client.post(reverse("meeting-notes", args=[meeting.pk]), {"notes": "efteråt"})
    meeting.refresh_from_db()
    assert meeting.notes == ""


def test_minutes_and_places_are_for_the_members(world, series, client_for):
    coord = world.users["coordinator"]
    meeting = services.create_meeting(series, coord, starts_at=WEEK1)
    services.add_place(
        meeting,
        coord,
        name="Torget",
        reason="R",
        when="fre",
        organisation=world.polis,
        lon=15.5,
        lat=59.5,
    )
    minutes = reverse("meeting-minutes", args=[meeting.pk])
    reporter = client_for(world.users["reporter"])
    assert reporter.get(minutes).status_code == 403  # not frozen yet
    assert "Torget" not in reporter.get(reverse("meetings-places")).content.decode()
    services.close_meeting(meeting, coord)
    assert reporter.get(minutes).status_code == 200
    assert "Torget" in reporter.get(reverse("meetings-places")).content.decode()
    # The reporter reads minutes and places, never the agenda with its incidents.
    assert reporter.get(reverse("meeting-detail", args=[meeting.pk])).status_code == 404
    pdf = reporter.get(reverse("meeting-minutes-pdf", args=[meeting.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    other = client_for(world.users["other_coordinator"])
    assert other.get(minutes).status_code == 404
    assert "Torget" not in other.get(reverse("meetings-places")).content.decode()


def test_series_form_refuses_members_outside_the_partnership(world, client_for):
    client = client_for(world.users["coordinator"])
    data = {
        "partnership": world.p1.pk,
        "name": "Veckomöte",
        "weekday": 1,
        "time": "09:00",
        "member_organisations": [world.polis.pk],
        "member_users": [world.users["reporter"].pk],
    }
    assert client.post(reverse("meeting-series-create"), data).status_code == 302
    data["member_users"] = [world.users["other_coordinator"].pk]
    response = client.post(reverse("meeting-series-create"), data)
    assert response.status_code == 200
    assert Meeting.objects.count() == 0


def test_new_meeting_page_proposes_the_next_weekday_and_refuses_a_taken_time(
    world, series, client_for
):
    coord = world.users["coordinator"]
    services.create_meeting(series, coord, starts_at=WEEK1)
    client = client_for(coord)
    url = reverse("meeting-create", args=[series.pk])
    assert 'value="2026-08-25T09:00"' in client.get(url).content.decode()
    response = client.post(url, {"starts_at": ""})
    week2 = Meeting.objects.get(starts_at=WEEK2)
    assert response.status_code == 302 and response["Location"].endswith(f"/moten/{week2.pk}/")
    response = client.post(url, {"starts_at": "2026-08-25T09:00"})
    assert response.status_code == 200 and "redan ett möte" in response.content.decode()
    # Steering-group members read the meeting but may not create one.
    steering = client_for(world.users["steering"])
    assert steering.get(reverse("meeting-detail", args=[week2.pk])).status_code == 200
    assert steering.post(url, {"starts_at": ""}).status_code == 403


def test_rebuilding_the_agenda_counts_what_arrived_since_it_was_built(world, series, make):
    coord = world.users["coordinator"]
    meeting = services.create_meeting(series, coord, starts_at=WEEK1)
    assert meeting.agenda["new"]["total"] == 0
    late = make("vandalism", WEEK1 - timedelta(hours=2))
    meeting = services.rebuild_agenda(meeting, coord)
    assert _ids(meeting.agenda) == {late}


def test_a_coordinator_changes_the_series_members(world, series, client_for):
    client = client_for(world.users["coordinator"])
    url = reverse("meeting-series-edit", args=[series.pk])
    assert "Veckomöte Norrby" in client.get(url).content.decode()
    data = {
        "partnership": world.p1.pk,
        "name": "Veckomöte Norrby",
        "weekday": 3,
        "time": "10:00",
        "member_organisations": [world.polis.pk, world.bostad.pk],
    }
    assert client.post(url, data).status_code == 302
    series.refresh_from_db()
    assert series.weekday == 3 and not series.member_users.exists()
    assert set(series.member_organisations.all()) == {world.polis, world.bostad}
    event = AuditEvent.objects.get(action="meeting_series.update")
    assert event.details["fields"] == [
        "member_organisations",
        "member_users",
        "time",
        "weekday",
    ]
    # The partnership stays: another partnership is not on offer.
    data["partnership"] = world.p2.pk
    assert client.post(url, data).status_code == 200
    assert client_for(world.users["steering"]).get(url).status_code == 403


def test_minutes_are_frozen_in_the_sites_language(world, series):
    from django.utils import translation

    coord = world.users["coordinator"]
    meeting = services.create_meeting(series, coord, starts_at=WEEK1)
    with translation.override("en"):
        services.close_meeting(meeting, coord)
    meeting.refresh_from_db()
    assert "Prioriterade platser kommande vecka" in meeting.minutes_html


def test_minutes_download_as_docx_that_word_can_read(world, series, client_for):
    import io

    from docx import Document

    coord = world.users["coordinator"]
    meeting = services.create_meeting(series, coord, starts_at=WEEK1)
    services.add_place(
        meeting,
        coord,
        name="Torget\x0c",  # a pasted form feed: XML cannot hold it
        reason="Tre inbrott",
        organisation=world.polis,
        when="fre",
        lon=15.5,
        lat=59.5,
    )
    services.add_action(
        meeting,
        coord,
        title="Röj buskagen",
        owner_organisation=world.bostad,
        due_date=date(2026, 8, 25),
    )
    services.close_meeting(meeting, coord)
    # Changed after closing: the DOCX, like the PDF, says what was frozen.
    services.update_action(meeting.actions.get(), coord, status=workflow.DONE, feedback="")
    response = client_for(world.users["reporter"]).get(
        reverse("meeting-minutes-docx", args=[meeting.pk])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    doc = Document(io.BytesIO(response.content))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "Mötet",
        "Uppföljning av åtgärder",
        "Nytt sedan förra mötet",
        "Prioriterade platser kommande vecka",
        "Kortsiktiga åtgärder",
        "Anteckningar",
    ]
    cells = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    assert ["Torget", "Tre inbrott", world.polis.name, "fre", "59.50000, 15.50000"] in cells
    assert ["Röj buskagen", world.bostad.name, "2026-08-25", "Ej påbörjad"] in cells
    assert AuditEvent.objects.filter(
        action="meeting.export_minutes", details__format="docx"
    ).exists()


def test_minutes_page_escapes_what_was_written_and_never_renders_stored_html(
    world, series, client_for
):
    coord = world.users["coordinator"]
    meeting = services.create_meeting(series, coord, starts_at=WEEK1)
    services.save_notes(meeting, coord, "<script>alert(1)</script>")
    services.close_meeting(meeting, coord)
    # Markup written into the stored HTML (by anything that reaches the database) is not
    # the page: the page renders the frozen JSON, escaped.
    Meeting.objects.filter(pk=meeting.pk).update(minutes_html="<img src=x onerror=alert(2)>")
    page = client_for(coord).get(reverse("meeting-minutes", args=[meeting.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    assert "onerror=alert(2)" not in page


def test_a_planned_meeting_whose_day_is_over_is_pointed_out(world, series, client_for):
    """Held but never closed, or never held: the list and the start page say so, so the
    coordinator closes it or plans the next one; today's meeting and closed ones are not."""
    from django.utils import timezone

    coord = world.users["coordinator"]
    now = timezone.localtime()
    past = services.create_meeting(series, coord, starts_at=now - timedelta(days=8))
    older = services.create_meeting(series, coord, starts_at=now - timedelta(days=15))
    closed = services.create_meeting(series, coord, starts_at=now - timedelta(days=22))
    services.close_meeting(closed, coord)
    closed.refresh_from_db()
    today = services.create_meeting(series, coord, starts_at=now.replace(hour=0, minute=1))
    assert past.is_overdue and older.is_overdue
    assert not closed.is_overdue and not today.is_overdue

    client = client_for(coord)
    page = client.get(reverse("meetings-home")).content.decode()
    assert page.count("Datumet har passerat, ännu inte avslutat") == 2
    start = client.get(reverse("home")).content.decode()
    line = start.split('id="unclosed-meetings"')[1].split("</p>")[0]
    assert "2 möten har passerat utan att avslutas" in line
    assert reverse("meeting-detail", args=[past.pk]) in line
    # Another partnership's coordinator is told nothing of them.
    other = client_for(world.users["other_coordinator"]).get(reverse("home")).content.decode()
    assert 'id="unclosed-meetings"' not in other
