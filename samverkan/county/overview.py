"""What the county board sees of each municipality: status and the figures it shared.

Only what a municipality has released reaches the county: lägesbilder that are *shared*
with the audience ``shared`` or ``public`` (their counts are already protected, small
counts stored as ``"<3"`` or ``".."``), adopted action plans (a public decision under lag
2023:196) and published citizen promises. Drafts, internal pictures and live incident
counts are never read here. A rate per 100,000 inhabitants is computed only from a count
that the shared picture publishes as a number; a hidden count withholds its rate.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Prefetch, Q

from samverkan.core.models import Area
from samverkan.plans import workflow as plan_workflow
from samverkan.plans.models import ActionPlan, CitizenPromise
from samverkan.situation import workflow as situation_workflow
from samverkan.situation.models import SituationReport
from samverkan.situation.permissions import REGIONAL_AUDIENCES, regional_areas

# Counts 1 .. K-1 are never shown (the shared picture's own threshold, docs/methods/suppression.md).
K = 3
FIGURES = ("count", "previous", "last_year")


def counties_for(user):
    """The counties the user's regional membership reaches, by name."""
    # Without their borders (the largest of all): a border is read only where it is drawn.
    return regional_areas(user).filter(level=Area.Level.COUNTY).defer("geometry").order_by("name")


def safe_count(value):
    """A stored shared count as it may be shown.

    Numbers of the shared snapshot are already protected; a small number that slipped in
    (a picture frozen before suppression, a hand-edited snapshot) is withheld all the same,
    so the overview never depends on every earlier writer having been right.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if 0 < value < K:
        return f"<{K}"
    return int(value)


def rate_per_100k(count, population: int | None) -> float | None:
    if not isinstance(count, int) or not population:
        return None
    return round(count / population * 100_000, 1)


def resources_of(report: SituationReport, municipality: Area) -> tuple:
    """Incidents and resource hours per 1,000 inhabitants, as the shared picture froze them.

    The incident rate is recomputed from the published count (a hidden count gives none);
    hours come from the picture's own resources section, never from live rows, so a
    municipality shows only what it shared.
    """
    area = (report.snapshot.get("resources") or {}).get("area") or {}
    count = safe_count((report.snapshot.get("totals") or {}).get("count"))
    pop = area.get("population") or municipality.population
    per_1000 = round(count / pop * 1000, 2) if isinstance(count, int) and pop else None
    return per_1000, area.get("hours_per_1000")


@dataclass
class Row:
    municipality: Area
    report: SituationReport | None = None
    report_approved_at: datetime | None = None
    plan: ActionPlan | None = None
    plan_adopted_on: date | None = None
    promises_published: bool = False
    promise_published_at: datetime | None = None
    figures: dict = field(default_factory=dict)
    rate: float | None = None
    # Resources against burden, from the shared picture's frozen section (issue 18, item 7).
    incidents_per_1000: float | None = None
    hours_per_1000: float | None = None

    @property
    def period_label(self) -> str:
        if self.report is None:
            return ""
        return (self.report.snapshot.get("period") or {}).get("name") or self.report.period_label


@dataclass
class Overview:
    county: Area
    period_type: str | None
    period_types: list[str]
    rows: list[Row]

    @property
    def rates(self) -> dict[str, float | None]:
        return {r.municipality.code: r.rate for r in self.rows}


def shared_reports(user, municipalities):
    return SituationReport.objects.filter(
        status=situation_workflow.SHARED,
        audience__in=REGIONAL_AUDIENCES,
        area__in=municipalities,
        area_id__in=regional_areas(user).values("id"),
    )


def _subtree(municipality: Area, areas_by_parent: dict[int, list[Area]]) -> set[int]:
    ids, todo = set(), [municipality]
    while todo:
        node = todo.pop()
        ids.add(node.pk)
        todo.extend(areas_by_parent.get(node.pk, []))
    return ids


def build(user, county: Area, period_type: str | None = None) -> Overview:
    """The overview of ``county`` for ``user`` (a regional viewer reaching it).

    ``period_type`` chooses which shared pictures are compared side by side (weeks and
    tertials are not comparable); by default the type the most municipalities shared.
    """
    municipalities = list(
        Area.objects.filter(parent=county, level=Area.Level.MUNICIPALITY).order_by("name")
    )
    reports = list(shared_reports(user, municipalities).order_by("-period_end", "-version", "-pk"))
    types = Counter()
    for code in {(r.area_id, r.period_type) for r in reports}:
        types[code[1]] += 1
    period_types = sorted(types)
    if period_type not in types:
        period_type = types.most_common(1)[0][0] if types else None

    # Plans and promises may be for a district below the municipality.
    below = Area.objects.filter(country=county.country).exclude(
        level__in=[Area.Level.COUNTY, Area.Level.MUNICIPALITY]
    )
    by_parent: dict[int, list[Area]] = {}
    for a in below.only("id", "parent_id"):
        by_parent.setdefault(a.parent_id, []).append(a)
    plans = list(
        ActionPlan.objects.filter(status=plan_workflow.ADOPTED)
        .filter(Q(area__isnull=False) | Q(partnership__isnull=False))
        # Only which areas a plan covers; never their borders.
        .prefetch_related(
            Prefetch("partnership__areas", queryset=Area.objects.only("id", "parent_id"))
        )
        .order_by("-adopted_on", "-updated_at")
    )
    promises = list(CitizenPromise.objects.filter(published=True).order_by("-published_at", "-pk"))

    rows = []
    for m in municipalities:
        row = Row(municipality=m)
        own = [r for r in reports if r.area_id == m.pk]
        if own:
            row.report_approved_at = max(
                (r.approved_at for r in own if r.approved_at), default=None
            )
        same_type = [r for r in own if r.period_type == period_type]
        if same_type:
            row.report = same_type[0]
            totals = row.report.snapshot.get("totals") or {}
            row.figures = {f: safe_count(totals.get(f)) for f in FIGURES}
            row.rate = rate_per_100k(row.figures["count"], m.population)
            row.incidents_per_1000, row.hours_per_1000 = resources_of(row.report, m)
        ids = _subtree(m, by_parent)
        for plan in plans:
            plan_areas = (
                {plan.area_id}
                if plan.area_id
                else {a.pk for a in plan.partnership.areas.all()}
                if plan.partnership
                else set()
            )
            if plan_areas & ids:
                row.plan, row.plan_adopted_on = plan, plan.adopted_on
                break
        mine = [p for p in promises if p.area_id in ids]
        row.promises_published = bool(mine)
        row.promise_published_at = mine[0].published_at if mine else None
        rows.append(row)
    return Overview(county=county, period_type=period_type, period_types=period_types, rows=rows)
