"""Pages of preventive cases. Every page that shows case data writes an audit event with
the purpose the user stated (or that their assignment implies): see purposes.py."""

from __future__ import annotations

from urllib.parse import urlencode

import rules
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from samverkan.cases import forms, pdf, purposes, services, stats, workflow
from samverkan.cases.models import CaseMeasure, Conversation, InformationRequest, PreventiveCase
from samverkan.cases.permissions import CASE_ROLES, is_assigned_officer
from samverkan.core import audit
from samverkan.core.exports import to_csv
from samverkan.core.models import Organisation
from samverkan.core.permissions import (
    is_system_admin_user,
    org_ids,
    partnership_ids,
    roles_of,
    scope,
)
from samverkan.core.roles import Role


class HiddenMixin:
    """Someone who may not see an object must not learn that it exists.

    Object permissions are checked with the rules alone: Django lets a superuser pass
    every ``has_perm``, but a system administrator has no need to know a case.
    """

    def has_permission(self):
        obj = self.get_permission_object()
        return all(
            rules.has_perm(perm, self.request.user, obj) for perm in self.get_permission_required()
        )

    def handle_no_permission(self):
        if self.request.user.is_authenticated and getattr(self, "hide_refusal", True):
            raise Http404
        return super().handle_no_permission()


class CaseObjectMixin(HiddenMixin, LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = "cases.view_case"

    def get_permission_object(self):
        self.case = get_object_or_404(
            PreventiveCase.objects.select_related("organisation"), pk=self.kwargs["pk"]
        )
        return self.case


class PurposeRequiredMixin:
    """Send a user who has not stated a purpose for this case to the purpose page first."""

    def dispatch(self, request, *args, **kwargs):
        self.purpose = purposes.stated(request, self.case)
        if self.purpose is None:
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('case-purpose', args=[self.case.pk])}?{query}")
        return super().dispatch(request, *args, **kwargs)


def case_organisations(user):
    return Organisation.objects.filter(pk__in=org_ids(user, CASE_ROLES))


def partner_organisations(user):
    return Organisation.objects.filter(
        Q(pk__in=org_ids(user)) | Q(partnerships__in=partnership_ids(user))
    ).distinct()


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
            visible = scope(PreventiveCase.objects.all(), request.user)
            hits = list(services.find_by_number(form.cleaned_data["number"], visible))
            audit.record(
                "case.search",
                request=request,
                purpose=purpose,
                details={"hits": len(hits), "cases": [c.pk for c in hits]},
            )
            for case in hits:
                services.log_access(case, request.user, purpose, action="case.search_hit")
                purposes.remember(request, case.pk, purpose)
        return self.render_list(form, hits)

    def render_list(self, form, hits=None):
        cases = list(
            scope(PreventiveCase.objects.all(), self.request.user).select_related("organisation")
        )
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
            organisations=case_organisations(user),
            partners=partner_organisations(user),
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
        services.log_access(self.case, request.user, purpose, action="case.purpose")
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
        officers = get_user_model().objects.filter(
            memberships__organisation=case.organisation, memberships__role=Role.CASE_OFFICER
        )
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
                officers=officers.distinct(),
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
            partners=partner_organisations(user),
        )
        return form

    def get(self, request, pk):
        services.log_access(self.case, request.user, self.purpose, action="case.edit_view")
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


