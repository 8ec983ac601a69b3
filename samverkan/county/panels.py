"""The county board's start-page panel (:mod:`samverkan.core.start_page`): per county,
how many municipalities have shared a lägesbild, the newest one shared, the digest in
progress or last sent, and the next network meeting."""

from __future__ import annotations

from collections import Counter

from django.db.models import F
from django.utils import timezone
from django.utils.translation import get_language

from samverkan.core import periods, start_page
from samverkan.core.models import Area
from samverkan.core.permissions import scope
from samverkan.core.roles import Role
from samverkan.county import workflow
from samverkan.county.models import Digest, NetworkMeeting
from samverkan.county.overview import counties_for, shared_reports


def _period_name(obj) -> str:
    """ "augusti 2026" for a picture's or a digest's "2026-08"."""
    if obj is None:
        return ""
    try:
        period = periods.parse(obj.period_label, obj.period_type)
    except periods.PeriodError:
        return obj.period_label
    return period.human((get_language() or "sv")[:2])


# A board reaching more counties (a national reader) gets one line per county instead.
MAX_CARDS = 3


def _summary(user, counties) -> list[dict]:
    """Per county: its municipalities and how many shared a picture, in two queries."""
    municipalities = Area.objects.filter(parent__in=counties, level=Area.Level.MUNICIPALITY)
    total = Counter(municipalities.values_list("parent_id", flat=True))
    sharing = Counter(
        parent
        for parent, _area in shared_reports(user, municipalities)
        .values_list("area__parent_id", "area_id")
        .order_by()  # the model's ordering would take part in DISTINCT
        .distinct()
    )
    return [
        {"county": c, "municipalities": total[c.pk], "sharing": sharing[c.pk]} for c in counties
    ]


def county_context(request) -> dict | None:
    user = request.user
    reached = list(counties_for(user))
    if len(reached) > MAX_CARDS:
        return {"summary": _summary(user, reached)}
    counties = []
    for county in reached:
        municipalities = Area.objects.filter(parent=county, level=Area.Level.MUNICIPALITY)
        shared = shared_reports(user, municipalities)
        digests = scope(Digest.objects.filter(county=county), user)
        # Without the snapshot (a picture's whole frozen content): only its name is shown.
        latest = (
            shared.select_related("area")
            .defer("snapshot", "assessments", "area__geometry")
            .order_by(F("shared_at").desc(nulls_last=True), "-pk")
        )
        latest = latest.first()
        draft = digests.filter(status=workflow.DRAFT).order_by("-pk").first()
        sent = (
            digests.filter(status=workflow.SENT)
            .order_by(F("sent_at").desc(nulls_last=True), "-pk")
            .first()
        )
        counties.append(
            {
                "county": county,
                "municipalities": municipalities.count(),
                "sharing": shared.values("area_id").order_by().distinct().count(),
                "latest": latest,
                "latest_period": _period_name(latest),
                "draft": draft,
                "draft_period": _period_name(draft),
                "sent": sent,
                "sent_period": _period_name(sent),
                "meeting": scope(NetworkMeeting.objects.filter(county=county), user)
                .filter(starts_at__gte=timezone.now())
                .order_by("starts_at")
                .first(),
            }
        )
    return {"counties": counties} if counties else None


def register() -> None:
    start_page.register(
        start_page.Panel(
            "county.overview",
            {Role.REGIONAL_VIEWER},
            "county/panels/county.html",
            county_context,
            order=10,
        )
    )
