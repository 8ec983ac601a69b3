"""Problems, action plans, measures and promises in the API: the plans pages' access."""

from __future__ import annotations

import pytest

RESOURCES = [
    ("problems", "problem"),
    ("action-plans", "plan"),
    ("measures", "measure"),
    ("promises", "promise"),
]


@pytest.mark.parametrize(("path", "attr"), RESOURCES)
@pytest.mark.parametrize("who", ["coordinator", "steering"])
def test_the_partnerships_readers_see_list_and_object(aw, token_client, path, attr, who):
    client = token_client(aw.users[who])
    obj = getattr(aw, attr)
    ids = [r["id"] for r in client.get(f"/api/{path}/", {"limit": 1000}).json()["results"]]
    assert obj.pk in ids
    assert client.get(f"/api/{path}/{obj.pk}/").json()["id"] == obj.pk


@pytest.mark.parametrize(("path", "attr"), RESOURCES)
def test_other_partnership_and_reporter_learn_nothing(aw, token_client, path, attr):
    obj = getattr(aw, attr)
    other = token_client(aw.users["other_coordinator"])
    assert other.get(f"/api/{path}/").json()["count"] == 0
    assert other.get(f"/api/{path}/{obj.pk}/").status_code == 404
    reporter = token_client(aw.users["reporter"])
    assert reporter.get(f"/api/{path}/").status_code == 403
    assert reporter.get(f"/api/{path}/{obj.pk}/").status_code == 404


def test_plan_lists_its_measures_and_promise_its_updates(aw, token_client):
    client = token_client(aw.users["coordinator"])
    plan = client.get(f"/api/action-plans/{aw.plan.pk}/").json()
    assert plan["measures"] == [aw.measure.pk]
    measure = client.get(f"/api/measures/{aw.measure.pk}/").json()
    assert measure["plan"] == aw.plan.pk and measure["problems"] == [aw.problem.pk]
    assert measure["owner"] == aw.bostad.name
    assert measure["area"] == aw.m1.code  # the plan's area: the measure has none of its own
    promise = client.get(f"/api/promises/{aw.promise.pk}/").json()
    assert promise["updates"] == [{"date": "2025-05-01", "text": "Belysningen är beställd."}]
    assert promise["area"] == aw.m1.code


def test_filters(aw, token_client):
    client = token_client(aw.users["coordinator"])
    assert client.get("/api/measures/", {"plan": aw.plan.pk}).json()["count"] == 1
    assert client.get("/api/action-plans/", {"year": 2030}).json()["count"] == 0
    assert client.get("/api/action-plans/", {"year": 2026}).json()["count"] >= 1
    assert client.get("/api/problems/", {"area": aw.m2.code}).json()["count"] == 0
    assert client.get("/api/promises/", {"published": "true"}).json()["count"] == 1


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("problems", {"status": "whatever"}),
        ("action-plans", {"year": "2025x"}),
        ("measures", {"plan": "x"}),
        ("promises", {"published": "kanske"}),
        ("problems", {"partnership": "9" * 30}),
    ],
)
def test_bad_filters_are_400_naming_the_parameter(aw, token_client, path, params):
    response = token_client(aw.users["coordinator"]).get(f"/api/{path}/", params)
    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_plans_are_read_only_in_the_api(aw, token_client):
    client = token_client(aw.users["coordinator"])
    assert client.post("/api/problems/", {"title": "x"}, format="json").status_code == 405
    assert client.delete(f"/api/measures/{aw.measure.pk}/").status_code == 405


@pytest.mark.parametrize("pk", ["9" * 30, "abc", "-1"])
@pytest.mark.parametrize("path", ["problems", "measures", "areas", "situation-reports"])
def test_an_id_that_cannot_exist_is_a_404(aw, token_client, path, pk):
    assert token_client(aw.users["coordinator"]).get(f"/api/{path}/{pk}/").status_code == 404
