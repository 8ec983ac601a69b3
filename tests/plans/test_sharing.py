"""Sharing a problem or an action plan with a neighbouring municipality's partnership.

The neighbour rule is checked on the bundled municipality boundaries; the rest on the test
world, where Norrby and Söderby are squares that share a side. Secret words are planted in
every field that is not shared and must never reach the receiver's page or the API.
"""

from __future__ import annotations

import gzip
import json
from datetime import date

import pytest
from django.urls import reverse

from samverkan import demo_data
from samverkan.core.models import Area, AuditEvent, Membership, Organisation, Partnership
from samverkan.core.roles import Role
from samverkan.plans import sharing
from samverkan.plans.models import (
    ActionPlan,
    CauseAnalysis,
    EventStep,
    Measure,
    Problem,
    Share,
    ShareStatus,
)

SECRETS = [
    "HEMLIGSAMMANFATTNING",
    "HEMLIGANSVARIG",
    "HEMLIGRESURS",
    "HEMLIGOMARKERAD",
    "HEMLIGTUNDERLAG",
    "HEMLIGDIALOG",
    "HEMLIGKEDJA",
    "HEMLIGSLUTSATS",
]


def _municipality(code: str) -> Area:
    with gzip.open(demo_data.path(demo_data.SE_MUNICIPALITIES), "rt", encoding="utf-8") as fh:
        features = {f["properties"]["code"]: f for f in json.load(fh)["features"]}
    f = features[code]
    return Area.objects.create(
        code=code, name=f["properties"]["name"], level="municipality", geometry=f["geometry"]
    )


def _partnership(name, *areas) -> Partnership:
    p = Partnership.objects.create(name=name)
    p.areas.set(areas)
    return p


@pytest.mark.django_db
def test_neighbours_from_the_real_municipality_boundaries():
    orebro, kumla = _municipality("1880"), _municipality("1881")
    lekeberg, kiruna = _municipality("1814"), _municipality("2584")
    askersund = _municipality("1882")
    assert sharing.municipalities_touch(orebro.pk, kumla.pk)
    assert sharing.municipalities_touch(orebro.pk, lekeberg.pk)
    assert not sharing.municipalities_touch(orebro.pk, kiruna.pk)
    # Askersund is some twelve kilometres from Örebro: near, but no common border.
    assert not sharing.municipalities_touch(orebro.pk, askersund.pk)

    district = Area.objects.create(code="1881-C", name="Kumla centrum", level="district")
    district.parent = kumla
    district.save()
    p_orebro = _partnership("Samverkan Örebro", orebro)
    p_kumla = _partnership("Samverkan Kumla centrum", district)
    p_kiruna = _partnership("Samverkan Kiruna", kiruna)
    p_orebro_too = _partnership("Samverkan Örebro norr", orebro)
    assert sharing.are_neighbours(p_orebro.pk, p_kumla.pk)
    assert not sharing.are_neighbours(p_orebro.pk, p_kiruna.pk)
    # The same municipality is not across a border.
    assert not sharing.are_neighbours(p_orebro.pk, p_orebro_too.pk)
    assert list(sharing.neighbour_partnerships(p_orebro.pk)) == [p_kumla]

    plan = ActionPlan.objects.create(
        partnership=p_orebro, title="Rånstråket", start_year=2025, end_year=2026
    )
    with pytest.raises(sharing.NotNeighboursError, match="grannkommun"):
        sharing.share(plan, p_kiruna, None)
    assert not Share.objects.exists()
    sharing.share(plan, p_kumla, None)
    assert Share.objects.get().receiver == p_kumla


