"""Collaboration agreements (samverkansöverenskommelser) and their documents."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from samverkan.core import audit
from samverkan.plans import services
from samverkan.plans.forms import (
    AgreementForm,
)
from samverkan.plans.models import (
    Agreement,
)
from samverkan.plans.views.common import (
    ObjectEditView,
    ObjectView,
)


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
        agreement = _save_agreement(form, request, audit.Action.AGREEMENT_CREATE)
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
        return _save_agreement(form, self.request, audit.Action.AGREEMENT_UPDATE)


class AgreementDocumentView(ObjectView, View):
    """The signed PDF, served only to those who may read the agreement."""

    model = Agreement

    def get(self, request, pk):
        return services.agreement_document_response(self.object, request)
