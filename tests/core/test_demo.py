"""`load_demo`: demo organisations, a user per role, bundled data; a second run changes nothing."""

import gzip
import itertools
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from samverkan import demo_data
from samverkan.cases.models import PreventiveCase
from samverkan.core.models import Area, AuditEvent, Membership, Organisation
from samverkan.core.roles import Role
from samverkan.demo import districts as demo_districts
from samverkan.demo import loader as demo
from samverkan.demo.loader import safety_walk
from samverkan.followup.models import (
    EffectGoal,
    Evaluation,
    ExperienceEntry,
    Indicator,
    IndicatorValue,
    TertialReport,
)
from samverkan.incidents.models import Incident
from samverkan.plans.models import (
    ActionPlan,
    Agreement,
    CauseAnalysis,
    CitizenPromise,
    EventStep,
    FollowUpDate,
    Measure,
    Problem,
    PromiseUpdate,
)
from samverkan.situation.models import SituationReport


@pytest.fixture
def small_events(tmp_path, monkeypatch):
    """The first 400 bundled police events, to keep the test quick."""
    source = demo_data.path(demo_data.SE_POLICE_EVENTS)
    target = tmp_path / "events.jsonl.gz"
    with gzip.open(source, "rt", encoding="utf-8") as src, gzip.open(target, "wt") as dst:
        dst.writelines(itertools.islice(src, 400))
    original = demo_data.path
    monkeypatch.setattr(
        demo_data,
        "path",
        lambda name: target if name == demo_data.SE_POLICE_EVENTS else original(name),
    )
    return target


CONTENT_MODELS = [
    SituationReport,
    Problem,
    CauseAnalysis,
    EventStep,
    ActionPlan,
    Measure,
    CitizenPromise,
    PromiseUpdate,
    Agreement,
    FollowUpDate,
    Indicator,
    IndicatorValue,
    EffectGoal,
    TertialReport,
    Evaluation,
    ExperienceEntry,
    PreventiveCase,
]


def snapshot():
    return (
        Area.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
        Incident.objects.count(),
        AuditEvent.objects.count(),
        *(m.objects.count() for m in CONTENT_MODELS),
    )


@pytest.mark.django_db
def test_load_demo_twice_changes_nothing(small_events, capsys):
    call_command("load_demo")
    first = snapshot()
    out = capsys.readouterr().out
    call_command("load_demo")
    assert snapshot() == first
    assert first[0] == 290 + 21 + 357 + 15 + len(demo_districts.CENTRES)
    # Police events, partners' reports and the accepted safety-walk observations.
    assert first[3] == 400 + demo.N_REPORTS + safety_walk.N_ACCEPTED
    assert all(first[5:]), dict(zip(CONTENT_MODELS, first[5:], strict=True))
    assert "samordnare" in out and "demo-samordnare" in out
    # The county network: the board's coming meeting, a draft digest, one subscription.
    from samverkan.county.models import Digest, DigestSubscription, NetworkMeeting

    assert Digest.objects.get().status == "draft"
    assert NetworkMeeting.objects.get().starts_at > timezone.now()
    assert DigestSubscription.objects.get().user.username == "samordnare"


@pytest.mark.django_db
def test_demo_has_every_kind_of_organisation_and_role(small_events):
    call_command("load_demo")
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert {"municipality", "police", "housing", "school", "county_board"} <= kinds
    roles = set(Membership.objects.values_list("role", flat=True))
    assert {str(r) for r in Role} <= roles
    # Coordinators get the scheduled-draft notices (printed by the demo's console backend).
    coordinators = Membership.objects.filter(role=Role.COORDINATOR).select_related("user")
    assert coordinators and all(m.user.email.endswith(".invalid") for m in coordinators)


@pytest.mark.django_db
def test_police_events_land_in_the_named_municipality(small_events):
    call_command("load_demo")
    for incident in Incident.objects.filter(precision="municipality")[:50]:
        names = set(incident.areas.filter(level="municipality").values_list("name", flat=True))
        assert len(names) == 1, incident.pk
        # The municipality's county is linked too, so county counts include it.
        assert incident.areas.filter(level="county").count() == 1