@pytest.fixture
def shared(world):
    """A problem and a plan of Norrby with secrets in every unshared field."""
    coordinator = world.users["coordinator"]
    problem = Problem.objects.create(
        partnership=world.p1,
        area=world.m1,
        title="Rån mot unga längs cykelstråket",
        description="Rån på väg hem från skolan",
        evidence="HEMLIGTUNDERLAG",
    )
    analysis = CauseAnalysis.objects.create(
        problem=problem,
        sides={"place": {"findings": "Mörk gångtunnel", "sources": "HEMLIGKEDJA"}},
        staff_dialogue="HEMLIGDIALOG",
        conclusion="HEMLIGSLUTSATS",
    )
    EventStep.objects.create(analysis=analysis, stage="act", description="HEMLIGKEDJA")
    plan = ActionPlan.objects.create(
        partnership=world.p1,
        area=world.m1,
        title="Tryggt stråk Norrby–Söderby",
        summary="HEMLIGSAMMANFATTNING",
        start_year=2025,
        end_year=2026,
    )

    def measure(title, **extra):
        m = Measure.objects.create(
            plan=plan,
            title=title,
            description="Lampor var tionde meter",
            target_side="manager",
            owner=world.kommun,
            start=date(2025, 3, 1),
            end=date(2025, 9, 30),
            **extra,
        )
        m.problems.add(problem)
        return m

    lit = measure(
        "Belysning i gångtunneln", responsible_person="HEMLIGANSVARIG", resources="HEMLIGRESURS"
    )
    hidden = measure("HEMLIGOMARKERAD")
    steering = _user(world, "soder_styr", world.other, Role.STEERING)
    third_org = Organisation.objects.create(name="Västerby kommun", kind="municipality")
    third = Partnership.objects.create(name="Samverkan Västerby")
    third.organisations.set([third_org])
    third.areas.set([world.m2])
    return {
        "problem": problem,
        "plan": plan,
        "lit": lit,
        "hidden": hidden,
        "coordinator": coordinator,
        "receiver": world.users["other_coordinator"],
        "receiver_steering": steering,
        "third": _user(world, "vaster", third_org, Role.COORDINATOR),
        "owner_steering": world.users["steering"],
    }


def _user(world, username, org, role):
    from django.contrib.auth import get_user_model

    u = get_user_model().objects.create_user(username, password="pw")
    Membership.objects.create(user=u, organisation=org, role=role)
    return u


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


def _post(client, user, url, data=None):
    client.force_login(user)
    return client.post(url, data or {})


def _share_plan(client, world, s, **extra):
    data = {
        "receiver": world.p2.pk,
        "with_description": "",
        "goal": "Inga rån längs stråket 2026",
        "measures": [s["lit"].pk],
        **extra,
    }
    r = _post(client, s["coordinator"], reverse("plan-share", args=[s["plan"].pk]), data)
    assert r.status_code == 302, r.content.decode()[:2000]
    return Share.objects.get(plan=s["plan"], receiver=world.p2)


def test_receiver_sees_exactly_the_shared_parts(client, world, shared):
    s = shared
    item = _share_plan(client, world, s)
    assert item.status == ShareStatus.PENDING
    url = reverse("share-detail", args=[item.pk])

    home = _get(client, s["receiver"], reverse("plans-home")).content.decode()
    assert "Delat med oss" in home and url in home
    page = _get(client, s["receiver"], url)
    assert page.status_code == 200
    html = page.content.decode()
    for shown in [
        "Tryggt stråk Norrby–Söderby",
        "Inga rån längs stråket 2026",
        "Belysning i gångtunneln",
    ]:
        assert shown in html
    for secret in SECRETS:
        assert secret not in html, secret
    assert 'value="accept"' in html

    # The problem, with its analysis marked: findings and conclusion, never the dialogues.
    r = _post(
        client,
        s["coordinator"],
        reverse("problem-share", args=[s["problem"].pk]),
        {"receiver": world.p2.pk, "with_description": "on", "with_analysis": "on"},
    )
    assert r.status_code == 302
    problem_share = Share.objects.get(problem=s["problem"])
    html = _get(
        client, s["receiver"], reverse("share-detail", args=[problem_share.pk])
    ).content.decode()
    assert "Rån på väg hem från skolan" in html and "Mörk gångtunnel" in html
    assert "HEMLIGSLUTSATS" in html  # marked: the conclusion is shared
    for secret in ("HEMLIGTUNDERLAG", "HEMLIGDIALOG", "HEMLIGKEDJA", "HEMLIGOMARKERAD"):
        assert secret not in html, secret


