"""The county board's overview through the REST API: the same rows as the page, built from
what each municipality released; other roles are refused and other counties not found."""

from __future__ import annotations

from django.urls import reverse
from rest_framework.test import APIClient

from samverkan.core.models import Area, AuditEvent
from samverkan.situation.models import Audience
from tests.api_client import token_client as api
from tests.county import test_overview
from tests.county.test_overview import SECRET, report

county = test_overview.county  # the fixture: Norrby shared, Söderby small, Mellanby nothing

LIST = reverse("api-county-overview-list")


def detail(code, **params):
    url = reverse("api-county-overview-detail", args=[code])
    return url, params


def get(client, code, **params):
    url, params = detail(code, **params)
    return client.get(url, params)


def test_the_rows_are_the_pages_figures_as_released(county):
    client = api(county.users["regional"])
    assert client.get(LIST).json() == [{"code": county.county.code, "name": county.county.name}]

    response = get(client, county.county.code)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["county"]["code"] == county.county.code
    assert body["period_type"] == "month" and body["period_types"] == ["month"]
    rows = {r["code"]: r for r in body["rows"]}
    assert list(rows) == ["9903", county.m1.code, county.m2.code] or set(rows) == {
        county.m1.code,
        county.m2.code,
        "9903",
    }
    norrby, soderby, mellanby = rows[county.m1.code], rows[county.m2.code], rows["9903"]
    assert (norrby["count"], norrby["previous"], norrby["last_year"]) == (120, 100, 90)
    assert norrby["rate_per_100k"] == 240.0 and norrby["incidents_per_1000"] == 2.4
    assert norrby["action_plan"] is not None and norrby["plan_adopted_on"] == "2026-03-04"
    assert norrby["promises_published"] is True
    assert norrby["report_approved_at"].startswith("2026-09-02")
    # Söderby's small counts stay protected, the one that slipped through included, and so
    # does the rate that would give one back.
    assert (soderby["count"], soderby["previous"], soderby["last_year"]) == ("<3", "<3", "<3")
    assert soderby["rate_per_100k"] is None
    assert soderby["action_plan"] is None and soderby["promises_published"] is False
    assert mellanby["situation_report"] is None and mellanby["count"] is None
    for secret in SECRET:
        assert secret not in response.content.decode()

    event = AuditEvent.objects.get(action="county.export")
    assert event.actor == county.users["regional"]
    assert event.details == {"county": county.county.code, "period_type": "month", "format": "api"}


def test_the_period_type_chooses_which_pictures_are_compared(county):
    report(
        county.m2,
        county.p2,
        {"count": 40, "previous": 30, "last_year": 20},
        period_type="tertial",
        label="2026-T2",
        audience=Audience.PUBLIC,
    )
    client = api(county.users["regional"])
    body = get(client, county.county.code, period_type="tertial").json()
    assert body["period_type"] == "tertial"
    assert body["period_types"] == ["month", "tertial"]
    rows = {r["code"]: r for r in body["rows"]}
    assert rows[county.m2.code]["count"] == 40 and rows[county.m1.code]["count"] is None


def test_other_roles_and_other_counties_are_refused(county):
    # A county of another country: outside the regional membership, which reaches Sweden.
    other = Area.objects.create(code="03", name="Oslo", level="county", country="NO")
    for who in ("reporter", "coordinator", "steering", "other_coordinator"):
        client = api(county.users[who])
        assert client.get(LIST).status_code == 403, who
        assert get(client, county.county.code).status_code == 403, who
    regional = api(county.users["regional"])
    assert get(regional, other.code).status_code == 404
    assert get(regional, "finns-inte").status_code == 404
    assert APIClient().get(LIST).status_code == 403
    assert not AuditEvent.objects.filter(action="county.export").exists()
    # Read only.
    assert regional.post(LIST, {}).status_code == 405
