"""Bad input is a clear 400 (or a form error), never a 500 (issue 13, point 9)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from samverkan.api.pagination import MAX_LIMIT
from samverkan.core.params import INT64_MAX, BadParameter, parse_int_param
from samverkan.incidents.ingest import IncidentRow, ingest
from samverkan.incidents.models import Category

HUGE = "99999999999999999999999"


@pytest.fixture
def coordinator(world, client):
    client.raise_request_exception = False
    client.force_login(world.users["coordinator"])
    return client


def _incidents(world, n: int) -> None:
    cat = Category.objects.get(code="vandalism")
    rows = [
        IncidentRow(
            source="rapport",
            external_id=f"bad-input-{i}",
            occurred_from=datetime(2025, 3, 1 + i % 28, 12, tzinfo=UTC),
            category_id=cat.pk,
            lon=15.1 + (i % 80) / 100,
            lat=59.1 + (i % 80) / 100,
            organisation_id=world.kommun.pk,
            reporter_id=world.users["coordinator"].pk,
        )
        for i in range(n)
    ]
    assert len(ingest(rows).incident_ids) == n


@pytest.mark.parametrize(
    "raw, expected",
    [(None, None), ("", None), (" 7 ", 7), ("0", 0), (str(INT64_MAX), INT64_MAX)],
)
def test_parse_int_param_accepts_whole_numbers_in_range(raw, expected):
    params = {} if raw is None else {"n": raw}
    assert parse_int_param(params, "n") == expected


@pytest.mark.parametrize(
    "raw", ["x", "1.5", "--5", "-", "1e3", "٣", HUGE, str(INT64_MAX + 1), "-1", "9" * 100_000]
)
def test_parse_int_param_refuses_everything_else_naming_the_parameter(raw):
    with pytest.raises(BadParameter, match="Parametern n"):
        parse_int_param({"n": raw}, "n")


@pytest.mark.parametrize("param", ["id", "parent"])
@pytest.mark.parametrize("value", ["x", HUGE, "-1", "1;DROP"])
def test_area_geojson_refuses_a_bad_id_with_a_400_and_a_message(coordinator, world, param, value):
    response = coordinator.get("/omraden/geojson/", {param: value})
    assert response.status_code == 400
    assert f"Parametern {param}" in response.json()["error"]


def test_area_geojson_still_answers_good_ids(coordinator, world):
    by_id = coordinator.get("/omraden/geojson/", {"id": world.m1.pk}).json()
    assert [f["id"] for f in by_id["features"]] == [world.m1.pk]
    children = coordinator.get("/omraden/geojson/", {"parent": world.county.pk}).json()
    assert {f["id"] for f in children["features"]} == {world.m1.pk, world.m2.pk}


@pytest.mark.parametrize("param", ["area", "partnership"])
@pytest.mark.parametrize("value", [HUGE, "x", "-3"])
def test_situation_list_refuses_a_bad_filter_with_a_400_naming_it(coordinator, param, value):
    response = coordinator.get("/lagesbild/", {param: value})
    assert response.status_code == 400
    assert f"Parametern {param}" in response.content.decode()


@pytest.mark.parametrize("endpoint", ["/api/incidents/", "/api/areas/", "/api/organisations/"])
def test_api_limit_beyond_64_bits_is_clamped_and_a_bad_offset_is_a_400(
    coordinator, world, endpoint
):
    _incidents(world, 3)
    response = coordinator.get(endpoint, {"limit": HUGE})
    assert response.status_code == 200
    assert response.json()["results"]
    for offset in (HUGE, "x", "-1"):
        refused = coordinator.get(endpoint, {"offset": offset})
        assert refused.status_code == 400
        assert "offset" in refused.json()
    assert coordinator.get(endpoint, {"limit": "abc"}).status_code == 400


def test_api_page_size_has_a_ceiling(coordinator, world):
    _incidents(world, MAX_LIMIT + 5)
    body = coordinator.get("/api/incidents/", {"limit": "1000000"}).json()
    assert body["count"] == MAX_LIMIT + 5
    assert len(body["results"]) == MAX_LIMIT
    assert body["next"]
    rest = coordinator.get("/api/incidents/", {"limit": "1000000", "offset": MAX_LIMIT}).json()
    assert len(rest["results"]) == 5
    padded = coordinator.get("/api/incidents/", {"limit": "0" * 30 + "7"}).json()
    assert len(padded["results"]) == 7


@pytest.mark.parametrize("depth", [33, 1000, 100_000])
def test_deeply_nested_json_is_a_400(coordinator, depth):
    body = "[" * depth + "]" * depth
    response = coordinator.post("/api/incidents/", body, content_type="application/json")
    assert response.status_code == 400
    assert "nästlad" in response.json()["detail"]


def test_nested_objects_count_too_but_ordinary_bodies_pass(coordinator, world):
    body = "{}"
    for _ in range(40):
        body = '{"a": ' + body + "}"
    assert (
        coordinator.post("/api/incidents/", body, content_type="application/json").status_code
        == 400
    )
    ordinary = {
        "category": "vandalism",
        "occurred_from": "2025-03-01T10:00:00+01:00",
        "lon": 15.5,
        "lat": 59.5,
        "description": json.dumps({"not": ["nested", ["for", ["the", "parser"]]]}),
    }
    response = coordinator.post("/api/incidents/", ordinary, content_type="application/json")
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    "url",
    [
        "/omraden/?q=%00",
        "/omraden/geojson/?level=%00",
        "/lagesbild/?a%00=1",
        "/medborgarloften/%00/",
        "/handelser/?category=%00",
    ],
)
def test_nul_in_path_or_query_is_a_400_before_any_view(coordinator, url):
    # PostgreSQL text cannot hold NUL: such a value reaching a filter was a 500 there.
    response = coordinator.get(url)
    assert response.status_code == 400
    assert "NUL-tecken" in response.content.decode()


@pytest.mark.parametrize("url", ["/api/areas/?code=%00", "/api/incidents/?source=%00"])
def test_nul_in_an_api_query_is_a_json_400(coordinator, url):
    response = coordinator.get(url)
    assert response.status_code == 400
    assert "NUL-tecken" in response.json()["detail"]
