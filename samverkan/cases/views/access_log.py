"""An organisation administrator's access-log extract for one person."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import render
from django.utils import timezone
from django.views import View
from rules.contrib.views import PermissionRequiredMixin

from samverkan.cases import forms, pdf, purposes, scope, services
from samverkan.core import audit, downloads


class AccessLogView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """An organisation administrator's access-log extract for one person, as PDF."""

    permission_required = "cases.access_log"
    template_name = "cases/access_log.html"

    def get(self, request):
        return render(request, self.template_name, {"form": forms.AccessLogForm()})

    def post(self, request):
        form = forms.AccessLogForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form})
        organisations = scope.administered_organisations(request.user)
        cases = list(
            services.find_by_number(
                form.cleaned_data["number"], scope.administered_cases(request.user)
            ).select_related("organisation")
        )
        audit.record(
            "case.extract_access_log",
            request=request,
            purpose=purposes.ACCESS_LOG,
            organisation=organisations.first(),
            details={"cases": [c.pk for c in cases]},
        )
        for case in cases:
            services.log_access(
                case,
                request.user,
                purposes.ACCESS_LOG,
                action="case.extract_access_log",
                request=request,
            )
        events = list(services.access_events(cases))
        body = pdf.render(
            {
                "cases": cases,
                "events": events,
                "masked": cases[0].masked_number if cases else "",
                "organisations": organisations,
                "user": request.user,
            }
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return downloads.file_response(body, f"registerutdrag-{stamp}", "pdf")
