"""Follow-up pages: indicators and goals per partnership, tertial reports, evaluations and
the experience bank (with a public page for entries marked public)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from samverkan.core import audit, periods
from samverkan.core.models import Partnership
from samverkan.core.params import parse_int_param
from samverkan.core.permissions import descendant_ids, is_system_admin_user, scope
from samverkan.followup import charts, evaluation_areas, pdf, search, services
from samverkan.followup.forms import (
    AnalysisForm,
    AttachmentForm,
    BankImportForm,
    EntryForm,
    EvaluationForm,
    GoalForm,
    ImportForm,
    IndicatorForm,
    SearchForm,
    TertialForm,
)
from samverkan.followup.importers import ImportFileError, parse
from samverkan.followup.models import (
    Evaluation,
    ExperienceAttachment,
    ExperienceEntry,
    Indicator,
    TertialReport,
)
from samverkan.followup.permissions import READER_ROLES, reader_partnerships
from samverkan.incidents.models import Category
from samverkan.plans.models import Measure
from samverkan.plans.permissions import reachable_areas
from samverkan.plans.services import measures_in


def partnership_areas(partnership: Partnership, user):
    """The partnership's areas of every level (districts, own drawn areas included) that
    the user reaches as coordinator: what indicators and evaluations may be made for."""
    return reachable_areas(user, [partnership.pk])


class ObjectPermissionMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Loads ``model`` by pk as the permission object; hides it from those who may not see it."""

    model = None

    def get_permission_object(self):
        if not hasattr(self, "object"):
            self.object = get_object_or_404(self.model, pk=self.kwargs["pk"])
        return self.object

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            obj = getattr(self, "object", None)
            # A partnership member without edit rights is refused; anyone else is not told
            # that the object exists.
            if obj is not None and self.request.user.has_perm(self.view_permission, obj):
                raise PermissionDenied
            raise Http404
        return super().handle_no_permission()

    view_permission = "followup.view_partnership"


# --------------------------------------------------------------------------- partnerships


class HomeView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    template_name = "followup/home.html"
    permission_required = "followup.view"

    def get(self, request, *args, **kwargs):
        partnerships = scope(Partnership.objects.all(), request.user)
        if not is_system_admin_user(request.user):
            partnerships = partnerships.filter(pk__in=reader_partnerships(request.user))
        return self.render_to_response({"partnerships": partnerships})


def _goal_context(goals):
    return [{"goal": g, "details": g.status_details or {}} for g in goals]


class PartnershipView(ObjectPermissionMixin, TemplateView):
    """Every indicator as small multiples with goals and flags; tertial reports.

    ``?omrade=<id>`` narrows indicators, goals, measures and evaluations to one area and
    the areas below it (a district with the own areas drawn inside it).
    """

    template_name = "followup/partnership.html"
    permission_required = "followup.view_partnership"
    model = Partnership

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        p, user = self.object, self.request.user
        areas = reachable_areas(user, [p.pk], READER_ROLES)
        chosen = parse_int_param(self.request.GET, "omrade")
        area = areas.filter(pk=chosen).first() if chosen is not None else None
        if chosen is not None and area is None:
            raise Http404
        below = descendant_ids([area.pk]) if area is not None else None
        indicators = scope(Indicator.objects.filter(partnership=p), user)
        evaluations = scope(Evaluation.objects.filter(partnership=p), user)
        measures = scope(Measure.objects.filter(plan__partnership=p), user)
        if below is not None:
            indicators = indicators.filter(area_id__in=below)
            evaluations = evaluations.filter(treated_area_id__in=below)
            measures = measures_in(measures, below)
        indicators = list(indicators.select_related("area").prefetch_related("goals", "values"))
        ind_data, goal_data = [], []
        for ind in indicators:
            values = [
                {
                    "label": v.label,
                    "start": v.period_start.isoformat(),
                    "months": v.months,
                    "value": v.value,
                }
                for v in ind.values.all()
            ]
            ind_data.append(
                {
                    "id": ind.pk,
                    "name": ind.name,
                    "value_type": ind.value_type,
                    "values": services.flag_values(values)[-24:],
                }
            )
            for g in ind.goals.all():
                goal_data.append(
                    {
                        "indicator_id": ind.pk,
                        "baseline_value": g.baseline_value,
                        "target_value": g.target_value,
                        "status": g.status,
                        "details": g.status_details,
                    }
                )
        ctx.update(
            partnership=p,
            areas=areas,
            area=area,
            indicators=indicators,
            chart=charts.small_multiples(ind_data, goal_data, p.name),
            reports=scope(TertialReport.objects.filter(partnership=p), user),
            evaluations=evaluations.select_related("measure", "treated_area"),
            measures=measures.select_related("plan", "area", "plan__area"),
            can_change=user.has_perm("followup.change_partnership", p),
            can_change_whole=user.has_perm("followup.change_whole_partnership", p),
            tertial_form=TertialForm(
                initial={"tertial": periods.containing(timezone.localdate(), periods.TERTIAL).label}
            ),
        )
        return ctx


