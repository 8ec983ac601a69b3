"""Audit completeness: every case URL, used as the user it is for, writes at least one
audit event with a stated purpose; the events name the case but hold no personal data;
and an organisation administrator's access-log PDF lists who accessed a person's case."""

import pytest
from django.urls import URLPattern, reverse

from samverkan.cases import services, urls, views
from samverkan.core.models import AuditEvent
from tests.cases.helpers import pnr_for_age

ACTION_DATA = {
    "status": {"status": "active"},
    "assign": None,  # needs a supervisor; walked below
    "risk": {"risk-factors": ["threats", "weapon"], "risk-level": "high"},
    "conversation": {"conv-kind": "person", "conv-planned_at": "2026-12-01T10:00"},
    "held": None,  # needs the conversation's id
    "measure": {"measure-description": "Kontakt med fältassistenter"},
    "measure-status": None,  # needs the measure's id
    "exchange": {
        "ex-direction": "given",
        "ex-counterpart": None,
        "ex-content": "Uppgift om hot",
        "ex-legal_basis": "osl_10_18a",
        "ex-occurred_at": "2026-11-01T10:00",
    },
    "request": {
        "req-to_organisation": None,
        "req-question": "Insatser?",
        "req-legal_basis": "consent",
    },
    "outcome": {
        "out-months": 3,
        "out-threats": "no",
        "out-violence": "no",
        "out-crime": "no",
        "out-source": "police_records",
    },
}


def steps(cw):
    """(url name, user key, method, url kwargs, data) for every case URL and action."""
    pk = cw.case.pk
    data = {k: dict(v) if v else v for k, v in ACTION_DATA.items()}
    data["exchange"]["ex-counterpart"] = cw.kommun.pk
    data["request"]["req-to_organisation"] = cw.kommun.pk

    def late(name):
        from samverkan.cases.models import CaseMeasure, Conversation, InformationRequest

        if name == "held":
            return {
                "conversation": Conversation.objects.filter(case=cw.case).first().pk,
                "held_at": "2026-12-01T11:00",
                "notes": "Genomfört",
            }
        if name == "measure-status":
            return {
                "measure": CaseMeasure.objects.filter(case=cw.case).first().pk,
                "status": "ongoing",
            }
        if name == "request_pk":
            return InformationRequest.objects.filter(case=cw.case).first().pk
        raise KeyError(name)

    yield "case-list", "officer", "get", None, None
    yield "case-list", "officer", "post", None, {"number": cw.pnr, "purpose": "uppfoljning"}
    yield (
        "case-create",
        "officer",
        "post",
        None,
        {
            "case_type": "rri",
            "organisation": cw.polis.pk,
            "person_name": "Ny Person",
            "person_number": pnr_for_age(17, "777"),
        },
    )
    yield "case-detail", "officer", "get", {"pk": pk}, None
    yield "case-purpose", "officer", "post", {"pk": pk}, {"purpose": "uppfoljning"}
    yield "case-edit", "officer", "get", {"pk": pk}, None
    yield (
        "case-edit",
        "officer",
        "post",
        {"pk": pk},
        {
            "case_type": "rri",
            "organisation": cw.polis.pk,
            "person_name": "Adam Andersson",
            "person_number": cw.pnr,
            "background": "Uppdaterad",
        },
    )
    for action in ("status", "risk", "conversation", "measure", "exchange", "request", "outcome"):
        yield "case-action", "officer", "post", {"pk": pk, "action": action}, data[action]
    yield "case-action", "officer", "post", {"pk": pk, "action": "held"}, lambda: late("held")
    yield (
        "case-action",
        "officer",
        "post",
        {"pk": pk, "action": "measure-status"},
        (lambda: late("measure-status")),
    )
    yield (
        "case-action",
        "supervisor",
        "post",
        {"pk": pk, "action": "assign"},
        {"officers": [cw.users["officer"].pk, cw.users["other_officer"].pk]},
    )
    yield "case-export", "officer", "get", None, None
    yield "case-requests", "officer", "get", None, None
    req = lambda: {"pk": late("request_pk")}
    yield "case-request-detail", "officer", "get", req, None
    yield "case-request-detail", "kommun_officer", "get", req, None
    yield (
        "case-request-action",
        "kommun_officer",
        "post",
        lambda: {"pk": late("request_pk"), "action": "decide"},
        {"dec-decision": "approve", "dec-basis": "consent"},
    )
    yield (
        "case-request-action",
        "kommun_officer",
        "post",
        lambda: {"pk": late("request_pk"), "action": "disclose"},
        {"disc-content": "Öppenvård"},
    )
    yield "case-stats", "coordinator", "get", None, None
    yield "case-stats-export", "coordinator", "get", None, None
    yield "case-access-log", "polis_admin", "post", None, {"number": cw.pnr}
    yield "case-api-list", "officer", "get", None, None
    yield "case-api-detail", "officer", "get", {"pk": pk}, None


