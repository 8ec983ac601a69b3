"""The lägesbild pages as a coordinator, a reporter, a regional viewer and an outsider use
them: build form, report page, HTMX and plain assessment, approve/share/recompute,
versions, downloads with audit events, the map's GeoJSON and the reporters' feedback."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from samverkan.core import periods
from samverkan.core.models import AuditEvent
from samverkan.incidents.models import Incident
from samverkan.situation import services
from samverkan.situation.models import SituationReport
from tests.situation.conftest import local, more_versions

MARCH = periods.parse("2025-03")


@pytest.fixture
def incidents(world, make):
    make("vandalism", local(2025, 3, 5, 12), n=6, organisation_id=world.kommun.pk)
    # The reporter's own report, with feedback from the coordinator.
    (own,) = make(
        "vandalism",
        local(2025, 3, 9, 22),
        organisation_id=world.bostad.pk,
        reporter_id=world.users["reporter"].pk,
    )
    Incident.objects.filter(pk=own).update(feedback="Tack, vi sanerar på torsdag.")
    return own


@pytest.fixture
def draft(world, incidents):
    return services.create_report(world.m1, MARCH, world.p1, world.users["coordinator"])


def test_build_form_creates_a_draft_and_redirects(world, incidents, client_for):
    client = client_for(world.users["coordinator"])
    page = client.get(reverse("situation-create")).content.decode()
    assert "Norrby" in page and "Söderby" not in page  # only the partnership's areas
    response = client.post(
        reverse("situation-create"),
        {
            "area": world.m1.pk,
            "partnership": world.p1.pk,
            "period_type": "month",
            "period": "2025-03",
            "audience": "internal",
        },
    )
    report = SituationReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("situation-detail", args=[report.pk])
    assert report.snapshot["totals"]["count"] == 7 and report.status == "draft"


def test_build_form_rejects_a_bad_period_and_foreign_area(world, client_for):
    client = client_for(world.users["coordinator"])
    data = {
        "area": world.m1.pk,
        "partnership": world.p1.pk,
        "period_type": "week",
        "period": "2025-03",
        "audience": "internal",
    }
    page = client.post(reverse("situation-create"), data).content.decode()
    assert "är av typen month, inte week" in page
    data.update(period_type="month", area=world.m2.pk)
    response = client.post(reverse("situation-create"), data)
    assert response.status_code == 200 and not SituationReport.objects.exists()


def test_report_page_shows_every_section(world, draft, client_for):
    page = client_for(world.users["coordinator"]).get(reverse("situation-detail", args=[draft.pk]))
    html = page.content.decode()
    for text in (
        "Lägesbild: Norrby, mars 2025",
        "Sammanfattning",
        "Antal händelser",
        "Kategorier",
        "Skadegörelse",
        "Veckodag och timme",
        "Karta",
        "Rapportering",
        "Versioner",
        "Fastställ lägesbilden",
        'hx-post="',
        "<svg",
        'data-geojson="/lagesbild/',
    ):
        assert text in html, text
    assert html.count("<svg") >= 3  # trend, categories, weekday x hour
    for fmt in ("pdf", "html", "xlsx", "geojson", "json"):
        assert f"?format={fmt}" in html


def test_htmx_assessment_returns_the_saved_snippet(world, draft, client_for):
    client = client_for(world.users["coordinator"])
    url = reverse("situation-action", args=[draft.pk, "assessment"])
    response = client.post(
        url,
        {"section": "overall", "overall-text": "Oroligt vid torget."},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div class="assessment-block')
    assert "Oroligt vid torget." in html and "Sparad." in html and "<html" not in html
    draft.refresh_from_db()
    assert draft.assessments == {"overall": "Oroligt vid torget."}


def test_plain_post_assessment_works_without_javascript(world, draft, client_for):
    client = client_for(world.users["coordinator"])
    url = reverse("situation-action", args=[draft.pk, "assessment"])
    response = client.post(
        url, {"section": "by_category", "by_category-text": "Skadegörelsen ökar."}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#bedomning-by_category")
    draft.refresh_from_db()
    assert draft.assessments["by_category"] == "Skadegörelsen ökar."
    page = client.get(response["Location"]).content.decode()
    assert "Bedömningen är sparad." in page and "Skadegörelsen ökar." in page


def test_approve_share_recompute_and_versions(world, draft, client_for, make):
    client = client_for(world.users["coordinator"])
    client.post(reverse("situation-action", args=[draft.pk, "approve"]), {"confirm": "1"})
    draft.refresh_from_db()
    assert draft.status == "approved"
    page = client.get(reverse("situation-detail", args=[draft.pk])).content.decode()
    assert "Dela lägesbilden" in page and "Fastställ lägesbilden" not in page
    assert 'hx-post="' not in page  # frozen: no assessment forms
    # An edit after approval is refused.
    client.post(
        reverse("situation-action", args=[draft.pk, "assessment"]),
        {"section": "overall", "overall-text": "Ändrad"},
    )
    draft.refresh_from_db()
    assert "overall" not in draft.assessments
    client.post(reverse("situation-action", args=[draft.pk, "share"]), {"confirm": "1"})
    draft.refresh_from_db()
    assert draft.status == "shared"
    make("vandalism", local(2025, 3, 20, 12), n=2, organisation_id=world.kommun.pk)
    response = client.post(reverse("situation-action", args=[draft.pk, "recompute"]))
    new = SituationReport.objects.get(series=draft.series, version=2)
    assert response["Location"] == reverse("situation-detail", args=[new.pk])
    assert new.snapshot["totals"]["count"] == 9 and new.status == "draft"
    page = client.get(response["Location"]).content.decode()
    assert reverse("situation-detail", args=[draft.pk]) in page  # link to version 1


def test_reporter_sees_released_report_and_feedback_but_not_drafts(
    world, draft, incidents, client_for
):
    client = client_for(world.users["reporter"])
    assert client.get(reverse("situation-detail", args=[draft.pk])).status_code == 404
    assert (
        "Norrby"
        not in client.get(reverse("situation-list"))
        .content.decode()
        .split("<table")[1]
        .split("</table>")[0]
    )
    services.approve(draft, world.users["coordinator"])
    listing = client.get(reverse("situation-list")).content.decode()
    assert reverse("situation-detail", args=[draft.pk]) in listing
    assert "Vad hände med dina rapporter?" in listing
    page = client.get(reverse("situation-detail", args=[draft.pk])).content.decode()
    assert "Vad hände med dina rapporter?" in page
    assert "Tack, vi sanerar på torsdag." in page
    assert "Fastställ lägesbilden" not in page and "Räkna om" not in page
    # May not act on it.
    response = client.post(reverse("situation-action", args=[draft.pk, "share"]))
    assert response.status_code == 403


def test_other_partnership_gets_404_everywhere(world, draft, client_for):
    client = client_for(world.users["other_coordinator"])
    for name in ("situation-detail", "situation-geojson", "situation-export"):
        assert client.get(reverse(name, args=[draft.pk])).status_code == 404
    response = client.post(reverse("situation-action", args=[draft.pk, "approve"]))
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.status == "draft"


@pytest.mark.parametrize(
    ("fmt", "magic"),
    [
        ("pdf", b"%PDF"),
        ("html", b"<!DOCTYPE html>"),
        ("xlsx", b"PK"),
        ("json", b"{"),
        ("geojson", b"{"),
    ],
)
def test_downloads_write_an_audit_event(world, draft, client_for, fmt, magic):
    client = client_for(world.users["coordinator"])
    response = client.get(reverse("situation-export", args=[draft.pk]) + f"?format={fmt}")
    assert response.status_code == 200
    assert response.content.startswith(magic)
    assert f"lagesbild-9901-2025-03-v1.{fmt}" in response["Content-Disposition"]
    event = AuditEvent.objects.get(action="situation.export")
    assert event.details["format"] == fmt and event.actor == world.users["coordinator"]
    assert event.object_id == str(draft.pk)


def test_unknown_format_is_404(world, draft, client_for):
    client = client_for(world.users["coordinator"])
    url = reverse("situation-export", args=[draft.pk]) + "?format=odt"
    assert client.get(url).status_code == 404


def test_geojson_points_only_for_those_who_see_incidents(world, draft, client_for):
    url = reverse("situation-geojson", args=[draft.pk])
    data = json.loads(client_for(world.users["coordinator"]).get(url).content)
    kinds = {f["properties"]["kind"] for f in data["features"]}
    assert {"area", "incident"} <= kinds
    assert sum(f["properties"]["kind"] == "incident" for f in data["features"]) == 7
    services.approve(draft, world.users["coordinator"])
    data = json.loads(client_for(world.users["reporter"]).get(url).content)
    assert "incident" not in {f["properties"]["kind"] for f in data["features"]}
    # The download follows the same rule.
    body = client_for(world.users["reporter"]).get(
        reverse("situation-export", args=[draft.pk]) + "?format=geojson"
    )
    assert '"incident"' not in body.content.decode()


def test_regional_viewer_sees_shared_aggregates_only(world, incidents, client_for):
    coord = world.users["coordinator"]
    internal = services.create_report(world.m1, MARCH, world.p1, coord)
    shared = services.create_report(world.m1, MARCH, world.p1, coord, audience="shared")
    for r in (internal, shared):
        services.approve(r, coord)
        services.share(r, coord)
    client = client_for(world.users["regional"])
    assert client.get(reverse("situation-detail", args=[internal.pk])).status_code == 404
    page = client.get(reverse("situation-detail", args=[shared.pk])).content.decode()
    assert "Dolda uppgifter" in page and "Fastställ lägesbilden" not in page
    data = json.loads(client.get(reverse("situation-geojson", args=[shared.pk])).content)
    assert "incident" not in {f["properties"]["kind"] for f in data["features"]}
    listing = client.get(reverse("situation-list")).content.decode()
    assert reverse("situation-detail", args=[shared.pk]) in listing
    assert reverse("situation-detail", args=[internal.pk]) not in listing


def test_regional_viewer_builds_a_shared_county_composition(world, incidents, client_for):
    client = client_for(world.users["regional"])
    page = client.get(reverse("situation-create")).content.decode()
    assert 'value="internal"' not in page
    response = client.post(
        reverse("situation-create"),
        {
            "area": world.county.pk,
            "period_type": "month",
            "period": "2025-03",
            "audience": "shared",
        },
    )
    report = SituationReport.objects.get()
    assert response.status_code == 302 and report.partnership is None
    assert report.snapshot["composed_from_children"] is True


def test_list_filters_by_area_and_partnership(world, incidents, client_for):
    coord = world.users["coordinator"]
    a = services.create_report(world.m1, MARCH, world.p1, coord)
    b = services.create_report(world.m1, periods.parse("2025-02"), world.p1, coord)
    client = client_for(coord)
    listing = client.get(reverse("situation-list") + f"?area={world.m1.pk}").content.decode()
    assert reverse("situation-detail", args=[a.pk]) in listing
    assert reverse("situation-detail", args=[b.pk]) in listing
    listing = client.get(reverse("situation-list") + f"?area={world.county.pk}").content.decode()
    assert reverse("situation-detail", args=[a.pk]) not in listing
    listing = client.get(reverse("situation-list") + f"?partnership={world.p1.pk}").content.decode()
    assert reverse("situation-detail", args=[a.pk]) in listing


def test_menu_shows_lagesbild(world, client_for):
    page = client_for(world.users["reporter"]).get(reverse("home")).content.decode()
    assert reverse("situation-list") in page


def test_list_shows_period_and_count_without_reading_the_frozen_figures(world, draft, client_for):
    from samverkan.situation import scope

    client = client_for(world.users["coordinator"])
    response = client.get(reverse("situation-list"))
    (listed,) = [r for r in response.context["reports"] if r.pk == draft.pk]
    # The figures (tens of kilobytes per report) stay in the database; the row shows the
    # two values the list needs, read from them by the database.
    assert {"snapshot", "assessments"} <= listed.get_deferred_fields()
    assert listed.period_name == draft.snapshot["period"]["name"]
    assert str(listed.total_count) == str(draft.snapshot["totals"]["count"]) == "7"
    row = response.content.decode().split(reverse("situation-detail", args=[draft.pk]))[1]
    row = row.split("</tr>")[0]
    assert draft.snapshot["period"]["name"] in row and '<td class="num">7</td>' in row
    # A suppressed total (text, not a number) is shown as frozen.
    SituationReport.objects.filter(pk=draft.pk).update(
        snapshot={**draft.snapshot, "totals": {**draft.snapshot["totals"], "count": "<5"}}
    )
    (listed,) = [
        r for r in scope.report_list(world.users["coordinator"])["reports"] if r.pk == draft.pk
    ]
    assert listed.total_count == "<5"
    # No incident at all is a count too: 0, not an empty cell (SQLite reads it as a number).
    SituationReport.objects.filter(pk=draft.pk).update(
        snapshot={**draft.snapshot, "totals": {**draft.snapshot["totals"], "count": 0}}
    )
    row = client.get(reverse("situation-list")).content.decode()
    row = row.split(reverse("situation-detail", args=[draft.pk]))[1].split("</tr>")[0]
    assert '<td class="num">0</td>' in row


def test_list_pages_fifty_reports_at_a_time_and_keeps_the_filter(world, draft, client_for):
    from samverkan.situation import scope

    # More versions of the draft than a page holds.
    more_versions(draft, scope.REPORTS_PER_PAGE + 6)
    client = client_for(world.users["coordinator"])
    url = reverse("situation-list") + f"?area={draft.area_id}"
    first = client.get(url)
    listed = [r.pk for r in first.context["reports"]]
    assert len(listed) == scope.REPORTS_PER_PAGE
    # The area filter and the area's name without its border (not read for the list).
    assert "geometry" in first.context["reports"][0].area.get_deferred_fields()
    page = first.content.decode()
    assert "Sida 1 av 2" in page and f"area={draft.area_id}&amp;page=2" in page
    second = client.get(url + "&page=2")
    rest = [r.pk for r in second.context["reports"]]
    assert len(rest) == 6 and not set(rest) & set(listed)
    assert {*listed, *rest} == set(
        SituationReport.objects.filter(area=draft.area).values_list("pk", flat=True)
    )
    # Newest version first.
    assert first.context["reports"][0].version == scope.REPORTS_PER_PAGE + 6
