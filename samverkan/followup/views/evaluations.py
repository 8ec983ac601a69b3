"""Evaluations of measures: the form, the result page, its PDF and sharing it."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from samverkan.core import audit, downloads, own_areas
from samverkan.followup import evaluation_areas, pdf, services
from samverkan.followup.forms import (
    EvaluationForm,
)
from samverkan.followup.models import (
    Evaluation,
    ExperienceEntry,
)
from samverkan.followup.views.common import ObjectPermissionMixin, partnership_areas
from samverkan.incidents.views import outline_url
from samverkan.plans.models import Measure


def _measure_model():

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
            {
                "form": form,
                "measure": self.object,
                "draw_return": request.path,
                # Drawing an own area is for the partnership's coordinators.
                "may_draw": bool(own_areas.coordinator_partnerships(request.user)),
            },
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
            # The districts around, outlined under the three areas for orientation.
            areas_url=outline_url(self.object.treated_area.municipality()),
            areas_skip=",".join(
                str(a.pk)
                for a in (
                    self.object.treated_area,
                    self.object.comparison_area,
                    self.object.buffer_area,
                )
                if a is not None
            ),
            r=self.object.results or {},
            can_change=self.request.user.has_perm("followup.change_partnership", self.object),
            entry=ExperienceEntry.objects.filter(evaluation=self.object).first(),
        )
        return ctx


class EvaluationPdfView(ObjectPermissionMixin, View):
    permission_required = "followup.view_partnership"
    model = Evaluation

    def get(self, request, pk):
        return downloads.download(
            request,
            pdf.evaluation_pdf(self.object, language=(request.LANGUAGE_CODE or "sv")[:2]),
            f"utvardering-{pk}",
            "pdf",
            action=audit.Action.EVALUATION_EXPORT,
            obj=self.object,
        )


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
