"""A tertial report: its snapshot, analysis text and exports."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from samverkan.core import audit, downloads
from samverkan.followup import charts, pdf, services
from samverkan.followup.forms import (
    AnalysisForm,
)
from samverkan.followup.models import (
    TertialReport,
)
from samverkan.followup.views.common import ObjectPermissionMixin


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
                    area=self.object.area,
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
        return downloads.download(
            request,
            pdf.tertial_pdf(self.object, language=(request.LANGUAGE_CODE or "sv")[:2]),
            f"tertial-{self.object.tertial}",
            "pdf",
            action=audit.Action.TERTIAL_REPORT_EXPORT,
            obj=self.object,
        )


class TertialJsonView(ObjectPermissionMixin, View):
    permission_required = "followup.view_partnership"
    model = TertialReport

    def get(self, request, pk):
        audit.record(
            audit.Action.TERTIAL_REPORT_EXPORT,
            request=request,
            obj=self.object,
            details={"format": "json"},
        )
        return JsonResponse(
            {**(self.object.snapshot or {}), "analysis": self.object.analysis},
            json_dumps_params={"ensure_ascii": False},
        )
