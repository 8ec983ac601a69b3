"""A member's own subscriptions to the network digest through the REST API: listed, added
and removed as on the subscription page, audited; nobody sees or removes another's."""

from __future__ import annotations

from django.urls import reverse
from rest_framework.test import APIClient

from samverkan.core.models import AuditEvent
from samverkan.county import services
from samverkan.county.models import DigestSubscription
from tests.api_client import token_client as api
from tests.county import test_digest

network_world = test_digest.network_world  # the fixture: Testlän's network and another county

LIST = reverse("api-county-digest-subscription-list")


def detail(sub):
    return reverse("api-county-digest-subscription-detail", args=[sub.pk])


def test_a_member_subscribes_lists_and_unsubscribes(network_world):
    w = network_world
    DigestSubscription.objects.all().delete()
    user = w.users["reporter"]
    client = api(user)
    assert client.get(LIST).json()["results"] == []
    r = client.post(LIST, {"county_code": w.county.code}, format="json")
    assert r.status_code == 201, r.content
    assert r.json()["county"] == {"code": w.county.code, "name": w.county.name}
    sub = DigestSubscription.objects.get(user=user)
    # Subscribing twice keeps one subscription.
    assert client.post(LIST, {"county_code": w.county.code}, format="json").status_code == 201
    assert DigestSubscription.objects.filter(user=user).count() == 1
    assert [s["id"] for s in client.get(LIST).json()["results"]] == [sub.pk]
    assert services.recipients(w.county).count(user) == 1
    assert client.delete(detail(sub)).status_code == 204
    assert not DigestSubscription.objects.filter(user=user).exists()
    events = AuditEvent.objects.filter(actor=user, action__startswith="county_digest.")
    assert sorted(events.values_list("action", flat=True)) == [
        "county_digest.subscribe",
        "county_digest.unsubscribe",
    ]


def test_only_ones_own_networks_and_ones_own_subscriptions(network_world, django_user_model):
    w = network_world
    DigestSubscription.objects.all().delete()
    mine = services.subscribe(w.users["coordinator"], w.county)
    other = api(w.users["steering"])
    # Another member neither lists nor removes it.
    assert other.get(LIST).json()["results"] == []
    assert other.get(detail(mine)).status_code == 404
    assert other.delete(detail(mine)).status_code == 404
    assert DigestSubscription.objects.filter(pk=mine.pk).exists()
    # A county whose network the caller is not in, and one that does not exist: one answer.
    for code in (w.county2.code, "00"):
        r = other.post(LIST, {"county_code": code}, format="json")
        assert r.status_code == 400 and "county_code" in r.json(), code
    assert api(w.outsider).post(LIST, {"county_code": w.county.code}).status_code == 400
    stranger = django_user_model.objects.create_user("fristaende")
    assert api(stranger).get(LIST).status_code == 403
    assert api(stranger).post(LIST, {"county_code": w.county.code}).status_code == 403
    assert APIClient().get(LIST).status_code in (401, 403)
    assert DigestSubscription.objects.count() == 1
