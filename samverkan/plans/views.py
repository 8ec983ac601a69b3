"""Internal pages: problems, cause analyses, action plans, measures, promises, agreements.

Every view declares its permission. Objects are looked up through :func:`scope`, so an
object of another partnership is a 404 (its existence is not revealed); a steering-group
member who may read but not change gets 403 on edit pages.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from samverkan.core import audit
from samverkan.core.approval import SamePersonError
from samverkan.core.params import parse_int_param
from samverkan.core.permissions import descendant_ids, scope
from samverkan.incidents.models import Category
from samverkan.plans import exports, pdf, services, timeline, workflow
from samverkan.plans import permissions as perms
from samverkan.plans.forms import (
    ActionPlanForm,
    AdoptForm,
    AgreementForm,
    CauseAnalysisForm,
    MeasureForm,
    ProblemForm,
    PromiseForm,
    PromiseUpdateForm,
    StepFormSet,
)
from samverkan.plans.models import (
    CONTROLLERS,
    ActionPlan,
    Agreement,
    CauseAnalysis,
    CitizenPromise,
    Measure,
    Problem,
    Side,
)
from samverkan.situation.models import SituationReport

RELEASED_REPORTS = ("approved", "shared")


class PlansView(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = "plans.view"


class ObjectView(LoginRequiredMixin, PermissionRequiredMixin):
    """Loads ``self.object`` through the user's scope: not visible is 404, not allowed 403."""

    model = None
    permission_required = "plans.view_object"
    pk_kwarg = "pk"

    def base_queryset(self):
        return self.model.objects.all()

    def get_permission_object(self):
        if not hasattr(self, "object"):
            self.object = get_object_or_404(
                scope(self.base_queryset(), self.request.user), pk=self.kwargs[self.pk_kwarg]
            )
        return self.object

    def can_change(self, obj=None) -> bool:
        return self.request.user.has_perm("plans.change_object", obj or self.object)


class ObjectEditView(ObjectView, View):
    """Edit one object with its form: the same GET/POST for every kind of plans object.

    Subclasses name the form, the template's context name, the audit action and where to
    go afterwards; ``save`` can be overridden for objects with more than the form to store.
    """

    permission_required = "plans.change_object"
    form_class = None
    context_name = "object"
    audit_action = ""
    success_message = ""
    success_url_name = ""

    def form_kwargs(self) -> dict:
        return {"user": self.request.user}

    def context(self, form) -> dict:
        return {"form": form, self.context_name: self.object}

    def save(self, form):
        return services.save_form(form, self.request.user, self.audit_action, request=self.request)

    def success_pk(self, obj):
        return obj.pk

    def get(self, request, pk):
        form = self.form_class(instance=self.object, **self.form_kwargs())
        return render(request, self.template_name, self.context(form))

    def post(self, request, pk):
        form = self.form_class(
            request.POST, request.FILES, instance=self.object, **self.form_kwargs()
        )
        if not form.is_valid():
            return render(request, self.template_name, self.context(form))
        obj = self.save(form)
        messages.success(request, self.success_message)
        return redirect(self.success_url_name, pk=self.success_pk(obj))


def _statuses(choices, kind, current):
    allowed = workflow.allowed(kind, current)
    return [(code, label) for code, label in choices if code in allowed]


