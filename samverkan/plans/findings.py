"""From a lägesbild finding to a problem: the released pictures a coordinator may start
from, their flagged rows, and what a new problem takes over from a row.

A problem started from a finding carries the figures as they were approved (its
``figures`` and period), so the problem page repeats the lägesbild and never recounts.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.core.permissions import scope
from samverkan.incidents.models import Category
from samverkan.plans import permissions as perms
from samverkan.situation.models import SituationReport

RELEASED_REPORTS = ("approved", "shared")


def released_reports(user):
    """Approved or shared lägesbilder of the partnerships ``user`` may change."""
    return scope(SituationReport.objects.all(), user).filter(
        status__in=RELEASED_REPORTS, partnership_id__in=perms.editable_partnerships(user)
    )


def _number(value) -> float:
    return value if isinstance(value, (int, float)) else 0


# The group plans from its fullest picture: a shared or public version of the same area and
# period hides small counts, and repeats the internal one.
_AUDIENCE_PREFERENCE = {"internal": 0, "shared": 1, "public": 2}


def findings_for(user, limit_reports: int = 5):
    """Rows of released lägesbilder of the user's editable partnerships, flagged first.

    One picture per partnership, area and period: the newest version of the fullest
    audience (internal before shared before public), so a picture approved both for the
    group and, suppressed, for the county is listed once, with its own counts.
    """
    # Up to six candidates per listed picture: their figures (tens of kB each) are read only
    # for the chosen ones, one query each, and no area's border at all.
    reports = (
        released_reports(user)
        .select_related("area")
        .defer("snapshot", "assessments", "area__geometry")
        .order_by("-period_start", "-version")
    )
    chosen: dict[tuple, SituationReport] = {}
    # A few pictures per period at most (audiences, versions): read a bounded number.
    for report in reports[: limit_reports * 6]:
        key = (report.partnership_id, report.area_id, report.period_type, report.period_start)
        best = chosen.get(key)
        if best is None or _rank(report) < _rank(best):
            chosen[key] = report
    out = []
    for report in list(chosen.values())[:limit_reports]:
        rows = [r for r in (report.snapshot or {}).get("by_category", []) if r.get("count")]
        # Shared pictures hide small counts as "<3" or "..": they sort as zero.
        rows.sort(key=lambda r: (not r.get("flag"), -_number(r.get("count"))))
        out.append({"report": report, "rows": rows[:8]})
    return out


def _rank(report: SituationReport) -> tuple[int, int]:
    return (_AUDIENCE_PREFERENCE.get(report.audience, 3), -report.version)


def problem_title(report: SituationReport, row: dict) -> str:
    """A problem's title from a finding: what rose or fell, and where."""
    what = row.get("label", row["code"])
    area = report.area.name
    if row.get("flag") == "increase":
        return _("Ökning av %(what)s i %(area)s") % {"what": what.lower(), "area": area}
    if row.get("flag") == "decrease":
        return _("Minskning av %(what)s i %(area)s") % {"what": what.lower(), "area": area}
    return _("%(what)s i %(area)s") % {"what": what, "area": area}


def problem_initial(report: SituationReport | None, row: dict | None) -> dict:
    """The problem form's starting values for a finding (none without one)."""
    if report is None:
        return {}
    category = Category.objects.filter(code=row["code"]).first()
    return {
        "partnership": report.partnership_id,
        "title": problem_title(report, row),
        "area": report.area_id,
        "category": category.pk if category else None,
        "period_label": report.period_label,
        "priority": 1 if row.get("flag") else 2,
        "evidence": _(
            "Lägesbild %(period)s: %(count)s händelser (föregående period %(prev)s, "
            "samma period året innan %(ly)s)."
        )
        % {
            "period": report.period_label,
            "count": row.get("count"),
            "prev": row.get("previous"),
            "ly": row.get("last_year"),
        },
    }


def problem_evidence(report: SituationReport | None, row: dict | None) -> dict:
    """What a problem saved from a finding keeps of it: the report, the row's figures and
    the picture's period in local days (its end exclusive becomes the last day)."""
    if report is None:
        return {}
    tz = timezone.get_current_timezone()
    return {
        "situation_report": report,
        "figures": {**row, "period": report.period_label, "report": report.pk},
        "period_start": report.period_start.astimezone(tz).date(),
        "period_end": (report.period_end.astimezone(tz) - timedelta(days=1)).date(),
    }