@pytest.mark.django_db
def test_demo_shows_every_part_of_the_product(small_events, client):
    """Reports, lägesbild, problem, plan, promise, follow-up, bank and a case, all reachable."""
    call_command("load_demo")

    reports = Incident.objects.filter(source="rapport", external_id__startswith="demo-rapport-")
    assert reports.count() == demo.N_REPORTS
    orebro = Area.objects.get(country="SE", level="municipality", code=demo.DEMO_MUNICIPALITY)
    assert reports.filter(precision="point", areas=orebro).count() == demo.N_REPORTS
    orgs = set(reports.values_list("organisation__name", flat=True))
    assert orgs == {"Bostadsbolaget Hemby AB (demo)", "Västhagaskolan (demo)"}
    assert reports.exclude(feedback="").count() >= 10
    # Feedback is dated after its report, not at loading: the reporter's list reads in order.
    for occurred, answered in reports.exclude(feedback="").values_list(
        "occurred_from", "feedback_at"
    ):
        assert occurred < answered < occurred + timedelta(days=2)
    assert set(reports.values_list("category__code", flat=True)) == set(demo.REPORT_TEXTS)

    internal = SituationReport.objects.get(period_label=demo.DEMO_MONTH, audience="internal")
    assert internal.approved_at is not None and internal.status == "shared"
    assert internal.assessments["overall"]
    # Its aggregate twin is shared upward, so the county has Örebro's month to show.
    upward = SituationReport.objects.get(period_label=demo.DEMO_MONTH, audience="shared")
    assert upward.status == "shared" and upward.snapshot["suppressed"]
    problem = Problem.objects.get(title=demo.PROBLEM_TITLE)
    assert problem.situation_report == internal and problem.analysis.steps.count() >= 4
    plan = ActionPlan.objects.get(title=demo.PLAN_TITLE)
    assert (plan.status, plan.adopted_by, plan.period) == (
        "adopted",
        "Kommunstyrelsen",
        "2025–2027",
    )
    measures = plan.measures.all()
    assert len(measures) >= 3
    assert len({m.target_side for m in measures}) >= 3
    assert len({m.status for m in measures}) >= 3
    assert Agreement.objects.get().followups.count() >= 2
    indicator = Indicator.objects.get(name=demo.INDICATOR_NAME)
    assert indicator.values.exists() and indicator.goals.exists()
    tertial = TertialReport.objects.get(tertial=demo.DEMO_TERTIAL)
    assert tertial.snapshot["measures"]
    evaluation = Evaluation.objects.get(title=demo.EVALUATION_TITLE)
    assert evaluation.comparison_area is not None and evaluation.results["summary"]
    assert PreventiveCase.objects.get().officers.filter(username="handlaggare").exists()

    # The published promise, with its dated updates, for anyone.
    response = client.get("/medborgarloften/1880/")
    assert response.status_code == 200
    page = response.content.decode()
    assert demo.PROMISE_TITLE in page
    assert "vuxenvandringarna" in page.lower()  # one of the two dated updates

    client.force_login(get_user_model().objects.get(username="samordnare"))
    # Full-text search stems: "inbrotten" finds the entry about "inbrott".
    page = client.get(reverse("followup-bank"), {"q": "inbrotten"}).content.decode()
    assert demo.BURGLARY_ENTRY in page
    urls = [
        reverse("situation-list"),
        reverse("situation-detail", args=[internal.pk]),
        reverse("problem-detail", args=[problem.pk]),
        reverse("plans-home"),
        reverse("followup-home"),
        reverse("plan-detail", args=[plan.pk]),
        reverse("promise-detail", args=[CitizenPromise.objects.get().pk]),
        reverse("followup-indicator", args=[indicator.pk]),
        reverse("followup-tertial", args=[tertial.pk]),
        reverse("followup-evaluation", args=[evaluation.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url

    # The county board sees its draft digest with the coming network meeting in it.
    from samverkan.county.models import Digest
    from samverkan.demo.loader import county as demo_county

    client.force_login(get_user_model().objects.get(username="lansstyrelsen"))
    page = client.get(reverse("county-digest", args=[Digest.objects.get().pk]))
    assert page.status_code == 200
    assert demo_county.MEETING_TOPIC in page.content.decode()
    # Örebro's shared month is in the digest and on the county overview.
    assert '<tr data-code="1880">' in page.content.decode().split('id="digest-pictures"')[1]
    overview = client.get(reverse("county-overview")).content.decode()
    row = overview.split('<tr data-code="1880">')[1].split("</tr>")[0]
    assert "Delad, fastställd" in row and "augusti 2026" in row


@pytest.mark.django_db
def test_the_safety_walk_is_dated_in_the_demo_month(small_events):
    """Dated at load time, the walk's incidents headed the incident list months after the
    rest of the demo (August 2026)."""
    from samverkan.citizens.models import Observation
    from samverkan.citizens.services import SOURCE as citizen_source
    from samverkan.demo.loader.world import DEMO_MONTH

    call_command("load_demo")
    walk = Observation.objects.filter(challenge__startswith=safety_walk.PREFIX)
    assert walk.count() == len(safety_walk.OBSERVATIONS)
    months = {timezone.localtime(o.submitted_at).strftime("%Y-%m") for o in walk}
    assert months == {DEMO_MONTH}
    accepted = Incident.objects.filter(source=citizen_source)
    assert accepted.count() == safety_walk.N_ACCEPTED
    assert {timezone.localtime(i.occurred_from).strftime("%Y-%m") for i in accepted} == {DEMO_MONTH}
    decided = walk.exclude(decided_at=None)
    assert decided.count() == safety_walk.N_ACCEPTED
    assert all(o.decided_at > o.submitted_at for o in decided)