def test_shared_view_has_only_the_shared_keys(world, shared):
    item = sharing.share(
        shared["plan"], world.p2, None, with_description=False, measures=[shared["lit"]]
    )
    view = sharing.shared_view(item)
    flat = json.dumps(view, default=str)
    for secret in SECRETS:
        assert secret not in flat
    assert set(view["measures"][0]) == {
        "title",
        "description",
        "target_side",
        "start",
        "end",
        "status",
        "status_code",
    }


def test_accept_decline_withdraw_and_who_may(client, world, shared):
    s = shared
    item = _share_plan(client, world, s)
    detail = reverse("share-detail", args=[item.pk])
    answer = reverse("share-answer", args=[item.pk])
    withdraw = reverse("share-withdraw", args=[item.pk])

    # Before acceptance only the receiver's coordinators see the invitation.
    assert _get(client, s["receiver_steering"], detail).status_code == 404
    assert _get(client, s["third"], detail).status_code == 404
    assert _get(client, world.users["reporter"], detail).status_code == 404
    assert _get(client, s["owner_steering"], detail).status_code == 200
    # Only the receiver's coordinators answer; only the owner's coordinators withdraw.
    assert _post(client, s["coordinator"], answer, {"answer": "accept"}).status_code == 403
    assert _post(client, s["owner_steering"], withdraw).status_code == 403
    assert _post(client, s["receiver"], withdraw).status_code == 403
    assert _post(client, s["third"], withdraw).status_code == 404
    assert _post(client, s["receiver"], reverse("share-edit", args=[item.pk])).status_code == 403
    assert (
        _get(client, s["receiver"], reverse("plan-detail", args=[s["plan"].pk])).status_code == 404
    )
    assert (
        _get(client, s["receiver"], reverse("plan-share", args=[s["plan"].pk])).status_code == 404
    )
    assert (
        _get(client, s["owner_steering"], reverse("plan-share", args=[s["plan"].pk])).status_code
        == 403
    )

    assert _post(client, s["receiver"], answer, {"answer": "accept"}).status_code == 302
    item.refresh_from_db()
    assert item.status == ShareStatus.ACCEPTED
    # After acceptance the receiver's other readers read it too.
    html = _get(client, s["receiver_steering"], detail).content.decode()
    assert "Belysning i gångtunneln" in html and 'value="accept"' not in html
    assert _post(client, s["receiver_steering"], answer, {"answer": "decline"}).status_code == 403

    # Withdrawing ends access at once, for every reader of the receiver.
    assert _post(client, s["coordinator"], withdraw).status_code == 302
    for user in (s["receiver"], s["receiver_steering"]):
        assert _get(client, user, detail).status_code == 404
        assert "Tryggt stråk" not in _get(client, user, reverse("plans-home")).content.decode()
    assert _post(client, s["receiver"], answer, {"answer": "accept"}).status_code == 404

    actions = list(
        AuditEvent.objects.filter(action__startswith="plan_share.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["plan_share.create", "plan_share.accept", "plan_share.withdraw"]


def test_decline_and_offer_again(client, world, shared):
    s = shared
    item = _share_plan(client, world, s)
    r = _post(client, s["receiver"], reverse("share-answer", args=[item.pk]), {"answer": "decline"})
    assert r.status_code == 302
    item.refresh_from_db()
    assert item.status == ShareStatus.DECLINED
    assert _get(client, s["receiver"], reverse("share-detail", args=[item.pk])).status_code == 404
    again = _share_plan(client, world, s)
    assert again.pk == item.pk and again.status == ShareStatus.PENDING
    # Already pending: a second invitation is refused with a message.
    r = _post(
        client,
        s["coordinator"],
        reverse("plan-share", args=[s["plan"].pk]),
        {"receiver": world.p2.pk, "measures": []},
    )
    assert r.status_code == 400
    assert list(
        AuditEvent.objects.filter(action__startswith="plan_share.")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["plan_share.create", "plan_share.decline", "plan_share.create"]


def test_a_non_neighbour_is_refused(client, world, shared):
    far = Area.objects.create(
        code="9909",
        name="Fjärran",
        level="municipality",
        geometry={
            "type": "Polygon",
            "coordinates": [[[20, 65], [21, 65], [21, 66], [20, 66], [20, 65]]],
        },
    )
    p_far = _partnership("Samverkan Fjärran", far)
    with pytest.raises(sharing.NotNeighboursError):
        sharing.share(shared["plan"], p_far, shared["coordinator"])
    r = _post(
        client,
        shared["coordinator"],
        reverse("plan-share", args=[shared["plan"].pk]),
        {"receiver": p_far.pk},
    )
    assert r.status_code == 400
    assert "Samverkan Fjärran" not in r.content.decode()
    assert not Share.objects.exists()


def test_changing_the_parts_shows_at_once(client, world, shared):
    s = shared
    item = _share_plan(client, world, s)
    detail = reverse("share-detail", args=[item.pk])
    r = _post(
        client,
        s["coordinator"],
        reverse("share-edit", args=[item.pk]),
        {"with_description": "on", "goal": "Nytt mål", "measures": []},
    )
    assert r.status_code == 302
    html = _get(client, s["receiver"], detail).content.decode()
    assert "Belysning i gångtunneln" not in html and "Nytt mål" in html
    assert "HEMLIGSAMMANFATTNING" in html  # the description is now shared
    # A measure of another object cannot be marked.
    other_plan = ActionPlan.objects.create(
        partnership=world.p1, title="Annan", start_year=2025, end_year=2025
    )
    foreign = Measure.objects.create(
        plan=other_plan, title="Främmande", target_side="place", owner=world.kommun,
        start=date(2025, 1, 1), end=date(2025, 2, 1),
    )  # fmt: skip
    with pytest.raises(ValueError):
        sharing.change_parts(
            item,
            s["coordinator"],
            with_description=True,
            with_analysis=False,
            goal="",
            measures=[foreign],
        )
    assert AuditEvent.objects.filter(action="plan_share.update").count() == 1


def test_receiver_coordinates_its_own_plan(client, world, shared):
    s = shared
    item = _share_plan(client, world, s)
    own = ActionPlan.objects.create(
        partnership=world.p2,
        area=world.m2,
        title="Söderbys stråkplan",
        start_year=2025,
        end_year=2026,
    )
    url = reverse("share-coordinate", args=[item.pk])
    # Not before acceptance.
    _post(client, s["receiver"], url, {"plan": own.pk})
    item.refresh_from_db()
    assert item.coordinated_plan is None
    _post(client, s["receiver"], reverse("share-answer", args=[item.pk]), {"answer": "accept"})
    # The owner's plan cannot be linked as the receiver's own.
    assert _post(client, s["receiver"], url, {"plan": s["plan"].pk}).status_code == 404
    assert _post(client, s["receiver"], url, {"plan": own.pk}).status_code == 302
    item.refresh_from_db()
    assert item.coordinated_plan == own
    html = _get(client, s["coordinator"], reverse("share-detail", args=[item.pk])).content.decode()
    assert "Söderbys stråkplan" in html
    assert AuditEvent.objects.filter(action="plan_share.coordinate").count() == 1


def test_api_lists_no_shared_object_for_the_receiver(world, shared):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    item = sharing.share(shared["plan"], world.p2, None, measures=[shared["lit"]])
    sharing.accept(item, shared["receiver"])
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=shared["receiver"])
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    for name in ("api-action-plan-list", "api-measure-list", "api-problem-list"):
        r = client.get(reverse(name))
        assert r.status_code == 200
        body = r.content.decode()
        assert "Tryggt stråk" not in body and "Belysning i gångtunneln" not in body
        for secret in SECRETS:
            assert secret not in body
    assert (
        client.get(reverse("api-action-plan-detail", args=[shared["plan"].pk])).status_code == 404
    )
