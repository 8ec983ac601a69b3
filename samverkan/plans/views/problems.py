"""Problems and their cause analyses (the problem triangle and the event chain)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from samverkan.core import audit, downloads
from samverkan.core.params import parse_int_param
from samverkan.core.permissions import scope
from samverkan.plans import findings, services, workflow
from samverkan.plans.forms import (
    CauseAnalysisForm,
    ProblemForm,
    StepFormSet,
)
from samverkan.plans.models import (
    CONTROLLERS,
    CauseAnalysis,
    Problem,
    Side,
)
from samverkan.plans.views.common import (
    ObjectEditView,
    ObjectView,
    _statuses,
)


class ProblemCreateView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """A new problem by hand, or from a finding: ``?lagesbild=<id>&kategori=<code>``."""

    permission_required = "plans.add"
    template_name = "plans/problem_form.html"

    def finding(self, params):
        report_id, code = params.get("lagesbild"), params.get("kategori")
        if not report_id or not code:
            return None, None
        report = get_object_or_404(
            findings.released_reports(self.request.user)
            .select_related("area")
            .defer("area__geometry"),
            pk=parse_int_param(params, "lagesbild"),
        )
        row = services.finding_from_report(report, code)
        if row is None:
            raise Http404
        return report, row

    def get(self, request):
        report, row = self.finding(request.GET)
        form = ProblemForm(user=request.user, initial=findings.problem_initial(report, row))
        return render(request, self.template_name, {"form": form, "report": report, "row": row})

    def post(self, request):
        report, row = self.finding(request.POST)
        form = ProblemForm(request.POST, user=request.user)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form, "report": report, "row": row})
        attrs = findings.problem_evidence(report, row)
        problem = services.save_form(
            form, request.user, audit.Action.PROBLEM_CREATE, request=request, **attrs
        )
        services.link_incidents(
            problem, form.cleaned_data["incident_ids"], request.user, request=request
        )
        messages.success(request, _("Problemet är sparat."))
        return redirect("problem-detail", pk=problem.pk)


class ProblemDetailView(ObjectView, TemplateView):
    model = Problem
    template_name = "plans/problem_detail.html"

    def base_queryset(self):
        # The page names the area and the lägesbild: neither the border nor the frozen figures.
        return Problem.objects.select_related(
            "area", "category", "situation_report__area", "partnership"
        ).defer(
            "area__geometry",
            "situation_report__snapshot",
            "situation_report__assessments",
            "situation_report__area__geometry",
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        problem = self.object
        analysis = CauseAnalysis.objects.filter(problem=problem).first()
        ctx.update(
            problem=problem,
            can_change=self.can_change(),
            analysis=analysis,
            triangle=_triangle(analysis),
            steps=list(analysis.steps.all()) if analysis else [],
            incidents=scope(problem.incidents.all(), self.request.user).select_related("category"),
            measures=scope(problem.measures.all(), self.request.user).select_related("plan"),
            allowed_statuses=_statuses(workflow.PROBLEM_STATUSES, "problem", problem.status),
        )
        return ctx


def _triangle(analysis):
    """The three inner sides with their controllers, for the triangle display."""
    rows = []
    for inner, controller in CONTROLLERS.items():
        rows.append(
            {
                "code": str(inner),
                "label": Side(inner).label,
                "side": analysis.side(inner) if analysis else {},
                "controller_code": str(controller),
                "controller_label": Side(controller).label,
                "controller": analysis.side(controller) if analysis else {},
            }
        )
    return rows


class ProblemEditView(ObjectEditView):
    model = Problem
    template_name = "plans/problem_form.html"
    form_class = ProblemForm
    context_name = "problem"
    audit_action = audit.Action.PROBLEM_UPDATE
    success_message = gettext_lazy("Problemet är sparat.")
    success_url_name = "problem-detail"

    def save(self, form):
        problem = super().save(form)
        services.link_incidents(
            problem, form.cleaned_data["incident_ids"], self.request.user, request=self.request
        )
        return problem


class ProblemStatusView(ObjectView, View):
    model = Problem
    permission_required = "plans.change_object"
    http_method_names = ["post"]

    def post(self, request, pk):
        try:
            services.set_problem_status(
                self.object, request.POST.get("status", ""), request.user, request=request
            )
            messages.success(request, _("Status är ändrad."))
        except workflow.TransitionError as exc:
            messages.error(request, str(exc))
        return redirect("problem-detail", pk=pk)


class CauseAnalysisView(ObjectView, View):
    """The cause analysis of one problem: the triangle, the event chain, dialogue notes."""

    model = Problem
    permission_required = "plans.change_object"
    template_name = "plans/analysis_form.html"

    def context(self, form, steps):
        return {"problem": self.object, "form": form, "steps": steps, "controllers": CONTROLLERS}

    def get(self, request, pk):
        analysis = CauseAnalysis.objects.filter(problem=self.object).first()
        form = CauseAnalysisForm(analysis=analysis)
        initial = (
            [
                {"stage": s.stage, "description": s.description, "intervention": s.intervention}
                for s in analysis.steps.all()
            ]
            if analysis
            else []
        )
        steps = StepFormSet(initial=initial, prefix="steg")
        return render(request, self.template_name, self.context(form, steps))

    def post(self, request, pk):
        form = CauseAnalysisForm(request.POST)
        steps = StepFormSet(request.POST, prefix="steg")
        if not (form.is_valid() and steps.is_valid()):
            messages.error(request, _("Analysen är inte sparad: rätta det som är markerat."))
            return render(request, self.template_name, self.context(form, steps))
        rows = [
            f.cleaned_data
            for f in steps.forms
            if f.cleaned_data.get("stage") and not f.cleaned_data.get("DELETE")
        ]
        d = form.cleaned_data
        services.save_cause_analysis(
            self.object,
            request.user,
            sides=form.sides(),
            staff_dialogue=d["staff_dialogue"],
            citizen_dialogue=d["citizen_dialogue"],
            conclusion=d["conclusion"],
            steps=rows,
            request=request,
        )
        messages.success(request, _("Orsaksanalysen är sparad."))
        return redirect("problem-detail", pk=pk)


class CauseAnalysisPDFView(ObjectView, View):
    model = Problem

    def get(self, request, pk):
        problem = self.object
        analysis = CauseAnalysis.objects.filter(problem=problem).first()
        return downloads.pdf_download(
            request,
            "plans/pdf/cause_analysis.html",
            {
                "problem": problem,
                "analysis": analysis,
                "triangle": _triangle(analysis),
                "steps": list(analysis.steps.all()) if analysis else [],
                "printed": timezone.localdate(),
            },
            f"orsaksanalys-{slugify(problem.title)}",
            action=audit.Action.CAUSE_ANALYSIS_EXPORT,
            obj=problem,
            inline=True,
        )
