"""Pages of the lägesbild: list, build form, report page (figures, map, charts, the group's
assessment with HTMX save, approve/share/recompute, versions), downloads and schedules.

Every page declares its rules permission; a report a user may not see answers 404, so
nobody learns that it exists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView
from rules.contrib.views import PermissionRequiredMixin

from samverkan.core import audit, downloads, json_response
from samverkan.core.approval import SamePersonError, approvers_required
from samverkan.core.json_response import JSONResponse
from samverkan.core.params import parse_int_param
from samverkan.core.permissions import partnership_ids
from samverkan.core.roles import Role
from samverkan.incidents.models import Incident
from samverkan.situation import scheduling, scope, services, sharing, workflow
from samverkan.situation.build import SHARED
from samverkan.situation.clickthrough import incident_links
from samverkan.situation.exports import FORMATS, export_report
from samverkan.situation.exports import charts as chart_svg
from samverkan.situation.forms import AssessmentForm, BuildForm, ScheduleForm
from samverkan.situation.models import FrozenError, SituationReport
from samverkan.situation.presentation import report_geojson, report_tables
from samverkan.situation.summary import summarise

SECTION_TITLES = {
    "overall": gettext_lazy("Gruppens samlade bedömning"),
    "totals": gettext_lazy("Antal händelser"),
    "by_category": gettext_lazy("Kategorier"),
    "trend": gettext_lazy("Utveckling"),
    "by_child_area": gettext_lazy("Delområden"),
    "weekday_hour": gettext_lazy("Veckodag och timme"),
    "hotspots": gettext_lazy("Karta och hot spots"),
    "near_repeat": gettext_lazy("Near repeat"),
    "repeat_places": gettext_lazy("Upprepade platser"),
    "notable": gettext_lazy("Särskilda händelser"),
    "coverage": gettext_lazy("Rapportering"),
}
FORMAT_LABELS = {
    "pdf": "PDF",
    "docx": "Word (DOCX)",
    "html": "HTML",
    "xlsx": "Excel (XLSX)",
    "geojson": "GeoJSON",
    "json": "JSON",
}


def _language() -> str:
    lang = (get_language() or "sv")[:2]
    return {"no": "nb", "nn": "nb"}.get(lang, lang) if lang in ("sv", "nb", "en", "no") else "sv"


class ReportObjectMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Loads the report as the permission object; 404 for those who may not see it."""

    permission_required = "situation.view_report"

    def get_permission_object(self):
        self.report = get_object_or_404(
            # The border is read only by the maps that draw it (one query when they do).
            SituationReport.objects.select_related("area", "partnership").defer("area__geometry"),
            pk=self.kwargs["pk"],
        )
        return self.report

    def handle_no_permission(self):
        user = self.request.user
        if user.is_authenticated:
            if not user.has_perm("situation.view_report", getattr(self, "report", None)):
                raise Http404
            raise PermissionDenied
        return super().handle_no_permission()


# --------------------------------------------------------------------------- list


class ReportListView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """Reports per area and partnership, with the reporter's feedback section."""

    template_name = "situation/pages/list.html"
    permission_required = "situation.view"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        listing = scope.report_list(
            user,
            area_id=parse_int_param(self.request.GET, "area"),
            partnership_id=parse_int_param(self.request.GET, "partnership"),
        )
        paginator = Paginator(listing.pop("reports"), scope.REPORTS_PER_PAGE)
        page = paginator.get_page(self.request.GET.get("page"))
        ctx.update(
            **listing,
            reports=page.object_list,
            page_obj=page,
            paginator=paginator,
            is_paginated=page.has_other_pages(),
            selected_area=self.request.GET.get("area") or "",
            selected_partnership=self.request.GET.get("partnership") or "",
            can_add=user.has_perm("situation.add"),
            can_schedule=user.has_perm("situation.schedule"),
            own_reports=Incident.objects.filter(reporter=user)
            .select_related("category", "feedback_by")
            .order_by("-reported_at")[:10],
        )
        return ctx


# --------------------------------------------------------------------------- build


class BuildView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    """Build form: area, period type and period, audience -> a new draft."""

    template_name = "situation/pages/build.html"
    permission_required = "situation.add"
    form_class = BuildForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        user = self.request.user
        partnerships = scope.coordinator_partnerships(user)
        kwargs["partnerships"] = partnerships
        kwargs["areas"] = scope.build_areas(user, partnerships)
        if not partnerships.exists():
            kwargs["audiences"] = [SHARED, "public"]
        if "area" in self.request.GET:
            kwargs.setdefault("initial", {})["area"] = self.request.GET["area"]
        return kwargs

    def form_valid(self, form):
        d = form.cleaned_data
        try:
            report = services.create_report(
                d["area"],
                d["parsed_period"],
                d.get("partnership"),
                self.request.user,
                d["audience"],
                language=_language(),
            )
        except (ValueError, PermissionDenied) as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Utkastet till lägesbild är framtaget. Skriv gruppens bedömning och fastställ det."),
        )
        return redirect("situation-detail", pk=report.pk)


