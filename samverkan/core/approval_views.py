"""The page where a partnership's coordinator or admin chooses one or two approvers."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from samverkan.core import approval
from samverkan.core.models import Partnership
from samverkan.core.permissions import scope


class ApproversForm(forms.Form):
    approvers_required = forms.TypedChoiceField(
        label=gettext_lazy("Antal personer som godkänner"),
        choices=[
            (1, gettext_lazy("En person")),
            (2, gettext_lazy("Två personer (den andra måste vara en annan person)")),
        ],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("Gäller lägesbilder, åtgärdsplaner och tertialrapporter."),
    )


class PartnershipApprovalView(LoginRequiredMixin, View):
    """GET shows the setting, POST changes it through :func:`approval.set_approvers_required`."""

    permission_required = "core.configure_approval"

    def _partnership(self, request, pk) -> Partnership:
        # Outside the user's partnerships the page does not exist; inside, only those who
        # may configure it get the form.
        partnership = get_object_or_404(scope(Partnership.objects.all(), request.user), pk=pk)
        if not request.user.has_perm(self.permission_required, partnership):
            raise PermissionDenied
        return partnership

    def get(self, request, pk):
        partnership = self._partnership(request, pk)
        form = ApproversForm(initial={"approvers_required": partnership.approvers_required})
        return self._render(request, partnership, form)

    def post(self, request, pk):
        partnership = self._partnership(request, pk)
        form = ApproversForm(request.POST)
        if not form.is_valid():
            return self._render(request, partnership, form, status=400)
        approval.set_approvers_required(
            partnership, form.cleaned_data["approvers_required"], request.user, request=request
        )
        messages.success(request, _("Inställningen för godkännande är sparad."))
        return redirect("partnership-approval", pk=partnership.pk)

    def _render(self, request, partnership, form, status=200):
        return render(
            request,
            "core/partnership_approval.html",
            {"partnership": partnership, "form": form},
            status=status,
        )
