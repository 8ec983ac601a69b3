"""Collaboration agreements through the REST API: the partnership's coordinators and
steering group read them with their follow-up dates, and download the signed PDF logged as
the page's download is; nobody else learns that they exist."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from rest_framework.test import APIClient

from samverkan.core.models import AuditEvent
from samverkan.plans.models import Agreement
from tests.api_client import token_client as api
from tests.plans.matrix import PDF_BYTES

LIST = reverse("api-agreement-list")


def detail(agreement):
    return reverse("api-agreement-detail", args=[agreement.pk])


def document(agreement):
    return reverse("api-agreement-document", args=[agreement.pk])


def test_an_agreement_answers_its_parties_focus_and_followups(pw):
    pw.agreement.focus_areas = "Narkotika\n\n  Trygghet i centrum \n"
    pw.agreement.document_name = "Avtal signerat.pdf"
    pw.agreement.save()
    client = api(pw.users["steering"])

    listed = client.get(LIST).json()
    assert [a["id"] for a in listed["results"]] == [pw.agreement.pk]

    body = client.get(detail(pw.agreement)).json()
    assert body["title"] == pw.agreement.title
    assert body["area"] == pw.agreement.area.code
    assert body["partnership"] == pw.p1.pk
    assert sorted(body["parties"]) == sorted([pw.kommun.name, pw.polis.name])
    assert body["focus_areas"] == ["Narkotika", "Trygghet i centrum"]
    assert body["followups"] == [{"date": "2025-04-30", "description": ""}]
    assert body["start"] == pw.agreement.start.isoformat()
    assert body["document"] == "http://testserver" + document(pw.agreement)
    assert body["document_name"] == "Avtal signerat.pdf"
    # Reading the agreement is not a download: nothing is logged until the PDF is fetched.
    assert not AuditEvent.objects.filter(action="agreement.download_document").exists()


def test_the_signed_pdf_is_served_and_logged(pw):
    pw.agreement.document_name = "Avtal signerat.pdf"
    pw.agreement.save()
    response = api(pw.users["coordinator"]).get(document(pw.agreement))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert 'filename="Avtal signerat.pdf"' in response["Content-Disposition"]
    event = AuditEvent.objects.get(action="agreement.download_document")
    assert event.actor == pw.users["coordinator"]
    assert event.object_id == str(pw.agreement.pk)


def test_without_a_document_there_is_no_link_and_no_download(pw):
    pw.agreement.document.delete(save=True)
    client = api(pw.users["coordinator"])
    assert client.get(detail(pw.agreement)).json()["document"] is None
    assert client.get(document(pw.agreement)).status_code == 404
    assert not AuditEvent.objects.filter(action="agreement.download_document").exists()


def test_reporters_other_partnerships_and_anonymous_callers_are_refused(pw):
    reporter = api(pw.users["reporter"])
    assert reporter.get(LIST).status_code == 403
    assert reporter.get(detail(pw.agreement)).status_code == 404
    assert reporter.get(document(pw.agreement)).status_code == 404
    other = api(pw.users["other_coordinator"])
    assert other.get(LIST).json()["results"] == []
    assert other.get(detail(pw.agreement)).status_code == 404
    assert other.get(document(pw.agreement)).status_code == 404
    assert APIClient().get(document(pw.agreement)).status_code == 403
    assert not AuditEvent.objects.filter(action="agreement.download_document").exists()
    # Read only: agreements are written and signed on the pages.
    coordinator = api(pw.users["coordinator"])
    assert coordinator.delete(detail(pw.agreement)).status_code == 405
    assert coordinator.post(LIST, {"title": "Ny"}).status_code == 405
    assert Agreement.objects.filter(pk=pw.agreement.pk).exists()


def test_filters(pw):
    later = Agreement.objects.create(
        partnership=pw.p1,
        area=pw.m1,
        title="Överenskommelse 2027–2029",
        start=date(2027, 1, 1),
        end=date(2029, 12, 31),
        focus_areas="Ungdomar",
        created_by=pw.users["coordinator"],
    )
    client = api(pw.users["coordinator"])

    def ids(**params):
        response = client.get(LIST, params)
        assert response.status_code == 200, response.content
        return [a["id"] for a in response.json()["results"]]

    assert ids() == [later.pk, pw.agreement.pk]
    assert ids(valid_on="2028-06-01") == [later.pk]
    assert ids(valid_on=pw.agreement.start.isoformat()) == [pw.agreement.pk]
    assert ids(area=pw.m1.code, partnership=pw.p1.pk) == [later.pk, pw.agreement.pk]
    assert ids(area=pw.m2.code) == []
    assert ids(partnership=pw.p2.pk) == []
    bad = client.get(LIST, {"valid_on": "1 maj"})
    assert bad.status_code == 400 and "valid_on" in bad.json()
