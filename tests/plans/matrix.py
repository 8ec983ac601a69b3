"""Permission matrix rows for the plans pages (/planer/) and the public promise pages.

Internal pages: anonymous users go to the login page; reporters are refused (403 on
lists and forms, 404 on objects); the coordinator of the owning partnership gets the
page; another partnership's coordinator sees its own lists but never these objects (404).
POST-only endpoints answer GET with 405. Public pages answer everyone. The agreements'
REST API follows the pages, except that it answers anonymous callers 403.
"""

from tests.matrix import ANON, COORD, OTHER, REPORTER

LIST = {ANON: 302, REPORTER: 403, COORD: 200, OTHER: 200}
OBJECT = {ANON: 302, REPORTER: 404, COORD: 200, OTHER: 404}
POST_ONLY = {ANON: 302, REPORTER: 404, COORD: 405, OTHER: 404}
PUBLIC = {ANON: 200, REPORTER: 200, COORD: 200, OTHER: 200}
# The REST API answers anonymous callers 403 (no login page to send them to).
API_LIST = {ANON: 403, REPORTER: 403, COORD: 200, OTHER: 200}
API_OBJECT = {ANON: 403, REPORTER: 404, COORD: 200, OTHER: 404}


def _pk(attr):
    return lambda w: {"pk": getattr(w, attr).pk}


MATRIX: dict[str, tuple] = {
    "plans-home": (None, LIST),
    "problem-create": (None, LIST),
    "problem-detail": (_pk("problem"), OBJECT),
    "problem-edit": (_pk("problem"), OBJECT),
    "problem-status": (_pk("problem"), POST_ONLY),
    "analysis-edit": (_pk("problem"), OBJECT),
    "analysis-pdf": (_pk("problem"), OBJECT),
    "plan-create": (None, LIST),
    "plan-detail": (_pk("plan"), OBJECT),
    "plan-edit": (_pk("plan"), OBJECT),
    "plan-status": (_pk("plan"), POST_ONLY),
    "plan-timeline": (_pk("plan"), OBJECT),
    "plan-pdf": (_pk("plan"), OBJECT),
    "plan-xlsx": (_pk("plan"), OBJECT),
    "plan-docx": (_pk("plan"), OBJECT),
    "measure-create": (_pk("plan"), OBJECT),
    "measure-edit": (_pk("measure"), OBJECT),
    "measure-status": (_pk("measure"), POST_ONLY),
    "promise-create": (None, LIST),
    "promise-detail": (_pk("promise"), OBJECT),
    "promise-edit": (_pk("promise"), OBJECT),
    "promise-publish": (_pk("promise"), POST_ONLY),
    "promise-update": (_pk("promise"), POST_ONLY),
    "promise-poster": (_pk("promise"), OBJECT),
    "agreement-create": (None, LIST),
    "agreement-detail": (_pk("agreement"), OBJECT),
    "agreement-edit": (_pk("agreement"), OBJECT),
    "agreement-document": (_pk("agreement"), OBJECT),
    "api-agreement-list": (None, API_LIST),
    "api-agreement-detail": (_pk("agreement"), API_OBJECT),
    "api-agreement-document": (_pk("agreement"), API_OBJECT),
    # The plan is shared with (and accepted by) the other coordinator's partnership.
    "problem-share": (_pk("problem"), OBJECT),
    "plan-share": (_pk("plan"), OBJECT),
    "share-detail": (_pk("share"), {ANON: 302, REPORTER: 404, COORD: 200, OTHER: 200}),
    "share-edit": (_pk("share"), {ANON: 302, REPORTER: 404, COORD: 200, OTHER: 403}),
    "share-withdraw": (_pk("share"), {ANON: 302, REPORTER: 404, COORD: 405, OTHER: 403}),
    "share-answer": (_pk("share"), {ANON: 302, REPORTER: 404, COORD: 403, OTHER: 405}),
    "share-coordinate": (_pk("share"), {ANON: 302, REPORTER: 404, COORD: 403, OTHER: 405}),
    "public-promises": (None, PUBLIC),
    "public-promises-rss": (None, PUBLIC),
    "public-promises-area": (lambda w: {"code": w.m1.code}, PUBLIC),
    "public-promises-area-rss": (lambda w: {"code": w.m1.code}, PUBLIC),
    "public-promises-area-atom": (lambda w: {"code": w.m1.code}, PUBLIC),
}

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def extend_world(world):
    """One of each plans object in the Norrby partnership; the promise is published."""
    from datetime import date

    from django.core.files.base import ContentFile

    from samverkan.plans.models import (
        ActionPlan,
        Agreement,
        CauseAnalysis,
        CitizenPromise,
        FollowUpDate,
        Measure,
        Problem,
        PromiseUpdate,
    )

    coordinator = world.users["coordinator"]
    world.problem = Problem.objects.create(
        partnership=world.p1, title="Inbrott i källarförråd", area=world.m1, created_by=coordinator
    )
    CauseAnalysis.objects.create(
        problem=world.problem, sides={"place": {"findings": "Dålig belysning", "sources": ""}}
    )
    world.plan = ActionPlan.objects.create(
        partnership=world.p1, area=world.m1, title="Trygg i Norrby", start_year=2025, end_year=2027
    )
    world.measure = Measure.objects.create(
        plan=world.plan,
        title="Belysning i källargångar",
        description="Intern beskrivning",
        target_side="manager",
        owner=world.bostad,
        responsible_person="Fastighetschef Eva Ek",
        start=date(2025, 3, 1),
        end=date(2025, 12, 31),
    )
    world.measure.problems.add(world.problem)
    world.promise = CitizenPromise.objects.create(
        partnership=world.p1,
        area=world.m1,
        year=2025,
        title="Tryggare källare",
        text="Vi lovar bättre belysning i källargångarna.",
        signatory_municipality="Kommundirektören",
        signatory_police="Lokalpolisområdeschefen",
        published=True,
    )
    world.promise.measures.add(world.measure)
    PromiseUpdate.objects.create(
        promise=world.promise, date=date(2025, 5, 1), text="Belysningen är beställd."
    )
    world.agreement = Agreement.objects.create(
        partnership=world.p1,
        area=world.m1,
        title="Samverkansöverenskommelse Norrby 2025–2027",
        start=date(2025, 1, 1),
        end=date(2027, 12, 31),
        focus_areas="Trygga bostadsområden\nUngdomar",
    )
    world.agreement.parties.set([world.kommun, world.polis])
    world.agreement.document.save("avtal.pdf", ContentFile(PDF_BYTES), save=True)
    FollowUpDate.objects.create(agreement=world.agreement, date=date(2025, 4, 30))
    from samverkan.plans.models import Share

    world.share = Share.objects.create(
        plan=world.plan, owner=world.p1, receiver=world.p2, status="accepted", goal="Tryggare gräns"
    )
    world.share.measures.add(world.measure)