class CaseActionView(CaseObjectMixin, PurposeRequiredMixin, View):
    """POST-only changes of one case; each goes through one service function."""

    permission_required = "cases.change_case"
    http_method_names = ["post"]
    ACTIONS = {
        "status",
        "assign",
        "risk",
        "conversation",
        "held",
        "measure",
        "measure-status",
        "exchange",
        "request",
        "outcome",
    }

    def post(self, request, pk, action):
        if action not in self.ACTIONS:
            raise Http404
        case, user = self.case, request.user
        common = {"purpose": self.purpose, "request": request}
        anchor = ""
        try:
            if action == "status":
                services.set_status(case, request.POST.get("status", ""), user, **common)
                messages.success(request, _("Status är ändrad."))
            elif action == "assign":
                if not rules.has_perm("cases.assign_officers", user, case):
                    raise Http404
                form = forms.AssignForm(
                    request.POST,
                    officers=get_user_model().objects.filter(
                        memberships__organisation=case.organisation,
                        memberships__role=Role.CASE_OFFICER,
                    ),
                )
                if self._ok(form):
                    services.assign_officers(case, form.cleaned_data["officers"], user, **common)
                    messages.success(request, _("Handläggarna är ändrade."))
            elif action == "risk":
                anchor = "#risk"
                form = forms.RiskForm(request.POST)
                if self._ok(form):
                    d = form.cleaned_data
                    services.assess_risk(case, d["factors"], d["level"], user, **common)
                    messages.success(request, _("Riskbedömningen är sparad."))
            elif action == "conversation":
                anchor = "#samtal"
                form = forms.ConversationForm(request.POST)
                if self._ok(form):
                    d = form.cleaned_data
                    services.plan_conversation(
                        case, d["kind"], d["planned_at"], user, notes=d["notes"], **common
                    )
                    messages.success(request, _("Samtalet är planerat."))
            elif action == "held":
                anchor = "#samtal"
                form = forms.HeldForm(request.POST)
                if self._ok(form):
                    d = form.cleaned_data
                    conversation = get_object_or_404(Conversation, case=case, pk=d["conversation"])
                    services.record_conversation_held(
                        conversation, d["held_at"], user, notes=d["notes"] or None, **common
                    )
                    messages.success(request, _("Samtalet är markerat som genomfört."))
            elif action == "measure":
                anchor = "#insatser"
                form = forms.MeasureForm(request.POST)
                if self._ok(form):
                    d = form.cleaned_data
                    services.add_measure(
                        case,
                        d["description"],
                        user,
                        responsible=d["responsible"],
                        due_on=d["due_on"],
                        **common,
                    )
                    messages.success(request, _("Insatsen är tillagd."))
            elif action == "measure-status":
                anchor = "#insatser"
                form = forms.MeasureStatusForm(request.POST)
                if self._ok(form):
                    measure = get_object_or_404(
                        CaseMeasure, case=case, pk=form.cleaned_data["measure"]
                    )
                    services.set_measure_status(
                        measure, form.cleaned_data["status"], user, **common
                    )
                    messages.success(request, _("Insatsens status är ändrad."))
            elif action == "exchange":
                anchor = "#uppgifter"
                form = forms.ExchangeForm(request.POST)
                if self._ok(form):
                    d = form.cleaned_data
                    services.record_exchange(
                        case,
                        direction=d["direction"],
                        counterpart=d["counterpart"],
                        content=d["content"],
                        legal_basis=d["legal_basis"],
                        statute=d["statute"],
                        occurred_at=d["occurred_at"],
                        user=user,
                        **common,
                    )
                    messages.success(request, _("Uppgiftsutbytet är registrerat."))
            elif action == "request":
                anchor = "#uppgifter"
                form = forms.RequestForm(request.POST)
                if self._ok(form):
                    d = form.cleaned_data
                    services.request_information(
                        case,
                        d["to_organisation"],
                        d["question"],
                        d["legal_basis"],
                        user,
                        statute=d["statute"],
                        **common,
                    )
                    messages.success(request, _("Begäran är skickad."))
            elif action == "outcome":
                anchor = "#utfall"
                form = forms.OutcomeForm(request.POST)
                if self._ok(form):
                    d = form.cleaned_data
                    services.record_outcome(
                        case,
                        d["months"],
                        threats=d["threats"],
                        violence=d["violence"],
                        crime=d["crime"],
                        source=d["source"],
                        user=user,
                        **common,
                    )
                    messages.success(request, _("Uppföljningen är registrerad."))
        except (services.CaseError, workflow.TransitionError) as exc:
            messages.error(request, str(exc))
        return redirect(reverse("case-detail", args=[case.pk]) + anchor)

    def _ok(self, form) -> bool:
        if form.is_valid():
            return True
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(self.request, f"{label}: {error}" if label else error)
        return False


EXPORT_HEADER = [
    "ärende",
    "typ",
    "organisation",
    "status",
    "öppnat",
    "avslutat",
    "risknivå",
    "samtal_genomförda",
    "utfall_3",
    "utfall_6",
    "utfall_12",
]


class CaseExportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """The user's cases as CSV, without personal data; each exported case is audited."""

    permission_required = "cases.access"

    def get(self, request):
        cases = list(
            scope(PreventiveCase.objects.all(), request.user)
            .select_related("organisation")
            .prefetch_related("outcomes", "conversations")
        )
        purpose = "Export av ärendelista"
        audit.record("case.export", request=request, purpose=purpose, details={"rows": len(cases)})
        rows = []
        for case in cases:
            services.log_access(case, request.user, purpose, action="case.export")
            outcomes = {o.months: o for o in case.outcomes.all()}

            def outcome(m, outcomes=outcomes):
                o = outcomes.get(m)
                return stats.classify(o.new_threats, o.new_violence, o.new_crime) if o else ""

            rows.append(
                [
                    str(case),
                    case.get_case_type_display(),
                    case.organisation.name,
                    case.get_status_display(),
                    case.opened_on.isoformat(),
                    timezone.localtime(case.closed_at).date().isoformat() if case.closed_at else "",
                    case.get_risk_level_display(),
                    sum(1 for c in case.conversations.all() if c.held_at),
                    outcome(3),
                    outcome(6),
                    outcome(12),
                ]
            )
        response = HttpResponse(to_csv(EXPORT_HEADER, rows), content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="arenden-{stamp}.csv"'
        return response


class RequestListView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """Requests the user's cases sent, and requests to the user's organisations."""

    template_name = "cases/requests.html"
    permission_required = "cases.access"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        visible = scope(InformationRequest.objects.all(), user).select_related(
            "case", "from_organisation", "to_organisation"
        )
        mine = org_ids(user, CASE_ROLES)
        incoming = [r for r in visible if r.to_organisation_id in mine]
        outgoing = [r for r in visible if r.to_organisation_id not in mine]
        audit.record(
            "case.request_list",
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
            action="case.request_view",
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


def stats_cases(user):
    """Cases whose aggregates the user may see: their organisations' and their partners',
    and for a regional viewer those of the organisations working inside their region.

    A case has no area, only its owning organisation; an organisation lies in a region when
    every area of its partnerships is reached by the viewer's regional memberships (their
    areas and all below; the deployment's country when unlimited). An organisation that also
    works outside the region is left out, so no county's figures include another county's
    cases.
    """
    from django.conf import settings

    from samverkan.core.models import Area, Partnership
    from samverkan.core.permissions import area_ids

    if is_system_admin_user(user):
        return PreventiveCase.objects.all()
    # The regional role reaches by area only: a county board that also sits in a
    # partnership elsewhere must not carry that partnership's cases into its region's view.
    local = roles_of(user) - {str(Role.REGIONAL_VIEWER)}
    visible = Q(pk__in=org_ids(user, local)) | Q(partnerships__in=partnership_ids(user, local))
    if str(Role.REGIONAL_VIEWER) in roles_of(user):
        reach = area_ids(user, {Role.REGIONAL_VIEWER})
        if reach is None:
            reach = Area.objects.filter(country=settings.COUNTRY).values("id")
        links = Partnership.areas.through.objects
        members = Partnership.organisations.through.objects
        inside = members.filter(
            partnership_id__in=links.filter(area_id__in=reach).values("partnership_id")
        ).values("organisation_id")
        outside = members.filter(
            partnership_id__in=links.exclude(area_id__in=reach).values("partnership_id")
        ).values("organisation_id")
        visible |= Q(pk__in=inside) & ~Q(pk__in=outside)
    orgs = Organisation.objects.filter(visible).values("pk")
    return PreventiveCase.objects.filter(organisation__in=orgs)


class StatsView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """Outcome shares per case type and year, Wilson interval, small counts suppressed."""

    template_name = "cases/stats.html"
    permission_required = "cases.view_statistics"

    def table(self):
        form = forms.StatsFilterForm(self.request.GET or None)
        months = (form.is_valid() and form.cleaned_data.get("months")) or 6
        table = stats.outcome_table(stats_cases(self.request.user), months=months)
        audit.record(
            "case.statistics",
            request=self.request,
            purpose=purposes.STATISTICS,
            details={"months": months, "rows": len(table["rows"])},
        )
        return form, table

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form, table = self.table()
        ctx.update(form=form, table=table, query=self.request.GET.urlencode())
        return ctx


class StatsExportView(StatsView):
    def get(self, request, *args, **kwargs):
        _form, table = self.table()
        header = [
            "ärendetyp",
            "år",
            "upphörde",
            "fortsatte",
            "okänt",
            "kända_utfall",
            "andel",
            "ki_låg",
            "ki_hög",
        ]

        def line(r):
            def fmt(v):
                return round(v, 4) if v is not None else ""

            return [
                r.label,
                r.period,
                r.ceased,
                r.continued,
                r.unknown,
                r.total,
                fmt(r.share),
                fmt(r.low),
                fmt(r.high),
            ]

        rows = [line(r) for r in table["rows"]]
        response = HttpResponse(to_csv(header, rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="arendeutfall-{table["months"]}man.csv"'
        )
        return response


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
        admin_orgs = org_ids(request.user, {Role.ORG_ADMIN})
        cases = list(
            services.find_by_number(
                form.cleaned_data["number"],
                PreventiveCase.objects.filter(organisation_id__in=admin_orgs),
            ).select_related("organisation")
        )
        audit.record(
            "case.access_log",
            request=request,
            purpose=purposes.ACCESS_LOG,
            organisation=Organisation.objects.filter(pk__in=admin_orgs).first(),
            details={"cases": [c.pk for c in cases]},
        )
        for case in cases:
            services.log_access(
                case, request.user, purposes.ACCESS_LOG, action="case.access_log", request=request
            )
        events = list(services.access_events(cases))
        body = pdf.render(
            {
                "cases": cases,
                "events": events,
                "masked": cases[0].masked_number if cases else "",
                "organisations": Organisation.objects.filter(pk__in=admin_orgs),
                "user": request.user,
            }
        )
        response = HttpResponse(body, content_type="application/pdf")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="registerutdrag-{stamp}.pdf"'
        return response
