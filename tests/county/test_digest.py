"""The regional network digest: content for the period, suppression, sending, subscriptions."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import unquote

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from samverkan.core import periods
from samverkan.core.models import Area, AuditEvent, Membership, Organisation, Partnership
from samverkan.core.roles import Role
from samverkan.county import network, services, workflow
from samverkan.county.digest import gather
from samverkan.county.models import Digest, DigestSubscription, NetworkMeeting
from samverkan.followup.models import Design, Evaluation, ExperienceEntry
from samverkan.plans.models import ActionPlan, Measure
from samverkan.situation import workflow as situation_workflow
from samverkan.situation.models import Audience, SituationReport

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# A standalone 1 or 2: not part of a date, a larger number or "<3".
SMALL = re.compile(r"(?<![\d.,:<\-/])[12](?![\d.,:\-/])")
# Figures only in material the digest must not carry.
SECRET = ("4321", "9876", "5555", "7777")
AUGUST = periods.parse("2026-08", "month")


def picture(area, partnership, totals, *, period=AUGUST, version=1, **kwargs):
    fields = {
        "status": situation_workflow.SHARED,
        "audience": Audience.SHARED,
        "approved_at": datetime(2026, 9, 2, tzinfo=UTC),
    }
    fields.update(kwargs)
    return SituationReport.objects.create(
        area=area,
        partnership=partnership,
        period_type=period.type,
        period_start=period.start,
        period_end=period.end,
        period_label=period.label,
        version=version,
        snapshot={"period": {"name": period.human("sv")}, "totals": totals},
        **fields,
    )


def entry(title, partnership, created, **kwargs):
    e = ExperienceEntry.objects.create(title=title, partnership=partnership, **kwargs)
    ExperienceEntry.objects.filter(pk=e.pk).update(created_at=created)
    return e


@pytest.fixture
def network_world(world, django_user_model):
    w = world
    w.m1.population, w.m2.population = 50_000, 20_000
    w.m1.save(), w.m2.save()
    # Another county with its own partnership: neither its figures nor its people belong here.
    w.county2 = Area.objects.create(code="88", name="Annatlän", level="county")
    w.m9 = Area.objects.create(code="8801", name="Fjärran", level="municipality", parent=w.county2)
    w.p9 = Partnership.objects.create(name="Samverkan Fjärran")
    w.p9.areas.set([w.m9])
    far = Organisation.objects.create(name="Fjärrans kommun", kind="municipality")
    w.p9.organisations.set([far])
    w.outsider = django_user_model.objects.create_user("utomstaende", email="ut@example.org")
    Membership.objects.create(user=w.outsider, organisation=far, role=Role.COORDINATOR)
    for key, u in w.users.items():
        u.email = f"{key}@example.org"
        u.save()

    in_aug = datetime(2026, 8, 15, 12, tzinfo=UTC)
    # Norrby: a shared picture where one small count slipped through as a number.
    picture(w.m1, w.p1, {"count": 120, "previous": 1, "last_year": "<3"})
    # ... an internal and a draft picture of August, and a shared one of July.
    picture(w.m1, w.p1, {"count": 4321}, audience=Audience.INTERNAL, status="approved")
    picture(w.m1, w.p1, {"count": 9876}, status=situation_workflow.DRAFT, approved_at=None)
    picture(w.m1, w.p1, {"count": 5555}, period=periods.parse("2026-07", "month"))
    # Söderby: two shared versions; the later one's count is small and unprotected.
    picture(w.m2, w.p2, {"count": 7777, "previous": 40, "last_year": 30}, version=1)
    picture(w.m2, w.p2, {"count": 2, "previous": 40, "last_year": 30}, version=2)
    # The other county shared a picture too.
    picture(w.m9, w.p9, {"count": 4321})

    entry("Trygghetsvandring i centrum", w.p1, in_aug, shared=True, effect_summary="Färre bränder")
    entry("Intern anteckning", w.p1, in_aug, shared=False, public=False)
    entry("Offentlig metod", w.p2, in_aug, shared=False, public=True)
    entry("Annat läns metod", w.p9, in_aug, shared=True)
    entry("Septembers erfarenhet", w.p1, datetime(2026, 9, 3, tzinfo=UTC), shared=True)
    plan = ActionPlan.objects.create(partnership=w.p1, title="Plan", start_year=2026, end_year=2026)
    measure = Measure.objects.create(
        plan=plan,
        title="Belysning",
        target_side="place",
        owner=w.kommun,
        start=date(2026, 3, 1),
        end=date(2026, 6, 30),
    )
    ev = Evaluation.objects.create(
        measure=measure,
        partnership=w.p1,
        title="Utvärdering av belysning",
        design=Design.BEFORE_AFTER,
        treated_area=w.m1,
        before_start=date(2026, 1, 1),
        before_end=date(2026, 2, 28),
        after_start=date(2026, 3, 1),
        after_end=date(2026, 4, 30),
        counts={"treated_before": 1, "treated_after": 2},
    )
    entry("Belysning vid torget", w.p1, in_aug, shared=True, evaluation=ev, origin="evaluation")
    ev2 = Evaluation.objects.create(
        measure=measure,
        partnership=w.p1,
        title="Ej delad utvärdering",
        design=Design.BEFORE_AFTER,
        treated_area=w.m1,
        before_start=date(2026, 1, 1),
        before_end=date(2026, 2, 28),
        after_start=date(2026, 3, 1),
        after_end=date(2026, 4, 30),
    )
    entry("Ej delad", w.p1, in_aug, shared=False, evaluation=ev2, origin="evaluation")

    now = timezone.now()
    NetworkMeeting.objects.create(
        county=w.county, starts_at=now + timedelta(days=20), topic="Nätverksträff", place="Örebro"
    )
    NetworkMeeting.objects.create(
        county=w.county,
        starts_at=now + timedelta(days=30),
        topic="Digitalt",
        link="javascript:alert(1)",
    )
    NetworkMeeting.objects.create(county=w.county, starts_at=now - timedelta(days=2), topic="Förra")
    NetworkMeeting.objects.create(
        county=w.county2, starts_at=now + timedelta(days=5), topic="Deras"
    )
    w.board = w.users["regional"]
    # The board's regional role reaches this county only.
    Membership.objects.get(user=w.board).areas.set([w.county])
    return w


def make_digest(w, intro="Hej nätverket!"):
    return services.create_digest(w.board, w.county, "month", "2026-08", intro)


def test_gather_selects_exactly_the_shared_items_of_the_county_and_period(network_world):
    w = network_world
    content = gather(make_digest(w), w.board)
    assert [(p["municipality"], p["figures"]) for p in content["pictures"]] == [
        ("Norrby", {"count": 120, "previous": "<3", "last_year": "<3"}),
        ("Söderby", {"count": "<3", "previous": 40, "last_year": 30}),
    ]
    # The rate needs a shown count: Söderby's is hidden, so is its rate.
    assert [p["rate"] for p in content["pictures"]] == [240.0, None]
    assert [e["title"] for e in content["entries"]] == [
        "Trygghetsvandring i centrum",
        "Offentlig metod",
    ]
    assert [e["title"] for e in content["evaluations"]] == ["Belysning vid torget"]
    assert [(m["topic"], m["link"]) for m in content["meetings"]] == [
        ("Nätverksträff", ""),
        ("Digitalt", ""),
    ]
    assert content["intro"] == "Hej nätverket!"
    assert not any(s in str(content) for s in SECRET)


def test_a_tertial_digest_takes_tertial_pictures_only(network_world):
    w = network_world
    t2 = periods.parse("2026-T2", "tertial")
    picture(w.m1, w.p1, {"count": 700, "previous": 650, "last_year": 600}, period=t2)
    picture(w.m1, w.p1, {"count": 800}, period=periods.parse("2026-T3", "tertial"))
    digest = services.create_digest(w.board, w.county, "tertial", "2026-T2")
    content = gather(digest, w.board)
    # Norrby's months of May-August stay out: side by side with the tertial, the tertial
    # minus the months shown would give a month hidden as <3 back.
    assert [(p["municipality"], p["figures"]["count"]) for p in content["pictures"]] == [
        ("Norrby", 700)
    ]
    monthly = gather(make_digest(w), w.board)
    assert [p["period"] for p in monthly["pictures"]] == ["augusti 2026", "augusti 2026"]


def _visible_text(html: str) -> str:
    main = re.search(r'<article class="digest".*?</article>', html, re.DOTALL).group(0)
    return re.sub(r"<[^>]+>", " ", main)


def _without_urls(text: str) -> str:
    return re.sub(r"https?://\S+|/\S+", " ", text)


def send(client, w, digest, django_capture_on_commit_callbacks):
    with override_settings(TASKS=IMMEDIATE), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("county-digest-send", args=[digest.pk]))
    assert response.status_code == 302
    digest.refresh_from_db()
    return digest


def test_sent_by_the_worker_to_subscribers_only_with_no_small_count_anywhere(
    network_world, client_for, django_capture_on_commit_callbacks, django_user_model
):
    w = network_world
    for key in ("coordinator", "reporter", "other_coordinator"):
        services.subscribe(w.users[key], w.county)
    # A former member who subscribed while in the network no longer gets it.
    gone = django_user_model.objects.create_user("tidigare", email="tidigare@example.org")
    DigestSubscription.objects.create(user=gone, county=w.county)
    digest = make_digest(w)
    c = client_for(w.board)
    preview = c.get(reverse("county-digest", args=[digest.pk])).content.decode()
    assert "Förhandsvisning" in preview

    digest = send(c, w, digest, django_capture_on_commit_callbacks)
    assert digest.status == workflow.SENT and digest.recipients == 3
    assert sorted(m.to[0] for m in mail.outbox) == [
        "coordinator@example.org",
        "other_coordinator@example.org",
        "reporter@example.org",
    ]
    assert AuditEvent.objects.filter(action="county_digest.queue", actor=w.board).count() == 1
    sent = AuditEvent.objects.get(action="county_digest.send")
    assert sent.details["recipients"] == 3 and sent.object_id == str(digest.pk)

    web = client_for(w.users["reporter"]).get(reverse("county-digest", args=[digest.pk]))
    assert web.status_code == 200
    for message in mail.outbox:
        html = message.alternatives[0][0]
        for text in (_without_urls(message.body), _visible_text(html)):
            assert "120" in text and "Trygghetsvandring i centrum" in text
            assert not SMALL.search(text), SMALL.search(text)
            assert not any(s in text for s in SECRET)
        # The web version and the unsubscribe link are in every e-mail.
        assert reverse("county-digest", args=[digest.pk]) in message.body
        assert "/lan/natverksbrev/avsluta/" in message.body
    page = _visible_text(web.content.decode())
    assert "120" in page and not SMALL.search(page) and not any(s in page for s in SECRET)


def test_the_sent_digest_is_frozen(network_world, client_for, django_capture_on_commit_callbacks):
    w = network_world
    digest = send(client_for(w.board), w, make_digest(w), django_capture_on_commit_callbacks)
    # A later version shared after sending: the preview would take it, the sent digest not.
    picture(w.m1, w.p1, {"count": 333}, version=2)
    assert gather(digest, w.board)["pictures"][0]["figures"]["count"] == 333
    body = client_for(w.users["coordinator"]).get(reverse("county-digest", args=[digest.pk]))
    assert "120" in body.content.decode() and "333" not in body.content.decode()
    with pytest.raises(workflow.TransitionError):
        services.request_send(w.board, digest)
    with pytest.raises(workflow.TransitionError):
        services.update_digest(w.board, digest, "ny text")


def test_the_introduction_is_escaped_on_the_page_and_in_the_mail(
    network_world, client_for, django_capture_on_commit_callbacks
):
    w = network_world
    services.subscribe(w.users["coordinator"], w.county)
    payload = '<script>alert("x")</script><b>fet</b>'
    digest = make_digest(w, intro=payload)
    c = client_for(w.board)
    for body in (
        c.get(reverse("county-digest", args=[digest.pk])).content.decode(),
        send(c, w, digest, django_capture_on_commit_callbacks) and "",
        mail.outbox[0].alternatives[0][0],
        c.get(reverse("county-digest", args=[digest.pk])).content.decode(),
    ):
        assert "<script>alert" not in body and "<b>fet" not in body
    assert "&lt;script&gt;" in mail.outbox[0].alternatives[0][0]


def test_unsubscribe_by_token_without_signing_in(network_world, client):
    w = network_world
    member = w.users["coordinator"]
    services.subscribe(member, w.county)
    url = services.unsubscribe_url(member, w.county)
    token = network.unsubscribe_token(member, w.county)
    assert token in unquote(url)
    page = client.get(url)
    assert page.status_code == 200 and "Avsluta prenumerationen" in page.content.decode()
    assert DigestSubscription.objects.filter(user=member).exists()  # GET alone changes nothing
    assert client.post(url).status_code == 200
    assert not DigestSubscription.objects.filter(user=member).exists()
    event = AuditEvent.objects.get(action="county_digest.unsubscribe")
    assert event.actor == member and event.details["by_link"] is True
    # A forged or altered token is refused.
    forged = network.unsubscribe_token(member, w.county2)[:-2] + "xx"
    unsubscribe = reverse("county-digest-unsubscribe")
    assert client.post(unsubscribe).status_code == 404
    assert client.post(f"{unsubscribe}?{urlencode({'token': forged})}").status_code == 404
    assert client.get(f"{unsubscribe}?token=abc").status_code == 404


def test_members_subscribe_and_unsubscribe_themselves(network_world, client_for):
    w = network_world
    c = client_for(w.users["reporter"])
    url = reverse("county-digest-subscriptions")
    assert "Testlän" in c.get(url).content.decode()
    c.post(url, {"county": w.county.pk, "action": "subscribe"})
    assert DigestSubscription.objects.filter(user=w.users["reporter"], county=w.county).exists()
    assert AuditEvent.objects.filter(action="county_digest.subscribe").count() == 1
    # Not a member of the other county's network.
    assert c.post(url, {"county": w.county2.pk, "action": "subscribe"}).status_code == 404
    c.post(url, {"county": w.county.pk, "action": "unsubscribe"})
    assert not DigestSubscription.objects.filter(user=w.users["reporter"]).exists()
    assert AuditEvent.objects.filter(action="county_digest.unsubscribe").count() == 1


def test_refusals(
    network_world, client_for, client, django_capture_on_commit_callbacks, django_user_model
):
    w = network_world
    digest = make_digest(w)
    draft_url = reverse("county-digest", args=[digest.pk])
    # Members of the network do not see a draft; a member of another county's network sees
    # neither drafts nor sent digests of this one, and someone in no network sees no page.
    assert client_for(w.users["coordinator"]).get(draft_url).status_code == 404
    assert client_for(w.outsider).get(draft_url).status_code == 404
    stranger = django_user_model.objects.create_user("fristaende")
    lone = Organisation.objects.create(name="Fristående förening", kind="other")
    Membership.objects.create(user=stranger, organisation=lone, role=Role.COORDINATOR)
    assert not network.network_county_ids(stranger)
    for url in (draft_url, reverse("county-digest-subscriptions")):
        assert client_for(stranger).get(url).status_code == 403
    with pytest.raises(services.NotAllowed):
        services.subscribe(w.outsider, w.county)
    # Only the board composes, edits, sends and plans meetings.
    coord = client_for(w.users["coordinator"])
    for name, args in (
        ("county-digests", []),
        ("county-digest-create", []),
        ("county-digest-edit", [digest.pk]),
        ("county-digest-send", [digest.pk]),
        ("county-meetings", []),
    ):
        assert coord.post(reverse(name, args=args)).status_code == 403, name
    with pytest.raises(services.NotAllowed):
        services.create_digest(w.users["coordinator"], w.county, "month", "2026-08")
    # The board of one county does not compose another's digest.
    with pytest.raises(services.NotAllowed):
        services.create_digest(w.board, w.county2, "month", "2026-08")
    sent = send(client_for(w.board), w, digest, django_capture_on_commit_callbacks)
    assert client_for(w.outsider).get(draft_url).status_code == 404
    assert client_for(stranger).get(draft_url).status_code == 403
    assert sent.status == workflow.SENT
    assert client_for(w.users["coordinator"]).get(draft_url).status_code == 200


def test_board_composes_through_the_pages_and_plans_meetings(network_world, client_for):
    w = network_world
    c = client_for(w.board)
    response = c.post(
        reverse("county-digest-create"),
        {"county": w.county.pk, "period_type": "month", "period": "2026-08", "intro": "Hej"},
    )
    digest = Digest.objects.get()
    assert response.url == reverse("county-digest", args=[digest.pk])
    bad = c.post(
        reverse("county-digest-create"),
        {"county": w.county.pk, "period_type": "tertial", "period": "2026-08"},
    )
    assert bad.status_code == 400 and Digest.objects.count() == 1
    c.post(reverse("county-digest-edit", args=[digest.pk]), {"intro": "Ny inledning"})
    digest.refresh_from_db()
    assert digest.intro == "Ny inledning"
    c.post(
        reverse("county-meetings"),
        {"county": w.county.pk, "starts_at": "2027-01-20T10:00", "topic": "Vinterträff"},
    )
    meeting = NetworkMeeting.objects.get(topic="Vinterträff")
    c.post(reverse("county-meeting-delete", args=[meeting.pk]))
    assert not NetworkMeeting.objects.filter(topic="Vinterträff").exists()
    actions = list(
        AuditEvent.objects.filter(action__startswith="county_digest.").values_list(
            "action", flat=True
        )
    ) + list(
        AuditEvent.objects.filter(action__startswith="network_meeting.").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == [
        "county_digest.create",
        "county_digest.update",
        "network_meeting.delete",
        "network_meeting.save",
    ]


def test_a_mail_server_failing_half_way_sends_nobody_the_digest_twice(network_world, monkeypatch):
    from django.core.mail import EmailMultiAlternatives

    w = network_world
    for key in ("coordinator", "reporter", "other_coordinator"):
        services.subscribe(w.users[key], w.county)
    digest = make_digest(w)
    services.request_send(w.board, digest)
    real_send = EmailMultiAlternatives.send
    sent_to = []

    def flaky(message, *args, **kwargs):
        if len(sent_to) == 1:
            raise ConnectionRefusedError("the mail server went away")
        sent_to.append(message.to[0])
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", flaky)
    with pytest.raises(ConnectionRefusedError):
        services.deliver(digest.pk)
    digest.refresh_from_db()
    assert digest.status == workflow.SENDING and len(mail.outbox) == 1

    monkeypatch.setattr(EmailMultiAlternatives, "send", real_send)
    assert services.deliver(digest.pk) == 3
    assert sorted(m.to[0] for m in mail.outbox) == [
        "coordinator@example.org",
        "other_coordinator@example.org",
        "reporter@example.org",
    ]
    digest.refresh_from_db()
    assert digest.status == workflow.SENT and digest.recipients == 3
    # A third run of the task sends nothing.
    assert services.deliver(digest.pk) == 0 and len(mail.outbox) == 3


def _pdf_text(tmp_path, body: bytes) -> str:
    import subprocess

    path = tmp_path / "brev.pdf"
    path.write_bytes(body)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return " ".join(text.split())


def test_the_digest_as_a_pdf_for_members_and_the_board_audited(
    network_world, client_for, django_capture_on_commit_callbacks, tmp_path
):
    w = network_world
    draft = make_digest(w)
    member = client_for(w.users["coordinator"])
    # A draft is the board's alone, as on the page.
    assert member.get(reverse("county-digest-pdf", args=[draft.pk])).status_code == 404
    board = client_for(w.board)
    preview = board.get(reverse("county-digest-pdf", args=[draft.pk]))
    assert preview.status_code == 200 and preview["Content-Type"] == "application/pdf"
    assert "Utkast" in _pdf_text(tmp_path, preview.content)

    digest = send(board, w, draft, django_capture_on_commit_callbacks)
    response = client_for(w.users["reporter"]).get(reverse("county-digest-pdf", args=[digest.pk]))
    assert response.status_code == 200 and response.content[:4] == b"%PDF"
    assert "natverksbrev-" in response["Content-Disposition"]
    text = _pdf_text(tmp_path, response.content)
    assert "Nätverksbrev Testlän" in text and "Hej nätverket!" in text
    assert "Trygghetsvandring i centrum" in text and "Norrby" in text and "Utkast" not in text
    # The frozen content: the same figures as the page, no small count, nothing internal.
    assert "120" in text and not any(s in text for s in SECRET)
    assert not SMALL.search(re.sub(r"\d{4}-\d{2}(-\d{2})?|\d+ / \d+|\d{1,2}:\d{2}", " ", text))
    event = AuditEvent.objects.filter(action="county_digest.export").latest("pk")
    assert event.actor == w.users["reporter"] and event.object_id == str(digest.pk)
    assert event.details["format"] == "pdf" and event.details["draft"] is False
    # Another county's member does not learn that the digest exists.
    outsider = client_for(w.outsider)
    assert outsider.get(reverse("county-digest-pdf", args=[digest.pk])).status_code in (403, 404)
