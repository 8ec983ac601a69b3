"""Pages of the cases themselves: list and search, opening, purpose, detail, editing, export."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from samverkan.cases import exports, forms, purposes, scope, services, workflow
from samverkan.cases.models import CaseMeasure
from samverkan.cases.permissions import is_assigned_officer
from samverkan.cases.views.mixins import CaseObjectMixin, PurposeRequiredMixin
from samverkan.core import audit, downloads
from samverkan.core.exports import to_csv
from samverkan.core.models import Organisation


class CaseListView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """The user's cases (no personal data in the list) and the search by personnummer."""

    template_name = "cases/list.html"
    permission_required = "cases.access"

    def get(self, request, *args, **kwargs):
        return self.render_list(forms.SearchForm())

    def post(self, request, *args, **kwargs):
        form = forms.SearchForm(request.POST)
        hits = None
        if form.is_valid():
            purpose = form.purpose_text()
            visible = scope.visible_cases(request.user)
            hits = list(services.find_by_number(form.cleaned_data["number"], visible))
            audit.record(
                "case.search",
                request=request,
                purpose=purpose,
                details={"hits": len(hits), "cases": [c.pk for c in hits]},
            )
            for case in hits:
                services.log_access(case, request.user, purpose, action="case.open_search_hit")
                purposes.remember(request, case.pk, purpose)
        return self.render_list(form, hits)

    def render_list(self, form, hits=None):
        cases = list(scope.visible_cases(self.request.user))
        audit.record(
            "case.list",
            request=self.request,
            purpose=purposes.OVERVIEW,
            details={"cases": [c.pk for c in cases]},
        )
        return self.render_to_response(
            self.get_context_data(cases=cases, search_form=form, hits=hits)
        )


class CaseCreateView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "cases.add_case"
    template_name = "cases/case_form.html"

    def form(self, data=None):
        user = self.request.user
        form = forms.CaseForm(
            data,
            organisations=scope.case_organisations(user),
            partners=scope.partner_organisations(user),
        )
        return form

    def get(self, request):
        return render(request, self.template_name, {"form": self.form(), "creating": True})

    def post(self, request):
        form = self.form(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                case = services.create_case(
                    request.user,
                    organisation=d["organisation"],
                    case_type=d["case_type"],
                    person_name=d["person_name"],
                    person_number=d["person_number"],
                    background=d["background"],
                    partners=d["partners"],
                    purpose=purposes.CASEWORK,
                    request=request,
                )
            except services.CaseError as exc:
                form.add_error(None, str(exc))
            else:
                purposes.remember(request, case.pk, purposes.CASEWORK)
                messages.success(request, _("Ärendet %(ref)s är öppnat.") % {"ref": case})
                return redirect("case-detail", pk=case.pk)
        return render(request, self.template_name, {"form": form, "creating": True})


class CasePurposeView(CaseObjectMixin, View):
    """State the purpose of opening a case; remembered for this case in this session."""

    template_name = "cases/purpose.html"

    def get(self, request, pk):
        return render(request, self.template_name, {"case": self.case, "form": self.form()})

    def form(self, data=None):
        return forms.PurposeForm(data)

    def post(self, request, pk):
        form = self.form(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"case": self.case, "form": form})
        purpose = form.purpose_text()
        purposes.remember(request, self.case.pk, purpose)
        services.log_access(self.case, request.user, purpose, action="case.state_purpose")
        target = request.POST.get("next") or request.GET.get("next") or ""
        if not target.startswith("/arenden/"):
            target = reverse("case-detail", args=[self.case.pk])
        return redirect(target)


class CaseDetailView(CaseObjectMixin, PurposeRequiredMixin, TemplateView):
    template_name = "cases/detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        case, user = self.case, self.request.user
        services.log_access(case, user, self.purpose, request=self.request)
        can_change = rules.has_perm("cases.change_case", user, case)
        done_months = set(case.outcomes.values_list("months", flat=True))
        ctx.update(
            case=case,
            purpose=self.purpose,
            can_change=can_change,
            can_assign=rules.has_perm("cases.assign_officers", user, case),
            assigned=is_assigned_officer(user, case),
            officers=case.officers.all(),
            partners=case.partners.all(),
            conversations=case.conversations.all(),
            measures=case.measures.select_related("responsible"),
            exchanges=case.exchanges.select_related("from_organisation", "to_organisation"),
            requests=case.requests.select_related("to_organisation"),
            outcomes=case.outcomes.all(),
            allowed_statuses=[
                (code, label)
                for code, label in workflow.STATUS_CHOICES
                if code in workflow.TRANSITIONS.get(case.status, set())
            ],
            risk_form=forms.RiskForm(
                initial={"factors": case.risk_factors, "level": case.risk_level}
            ),
            conversation_form=forms.ConversationForm(),
            measure_form=forms.MeasureForm(),
            exchange_form=forms.ExchangeForm(),
            request_form=forms.RequestForm(),
            outcome_form=forms.OutcomeForm(
                initial={"months": next((m for m in (3, 6, 12) if m not in done_months), 12)}
            ),
            assign_form=forms.AssignForm(
                initial={"officers": list(case.officers.values_list("pk", flat=True))},
                officers=scope.case_officers(case.organisation),
            ),
            measure_statuses=CaseMeasure.Status.choices,
        )
        return ctx


class CaseEditView(CaseObjectMixin, PurposeRequiredMixin, View):
    """Edit the person and the case's basic facts; the form shows the full number."""

    permission_required = "cases.change_case"
    template_name = "cases/case_form.html"

    def form(self, data=None):
        user, case = self.request.user, self.case
        form = forms.CaseForm(
            data,
            initial={
                "case_type": case.case_type,
                "organisation": case.organisation_id,
                "person_name": case.person_name,
                "person_number": case.person_number,
                "background": case.background,
                "partners": list(case.partners.values_list("pk", flat=True)),
            },
            organisations=Organisation.objects.filter(pk=case.organisation_id),
            partners=scope.partner_organisations(user),
        )
        return form

    def get(self, request, pk):
        services.log_access(self.case, request.user, self.purpose, action="case.view_for_edit")
        return render(request, self.template_name, {"form": self.form(), "case": self.case})

    def post(self, request, pk):
        form = self.form(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.update_case(
                    self.case,
                    request.user,
                    purpose=self.purpose,
                    request=request,
                    case_type=d["case_type"],
                    person_name=d["person_name"],
                    person_number=d["person_number"],
                    background=d["background"],
                    partners=d["partners"],
                )
            except services.CaseError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Ärendet är sparat."))
                return redirect("case-detail", pk=self.case.pk)
        return render(request, self.template_name, {"form": form, "case": self.case})


class CaseExportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """The user's cases as CSV, without personal data; each exported case is audited."""

    permission_required = "cases.access"

    def get(self, request):
        cases = list(
            scope.visible_cases(request.user).prefetch_related("outcomes", "conversations")
        )
        purpose = "Export av ärendelista"
        audit.record("case.export", request=request, purpose=purpose, details={"rows": len(cases)})
        rows = []
        for case in cases:
            services.log_access(case, request.user, purpose, action="case.export")
            rows.append(exports.case_row(case))
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return downloads.file_response(
            to_csv(exports.CASES_HEADER, rows), f"arenden-{stamp}", "csv"
        )
