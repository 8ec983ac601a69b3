"""The plans overview of the user's partnerships, narrowed to an area."""

from __future__ import annotations

from django.http import Http404
from django.views.generic import TemplateView

from samverkan.core.params import parse_int_param
from samverkan.core.permissions import descendant_ids, scope
from samverkan.plans import findings, services, sharing
from samverkan.plans import permissions as perms
from samverkan.plans.models import (
    ActionPlan,
    Agreement,
    CitizenPromise,
    Measure,
    Problem,
)
from samverkan.plans.views.common import (
    PlansView,
)


class HomeView(PlansView, TemplateView):
    """Everything of the user's partnerships; ``?omrade=<id>`` narrows every list to one
    area and the areas below it (a district with its own drawn areas, say)."""

    template_name = "plans/home.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        areas = perms.reachable_areas(user, perms.readable_partnerships(user), perms.READER_ROLES)
        chosen = parse_int_param(self.request.GET, "omrade")
        area = areas.filter(pk=chosen).first() if chosen is not None else None
        if chosen is not None and area is None:
            raise Http404
        # The lists show area names: never their borders.
        lists = {
            "problems": scope(Problem.objects.all(), user).select_related("area", "partnership"),
            "plans": scope(ActionPlan.objects.all(), user).select_related("area"),
            "promises": scope(CitizenPromise.objects.all(), user).select_related("area"),
            "agreements": scope(Agreement.objects.all(), user).select_related("area"),
        }
        lists = {k: qs.defer("area__geometry") for k, qs in lists.items()}
        measures = None
        if area is not None:
            below = descendant_ids([area.pk])
            lists = {k: qs.filter(area_id__in=below) for k, qs in lists.items()}
            measures = services.measures_in(scope(Measure.objects.all(), user), below)
        ctx.update(
            **lists,
            measures=measures,
            areas=areas,
            area=area,
            findings=findings.findings_for(user) if user.has_perm("plans.add") else [],
            can_add=user.has_perm("plans.add"),
            shared_with_us=sharing.incoming(user),
        )
        return ctx
