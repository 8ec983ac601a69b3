"""Need to know, as an intruder would try it: only the assigned officers and their
organisation's case supervisors see a case; everyone else gets 404 (or 403 for pages of a
role they lack), through the pages and the API."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from samverkan.cases.models import (
    CaseMeasure,
    Conversation,
    InformationExchange,
    InformationRequest,
    OutcomeFollowUp,
    PreventiveCase,
)
from samverkan.core.permissions import scope

DETAIL_STATUS = {
    "officer": 200,
    "supervisor": 302,  # first asked for a purpose
    "other_officer": 404,  # same organisation, not assigned
    "kommun_officer": 404,
    "kommun_supervisor": 404,
    "other_supervisor": 404,
    "coordinator": 404,
    "police_coordinator": 404,
    "org_admin": 404,
    "polis_admin": 404,
    "regional": 404,
    "steering": 404,
    "reporter": 404,
    "sysadmin": 404,
}


@pytest.mark.parametrize("who", sorted(DETAIL_STATUS))
def test_case_detail_by_role(cw, client, who):
    client.force_login(cw.users[who])
    response = client.get(reverse("case-detail", args=[cw.case.pk]))
    assert response.status_code == DETAIL_STATUS[who], who
    if who == "supervisor":
        assert reverse("case-purpose", args=[cw.case.pk]) in response["Location"]


@pytest.mark.parametrize("who", sorted(DETAIL_STATUS))
def test_every_case_model_is_scoped(cw, who):
    from samverkan.cases import services

    services.plan_conversation(
        cw.case, "person", "2026-01-10T10:00+01:00", cw.users["officer"], purpose="x"
    )
    sees = DETAIL_STATUS[who] != 404
    user = cw.users[who]
    for model in (PreventiveCase, Conversation):
        assert scope(model.objects.all(), user).exists() == sees, (model, who)
    for model in (CaseMeasure, InformationExchange, OutcomeFollowUp):
        assert not scope(model.objects.all(), user).exists()
    assert not scope(InformationRequest.objects.all(), user).exists()


def test_unassigned_officer_cannot_change_or_see_through_any_url(cw, client):
    client.force_login(cw.users["other_officer"])
    pk = cw.case.pk
    for url in (
        reverse("case-detail", args=[pk]),
        reverse("case-edit", args=[pk]),
        reverse("case-purpose", args=[pk]),
        reverse("case-api-detail", args=[pk]),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("case-action", args=[pk, "outcome"]), {"out-months": 3}, follow=False
    )
    assert response.status_code == 404
    # Their own list and search show nothing of it.
    response = client.get(reverse("case-list"))
    assert cw.case.reference not in response.content.decode()
    response = client.post(
        reverse("case-list"), {"number": cw.pnr, "purpose": "handlaggning", "note": ""}
    )
    assert "Adam" not in response.content.decode()


def test_officer_removed_from_the_organisation_loses_access(cw, client):
    from samverkan.core.models import Membership

    Membership.objects.filter(user=cw.users["officer"]).delete()
    client.force_login(cw.users["officer"])
    assert client.get(reverse("case-detail", args=[cw.case.pk])).status_code == 404


def test_supervisor_sees_after_stating_a_purpose(cw, client):
    client.force_login(cw.users["supervisor"])
    url = reverse("case-purpose", args=[cw.case.pk])
    response = client.post(url, {"purpose": "tillsyn", "note": "granskning av dokumentation"})
    assert response.status_code == 302
    response = client.get(reverse("case-detail", args=[cw.case.pk]))
    assert response.status_code == 200
    assert "Adam Andersson" in response.content.decode()


def test_coordinator_sees_only_aggregates(cw, client):
    client.force_login(cw.users["coordinator"])
    page = client.get(reverse("case-stats"))
    assert page.status_code == 200
    # The method is named in the reader's language (it was English on a Swedish page).
    assert "Wilsons intervall (Wilson 1927)" in page.content.decode()
    assert "Wilson score interval" not in page.content.decode()
    assert client.get(reverse("case-list")).status_code == 403
    assert client.get(reverse("case-detail", args=[cw.case.pk])).status_code == 404
    client.force_login(cw.users["officer"])
    assert client.get(reverse("case-stats")).status_code == 403


def test_api_with_a_stolen_reporter_token(cw, client):
    token = Token.objects.create(user=cw.users["reporter"])
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    assert client.get(reverse("case-api-list"), **auth).status_code == 403
    assert client.get(reverse("case-api-detail", args=[cw.case.pk]), **auth).status_code == 404
    assert client.get("/api/incidents/", **auth).status_code == 200  # the token works
    officer = Token.objects.create(user=cw.users["officer"])
    auth = {"HTTP_AUTHORIZATION": f"Token {officer.key}"}
    data = client.get(reverse("case-api-list"), **auth).json()
    assert data["count"] == 1
    assert [c["reference"] for c in data["results"]] == [cw.case.reference]
    detail = client.get(reverse("case-api-detail", args=[cw.case.pk]), **auth).json()
    assert detail["person_number_masked"].endswith("-****")
    assert cw.pnr not in str(detail)


def test_api_asks_a_supervisor_for_a_purpose(cw, client):
    token = Token.objects.create(user=cw.users["supervisor"])
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    url = reverse("case-api-detail", args=[cw.case.pk])
    assert client.get(url, **auth).status_code == 400
    assert client.get(url, {"syfte": "tillsyn"}, **auth).status_code == 200


def test_organisation_admin_of_another_organisation_gets_an_empty_extract(cw, client):
    from samverkan.core.models import AuditEvent

    client.force_login(cw.users["org_admin"])  # Norrby kommun; the case is the police's
    response = client.post(reverse("case-access-log"), {"number": cw.pnr})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    event = AuditEvent.objects.filter(action="case.extract_access_log").get()
    assert event.details["cases"] == []


def test_api_list_is_paged_and_the_audit_names_the_page(cw, client):
    from samverkan.cases import services
    from samverkan.core.models import AuditEvent
    from tests.cases.helpers import pnr_for_age

    officer = cw.users["officer"]
    for age in (20, 21, 22, 23):
        services.create_case(
            officer,
            organisation=cw.polis,
            case_type="rri",
            person_name="Berit Bengtsson",
            person_number=pnr_for_age(age),
            background="Bakgrund.",
            partners=[cw.kommun],
            purpose="Handläggning",
        )
    token = Token.objects.create(user=officer)
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    first = client.get(reverse("case-api-list"), {"limit": 2}, **auth).json()
    second = client.get(reverse("case-api-list"), {"limit": 2, "offset": 2}, **auth).json()
    assert first["count"] == second["count"] == 5
    assert len(first["results"]) == len(second["results"]) == 2 and first["next"]
    ids = [c["id"] for c in first["results"] + second["results"]]
    assert len(set(ids)) == 4
    audited = [
        e.details["cases"]
        for e in AuditEvent.objects.filter(action="case.list", id__gt=before).order_by("id")
    ]
    assert audited == [ids[:2], ids[2:]]
