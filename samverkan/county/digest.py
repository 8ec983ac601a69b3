"""What a network digest holds: gathered for a county and a period, as plain JSON.

Only released material is read, through the same rules as the county overview:

* shared lägesbilder (status *shared*, audience *Delad* or *Offentlig*) of the county's
  municipalities of the digest's period type and inside its period, their stored totals passed
  through :func:`samverkan.county.overview.safe_count` (counts 1 and 2 shown as ``<3``, even
  when an older snapshot held them as numbers) and a rate per 100,000 only where the count
  itself is shown (:func:`samverkan.county.overview.rate_per_100k`). No sum over
  municipalities, no change between periods and no share is computed: any of them, next
  to the figures shown, would give a hidden count back;
* experience-bank entries of the county's partnerships that are visible beyond the own
  partnership (``shared`` or ``public``, as :func:`samverkan.followup.permissions.bank_filter`
  decides) and were added in the period; those made from an evaluation are listed as
  evaluations, with the text the partnership released in the bank and no counts;
* the county's upcoming network meetings.

The result is frozen on the digest when it is sent (:mod:`samverkan.county.services`).
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from samverkan.core import periods
from samverkan.core.models import Area
from samverkan.county import network
from samverkan.county.models import Digest, NetworkMeeting
from samverkan.county.overview import FIGURES, rate_per_100k, safe_count, shared_reports
from samverkan.followup.models import Design, ExperienceEntry

# Upcoming meetings beyond this many are left for the next digest.
MAX_MEETINGS = 10


def period_of(digest: Digest) -> periods.Period:
    return periods.parse(digest.period_label, digest.period_type)


def _date(value: datetime | None) -> str:
    return timezone.localtime(value).date().isoformat() if value else ""


def pictures(user, county: Area, period: periods.Period) -> list[dict]:
    """The latest shared version of each picture of ``period``'s type inside ``period``.

    One period type only: a tertial's count next to its months' counts (or a month's next
    to its weeks') would give a month hidden as ``<3`` back by subtraction.
    """
    municipalities = list(
        Area.objects.filter(parent=county, level=Area.Level.MUNICIPALITY)
        .defer("geometry")
        .order_by("name")
    )
    reports = (
        shared_reports(user, municipalities)
        .filter(period_type=period.type, period_start__gte=period.start, period_end__lte=period.end)
        .select_related("area")
        .defer("area__geometry")
        .order_by("area__name", "period_start", "period_type", "-version", "-pk")
    )
    out, seen = [], set()
    for r in reports:
        key = (r.area_id, r.period_type, r.period_start, r.period_end)
        if key in seen:
            continue
        seen.add(key)
        totals = r.snapshot.get("totals") or {}
        figures = {f: safe_count(totals.get(f)) for f in FIGURES}
        out.append(
            {
                "municipality": r.area.name,
                "code": r.area.code,
                "period": (r.snapshot.get("period") or {}).get("name") or r.period_label,
                "approved": _date(r.approved_at),
                "figures": figures,
                "rate": rate_per_100k(figures["count"], r.area.population),
            }
        )
    return out


def experiences(county: Area, period: periods.Period) -> tuple[list[dict], list[dict]]:
    """New shared experience-bank entries of the county: ``(entries, evaluations)``."""
    areas = network.county_area_ids(county)
    entries = (
        ExperienceEntry.objects.filter(Q(shared=True) | Q(public=True))
        .filter(created_at__gte=period.start, created_at__lt=period.end)
        .filter(Q(partnership__areas__in=areas) | Q(evaluation__treated_area_id__in=areas))
        .select_related("partnership", "evaluation")
        .distinct()
        .order_by("created_at", "pk")
    )
    designs = dict(Design.choices)
    plain, evaluated = [], []
    for e in entries:
        item = {
            "title": e.title,
            "problem_type": e.problem_type,
            "method": e.method,
            "effect_summary": e.effect_summary,
            "partnership": e.partnership.name if e.partnership else "",
            "added": _date(e.created_at),
        }
        if e.evaluation is not None:
            item["design"] = str(designs.get(e.evaluation.design, e.evaluation.design))
            evaluated.append(item)
        else:
            plain.append(item)
    return plain, evaluated


def meetings(county: Area, now: datetime | None = None) -> list[dict]:
    upcoming = NetworkMeeting.objects.filter(
        county=county, starts_at__gte=now or timezone.now()
    ).order_by("starts_at", "pk")[:MAX_MEETINGS]
    return [
        {
            "starts_at": timezone.localtime(m.starts_at).strftime("%Y-%m-%d %H:%M"),
            "topic": m.topic,
            "place": m.place,
            "link": network.web_link(m.link),
        }
        for m in upcoming
    ]


def gather(digest: Digest, user) -> dict:
    """The digest's content as it would be sent now, composed with ``user``'s reach."""
    period = period_of(digest)
    entries, evaluations = experiences(digest.county, period)
    return {
        "county": digest.county.name,
        "period": period.human("sv"),
        "period_label": digest.period_label,
        "intro": digest.intro,
        "pictures": pictures(user, digest.county, period),
        "entries": entries,
        "evaluations": evaluations,
        "meetings": meetings(digest.county),
    }
