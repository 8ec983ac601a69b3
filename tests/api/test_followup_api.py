"""Indicators and their values in the API: read by the partnership, written by its
coordinators' machine clients as an idempotent, audited upsert per indicator and period."""

from __future__ import annotations

import pytest

from samverkan.core.models import AuditEvent
from samverkan.followup.models import IndicatorValue


def _values_url(world):
    return f"/api/indicators/{world.api_indicator.pk}/values/"


def _post(client, world, *values):
    return client.post(_values_url(world), {"values": list(values)}, format="json")


def _events():
    return list(AuditEvent.objects.filter(action="indicator.set_values").order_by("id"))


def test_readers_see_indicators_and_values(aw, token_client):
    client = token_client(aw.users["steering"])
    ids = [r["id"] for r in client.get("/api/indicators/").json()["results"]]
    assert {aw.fu_indicator.pk, aw.api_indicator.pk} <= set(ids)
    values = client.get(_values_url(aw)).json()
    assert [(v["period_start"], v["months"], v["value"], v["label"]) for v in values] == [
        ("2024-01-01", 12, 310.0, "2024")
    ]
    flat = client.get("/api/indicator-values/", {"indicator": aw.api_indicator.pk}).json()
    assert [v["id"] for v in flat["results"]] == [aw.api_value.pk]


def test_upsert_creates_then_changes_nothing_then_updates(aw, token_client):
    client = token_client(aw.users["coordinator"])
    before = len(_events())
    march = {"period_start": "2025-03-01", "value": 12}
    april = {"period_start": "2025-04-01", "value": 9, "preliminary": True}
    first = _post(client, aw, march, april)
    assert first.status_code == 200, first.content
    assert first.json() == {"created": 2, "updated": 0, "unchanged": 0}
    assert len(_events()) == before + 1
    again = _post(client, aw, march, april)
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 2}
    assert len(_events()) == before + 1  # nothing changed, nothing to record
    corrected = _post(client, aw, march, {**april, "value": 11, "preliminary": False})
    assert corrected.json() == {"created": 0, "updated": 1, "unchanged": 1}
    stored = IndicatorValue.objects.get(indicator=aw.api_indicator, period_start="2025-04-01")
    assert (stored.value, stored.preliminary, stored.months) == (11.0, False, 1)
    event = _events()[-1]
    assert event.actor == aw.users["coordinator"]
    assert event.object_id == str(aw.api_indicator.pk)
    assert event.details["updated"] == 1 and event.details["via"] == "api"
    assert IndicatorValue.objects.filter(indicator=aw.api_indicator).count() == 3


def test_the_same_month_as_a_year_is_another_period(aw, token_client):
    client = token_client(aw.users["coordinator"])
    response = _post(client, aw, {"period_start": "2024-01-01", "months": 1, "value": 30})
    assert response.json()["created"] == 1
    assert IndicatorValue.objects.get(indicator=aw.api_indicator, months=12).value == 310.0


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ({"period_start": "2025-03-15", "value": 1}, "period_start"),
        ({"period_start": "2025-03-01", "value": -1}, "value"),
        ({"period_start": "2025-03-01", "value": 1, "months": 0}, "months"),
        ({"period_start": "mars", "value": 1}, "period_start"),
        ({"period_start": "2025-03-01", "value": "tolv"}, "value"),
        ({"period_start": "2025-03-01"}, "value"),
    ],
)
def test_a_bad_value_is_a_400_naming_row_and_field_and_nothing_is_written(
    aw, token_client, value, field
):
    client = token_client(aw.users["coordinator"])
    good = {"period_start": "2025-01-01", "value": 5}
    response = _post(client, aw, good, value)
    assert response.status_code == 400, response.content
    assert field in response.json()["values"]["1"]
    assert not IndicatorValue.objects.filter(
        indicator=aw.api_indicator, period_start="2025-01-01"
    ).exists()


def test_a_period_twice_in_one_delivery_is_refused(aw, token_client):
    row = {"period_start": "2025-03-01", "value": 1}
    response = _post(token_client(aw.users["coordinator"]), aw, row, row)
    assert response.status_code == 400
    assert "period_start" in response.json()["values"]["1"]


