"""What the follow-up start page shows of each partnership: indicators, goals, reports."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, F

from samverkan.core.permissions import scope
from samverkan.followup.models import EffectGoal, GoalStatus, Indicator, TertialReport


@dataclass
class PartnershipFollowUp:
    """One partnership as the start page summarises it, counted within the user's scope."""

    indicators: int = 0
    goals: list[tuple[str, str, int]] = field(default_factory=list)
    latest_report: TertialReport | None = None

    @property
    def goal_count(self) -> int:
        return sum(n for _, _, n in self.goals)


def follow_up_overview(partnerships, user) -> dict[int, PartnershipFollowUp]:
    """Indicators, goals per status and the latest tertial report of each partnership.

    Counted in three queries over all ``partnerships``, each through the user's scope, so a
    member limited to a district counts that district's indicators and goals only.
    """
    ids = [p.pk for p in partnerships]
    out = {pk: PartnershipFollowUp() for pk in ids}
    indicators = (
        scope(Indicator.objects.filter(partnership_id__in=ids), user)
        .values("partnership_id")
        .annotate(n=Count("pk"))
    )
    for row in indicators:
        out[row["partnership_id"]].indicators = row["n"]
    goals = (
        scope(EffectGoal.objects.filter(indicator__partnership_id__in=ids), user)
        .values("indicator__partnership_id", "status")
        .annotate(n=Count("pk"))
    )
    counts: dict[int, dict[str, int]] = {}
    for row in goals:
        counts.setdefault(row["indicator__partnership_id"], {})[row["status"]] = row["n"]
    for pk, by_status in counts.items():
        # In the order a reader weighs them: reached, on track, off track, no data.
        out[pk].goals = [
            (status, label, by_status[status])
            for status, label in GoalStatus.choices
            if by_status.get(status)
        ]
    # Of one tertial, the whole partnership's report before a district's.
    reports = scope(TertialReport.objects.filter(partnership_id__in=ids), user).order_by(
        "partnership_id", "-period_start", F("area_id").asc(nulls_first=True), "-pk"
    )
    for report in reports.select_related("area").only(
        "pk", "partnership_id", "tertial", "status", "area__name"
    ):
        if out[report.partnership_id].latest_report is None:
            out[report.partnership_id].latest_report = report
    return out
