"""Demo organisations, partnerships, users and data, created idempotently.

``samverkan load_demo`` calls :func:`load`; running it twice changes nothing.

The example content is what a coordinator in Örebro would have done with the platform: reports
from partners (:mod:`.reports`), an approved lägesbild (:mod:`.lagesbild`), a problem with its
cause analysis (:mod:`.problem`), an adopted action plan, a published citizen promise and an
agreement (:mod:`.plan`), follow-up and the experience bank (:mod:`.followup`) and one
preventive case (:mod:`.case`); the areas, organisations, users and police events are in
:mod:`.world`. Each block goes through the owning app's services (which write the audit events)
and is skipped when its object is already there, so a second run writes nothing.
"""

from __future__ import annotations

from samverkan.core.models import Area, Partnership
from samverkan.demo import districts as demo_districts
from samverkan.demo.loader.case import load_case
from samverkan.demo.loader.communication import load_communication
from samverkan.demo.loader.county import load_county
from samverkan.demo.loader.followup import (
    BURGLARY_ENTRY,
    EVALUATION_TITLE,
    GOAL_CUT_PERCENT,
    GOAL_TITLE,
    INDICATOR_NAME,
    load_evaluation,
    load_experience,
    load_indicator,
    load_tertial,
)
from samverkan.demo.loader.lagesbild import OVERALL_ASSESSMENT, load_situation
from samverkan.demo.loader.meetings import MEETING_SERIES, load_meetings
from samverkan.demo.loader.plan import (
    AGREEMENT_TITLE,
    MEASURES,
    PLAN_TITLE,
    PROMISE_TITLE,
    DemoMeasure,
    load_agreement,
    load_plan,
    load_promise,
)
from samverkan.demo.loader.problem import PROBLEM_TITLE, load_problem
from samverkan.demo.loader.reports import (
    FEEDBACK_TEXTS,
    PLACES,
    REPORT_TEXTS,
    DemoPlace,
    demo_reports,
    load_reports,
)
from samverkan.demo.loader.resources import load_resources
from samverkan.demo.loader.safety_walk import load_safety_walk
from samverkan.demo.loader.world import (
    COMPARISON_MUNICIPALITY,
    DEMO_COUNTY,
    DEMO_MONTH,
    DEMO_MUNICIPALITY,
    DEMO_TERTIAL,
    N_REPORTS,
    ORGANISATIONS,
    OTHER_MUNICIPALITY,
    REPORT_PREFIX,
    TEST_PERSON_NUMBER,
    USERS,
    DemoUser,
    _users,
    load_areas,
    load_incidents,
    load_organisations_and_users,
)

__all__ = [
    "AGREEMENT_TITLE",
    "BURGLARY_ENTRY",
    "COMPARISON_MUNICIPALITY",
    "DEMO_COUNTY",
    "DEMO_MONTH",
    "DEMO_MUNICIPALITY",
    "DEMO_TERTIAL",
    "EVALUATION_TITLE",
    "FEEDBACK_TEXTS",
    "GOAL_CUT_PERCENT",
    "GOAL_TITLE",
    "INDICATOR_NAME",
    "MEASURES",
    "MEETING_SERIES",
    "N_REPORTS",
    "ORGANISATIONS",
    "OTHER_MUNICIPALITY",
    "OVERALL_ASSESSMENT",
    "PLACES",
    "PLAN_TITLE",
    "PROBLEM_TITLE",
    "PROMISE_TITLE",
    "REPORT_PREFIX",
    "REPORT_TEXTS",
    "TEST_PERSON_NUMBER",
    "USERS",
    "DemoMeasure",
    "DemoPlace",
    "DemoUser",
    "_users",
    "demo_reports",
    "load",
    "load_agreement",
    "load_areas",
    "load_case",
    "load_content",
    "load_county",
    "load_evaluation",
    "load_experience",
    "load_incidents",
    "load_indicator",
    "load_meetings",
    "load_organisations_and_users",
    "load_plan",
    "load_problem",
    "load_promise",
    "load_reports",
    "load_situation",
    "load_tertial",
]


def load_content(log=print) -> None:
    """The example work of Samverkan Örebro, each block skipped when already there."""
    users = _users()
    partnership = Partnership.objects.get(name="Samverkan Örebro")
    area = Area.objects.get(country="SE", level="municipality", code=DEMO_MUNICIPALITY)
    load_reports(users, log)
    # Before the lägesbild, which freezes the resources of its months.
    load_resources(partnership, users["samordnare"], log)
    report = load_situation(partnership, area, users, log)
    problem = load_problem(partnership, area, report, users, log)
    indicator = load_indicator(partnership, area, users, log)
    plan = load_plan(partnership, area, problem, indicator, users, log)
    load_promise(partnership, area, plan, users, log)
    load_communication(partnership, plan, PROMISE_TITLE, users, log)
    load_agreement(partnership, area, users, log)
    load_evaluation(partnership, area, plan, users, log)
    load_experience(partnership, users, log)
    load_tertial(partnership, users, log)
    load_case(users, log)
    load_meetings(partnership, users, log)
    load_safety_walk(area, users["samordnare"], log)
    load_county(DEMO_COUNTY, users, log)


def load(log=print) -> list[DemoUser]:
    log("Områden (Sverige och Norge):")
    load_areas(log)
    log("Organisationer, samverkan och användare:")
    users = load_organisations_and_users(log)
    # Before the incidents, so that ingestion links them to the districts as it goes.
    demo_districts.load_districts("Samverkan Örebro", log)
    log("Händelser:")
    load_incidents(log)
    log("Exempelinnehåll för Samverkan Örebro:")
    load_content(log)
    return users