def _pdf_response(body: bytes, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


# ---------------------------------------------------------------- overview
def _number(value) -> float:
    return value if isinstance(value, (int, float)) else 0


def findings_for(user, limit_reports: int = 5):
    """Rows of released lägesbilder of the user's editable partnerships, flagged first."""
    reports = (
        scope(SituationReport.objects.all(), user)
        .filter(status__in=RELEASED_REPORTS, partnership_id__in=perms.editable_partnerships(user))
        .select_related("area")
        .order_by("-period_start", "-version")[:limit_reports]
    )
    out = []
    for report in reports:
        rows = [r for r in (report.snapshot or {}).get("by_category", []) if r.get("count")]
        # Shared pictures hide small counts as "<3" or "..": they sort as zero.
        rows.sort(key=lambda r: (not r.get("flag"), -_number(r.get("count"))))
        out.append({"report": report, "rows": rows[:8]})
    return out


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
        lists = {
            "problems": scope(Problem.objects.all(), user).select_related("area", "partnership"),
            "plans": scope(ActionPlan.objects.all(), user).select_related("area"),
            "promises": scope(CitizenPromise.objects.all(), user).select_related("area"),
            "agreements": scope(Agreement.objects.all(), user).select_related("area"),
        }
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
            findings=findings_for(user) if user.has_perm("plans.add") else [],
            can_add=user.has_perm("plans.add"),
        )
        return ctx


# ---------------------------------------------------------------- problems
class ProblemCreateView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """A new problem by hand, or from a finding: ``?lagesbild=<id>&kategori=<code>``."""

    permission_required = "plans.add"
    template_name = "plans/problem_form.html"

    def finding(self, params):
        report_id, code = params.get("lagesbild"), params.get("kategori")
        if not report_id or not code:
            return None, None
        report = get_object_or_404(
            scope(SituationReport.objects.all(), self.request.user)
            .filter(
                status__in=RELEASED_REPORTS,
                partnership_id__in=perms.editable_partnerships(self.request.user),
            )
            .select_related("area"),
            pk=parse_int_param(params, "lagesbild"),
        )
        row = services.finding_from_report(report, code)
        if row is None:
            raise Http404
        return report, row

    def initial(self, report, row):
        if report is None:
            return {}
        category = Category.objects.filter(code=row["code"]).first()
        what = row.get("label", row["code"])
        area = report.area.name
        if row.get("flag") == "increase":
            title = _("Ökning av %(what)s i %(area)s") % {"what": what.lower(), "area": area}
        elif row.get("flag") == "decrease":
            title = _("Minskning av %(what)s i %(area)s") % {"what": what.lower(), "area": area}
        else:
            title = _("%(what)s i %(area)s") % {"what": what, "area": area}
        return {
            "partnership": report.partnership_id,
            "title": title,
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

    def get(self, request):
        report, row = self.finding(request.GET)
        form = ProblemForm(user=request.user, initial=self.initial(report, row))
        return render(request, self.template_name, {"form": form, "report": report, "row": row})

    def post(self, request):
        report, row = self.finding(request.POST)
        form = ProblemForm(request.POST, user=request.user)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form, "report": report, "row": row})
        attrs = {}
        if report is not None:
            tz = timezone.get_current_timezone()
            attrs = {
                "situation_report": report,
                "figures": {**row, "period": report.period_label, "report": report.pk},
                "period_start": report.period_start.astimezone(tz).date(),
                "period_end": (report.period_end.astimezone(tz) - timedelta(days=1)).date(),
            }
        problem = services.save_form(form, request.user, "problem.create", request=request, **attrs)
        services.link_incidents(
            problem, form.cleaned_data["incident_ids"], request.user, request=request
        )
        messages.success(request, _("Problemet är sparat."))
        return redirect("problem-detail", pk=problem.pk)


class ProblemDetailView(ObjectView, TemplateView):
    model = Problem
    template_name = "plans/problem_detail.html"

    def base_queryset(self):
        return Problem.objects.select_related("area", "category", "situation_report", "partnership")

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
    audit_action = "problem.update"
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
        body = pdf.render_pdf(
            "plans/pdf/cause_analysis.html",
            {
                "problem": problem,
                "analysis": analysis,
                "triangle": _triangle(analysis),
                "steps": list(analysis.steps.all()) if analysis else [],
                "printed": timezone.localdate(),
            },
            request,
        )
        audit.record("cause_analysis.export", obj=problem, request=request)
        return _pdf_response(body, f"orsaksanalys-{slugify(problem.title)}")


