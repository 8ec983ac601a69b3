"""Permission matrix rows for the follow-up pages and the experience bank.

The objects belong to the Norrby partnership (``world.p1``); the experience entry is not
shared, so only Norrby's members see it; the public entry is for everyone.
"""

from tests.matrix import ANON, COORD, OTHER, REPORTER

PARTNERSHIP = {ANON: 302, REPORTER: 404, COORD: 200, OTHER: 404}
POST_ONLY = {ANON: 302, REPORTER: 404, COORD: 405, OTHER: 404}


def _pk(attr):
    return lambda w: {"pk": getattr(w, attr).pk}


MATRIX: dict[str, tuple] = {
    "followup-home": (None, {ANON: 302, REPORTER: 403, COORD: 200, OTHER: 200}),
    "followup-partnership": (_pk("p1"), PARTNERSHIP),
    "followup-indicator-create": (_pk("p1"), PARTNERSHIP),
    "followup-import": (_pk("p1"), PARTNERSHIP),
    "followup-tertial-create": (_pk("p1"), POST_ONLY),
    "followup-tertial-approve": (_pk("fu_tertial"), POST_ONLY),
    "followup-indicator": (_pk("fu_indicator"), PARTNERSHIP),
    "followup-indicator-refresh": (_pk("fu_indicator"), POST_ONLY),
    "followup-goal-create": (_pk("fu_indicator"), PARTNERSHIP),
    "followup-tertial": (_pk("fu_tertial"), PARTNERSHIP),
    "followup-tertial-pdf": (_pk("fu_tertial"), PARTNERSHIP),
    "followup-tertial-json": (_pk("fu_tertial"), PARTNERSHIP),
    "followup-tertial-docx": (_pk("fu_tertial"), PARTNERSHIP),
    "followup-evaluation-create": (_pk("fu_measure"), PARTNERSHIP),
    "followup-evaluation": (_pk("fu_evaluation"), PARTNERSHIP),
    "followup-evaluation-pdf": (_pk("fu_evaluation"), PARTNERSHIP),
    "followup-evaluation-share": (_pk("fu_evaluation"), POST_ONLY),
    "followup-bank": (None, {ANON: 302, REPORTER: 200, COORD: 200, OTHER: 200}),
    "followup-entry-create": (None, {ANON: 302, REPORTER: 403, COORD: 200, OTHER: 200}),
    "followup-bank-import": (None, {ANON: 302, REPORTER: 403, COORD: 200, OTHER: 200}),
    "followup-entry": (_pk("fu_entry"), {ANON: 302, REPORTER: 200, COORD: 200, OTHER: 404}),
    # The API: every signed-in user has the bank's list; Norrby's unshared entry is 404
    # to another partnership.
    "api-experience-entry-list": (None, {ANON: 403, REPORTER: 200, COORD: 200, OTHER: 200}),
    "api-experience-entry-detail": (
        _pk("fu_entry"),
        {ANON: 403, REPORTER: 200, COORD: 200, OTHER: 404},
    ),
    "followup-entry-edit": (
        _pk("fu_entry"),
        {ANON: 302, REPORTER: 403, COORD: 200, OTHER: 404},
    ),
    "followup-attachment": (
        _pk("fu_attachment"),
        {ANON: 302, REPORTER: 200, COORD: 200, OTHER: 404},
    ),
    "followup-public-bank": (None, {ANON: 200, REPORTER: 200, COORD: 200, OTHER: 200}),
    "followup-public-entry": (
        _pk("fu_public_entry"),
        {ANON: 200, REPORTER: 200, COORD: 200, OTHER: 200},
    ),
}


def extend_world(world):
    """An indicator with a goal, a tertial report, a measure with an evaluation, and two
    experience entries (one kept to Norrby, with an attachment; one public)."""
    from datetime import date

    from django.core.files.base import ContentFile

    from samverkan.followup import services
    from samverkan.followup.models import Design, Evaluation, ExperienceAttachment, ExperienceEntry
    from samverkan.plans.models import ActionPlan, Measure

    coord = world.users["coordinator"]
    world.fu_indicator = services.create_indicator(
        world.p1, coord, name="Skadegörelse Norrby", area=world.m1
    )
    services.create_goal(
        world.fu_indicator,
        coord,
        title="Minska skadegörelsen",
        baseline_label="2024",
        baseline_value=None,
        direction="decrease",
        target_value=None,
        deadline=date(2026, 12, 31),
    )
    world.fu_tertial = services.generate_tertial_report(world.p1, "2025-T1", coord)
    plan = ActionPlan.objects.create(
        partnership=world.p1, title="Åtgärdsplan Norrby", start_year=2025, end_year=2026
    )
    world.fu_measure = Measure.objects.create(
        plan=plan,
        title="Belysning i gångtunneln",
        target_side="place",
        owner=world.kommun,
        start=date(2025, 3, 1),
        end=date(2025, 8, 31),
    )
    ev = Evaluation(
        measure=world.fu_measure,
        title="Utvärdering belysning",
        design=Design.BEFORE_AFTER,
        treated_area=world.m1,
        before_start=date(2024, 3, 1),
        before_end=date(2024, 8, 31),
        after_start=date(2025, 3, 1),
        after_end=date(2025, 8, 31),
    )
    world.fu_evaluation = services.save_evaluation(ev, coord)
    world.fu_entry = services.save_entry(
        ExperienceEntry(title="Trygghetsvandring", partnership=world.p1, shared=False),
        coord,
    )
    world.fu_attachment = ExperienceAttachment.objects.create(
        entry=world.fu_entry, file=ContentFile(b"%PDF-1.4", name="rapport.pdf"), name="rapport.pdf"
    )
    world.fu_public_entry = services.save_entry(
        ExperienceEntry(title="Grannsamverkan mot inbrott", public=True, shared=True), coord
    )