class IndicatorCreateView(ObjectPermissionMixin, View):
    permission_required = "followup.change_partnership"
    model = Partnership

    def get(self, request, pk):
        areas = partnership_areas(self.object, request.user)
        form = IndicatorForm(
            areas=areas,
            initial={"area": areas.filter(pk__in=self.object.areas.all()).first() or areas.first()},
        )
        return render(
            request, "followup/indicator_form.html", {"form": form, "partnership": self.object}
        )

    def post(self, request, pk):
        form = IndicatorForm(request.POST, areas=partnership_areas(self.object, request.user))
        if not form.is_valid():
            return render(
                request, "followup/indicator_form.html", {"form": form, "partnership": self.object}
            )
        d = form.cleaned_data
        source = (
            Indicator.Source.PLATFORM
            if d["kind"] == Indicator.Kind.INCIDENTS
            else Indicator.Source.MANUAL
        )
        indicator = services.create_indicator(
            self.object,
            request.user,
            request=request,
            categories=d["categories"],
            name=d["name"],
            description=d["description"],
            kind=d["kind"],
            value_type=d["value_type"],
            area=d["area"],
            place_types=d["place_types"],
            source=source,
        )
        messages.success(request, _("Indikatorn är skapad."))
        return redirect("followup-indicator", pk=indicator.pk)


class ImportView(ObjectPermissionMixin, View):
    """Upload official statistics (Brå, SSB) or a safety survey as they are downloaded."""

    permission_required = "followup.change_whole_partnership"
    model = Partnership

    def get(self, request, pk):
        return render(
            request, "followup/import.html", {"form": ImportForm(), "partnership": self.object}
        )

    def post(self, request, pk):
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            d = form.cleaned_data
            try:
                parsed = parse(
                    d["format"],
                    d["file"].read(),
                    **(
                        {"country": self.object.areas.first().country}
                        if d["format"] == "survey" and self.object.areas.exists()
                        else {}
                    ),
                )
                report = services.import_series(
                    parsed,
                    self.object,
                    d["format"],
                    request.user,
                    series=[d["series"]] if d["series"] else None,
                    file_name=d["file"].name,
                    request=request,
                )
            except ImportFileError as exc:
                form.add_error("file", str(exc))
            else:
                messages.success(
                    request,
                    _("%(n)s nya värden, %(u)s ändrade, %(s)s oförändrade i %(i)s indikatorer.")
                    % {
                        "n": report.values_created,
                        "u": report.values_updated,
                        "s": report.unchanged,
                        "i": len(report.indicator_ids),
                    },
                )
                return redirect("followup-partnership", pk=self.object.pk)
        return render(request, "followup/import.html", {"form": form, "partnership": self.object})


class TertialCreateView(ObjectPermissionMixin, View):
    permission_required = "followup.change_whole_partnership"
    model = Partnership
    http_method_names = ["post"]

    def post(self, request, pk):
        form = TertialForm(request.POST)
        if not form.is_valid():
            messages.error(request, "; ".join(form.errors.get("tertial", [])))
            return redirect("followup-partnership", pk=pk)
        report = services.generate_tertial_report(
            self.object, form.cleaned_data["tertial"], request.user, request=request
        )
        messages.success(request, _("Tertialrapporten är framtagen."))
        return redirect("followup-tertial", pk=report.pk)