# ---------------------------------------------------------------- action plans
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
        plan = services.save_form(form, request.user, "action_plan.create", request=request)
        messages.success(request, _("Åtgärdsplanen är skapad. Lägg nu till åtgärder."))
        return redirect("plan-detail", pk=plan.pk)


def _plan_measures(plan):
    return plan.measures.select_related("owner", "area").prefetch_related(
        "problems", "partners", "indicators"
    )


class PlanDetailView(ObjectView, TemplateView):
    model = ActionPlan
    template_name = "plans/plan_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        plan = self.object
        measures = list(_plan_measures(plan))
        ctx.update(
            plan=plan,
            measures=[
                (m, _statuses(workflow.MEASURE_STATUSES, "measure", m.status)) for m in measures
            ],
            can_change=self.can_change(),
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
    audit_action = "action_plan.update"
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
        ctx.update(
            plan=self.object, timeline=timeline.svg(self.object, _plan_measures(self.object))
        )
        return ctx


class PlanExportView(ObjectView, View):
    """The plan as PDF (print) or XLSX (one row per measure); audit-logged."""

    model = ActionPlan
    fmt = "pdf"

    def get(self, request, pk):
        plan, fmt = self.object, self.fmt
        name = f"atgardsplan-{slugify(plan.title)}-{plan.start_year}-{plan.end_year}"
        if fmt == "xlsx":
            response = HttpResponse(
                exports.plan_xlsx(plan),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        elif fmt == "pdf":
            measures = list(_plan_measures(plan))
            body = pdf.render_pdf(
                "plans/pdf/action_plan.html",
                {
                    "plan": plan,
                    "measures": measures,
                    "timeline": timeline.svg(plan, measures),
                    "printed": timezone.localdate(),
                },
                request,
            )
            response = _pdf_response(body, name)
        else:
            raise Http404
        audit.record("action_plan.export", obj=plan, request=request, details={"format": fmt})
        return response


# ---------------------------------------------------------------- measures
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
        services.save_form(form, request.user, "measure.create", request=request)
        messages.success(request, _("Åtgärden är tillagd."))
        return redirect("plan-detail", pk=pk)


class MeasureEditView(ObjectEditView):
    model = Measure
    template_name = "plans/measure_form.html"
    form_class = MeasureForm
    context_name = "measure"
    audit_action = "measure.update"
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
        except workflow.TransitionError as exc:
            messages.error(request, str(exc))
        return redirect("plan-detail", pk=self.object.plan_id)


# ---------------------------------------------------------------- citizen promises
class PromiseCreateView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "plans.add"
    template_name = "plans/promise_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": PromiseForm(user=request.user)})

    def post(self, request):
        form = PromiseForm(request.POST, user=request.user)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form})
        promise = services.save_form(form, request.user, "promise.create", request=request)
        messages.success(
            request,
            _("Medborgarlöftet är sparat. Det syns inte offentligt förrän du publicerar det."),
        )
        return redirect("promise-detail", pk=promise.pk)


class PromiseDetailView(ObjectView, TemplateView):
    model = CitizenPromise
    template_name = "plans/promise_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        promise = self.object
        ctx.update(
            promise=promise,
            can_change=self.can_change(),
            measures=promise.measures.select_related("plan", "owner"),
            updates=promise.updates.all(),
            update_form=PromiseUpdateForm(),
            public_url=pdf.public_url(promise.area.code, self.request),
        )
        return ctx


class PromiseEditView(ObjectEditView):
    model = CitizenPromise
    template_name = "plans/promise_form.html"
    form_class = PromiseForm
    context_name = "promise"
    audit_action = "promise.update"
    success_message = gettext_lazy("Medborgarlöftet är sparat.")
    success_url_name = "promise-detail"