# --------------------------------------------------------------------------- report


def assessment_block(report, section: str, can_edit: bool, saved: bool = False) -> dict:
    text = (report.assessments or {}).get(section, "")
    return {
        "section": section,
        "title": SECTION_TITLES.get(section, section),
        "text": text,
        "editable": can_edit,
        "saved": saved,
        "form": AssessmentForm(initial={"text": text}, prefix=section) if can_edit else None,
    }


class ReportDetailView(ReportObjectMixin, TemplateView):
    template_name = "situation/pages/detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        report, user = self.report, self.request.user
        f = report.snapshot
        lang = _language()
        can_change = user.has_perm("situation.change_report", report)
        can_edit = can_change and not report.is_frozen
        links = incident_links(report, f, user)
        start, end = report.period_start, report.period_end
        ctx.update(
            report_tables(f, links, lang),
            report=report,
            incident_links=links,
            f=f,
            lang=lang,
            summary=summarise(f, lang),
            blocks={s: assessment_block(report, s, can_edit) for s in services.SECTIONS},
            can_change=can_change,
            can_edit=can_edit,
            can_approve=report.status in workflow.AWAITING_APPROVAL
            and report.first_approved_by_id != user.pk
            and user.has_perm("situation.approve_report", report),
            approvers_required=approvers_required(report.partnership),
            share_groups=sharing.groups_for(report),
            can_share=report.status == workflow.APPROVED
            and user.has_perm("situation.share_report", report),
            can_recompute=can_change,
            versions=services.versions(report).select_related("created_by", "approved_by"),
            formats=[(fmt, FORMAT_LABELS[fmt]) for fmt in FORMATS],
            geojson_url=reverse("situation-geojson", args=[report.pk]),
            shows_points=scope.sees_incidents(user, report),
            charts={
                "trend": mark_safe(
                    chart_svg.trend_svg(f, lang, links=links["trend"] if links else None)
                ),
                "categories": mark_safe(
                    chart_svg.categories_svg(f, lang, links=links["categories"] if links else None)
                )
                if f.get("by_category")
                else "",
                "weekday_hour": mark_safe(chart_svg.weekday_hour_svg(f, lang)),
            },
            own_reports=Incident.objects.filter(
                reporter=user, occurred_from__gte=start, occurred_from__lt=end
            )
            .select_related("category", "feedback_by")
            .order_by("occurred_from"),
            is_reporter=report.partnership_id in partnership_ids(user, {Role.REPORTER}),
        )
        return ctx


class ReportGeoJSONView(ReportObjectMixin, View):
    """The report's map layers for the Leaflet map of the report page."""

    def get(self, request, pk):
        return JSONResponse(report_geojson(self.report, request.user))


class ReportExportView(ReportObjectMixin, View):
    """Downloads in every export format; each writes a "situation.export" audit event."""

    def get(self, request, pk):
        fmt = request.GET.get("format", "pdf")
        if fmt not in FORMATS:
            raise Http404
        report = self.report
        if fmt == "geojson":
            body = json_response.dumps(report_geojson(report, request.user))
        else:
            body = export_report(report, fmt, language=_language())
        return downloads.download(
            request,
            body,
            f"lagesbild-{report.area.code}-{report.period_label}-v{report.version}",
            fmt,
            action=audit.Action.SITUATION_EXPORT,
            obj=report,
            organisation=services.acting_organisation(request.user, report.partnership),
            details={
                "area": report.area.code,
                "period": report.period_label,
                "version": report.version,
                "audience": report.audience,
                "via": "web",
            },
            inline=fmt in ("html", "pdf") and "inline" in request.GET,
        )


def _approve(request, report):
    report = services.approve(report, request.user)
    if report.status == workflow.APPROVING:
        return report, _("Godkänd av 1 av 2. En annan person behöver också godkänna.")
    return report, _("Lägesbilden är fastställd. Siffror och bedömning är nu låsta.")


def _share(request, report):
    recipients = request.POST.getlist("recipients")
    services.share(report, request.user, recipients=recipients, request=request)
    return report, _("Lägesbilden är delad med rapportörerna i samverkansgruppen.")


def _recompute(request, report):
    new = services.recompute(report, request.user, language=_language())
    return new, _("En ny version (%(v)s) är framtagen med dagens siffror.") % {"v": new.version}


