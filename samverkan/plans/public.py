"""Public pages of citizen promises (medborgarlöften), without login.

Only published promises appear, and of them only what is meant for the public: the text,
the signatories, the status, the dated updates, and the title and status of each measure
behind the promise. Internal details of measures (description, responsible person,
resources, problems) never reach these pages. Evaluations found that only one citizen in
four knew the promises and that feedback to citizens was weak; these pages, the feed and
the poster are the answer to that.
"""

from __future__ import annotations

from django.db.models import Max
from django.http import Http404
from django.views.generic import TemplateView

from samverkan.core.models import Area
from samverkan.plans.models import CitizenPromise, PromiseUpdate


def published_promises():
    return CitizenPromise.objects.filter(published=True)


def published_updates():
    return PromiseUpdate.objects.filter(promise__published=True).select_related("promise__area")


def areas_with_promises():
    return Area.objects.filter(pk__in=published_promises().values("area_id")).order_by("name")


class PublicIndexView(TemplateView):
    """All areas with published promises."""

    template_name = "plans/public_index.html"
    permission_required = "public"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        rows = []
        for area in areas_with_promises():
            promises = published_promises().filter(area=area)
            rows.append(
                {
                    "area": area,
                    "count": promises.count(),
                    "years": sorted(set(promises.values_list("year", flat=True)), reverse=True),
                    "latest": published_updates()
                    .filter(promise__area=area)
                    .aggregate(m=Max("date"))["m"],
                }
            )
        ctx["rows"] = rows
        return ctx


class PublicAreaView(TemplateView):
    """The published promises of one area, newest year first, with their updates."""

    template_name = "plans/public_area.html"
    permission_required = "public"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        code = self.kwargs["code"]
        promises = list(
            published_promises()
            .filter(area__code=code)
            .select_related("area")
            .prefetch_related("updates", "measures")
            .order_by("-year", "title")
        )
        if not promises:
            raise Http404
        ctx.update(area=promises[0].area, code=code, promises=promises)
        return ctx