class PromisePublishView(ObjectView, View):
    model = CitizenPromise
    permission_required = "plans.change_object"
    http_method_names = ["post"]

    def post(self, request, pk):
        try:
            if request.POST.get("action") == "unpublish":
                services.unpublish_promise(self.object, request.user, request=request)
                messages.success(request, _("Löftet är inte längre publicerat."))
            else:
                services.publish_promise(self.object, request.user, request=request)
                messages.success(request, _("Löftet är publicerat på den offentliga sidan."))
        except ValueError as exc:
            messages.error(request, str(exc))
        return redirect("promise-detail", pk=pk)


class PromiseUpdateView(ObjectView, View):
    model = CitizenPromise
    permission_required = "plans.change_object"
    http_method_names = ["post"]

    def post(self, request, pk):
        form = PromiseUpdateForm(request.POST)
        if form.is_valid():
            services.add_promise_update(
                self.object,
                form.cleaned_data["date"],
                form.cleaned_data["text"],
                request.user,
                request=request,
            )
            messages.success(request, _("Lägesrapporten är sparad."))
        else:
            messages.error(request, _("Ange datum och skriv vad som har hänt."))
        return redirect("promise-detail", pk=pk)


class PromisePosterView(ObjectView, View):
    """An A4 poster of the promise with a QR code to the area's public page."""

    model = CitizenPromise

    def get(self, request, pk):
        promise = self.object
        url = pdf.public_url(promise.area.code, request)
        body = pdf.render_pdf(
            "plans/pdf/poster.html",
            {
                "promise": promise,
                "url": url,
                "qr": pdf.qr_svg(
                    url, _("Medborgarlöften i %(area)s") % {"area": promise.area.name}
                ),
                "measures": promise.measures.all(),
            },
            request,
        )
        audit.record("promise.print_poster", obj=promise, request=request)
        return _pdf_response(body, f"medborgarlofte-{slugify(promise.area.name)}-{promise.year}")


# ---------------------------------------------------------------- agreements
def _save_agreement(form, request, action):
    upload = form.cleaned_data.get("document")
    attrs = {}
    if upload and hasattr(upload, "content_type"):
        attrs["document_name"] = upload.name[:200]
    elif form.instance.pk and not upload:
        attrs["document_name"] = ""
    agreement = services.save_form(form, request.user, action, request=request, **attrs)
    services.set_followups(
        agreement, form.cleaned_data["followups_text"], request.user, request=request
    )
    return agreement


class AgreementCreateView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "plans.add"
    template_name = "plans/agreement_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": AgreementForm(user=request.user)})

    def post(self, request):
        form = AgreementForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form})
        agreement = _save_agreement(form, request, "agreement.create")
        messages.success(request, _("Överenskommelsen är sparad."))
        return redirect("agreement-detail", pk=agreement.pk)


class AgreementDetailView(ObjectView, TemplateView):
    model = Agreement
    template_name = "plans/agreement_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            agreement=self.object,
            can_change=self.can_change(),
            followups=self.object.followups.all(),
            parties=self.object.parties.all(),
        )
        return ctx


class AgreementEditView(ObjectEditView):
    model = Agreement
    template_name = "plans/agreement_form.html"
    form_class = AgreementForm
    context_name = "agreement"
    success_message = gettext_lazy("Överenskommelsen är sparad.")
    success_url_name = "agreement-detail"

    def save(self, form):
        return _save_agreement(form, self.request, "agreement.update")


class AgreementDocumentView(ObjectView, View):
    """The signed PDF, served only to those who may read the agreement."""

    model = Agreement

    def get(self, request, pk):
        agreement = self.object
        if not agreement.document:
            raise Http404
        audit.record("agreement.download_document", obj=agreement, request=request)
        name = agreement.document_name or f"overenskommelse-{agreement.pk}.pdf"
        return FileResponse(
            agreement.document.open("rb"),
            content_type="application/pdf",
            as_attachment=True,
            filename=name,
        )
