"""Action plans: the plan, its status, timeline and exports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from samverkan.core import audit, downloads
from samverkan.core.approval import SamePersonError
from samverkan.plans import exports, services, timeline, workflow
from samverkan.plans.forms import (
    ActionPlanForm,
    AdoptForm,
)
from samverkan.plans.models import (
    ActionPlan,
)
from samverkan.plans.views.common import (
    ObjectEditView,
    ObjectView,
    _statuses,
    plan_measures,
)


class PlanCreateView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "plans.add"
    template_name = "plans/plan_form.html"

    def get(self, request):
        year = timezone.localdate().year
        form = ActionPlanForm(user=request.user, initial={"start_year": year, "end_year": year + 3})
        return render(request, self.template_name, {"form": form})

    def post(self, request):
        form = ActionPlanForm(request.POST, user=request.user)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form})
        plan = services.save_form(
            form, request.user, audit.Action.ACTION_PLAN_CREATE, request=request
        )
        messages.success(request, _("Åtgärdsplanen är skapad. Lägg nu till åtgärder."))
        return redirect("plan-detail", pk=plan.pk)


class PlanDetailView(ObjectView, TemplateView):
    model = ActionPlan
    template_name = "plans/plan_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        plan = self.object
        measures = list(plan_measures(plan))
        ctx.update(
            plan=plan,
            measures=[
                (m, _statuses(workflow.MEASURE_STATUSES, "measure", m.status)) for m in measures
            ],
            can_change=self.can_change(),
            # Waiting for its second approval: nothing in the plan changes, and the person
            # who gave the first approval is not offered the adopt form again.
            locked=plan.status == workflow.ADOPTING,
            first_approver=plan.status == workflow.ADOPTING
            and plan.first_approved_by_id == self.request.user.pk,
            allowed_statuses=_statuses(workflow.PLAN_STATUSES, "plan", plan.status),
            adopt_form=AdoptForm(
                initial={"adopted_by": plan.adopted_by, "adopted_on": plan.adopted_on}
            ),
            timeline=timeline.svg(plan, measures),
        )
        return ctx


class PlanEditView(ObjectEditView):
    model = ActionPlan
    template_name = "plans/plan_form.html"
    form_class = ActionPlanForm
    context_name = "plan"
    audit_action = audit.Action.ACTION_PLAN_UPDATE
    success_message = gettext_lazy("Åtgärdsplanen är sparad.")
    success_url_name = "plan-detail"


class PlanStatusView(ObjectView, View):
    model = ActionPlan
    permission_required = "plans.change_object"
    http_method_names = ["post"]

    def post(self, request, pk):
        status = request.POST.get("status", "")
        kwargs = {}
        if status == workflow.ADOPTED:
            form = AdoptForm(request.POST)
            if not request.POST.get("confirm"):
                messages.error(request, _("Bekräfta genom att kryssa i rutan först."))
                return redirect("plan-detail", pk=pk)
            if not form.is_valid():
                messages.error(
                    request, _("Ange vilket organ som antog planen och datumet för beslutet.")
                )
                return redirect("plan-detail", pk=pk)
            kwargs = form.cleaned_data
        try:
            services.set_plan_status(self.object, status, request.user, request=request, **kwargs)
            messages.success(request, _("Planens status är ändrad."))
        except (workflow.TransitionError, ValueError, SamePersonError) as exc:
            messages.error(request, str(exc))
        return redirect("plan-detail", pk=pk)


class PlanTimelineView(ObjectView, TemplateView):
    model = ActionPlan
    template_name = "plans/plan_timeline.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(plan=self.object, timeline=timeline.svg(self.object, plan_measures(self.object)))
        return ctx


class PlanExportView(ObjectView, View):
    """The plan as PDF (print) or XLSX (one row per measure); audit-logged."""

    model = ActionPlan
    fmt = "pdf"

    def get(self, request, pk):
        plan, fmt = self.object, self.fmt
        name = f"atgardsplan-{slugify(plan.title)}-{plan.start_year}-{plan.end_year}"
        export = {"action": audit.Action.ACTION_PLAN_EXPORT, "obj": plan}
        if fmt == "xlsx":
            return downloads.download(request, exports.plan_xlsx(plan), name, fmt, **export)
        if fmt != "pdf":
            raise Http404
        measures = list(plan_measures(plan))
        context = {
            "plan": plan,
            "measures": measures,
            "timeline": timeline.svg(plan, measures),
            "printed": timezone.localdate(),
        }
        return downloads.pdf_download(
            request, "plans/pdf/action_plan.html", context, name, inline=True, **export
        )