def test_every_case_url_and_action_writes_an_audit_event_with_purpose(cw, client):
    walked_names, walked_actions = set(), set()
    for name, who, method, kwargs, data in steps(cw):
        kwargs = kwargs() if callable(kwargs) else kwargs
        data = data() if callable(data) else data
        # The supervisor states a purpose first, as the page asks.
        client.force_login(cw.users[who])
        if who == "supervisor":
            client.post(reverse("case-purpose", args=[cw.case.pk]), {"purpose": "fordelning"})
        before = AuditEvent.objects.count()
        url = reverse(name, kwargs=kwargs)
        response = getattr(client, method)(url, data or {})
        assert response.status_code in (200, 302), (name, kwargs, response.status_code)
        if response.status_code == 302:
            assert "syfte" not in response["Location"], name
        # A refused form writes no event, so a new event also proves the change was made.
        new = list(AuditEvent.objects.order_by("id")[before:])
        assert new, f"{method.upper()} {url} ({name}) skrev ingen granskningshändelse"
        assert all(e.purpose for e in new), f"{name}: händelse utan syfte"
        assert all(e.actor == cw.users[who] for e in new)
        walked_names.add(name)
        if name == "case-action":
            walked_actions.add(kwargs["action"])
    all_names = {p.name for p in urls.urlpatterns if isinstance(p, URLPattern)}
    assert walked_names == all_names
    assert walked_actions == views.CaseActionView.ACTIONS


def test_audit_events_hold_no_personal_data(cw, client):
    for name, who, method, kwargs, data in steps(cw):
        kwargs = kwargs() if callable(kwargs) else kwargs
        data = data() if callable(data) else data
        client.force_login(cw.users[who])
        if who == "supervisor":
            client.post(reverse("case-purpose", args=[cw.case.pk]), {"purpose": "fordelning"})
        getattr(client, method)(reverse(name, kwargs=kwargs), data or {})
    digits = cw.pnr.replace("-", "")
    for event in AuditEvent.objects.all():
        text = " ".join(
            str(v) for v in (event.object_repr, event.purpose, event.details, event.action)
        )
        for secret in (digits, digits[2:], cw.pnr, "Adam", "Andersson", "Ny Person"):
            assert secret not in text, (event.action, secret)


def test_search_logs_each_hit_and_asks_for_a_purpose(cw, client):
    client.force_login(cw.users["supervisor"])
    response = client.post(reverse("case-list"), {"number": cw.pnr, "purpose": ""})
    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action="case.search").exists()
    client.post(reverse("case-list"), {"number": cw.pnr, "purpose": "tillsyn", "note": "stickprov"})
    hit = AuditEvent.objects.get(action="case.open_search_hit")
    assert hit.object_id == str(cw.case.pk) and hit.purpose == "Tillsyn: stickprov"
    # The purpose stated in the search covers opening the hit in this session.
    assert client.get(reverse("case-detail", args=[cw.case.pk])).status_code == 200
    assert AuditEvent.objects.filter(action="case.view").get().purpose == "Tillsyn: stickprov"


def test_access_log_lists_who_accessed_the_case(cw, client):
    client.force_login(cw.users["officer"])
    client.get(reverse("case-detail", args=[cw.case.pk]))
    client.force_login(cw.users["supervisor"])
    client.post(reverse("case-purpose", args=[cw.case.pk]), {"purpose": "tillsyn"})
    client.get(reverse("case-detail", args=[cw.case.pk]))
    events = list(services.access_events([cw.case]))
    assert [e.action for e in events] == [
        "case.create",
        "case.view",
        "case.state_purpose",
        "case.view",
    ]
    assert {e.actor.username for e in events} == {"hanna", "asa"}

    client.force_login(cw.users["polis_admin"])
    assert client.get(reverse("case-access-log")).status_code == 200
    response = client.post(reverse("case-access-log"), {"number": cw.pnr})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    extract = AuditEvent.objects.filter(
        action="case.extract_access_log", object_id=str(cw.case.pk)
    ).get()
    assert extract.purpose == "Registerutdrag (GDPR art. 15)"


def test_access_log_pdf_content(cw):
    from django.template.loader import render_to_string
    from django.utils import timezone

    html = render_to_string(
        "cases/access_log_pdf.html",
        {
            "cases": [cw.case],
            "events": services.access_events([cw.case]),
            "masked": cw.case.masked_number,
            "organisations": [cw.polis],
            "user": cw.users["polis_admin"],
            "now": timezone.now(),
        },
    )
    assert cw.case.reference in html and "hanna" in html and "Ärende skapat" in html
    assert cw.case.masked_number in html and cw.pnr not in html


@pytest.mark.parametrize("who", ["officer", "supervisor"])
def test_purpose_text_is_what_the_log_shows(cw, client, who):
    client.force_login(cw.users[who])
    client.post(reverse("case-purpose", args=[cw.case.pk]), {"purpose": "uppfoljning"})
    client.get(reverse("case-detail", args=[cw.case.pk]))
    view = AuditEvent.objects.filter(action="case.view").get()
    # An assigned officer's purpose is always the casework itself.
    assert view.purpose == ("Handläggning" if who == "officer" else "Uppföljning")
