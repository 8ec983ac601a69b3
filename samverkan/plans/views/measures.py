"""Measures of an action plan and their status."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from samverkan.core import audit
from samverkan.plans import services, workflow
from samverkan.plans.forms import (
    MeasureForm,
)
from samverkan.plans.models import (
    ActionPlan,
    Measure,
)
from samverkan.plans.views.common import (
    ObjectEditView,
    ObjectView,
)


class MeasureCreateView(ObjectView, View):
    model = ActionPlan
    permission_required = "plans.change_object"
    template_name = "plans/measure_form.html"

    def get(self, request, pk):
        form = MeasureForm(plan=self.object, user=request.user)
        return render(request, self.template_name, {"form": form, "plan": self.object})

    def post(self, request, pk):
        form = MeasureForm(request.POST, plan=self.object, user=request.user)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form, "plan": self.object})
        try:
            services.save_form(form, request.user, audit.Action.MEASURE_CREATE, request=request)
        except services.PlanLockedError as exc:
            messages.error(request, str(exc))
            return redirect("plan-detail", pk=pk)
        messages.success(request, _("Åtgärden är tillagd."))
        return redirect("plan-detail", pk=pk)


class MeasureEditView(ObjectEditView):
    model = Measure
    template_name = "plans/measure_form.html"
    form_class = MeasureForm
    context_name = "measure"
    audit_action = audit.Action.MEASURE_UPDATE
    success_message = gettext_lazy("Åtgärden är sparad.")
    success_url_name = "plan-detail"

    def base_queryset(self):
        return Measure.objects.select_related("plan")

    def form_kwargs(self):
        return {"plan": self.object.plan, "user": self.request.user}

    def context(self, form):
        return {**super().context(form), "plan": self.object.plan}

    def success_pk(self, obj):
        return obj.plan_id


class MeasureStatusView(ObjectView, View):
    model = Measure
    permission_required = "plans.change_object"
    http_method_names = ["post"]

    def post(self, request, pk):
        try:
            services.set_measure_status(
                self.object, request.POST.get("status", ""), request.user, request=request
            )
            messages.success(
                request, _('Åtgärden "%(title)s" har ny status.') % {"title": self.object.title}
            )
        except (workflow.TransitionError, services.PlanLockedError) as exc:
            messages.error(request, str(exc))
        return redirect("plan-detail", pk=self.object.plan_id)