@dataclass(frozen=True)
class ReportAction:
    """One POST action on a report.

    Attributes
    ----------
    permission : str
        The rule the user must pass on the report.
    step : callable, optional
        ``step(request, report)`` calls the service function and returns the report to
        show next and the message; ``None`` for the assessment, which answers its own form.
    confirm : bool
        The step cannot be undone, so the form must carry a ticked confirmation (no JS
        ``confirm()``: the CSP).
    """

    permission: str
    step: Callable[..., tuple[SituationReport, str]] | None = None
    confirm: bool = False


REPORT_ACTIONS: dict[str, ReportAction] = {
    "assessment": ReportAction("situation.change_report"),
    "approve": ReportAction("situation.approve_report", _approve, confirm=True),
    "share": ReportAction("situation.share_report", _share, confirm=True),
    "recompute": ReportAction("situation.change_report", _recompute),
}


class ReportActionView(ReportObjectMixin, View):
    """POST-only: the actions of :data:`REPORT_ACTIONS`; a new action is a new row."""

    http_method_names = ["post"]

    def get_permission_required(self):
        action = REPORT_ACTIONS.get(self.kwargs.get("action"))
        if action is None:
            raise Http404
        return (action.permission,)

    def post(self, request, pk, action):
        entry = REPORT_ACTIONS[action]
        report = self.report
        if entry.step is None:
            return self.assessment(request, report)
        if entry.confirm and not request.POST.get("confirm"):
            messages.error(request, _("Bekräfta genom att kryssa i rutan först."))
            return redirect("situation-detail", pk=report.pk)
        try:
            report, done = entry.step(request, report)
        except (workflow.TransitionError, FrozenError, ValueError, SamePersonError) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, done)
        return redirect("situation-detail", pk=report.pk)

    def assessment(self, request, report):
        section = request.POST.get("section", "")
        if section not in services.SECTIONS:
            raise Http404
        form = AssessmentForm(request.POST, prefix=section)
        error = None
        if form.is_valid():
            try:
                report = services.save_assessment(
                    report, section, form.cleaned_data["text"], request.user
                )
            except (FrozenError, ValueError) as exc:
                error = str(exc)
        else:
            error = "; ".join(e for errs in form.errors.values() for e in errs)
        if request.htmx:
            block = assessment_block(report, section, not report.is_frozen, saved=not error)
            block["error"] = error
            status = 200 if not error else 422
            return render(
                request,
                "situation/pages/_assessment.html",
                {"block": block, "report": report},
                status=status,
            )
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _("Bedömningen är sparad."))
        return redirect(f"{reverse('situation-detail', args=[report.pk])}#bedomning-{section}")


# --------------------------------------------------------------------------- schedules


class ScheduleListView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    """A coordinator asks for a weekly or monthly draft for one of the partnership's areas."""

    template_name = "situation/pages/schedules.html"
    permission_required = "situation.schedule"
    form_class = ScheduleForm

    def partnerships(self):
        return scope.coordinator_partnerships(self.request.user)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        partnerships = self.partnerships()
        kwargs["partnerships"] = partnerships
        kwargs["areas"] = scope.build_areas(self.request.user, partnerships)
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["schedules"] = scope.schedules(self.request.user)
        return ctx

    def form_valid(self, form):
        d = form.cleaned_data
        try:
            scheduling.create_schedule(
                d["partnership"], d["area"], d["period_type"], d["audience"], self.request.user
            )
        except (ValueError, PermissionDenied) as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "Beställningen är sparad. Ett utkast tas fram efter varje avslutad period och "
                "samordnarna får ett e-postmeddelande."
            ),
        )
        return redirect("situation-schedules")


class ScheduleActionView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """POST-only: pause, resume or delete a schedule of one's own partnership."""

    permission_required = "situation.schedule"
    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_perm("situation.schedule"):
            get_object_or_404(scope.schedules(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, pk, action):
        if action not in SCHEDULE_ACTIONS:
            raise Http404
        schedule = get_object_or_404(scope.schedules(request.user), pk=pk)
        step, done = SCHEDULE_ACTIONS[action]
        step(schedule, request.user)
        messages.success(request, done)
        return redirect("situation-schedules")


# action -> (service call on the schedule, message); a new action is a new row.
SCHEDULE_ACTIONS = {
    "pause": (
        lambda schedule, user: scheduling.set_enabled(schedule, False, user),
        gettext_lazy("Beställningen är pausad."),
    ),
    "resume": (
        lambda schedule, user: scheduling.set_enabled(schedule, True, user),
        gettext_lazy("Beställningen är aktiv igen."),
    ),
    "delete": (scheduling.delete_schedule, gettext_lazy("Beställningen är borttagen.")),
}
