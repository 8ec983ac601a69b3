"""The partnership's follow-up overview, new indicators, imports and tertial reports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from samverkan.core import periods
from samverkan.core.models import Partnership
from samverkan.core.params import parse_int_param
from samverkan.core.permissions import descendant_ids, is_system_admin_user, scope
from samverkan.followup import charts, services
from samverkan.followup.forms import (
    ImportForm,
    IndicatorForm,
    TertialForm,
)
from samverkan.followup.importers import ImportFileError, parse
from samverkan.followup.models import (
    Evaluation,
    Indicator,
    TertialReport,
)
from samverkan.followup.overview import follow_up_overview
from samverkan.followup.permissions import READER_ROLES, reader_partnerships
from samverkan.followup.views.common import ObjectPermissionMixin, partnership_areas
from samverkan.plans.models import Measure
from samverkan.plans.permissions import reachable_areas
from samverkan.plans.services import measures_in


class HomeView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    template_name = "followup/home.html"
    permission_required = "followup.view"

    def get(self, request, *args, **kwargs):
        partnerships = scope(Partnership.objects.all(), request.user)
        if not is_system_admin_user(request.user):
            partnerships = partnerships.filter(pk__in=reader_partnerships(request.user))
        partnerships = list(partnerships.order_by("name"))
        overview = follow_up_overview(partnerships, request.user)
        return self.render_to_response(
            {"partnerships": [(p, overview[p.pk]) for p in partnerships]}
        )


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
        # Lists and charts name the areas: never their borders.
        indicators = list(
            indicators.select_related("area")
            .defer("area__geometry")
            .prefetch_related("goals", "values")
        )
        ind_data = [
            {
                "id": ind.pk,
                "name": ind.name,
                "value_type": ind.value_type,
                "values": services.chart_values(ind)[-24:],
            }
            for ind in indicators
        ]
        goal_data = [line for ind in indicators for line in services.goal_lines(ind)]
        ctx.update(
            partnership=p,
            areas=areas,
            area=area,
            indicators=indicators,
            chart=charts.small_multiples(ind_data, goal_data, p.name),
            reports=scope(TertialReport.objects.filter(partnership=p), user)
            .select_related("area")
            .defer("area__geometry"),
            evaluations=evaluations.select_related("measure", "treated_area").defer(
                "treated_area__geometry"
            ),
            measures=measures.select_related("plan", "area", "plan__area").defer(
                "area__geometry", "plan__area__geometry"
            ),
            can_change=user.has_perm("followup.change_partnership", p),
            can_change_whole=user.has_perm("followup.change_whole_partnership", p),
            # The report of what the page shows: the chosen area's, else the whole one's.
            can_report=user.has_perm(
                "followup.change_partnership", TertialReport(partnership=p, area=area)
            ),
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
    """The partnership's tertial report, or with ``omrade`` one area's (a district's),
    made by whoever edits the follow-up of the whole partnership or of that area."""

    permission_required = "followup.change_partnership"
    model = Partnership
    http_method_names = ["post"]

    def post(self, request, pk):
        chosen = parse_int_param(request.POST, "omrade")
        area = None
        if chosen is not None:
            area = reachable_areas(request.user, [pk], READER_ROLES).filter(pk=chosen).first()
            if area is None:
                raise Http404
        if not request.user.has_perm(
            "followup.change_partnership", TertialReport(partnership=self.object, area=area)
        ):
            raise PermissionDenied
        back = redirect(_partnership_url(pk, area))
        form = TertialForm(request.POST)
        if not form.is_valid():
            messages.error(request, "; ".join(form.errors.get("tertial", [])))
            return back
        report = services.generate_tertial_report(
            self.object, form.cleaned_data["tertial"], request.user, area=area, request=request
        )
        messages.success(request, _("Tertialrapporten är framtagen."))
        return redirect("followup-tertial", pk=report.pk)


def _partnership_url(pk: int, area) -> str:
    url = reverse("followup-partnership", args=[pk])
    return f"{url}?omrade={area.pk}" if area is not None else url