def test_share_indicators_take_percent_with_respondents(aw, token_client):
    from samverkan.followup import services
    from samverkan.followup.models import Indicator

    survey = services.create_indicator(
        aw.p1,
        aw.users["coordinator"],
        name="Känner sig trygg",
        area=aw.m1,
        kind=Indicator.Kind.EXTERNAL,
        source=Indicator.Source.SURVEY,
        value_type=Indicator.ValueType.SHARE,
    )
    client = token_client(aw.users["coordinator"])
    url = f"/api/indicators/{survey.pk}/values/"
    no_n = {"period_start": "2025-01-01", "months": 12, "value": 71.5}
    refused = client.post(url, {"values": [no_n]}, format="json")
    assert "sample_size" in refused.json()["values"]["0"]
    over = client.post(url, {"values": [{**no_n, "value": 140, "sample_size": 300}]}, format="json")
    assert "value" in over.json()["values"]["0"]
    ok = client.post(url, {"values": [{**no_n, "sample_size": 300}]}, format="json")
    assert ok.json()["created"] == 1
    assert survey.values.get().rate is None


def test_values_counted_from_incidents_are_not_written_from_outside(aw, token_client):
    url = f"/api/indicators/{aw.fu_indicator.pk}/values/"
    response = token_client(aw.users["coordinator"]).post(
        url, {"values": [{"period_start": "2025-03-01", "value": 1}]}, format="json"
    )
    assert response.status_code == 400
    assert "händelser" in response.json()["detail"]


@pytest.mark.parametrize(("who", "status"), [("steering", 403), ("other_coordinator", 404)])
def test_only_the_partnerships_coordinators_write(aw, token_client, who, status):
    response = _post(token_client(aw.users[who]), aw, {"period_start": "2025-03-01", "value": 1})
    assert response.status_code == status
    assert not aw.api_indicator.values.filter(period_start="2025-03-01").exists()


def test_reporter_gets_neither_list_nor_values(aw, token_client):
    client = token_client(aw.users["reporter"])
    assert client.get("/api/indicators/").status_code == 403
    assert client.get("/api/indicator-values/").status_code == 403
    assert client.get(_values_url(aw)).status_code == 404


def test_a_session_without_csrf_token_cannot_write(aw):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(aw.users["coordinator"])
    response = _post(client, aw, {"period_start": "2025-03-01", "value": 1})
    assert response.status_code == 403


@pytest.mark.parametrize(
    "params", [{"period_from": "förra året"}, {"indicator": "x"}, {"months": "-1"}]
)
def test_value_filters_refuse_bad_input(aw, token_client, params):
    response = token_client(aw.users["coordinator"]).get("/api/indicator-values/", params)
    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_an_indicator_names_the_measures_it_follows(aw, token_client):
    aw.api_indicator.measures.add(aw.measure)
    data = token_client(aw.users["coordinator"]).get(f"/api/indicators/{aw.api_indicator.pk}/")
    assert data.json()["measures"] == [aw.measure.pk]


def test_goals_and_evaluations_as_stored(aw, token_client):
    client = token_client(aw.users["steering"])
    goal = aw.fu_indicator.goals.get()
    goals = client.get("/api/effect-goals/", {"indicator": aw.fu_indicator.pk}).json()
    assert [(g["id"], g["status"]) for g in goals["results"]] == [(goal.pk, goal.status)]
    evaluation = client.get(f"/api/evaluations/{aw.fu_evaluation.pk}/").json()
    assert evaluation["results"] == aw.fu_evaluation.results
    assert evaluation["treated_area"] == aw.m1.code and evaluation["measure"] == aw.fu_measure.pk
    other = token_client(aw.users["other_coordinator"])
    assert other.get(f"/api/evaluations/{aw.fu_evaluation.pk}/").status_code == 404
    assert other.get(f"/api/effect-goals/{goal.pk}/").status_code == 404
    assert token_client(aw.users["reporter"]).get("/api/effect-goals/").status_code == 403
    bad = client.get("/api/evaluations/", {"design": "randomised"})
    assert bad.status_code == 400 and "design" in bad.json()
