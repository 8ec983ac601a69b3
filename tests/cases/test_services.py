"""Case rules: the status workflow table, legal bases (OSL 10:18 a only under 21),
requests between organisations (request -> decision -> disclosure, both sides see it),
and outcomes once per follow-up."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from samverkan.cases import services, workflow
from samverkan.cases.models import InformationExchange
from tests.cases.helpers import pnr_for_age

P = "Handläggning"


def new_case(cw, age):
    return services.create_case(
        cw.users["officer"],
        organisation=cw.polis,
        case_type="young_at_risk",
        person_name="Bo Berg",
        person_number=pnr_for_age(age),
        purpose=P,
    )


def test_reference_and_creator_assignment(cw):
    case = cw.case
    assert case.reference == f"FS-{case.opened_on.year}-{case.pk:05d}"
    assert list(case.officers.all()) == [cw.users["officer"]]
    assert list(case.partners.all()) == [cw.kommun]
    assert case.age == 19


def test_only_case_officers_of_the_organisation_can_be_assigned(cw):
    with pytest.raises(services.CaseError):
        services.assign_officers(
            cw.case, [cw.users["kommun_officer"]], cw.users["supervisor"], purpose=P
        )
    services.assign_officers(
        cw.case, [cw.users["officer"], cw.users["other_officer"]], cw.users["supervisor"], purpose=P
    )
    assert cw.case.officers.count() == 2


def test_cannot_open_a_case_for_another_organisation(cw):
    with pytest.raises(services.CaseError):
        services.create_case(
            cw.users["officer"], organisation=cw.kommun, case_type="rri", person_name="X", purpose=P
        )


def test_purpose_is_required(cw):
    with pytest.raises(services.CaseError, match="syftet"):
        services.set_status(cw.case, workflow.ACTIVE, cw.users["officer"], purpose=" ")


def test_status_follows_the_workflow_table(cw):
    officer = cw.users["officer"]
    with pytest.raises(workflow.TransitionError):
        services.set_status(cw.case, workflow.PAUSED, officer, purpose=P)
    services.set_status(cw.case, workflow.ACTIVE, officer, purpose=P)
    services.set_status(cw.case, workflow.CLOSED, officer, purpose=P)
    assert cw.case.closed_at is not None
    services.set_status(cw.case, workflow.ACTIVE, officer, purpose=P)
    assert cw.case.closed_at is None
    for source, targets in workflow.TRANSITIONS.items():
        assert source not in targets  # no self-loops


def exchange(case, user, basis, statute="", when=None):
    return services.record_exchange(
        case,
        direction="received",
        counterpart=case.partners.first() or case.organisation,
        content="Personen har insats från socialtjänsten.",
        legal_basis=basis,
        statute=statute,
        occurred_at=when or timezone.now(),
        user=user,
        purpose=P,
    )


def test_osl_10_18a_allowed_under_21(cw):
    e = exchange(cw.case, cw.users["officer"], "osl_10_18a")
    assert e.age_at_exchange == 19
    assert e.from_organisation == cw.kommun and e.to_organisation == cw.polis


@pytest.mark.parametrize("age", [21, 22, 45])
def test_osl_10_18a_refused_at_21_or_older(cw, age):
    case = new_case(cw, age)
    case.partners.add(cw.kommun)
    with pytest.raises(services.LegalBasisError, match="under 21"):
        exchange(case, cw.users["officer"], "osl_10_18a")
    assert not InformationExchange.objects.filter(case=case).exists()
    exchange(case, cw.users["officer"], "consent")  # consent is another matter


def test_osl_10_18a_judged_on_the_day_of_the_disclosure(cw):
    case = new_case(cw, 21)
    case.partners.add(cw.kommun)
    two_years_ago = timezone.now() - timedelta(days=730)
    assert (
        exchange(case, cw.users["officer"], "osl_10_18a", when=two_years_ago).age_at_exchange == 19
    )


def test_osl_10_18a_refused_without_a_known_age(cw):
    case = services.create_case(
        cw.users["officer"],
        organisation=cw.polis,
        case_type="other",
        person_name="Okänd",
        purpose=P,
    )
    case.partners.add(cw.kommun)
    with pytest.raises(services.LegalBasisError, match="åldern"):
        exchange(case, cw.users["officer"], "osl_10_18a")


def test_other_statute_must_be_named(cw):
    with pytest.raises(services.LegalBasisError, match="författning"):
        exchange(cw.case, cw.users["officer"], "other_statute")
    e = exchange(cw.case, cw.users["officer"], "other_statute", statute="OSL 10 kap. 2 §")
    assert e.statute == "OSL 10 kap. 2 §"


def test_request_decision_disclosure_and_both_sides_see_it(cw, client):
    officer, karin = cw.users["officer"], cw.users["kommun_officer"]
    req = services.request_information(
        cw.case, cw.kommun, "Pågående insatser?", "osl_10_18a", officer, purpose=P
    )
    with pytest.raises(workflow.TransitionError):
        services.record_disclosure(req, "för tidigt", karin, purpose="Besvara begäran")
    # The asked side sees the request (not the case) and decides through the page.
    client.force_login(karin)
    assert client.get(reverse("case-detail", args=[cw.case.pk])).status_code == 404
    page = client.get(reverse("case-request-detail", args=[req.pk]))
    assert page.status_code == 200 and "Adam Andersson" in page.content.decode()
    client.post(
        reverse("case-request-action", args=[req.pk, "decide"]),
        {"dec-decision": "approve", "dec-basis": "osl_10_18a"},
    )
    req.refresh_from_db()
    assert req.status == workflow.APPROVED and req.decided_by == karin
    client.post(
        reverse("case-request-action", args=[req.pk, "disclose"]),
        {"disc-content": "Placerad i öppenvård sedan augusti."},
    )
    req.refresh_from_db()
    assert req.status == workflow.DISCLOSED
    exchange_ = req.disclosures.get()
    assert exchange_.from_organisation == cw.kommun and exchange_.legal_basis == "osl_10_18a"
    # Both sides see the log.
    assert (
        "Placerad i öppenvård"
        in client.get(reverse("case-request-detail", args=[req.pk])).content.decode()
    )
    client.force_login(officer)
    detail = client.get(reverse("case-detail", args=[cw.case.pk])).content.decode()
    assert "Placerad i öppenvård" in detail
    requests_page = client.get(reverse("case-requests")).content.decode()
    assert cw.case.reference in requests_page
    # The requesting officer cannot decide on their own request.
    response = client.post(
        reverse("case-request-action", args=[req.pk, "decide"]), {"dec-decision": "deny"}
    )
    assert response.status_code == 404


def test_denial_needs_a_reason_and_approval_a_basis(cw):
    karin = cw.users["kommun_officer"]
    req = services.request_information(
        cw.case, cw.kommun, "Uppgifter?", "consent", cw.users["officer"], purpose=P
    )
    with pytest.raises(services.CaseError, match="skälet"):
        services.decide_request(req, False, karin, purpose="Besvara begäran")
    with pytest.raises(services.LegalBasisError):
        services.decide_request(req, True, karin, basis="", purpose="Besvara begäran")
    services.decide_request(req, False, karin, statute="OSL 26 kap. 1 §", purpose="Besvara begäran")
    assert req.status == workflow.DENIED
    with pytest.raises(workflow.TransitionError):
        services.record_disclosure(req, "x", karin, purpose="Besvara begäran")


def test_request_under_10_18a_refused_for_an_adult(cw):
    case = new_case(cw, 30)
    with pytest.raises(services.LegalBasisError):
        services.request_information(
            case, cw.kommun, "Uppgifter?", "osl_10_18a", cw.users["officer"], purpose=P
        )


def test_outcome_once_per_follow_up(cw):
    kwargs = {
        "threats": "no",
        "violence": "no",
        "crime": "unknown",
        "source": "police_records",
        "user": cw.users["officer"],
        "purpose": P,
    }
    outcome = services.record_outcome(cw.case, 6, **kwargs)
    assert outcome.ceased is None
    with pytest.raises(services.CaseError, match="redan"):
        services.record_outcome(cw.case, 6, **kwargs)
    with pytest.raises(services.CaseError):
        services.record_outcome(cw.case, 9, **kwargs)


def test_conversation_planned_then_held(cw):
    officer = cw.users["officer"]
    planned = timezone.make_aware(datetime(2026, 1, 10, 10))
    c = services.plan_conversation(cw.case, "person", planned, officer, purpose=P)
    assert c.held_at is None
    services.record_conversation_held(c, planned, officer, notes="Gick bra.", purpose=P)
    c.refresh_from_db()
    assert c.held_at == planned and c.notes == "Gick bra."


def test_pages_create_and_record(cw, client):
    """The forms, as an officer uses them: open a case, plan a conversation, outcome."""
    client.force_login(cw.users["officer"])
    response = client.post(
        reverse("case-create"),
        {
            "case_type": "rri",
            "organisation": cw.polis.pk,
            "person_name": "Cecilia Ceder",
            "person_number": pnr_for_age(19, "456"),
            "background": "",
        },
    )
    assert response.status_code == 302
    pk = int(response["Location"].strip("/").split("/")[-1])
    client.post(
        reverse("case-action", args=[pk, "conversation"]),
        {"conv-kind": "person", "conv-planned_at": "2026-12-01T10:00", "conv-notes": ""},
    )
    client.post(
        reverse("case-action", args=[pk, "outcome"]),
        {
            "out-months": 6,
            "out-threats": "no",
            "out-violence": "no",
            "out-crime": "no",
            "out-source": "police_records",
        },
    )
    client.post(
        reverse("case-action", args=[pk, "exchange"]),
        {
            "ex-direction": "received",
            "ex-counterpart": cw.kommun.pk,
            "ex-content": "Uppgift",
            "ex-legal_basis": "osl_10_18a",
            "ex-statute": "",
            "ex-occurred_at": "2026-11-01T10:00",
        },
    )
    page = client.get(reverse("case-detail", args=[pk])).content.decode()
    assert "Samtal med personen" in page and "6 månader" in page and "Uppgift" in page
    # A bad personnummer is refused with the reason.
    response = client.post(
        reverse("case-create"),
        {
            "case_type": "rri",
            "organisation": cw.polis.pk,
            "person_name": "X",
            "person_number": "19850312-0000",
        },
    )
    assert response.status_code == 200 and "Kontrollsiffran" in response.content.decode()
