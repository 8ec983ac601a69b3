"""Pages of information requests between organisations."""

from __future__ import annotations

from urllib.parse import urlencode

import rules
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from samverkan.cases import forms, purposes, scope, services, workflow
from samverkan.cases.models import InformationRequest
from samverkan.cases.views.mixins import HiddenMixin
from samverkan.core import audit


class RequestListView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """Requests the user's cases sent, and requests to the user's organisations."""

    template_name = "cases/requests.html"
    permission_required = "cases.access"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        visible, incoming, outgoing = scope.requests_by_side(user)
        audit.record(
            "information_request.list",
            request=self.request,
            purpose=purposes.OVERVIEW,
            details={"requests": [r.pk for r in visible]},
        )
        ctx.update(incoming=incoming, outgoing=outgoing)
        return ctx


class RequestObjectMixin(HiddenMixin, LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = "cases.view_request"

    def get_permission_object(self):
        self.info_request = get_object_or_404(
            InformationRequest.objects.select_related(
                "case__organisation", "from_organisation", "to_organisation"
            ),
            pk=self.kwargs["pk"],
        )
        return self.info_request

    def side(self):
        """("answering", purpose) for the asked organisation, else the requester's purpose."""
        req, user = self.info_request, self.request.user
        if rules.has_perm("cases.answer_request", user, req):
            return "answering", purposes.PURPOSES["begaran"][0]
        return "requesting", purposes.stated(self.request, req.case)


class RequestDetailView(RequestObjectMixin, TemplateView):
    template_name = "cases/request_detail.html"

    def get(self, request, *args, **kwargs):
        side, purpose = self.side()
        req = self.info_request
        if purpose is None:
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('case-purpose', args=[req.case_id])}?{query}")
        services.log_access(
            req.case,
            request.user,
            purpose,
            action="information_request.view",
            request=request,
            organisation=req.to_organisation if side == "answering" else req.case.organisation,
            info_request=req.pk,
        )
        return self.render_to_response(
            self.get_context_data(
                req=req,
                case=req.case,
                side=side,
                decision_form=forms.DecisionForm(),
                disclosure_form=forms.DisclosureForm(),
                disclosures=req.disclosures.all(),
            )
        )


class RequestActionView(RequestObjectMixin, View):
    permission_required = "cases.answer_request"
    http_method_names = ["post"]

    def post(self, request, pk, action):
        req, user = self.info_request, request.user
        purpose = purposes.PURPOSES["begaran"][0]
        try:
            if action == "decide":
                form = forms.DecisionForm(request.POST)
                if form.is_valid():
                    d = form.cleaned_data
                    services.decide_request(
                        req,
                        d["decision"] == "approve",
                        user,
                        basis=d["basis"],
                        statute=d["statute"],
                        purpose=purpose,
                        request=request,
                    )
                    messages.success(request, _("Beslutet är registrerat."))
                else:
                    messages.error(request, _("Välj bevilja eller avslå."))
            elif action == "disclose":
                form = forms.DisclosureForm(request.POST)
                if form.is_valid():
                    services.record_disclosure(
                        req, form.cleaned_data["content"], user, purpose=purpose, request=request
                    )
                    messages.success(request, _("Utlämnandet är registrerat."))
                else:
                    messages.error(request, _("Beskriv vilka uppgifter som lämnades."))
            else:
                raise Http404
        except (services.CaseError, workflow.TransitionError) as exc:
            messages.error(request, str(exc))
        return redirect("case-request-detail", pk=req.pk)