# --------------------------------------------------------------------------- indicators


class IndicatorView(ObjectPermissionMixin, TemplateView):
    template_name = "followup/indicator.html"
    permission_required = "followup.view_partnership"
    model = Indicator

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ind = self.object
        values = list(ind.values.all())
        data = services.flag_values(
            [
                {
                    "label": v.label,
                    "start": v.period_start.isoformat(),
                    "months": v.months,
                    "value": v.value,
                }
                for v in values
            ]
        )
        goals = list(ind.goals.all())
        ctx.update(
            indicator=ind,
            measures=scope(ind.measures.all(), self.request.user).select_related("plan"),
            rows=list(zip(values, data, strict=True)),
            goals=_goal_context(goals),
            chart=charts.small_multiples(
                [{"id": ind.pk, "name": ind.name, "value_type": ind.value_type, "values": data}],
                [
                    {
                        "indicator_id": ind.pk,
                        "baseline_value": g.baseline_value,
                        "target_value": g.target_value,
                        "status": g.status,
                        "details": g.status_details,
                    }
                    for g in goals
                ],
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


# --------------------------------------------------------------------------- tertial reports


class TertialView(ObjectPermissionMixin, TemplateView):
    template_name = "followup/tertial.html"
    permission_required = "followup.view_partnership"
    model = TertialReport

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        r = self.object
        snap = r.snapshot or {}
        ctx.update(
            report=r,
            snap=snap,
            chart=charts.small_multiples(
                snap.get("indicators", []), snap.get("goals", []), r.tertial
            ),
            form=AnalysisForm(initial={"analysis": r.analysis}),
            can_change=self.request.user.has_perm("followup.change_partnership", r),
        )
        return ctx

    def post(self, request, pk):
        if not request.user.has_perm("followup.change_partnership", self.object):
            raise PermissionDenied
        form = AnalysisForm(request.POST)
        if form.is_valid():
            if "regenerate" in request.POST:
                services.generate_tertial_report(
                    self.object.partnership,
                    self.object.tertial,
                    request.user,
                    analysis=form.cleaned_data["analysis"],
                    request=request,
                )
                messages.success(request, _("Tertialrapporten är framtagen på nytt."))
            else:
                services.set_tertial_analysis(
                    self.object, form.cleaned_data["analysis"], request.user, request=request
                )
                messages.success(request, _("Analysen är sparad."))
        return redirect("followup-tertial", pk=pk)


class TertialPdfView(ObjectPermissionMixin, View):
    permission_required = "followup.view_partnership"
    model = TertialReport

    def get(self, request, pk):
        body = pdf.tertial_pdf(self.object, language=(request.LANGUAGE_CODE or "sv")[:2])
        audit.record(
            "tertial_report.export", request=request, obj=self.object, details={"format": "pdf"}
        )
        response = HttpResponse(body, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="tertial-{self.object.tertial}.pdf"'
        )
        return response


class TertialJsonView(ObjectPermissionMixin, View):
    permission_required = "followup.view_partnership"
    model = TertialReport

    def get(self, request, pk):
        audit.record(
            "tertial_report.export", request=request, obj=self.object, details={"format": "json"}
        )
        return JsonResponse(
            {**(self.object.snapshot or {}), "analysis": self.object.analysis},
            json_dumps_params={"ensure_ascii": False},
        )


# --------------------------------------------------------------------------- evaluations


def _measure_model():
    from samverkan.plans.models import Measure

    return Measure


class EvaluationCreateView(ObjectPermissionMixin, View):
    """Evaluate a measure: design, areas, periods; counts and statistics are computed."""

    permission_required = "followup.change_partnership"

    def get_permission_object(self):
        if not hasattr(self, "object"):
            self.object = get_object_or_404(
                _measure_model().objects.select_related("plan"), pk=self.kwargs["pk"]
            )
        return self.object

    def _areas(self):
        return partnership_areas(self.object.plan.partnership, self.request.user)

    def render_form(self, request, form):
        return render(
            request,
            "followup/evaluation_form.html",
            {"form": form, "measure": self.object, "draw_return": request.path},
        )

    def get(self, request, pk):
        m = self.object
        form = EvaluationForm(
            areas=self._areas(),
            initial={
                "title": _("Utvärdering: %(t)s") % {"t": m.title},
                "after_start": m.start,
                "after_end": m.end,
                "treated_area": m.area_id or m.plan.area_id,
            },
        )
        return self.render_form(request, form)

    def post(self, request, pk):
        form = EvaluationForm(request.POST, areas=self._areas())
        if form.is_valid():
            ev = form.save(commit=False)
            ev.measure = self.object
            try:
                services.save_evaluation(
                    ev, request.user, categories=form.cleaned_data["categories"], request=request
                )
            except ValueError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Utvärderingen är beräknad och sparad."))
                return redirect("followup-evaluation", pk=ev.pk)
        return self.render_form(request, form)


class EvaluationView(ObjectPermissionMixin, TemplateView):
    template_name = "followup/evaluation.html"
    permission_required = "followup.view_partnership"
    model = Evaluation

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            ev=self.object,
            areas_geojson=evaluation_areas.geojson(self.object),
            r=self.object.results or {},
            can_change=self.request.user.has_perm("followup.change_partnership", self.object),
            entry=ExperienceEntry.objects.filter(evaluation=self.object).first(),
        )
        return ctx


class EvaluationPdfView(ObjectPermissionMixin, View):
    permission_required = "followup.view_partnership"
    model = Evaluation

    def get(self, request, pk):
        body = pdf.evaluation_pdf(self.object, language=(request.LANGUAGE_CODE or "sv")[:2])
        audit.record(
            "evaluation.export",
            request=request,
            obj=self.object,
            details={"format": "pdf"},
        )
        response = HttpResponse(body, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="utvardering-{pk}.pdf"'
        return response


class EvaluationShareView(ObjectPermissionMixin, View):
    permission_required = "followup.change_partnership"
    model = Evaluation
    http_method_names = ["post"]

    def post(self, request, pk):
        entry = services.entry_from_evaluation(
            self.object,
            request.user,
            shared=True,
            public=bool(request.POST.get("public")),
            request=request,
        )
        messages.success(request, _("Utvärderingen finns nu i erfarenhetsbanken."))
        return redirect("followup-entry", pk=entry.pk)


# --------------------------------------------------------------------------- experience bank


def _filtered(queryset, form):
    d = form.cleaned_data if form.is_valid() else {}
    qs = queryset.prefetch_related("categories")
    if d.get("category"):
        qs = qs.filter(categories__code=d["category"]).distinct()
    if d.get("problem_type"):
        qs = qs.filter(problem_type=d["problem_type"])
    if d.get("method"):
        qs = qs.filter(method=d["method"])
    hits = search.search(qs, d.get("q", ""))
    return list(hits), d


def _bank_context(request, queryset, *, public=False):
    form = SearchForm(request.GET or None)
    hits, d = _filtered(queryset, form)
    facets = search.facets(hits)
    labels = {c.code: c.label for c in Category.objects.all()}
    base = request.GET.copy()

    def link(key, value):
        q = base.copy()
        q[key] = value
        return "?" + q.urlencode()

    return {
        "form": form if form.is_bound else SearchForm(),
        "entries": hits,
        "query": d.get("q", ""),
        "public": public,
        "facets": {
            "category": [
                (labels.get(k, k), n, link("category", k), d.get("category") == k)
                for k, n in facets["category"]
            ],
            "problem_type": [
                (k, n, link("problem_type", k), d.get("problem_type") == k)
                for k, n in facets["problem_type"]
            ],
            "method": [
                (k, n, link("method", k), d.get("method") == k) for k, n in facets["method"]
            ],
        },
        "active": {k: d.get(k) for k in ("category", "problem_type", "method") if d.get(k)},
    }


class BankView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "followup.view_bank"

    def get(self, request):
        ctx = _bank_context(request, scope(ExperienceEntry.objects.all(), request.user))
        ctx["can_add"] = request.user.has_perm("followup.add_entry")
        return render(request, "followup/bank.html", ctx)


class PublicBankView(View):
    """The entries marked public, for anyone (citizens, other municipalities)."""

    permission_required = "public"

    def get(self, request):
        ctx = _bank_context(request, ExperienceEntry.objects.filter(public=True), public=True)
        return render(request, "followup/bank.html", ctx)


class PublicEntryView(View):
    permission_required = "public"

    def get(self, request, pk):
        entry = get_object_or_404(ExperienceEntry, pk=pk, public=True)
        return render(request, "followup/entry.html", {"entry": entry, "public": True})


class EntryCreateView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "followup.add_entry"

    def get(self, request):
        return render(request, "followup/entry_form.html", {"form": EntryForm()})

    def post(self, request):
        form = EntryForm(request.POST)
        if not form.is_valid():
            return render(request, "followup/entry_form.html", {"form": form})
        entry = form.save(commit=False)
        entry.origin = ExperienceEntry.Origin.MANUAL
        ids = sorted(reader_partnerships(request.user))
        entry.partnership_id = ids[0] if ids else None
        services.save_entry(
            entry, request.user, categories=form.cleaned_data["categories"], request=request
        )
        messages.success(request, _("Erfarenheten är sparad."))
        return redirect("followup-entry", pk=entry.pk)


class EntryEditView(ObjectPermissionMixin, View):
    permission_required = "followup.change_entry"
    view_permission = "followup.view_entry"
    model = ExperienceEntry

    def get(self, request, pk):
        return render(
            request,
            "followup/entry_form.html",
            {"form": EntryForm(instance=self.object), "entry": self.object},
        )

    def post(self, request, pk):
        form = EntryForm(request.POST, instance=self.object)
        if not form.is_valid():
            return render(request, "followup/entry_form.html", {"form": form, "entry": self.object})
        services.save_entry(
            form.save(commit=False),
            request.user,
            categories=form.cleaned_data["categories"],
            request=request,
        )
        messages.success(request, _("Erfarenheten är sparad."))
        return redirect("followup-entry", pk=pk)


MAX_ATTACHMENT_MB = 20


class EntryView(ObjectPermissionMixin, View):
    permission_required = "followup.view_entry"
    view_permission = "followup.view_entry"
    model = ExperienceEntry

    def get(self, request, pk, form=None):
        e = self.object
        return render(
            request,
            "followup/entry.html",
            {
                "entry": e,
                "can_change": request.user.has_perm("followup.change_entry", e),
                "attachment_form": form or AttachmentForm(),
                "can_see_evaluation": e.evaluation_id
                and request.user.has_perm("followup.view_partnership", e.evaluation),
            },
        )

    def post(self, request, pk):
        if not request.user.has_perm("followup.change_entry", self.object):
            raise PermissionDenied
        form = AttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            f = form.cleaned_data["file"]
            if f.size > MAX_ATTACHMENT_MB * 1024 * 1024:
                form.add_error("file", _("Filen är större än %(n)s MB.") % {"n": MAX_ATTACHMENT_MB})
            else:
                services.add_attachment(self.object, f, request.user, request=request)
                messages.success(request, _("Bilagan är sparad."))
                return redirect("followup-entry", pk=pk)
        return self.get(request, pk, form=form)


class AttachmentView(ObjectPermissionMixin, View):
    permission_required = "followup.view_entry"
    view_permission = "followup.view_entry"
    model = ExperienceAttachment

    def get(self, request, pk):
        att = self.object
        return FileResponse(att.file.open("rb"), as_attachment=True, filename=att.name)


class BankImportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "followup.add_entry"

    def get(self, request):
        return render(request, "followup/bank_import.html", {"form": BankImportForm()})

    def post(self, request):
        form = BankImportForm(request.POST, request.FILES)
        if form.is_valid():
            ids = sorted(reader_partnerships(request.user))
            partnership = Partnership.objects.filter(pk__in=ids[:1]).first()
            try:
                created, skipped = services.import_entries(
                    form.cleaned_data["file"].read(),
                    request.user,
                    partnership=partnership,
                    request=request,
                )
            except ImportFileError as exc:
                form.add_error("file", str(exc))
            else:
                messages.success(
                    request,
                    _("%(c)s erfarenheter importerade, %(s)s fanns redan.")
                    % {"c": created, "s": skipped},
                )
                return redirect(reverse("followup-bank"))
        return render(request, "followup/bank_import.html", {"form": form})
