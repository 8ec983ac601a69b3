"""Public pages of citizen promises (medborgarlöften), without login.

Only published promises appear, and of them only what is meant for the public: the text,
the signatories, the status, the dated updates, and the title and status of each measure
behind the promise. Internal details of measures (description, responsible person,
resources, problems) never reach these pages. Evaluations found that only one citizen in
four knew the promises and that feedback to citizens was weak; these pages, the feed and
the poster are the answer to that.

A promise may be for a whole municipality or for one of its districts (or any area below
it): a municipality's page shows its own promises and its districts', and can be narrowed
to one district (``?stadsdel=<code>``); a district has its own page too.
"""

from __future__ import annotations

from django.db.models import Max
from django.http import Http404
from django.views.generic import TemplateView

from samverkan.core.models import Area
from samverkan.core.permissions import descendant_ids
from samverkan.plans.models import CitizenPromise, PromiseUpdate


def published_promises():
    return CitizenPromise.objects.filter(published=True)


def published_updates():
    return (
        PromiseUpdate.objects.filter(promise__published=True)
        .select_related("promise__area")
        .defer("promise__area__geometry")
    )


def areas_with_promises():
    # The public pages name areas and draw no map: never their borders.
    return (
        Area.objects.filter(pk__in=published_promises().values("area_id"))
        .defer("geometry")
        .order_by("name")
    )


def municipality_of(area: Area) -> Area:
    """The municipality an area lies in (itself when it is one, or has none above it)."""
    return area.municipality() or area


def public_area(code: str) -> tuple[Area, set[int]]:
    """The area with this code that has published promises at or below it, and the ids
    of it and every area below it; 404 when there is none."""
    published = set(published_promises().values_list("area_id", flat=True))
    for area in Area.objects.filter(code=code).defer("geometry").order_by("pk"):
        below = descendant_ids([area.pk])
        if below & published:
            return area, below
    raise Http404


def _summary(area: Area, area_ids) -> dict:
    promises = published_promises().filter(area_id__in=area_ids)
    return {
        "area": area,
        "count": promises.count(),
        "years": sorted(set(promises.values_list("year", flat=True)), reverse=True),
        "latest": published_updates()
        .filter(promise__area_id__in=area_ids)
        .aggregate(m=Max("date"))["m"],
    }


class PublicIndexView(TemplateView):
    """Every municipality with published promises, with the districts that have their own."""

    template_name = "plans/public_index.html"
    permission_required = "public"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        groups: dict[int, dict] = {}
        for area in areas_with_promises().select_related("parent").defer("parent__geometry"):
            top = municipality_of(area)
            group = groups.setdefault(top.pk, {"top": top, "districts": []})
            if area.pk != top.pk:
                group["districts"].append(_summary(area, descendant_ids([area.pk])))
        rows = []
        for group in sorted(groups.values(), key=lambda g: g["top"].name):
            rows.append({**_summary(group["top"], descendant_ids([group["top"].pk])), **group})
        ctx["rows"] = rows
        return ctx


class PublicAreaView(TemplateView):
    """The published promises of one area and the areas below it, newest year first, with
    their updates; ``?stadsdel=<code>`` narrows the list to one district."""

    template_name = "plans/public_area.html"
    permission_required = "public"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        code = self.kwargs["code"]
        area, below = public_area(code)
        districts = list(areas_with_promises().filter(pk__in=below - {area.pk}).order_by("name"))
        chosen = None
        wanted = (self.request.GET.get("stadsdel") or "").strip()
        if wanted:
            chosen = next((d for d in districts if d.code == wanted), None)
            if chosen is None:
                raise Http404
            below = descendant_ids([chosen.pk])
        promises = list(
            published_promises()
            .filter(area_id__in=below)
            .select_related("area")
            .defer("area__geometry")
            .prefetch_related("updates", "measures")
            .order_by("-year", "title")
        )
        ctx.update(area=area, code=code, promises=promises, districts=districts, chosen=chosen)
        return ctx
