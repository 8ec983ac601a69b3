"""One indicator: its values and goals, recounting it, and new goals."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from samverkan.core.permissions import scope
from samverkan.followup import charts, services
from samverkan.followup.forms import (
    GoalForm,
)
from samverkan.followup.models import (
    Indicator,
)
from samverkan.followup.views.common import ObjectPermissionMixin


class IndicatorView(ObjectPermissionMixin, TemplateView):
    template_name = "followup/indicator.html"
    permission_required = "followup.view_partnership"
    model = Indicator

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ind = self.object
        values = list(ind.values.all())
        data = services.chart_values(ind)
        goals = list(ind.goals.all())
        ctx.update(
            indicator=ind,
            measures=scope(ind.measures.all(), self.request.user).select_related("plan"),
            rows=list(zip(values, data, strict=True)),
            goals=[{"goal": g, "details": g.status_details or {}} for g in goals],
            chart=charts.small_multiples(
                [{"id": ind.pk, "name": ind.name, "value_type": ind.value_type, "values": data}],
                services.goal_lines(ind),
                ind.name,
            ),
            goal_form=GoalForm(),
            can_change=self.request.user.has_perm("followup.change_partnership", ind),
        )
        return ctx


class IndicatorRefreshView(ObjectPermissionMixin, View):
    permission_required = "followup.change_partnership"
    model = Indicator
    http_method_names = ["post"]

    def post(self, request, pk):
        services.refresh_indicator_and_goals(self.object, request.user, request=request)
        messages.success(request, _("Värdena är uppdaterade."))
        return redirect("followup-indicator", pk=pk)


class GoalCreateView(ObjectPermissionMixin, View):
    permission_required = "followup.change_partnership"
    model = Indicator

    def get(self, request, pk):
        return render(
            request, "followup/goal_form.html", {"form": GoalForm(), "indicator": self.object}
        )

    def post(self, request, pk):
        form = GoalForm(request.POST)
        if not form.is_valid():
            return render(
                request, "followup/goal_form.html", {"form": form, "indicator": self.object}
            )
        services.create_goal(self.object, request.user, request=request, **form.cleaned_data)
        messages.success(request, _("Effektmålet är sparat."))
        return redirect("followup-indicator", pk=pk)
