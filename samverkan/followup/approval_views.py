"""POST-only: approve a tertial report, after a ticked confirmation (no JS confirm(): CSP)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View

from samverkan.core.approval import SamePersonError
from samverkan.core.permissions import scope
from samverkan.followup import workflow
from samverkan.followup.approval import approve_tertial
from samverkan.followup.models import TertialReport


class TertialApproveView(LoginRequiredMixin, View):
    http_method_names = ["post"]
    permission_required = "followup.change_partnership"

    def dispatch(self, request, *args, **kwargs):
        # Out of the user's scope the report does not exist, whatever the method.
        if request.user.is_authenticated:
            self.report = get_object_or_404(
                scope(TertialReport.objects.all(), request.user), pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, pk):
        report = self.report
        if not request.user.has_perm(self.permission_required, report):
            raise PermissionDenied
        if not request.POST.get("confirm"):
            messages.error(request, _("Bekräfta genom att kryssa i rutan först."))
            return redirect("followup-tertial", pk=pk)
        try:
            report = approve_tertial(report, request.user, request=request)
        except (workflow.TransitionError, SamePersonError) as exc:
            messages.error(request, str(exc))
            return redirect("followup-tertial", pk=pk)
        if report.status == workflow.APPROVING:
            messages.success(
                request, _("Godkänd av 1 av 2. En annan person behöver också godkänna.")
            )
        else:
            messages.success(request, _("Tertialrapporten är godkänd och låst."))
        return redirect("followup-tertial", pk=pk)
