"""Pages of the lägesbild: list, build form, report page (figures, map, charts, the group's
assessment with HTMX save, approve/share/recompute, versions), downloads and schedules.

Every page declares its rules permission; a report a user may not see answers 404, so
nobody learns that it exists.
"""

from __future__ import annotations

import json
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView
from rules.contrib.views import PermissionRequiredMixin

from samverkan.core import audit
from samverkan.core.models import Area, Organisation, Partnership
from samverkan.core.params import parse_int_param
from samverkan.core.permissions import (
    descendant_ids,
    in_grant,
    is_system_admin_user,
    partnership_grants,
    partnership_ids,
    scope,
)
from samverkan.core.roles import Role
from samverkan.incidents.models import Incident
from samverkan.situation import scheduling, services, workflow
from samverkan.situation.build import INTERNAL, PUBLIC_SOURCE_KIND, SHARED
from samverkan.situation.clickthrough import incident_links
from samverkan.situation.exports import CONTENT_TYPES, FORMATS, export_report
from samverkan.situation.exports import charts as chart_svg
from samverkan.situation.exports.geojson import features as geojson_features
from samverkan.situation.forms import AssessmentForm, BuildForm, ScheduleForm
from samverkan.situation.models import FrozenError, ReportSchedule, SituationReport
from samverkan.situation.permissions import READER_ROLES, regional_areas
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
    "html": "HTML",
    "xlsx": "Excel (XLSX)",
    "geojson": "GeoJSON",
    "json": "JSON",
}


def _language() -> str:
    lang = (get_language() or "sv")[:2]
    return {"no": "nb", "nn": "nb"}.get(lang, lang) if lang in ("sv", "nb", "en", "no") else "sv"


def coordinator_partnerships(user):
    if is_system_admin_user(user):
        return Partnership.objects.all().order_by("name")
    return Partnership.objects.filter(pk__in=partnership_ids(user, {Role.COORDINATOR})).order_by(
        "name"
    )


def build_areas(user, partnerships):
    """Areas a user may build a picture for.

    The partnerships' areas and all below them, narrowed to the areas of a coordinator's
    membership when it is limited to some; for a regional viewer also the areas of the
    regional scope. The service checks the same rule again for the chosen pair.
    """
    admin = is_system_admin_user(user)
    grants = {} if admin else partnership_grants(user, {Role.COORDINATOR})
    ids: set[int] = set()
    for p in partnerships:
        reach = descendant_ids(p.areas.values_list("id", flat=True))
        limit = None if admin else grants.get(p.pk)
        ids |= reach if limit is None else reach & limit
    qs = Area.objects.filter(pk__in=ids) | regional_areas(user)
    return qs.distinct().order_by("level", "name")


def sees_incidents(user, report: SituationReport) -> bool:
    """May ``user`` see the report's incidents as points (internal pictures only)?"""
    if report.audience != INTERNAL:
        return False
    if is_system_admin_user(user):
        return True
    return in_grant(user, READER_ROLES, report.partnership_id, report.area_id)


def report_geojson(report: SituationReport, user) -> dict:
    """The report's map layers: area, child areas with counts, hot-spot cells, and for
    those allowed, point incidents, near-repeat zones and repeat places."""
    snap = report.snapshot
    allowed = sees_incidents(user, report)
    # Point incidents are read live by the exporter only for internal pictures.
    feats = geojson_features(snap if allowed else {**snap, "audience": SHARED})
    for z in (snap.get("near_repeat") or {}).get("zones", []):
        feats.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [z["lon"], z["lat"]]},
                "properties": {"kind": "near_repeat_zone", **z},
            }
        )
    for r in snap.get("repeat_places") or []:
        feats.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [r["lon"], r["lat"]]},
                "properties": {
                    "kind": "repeat_place",
                    "place": r.get("place"),
                    "count": r["count"],
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "name": f"lagesbild-{snap['area']['code']}-{snap['period']['label']}",
        "features": feats,
    }


class ReportObjectMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Loads the report as the permission object; 404 for those who may not see it."""

    permission_required = "situation.view_report"

    def get_permission_object(self):
        self.report = get_object_or_404(
            SituationReport.objects.select_related("area", "partnership"), pk=self.kwargs["pk"]
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
        visible = scope(SituationReport.objects.all(), user).select_related("area", "partnership")
        areas = Area.objects.filter(pk__in=visible.values("area_id")).order_by("level", "name")
        partnerships = Partnership.objects.filter(pk__in=visible.values("partnership_id")).order_by(
            "name"
        )
        qs = visible
        area_id = self.request.GET.get("area") or ""
        partnership_id = self.request.GET.get("partnership") or ""
        for field in ("area", "partnership"):
            value = parse_int_param(self.request.GET, field)
            if value is not None:
                qs = qs.filter(**{f"{field}_id": value})
        reports = list(qs.order_by("-period_start", "area__name", "-version")[:300])
        ctx.update(
            reports=reports,
            areas=areas,
            partnerships=partnerships,
            selected_area=area_id,
            selected_partnership=partnership_id,
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
        partnerships = coordinator_partnerships(user)
        kwargs["partnerships"] = partnerships
        kwargs["areas"] = build_areas(user, partnerships)
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
        categories = [
            dict(
                r,
                display_label=(r.get("labels") or {}).get(lang) or r["label"],
                incidents_url=links["categories"].get(r["code"]) if links else None,
            )
            for r in f.get("by_category") or []
        ]
        child_areas = [
            dict(r, incidents_url=links["children"].get(r["code"]) if links else None)
            for r in f.get("by_child_area") or []
        ]
        hot = [c for c in (f.get("hotspots") or {}).get("cells", []) if c.get("hot")]
        kinds = dict(Organisation.Kind.choices) | {PUBLIC_SOURCE_KIND: _("Öppen källa")}
        coverage = [
            dict(r, kind_label=kinds.get(r["kind"], r["kind"]))
            for r in (f.get("coverage") or {}).get("by_organisation", [])
        ]
        notable = [dict(n, when=datetime.fromisoformat(n["date"])) for n in f.get("notable") or []]
        start, end = report.period_start, report.period_end
        ctx.update(
            report=report,
            incident_links=links,
            child_areas=child_areas,
            f=f,
            lang=lang,
            categories=categories,
            coverage=coverage,
            notable=notable,
            hot_cells=sorted(hot, key=lambda c: -(c.get("z") or 0))[:15],
            summary=summarise(f, lang),
            blocks={s: assessment_block(report, s, can_edit) for s in services.SECTIONS},
            can_change=can_change,
            can_edit=can_edit,
            can_approve=report.status == workflow.DRAFT
            and user.has_perm("situation.approve_report", report),
            can_share=report.status == workflow.APPROVED
            and user.has_perm("situation.share_report", report),
            can_recompute=can_change,
            versions=services.versions(report).select_related("created_by", "approved_by"),
            formats=[(fmt, FORMAT_LABELS[fmt]) for fmt in FORMATS],
            geojson_url=reverse("situation-geojson", args=[report.pk]),
            shows_points=sees_incidents(user, report),
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
        return JsonResponse(report_geojson(self.report, request.user))


class ReportExportView(ReportObjectMixin, View):
    """Downloads in every export format; each writes a "situation.export" audit event."""

    def get(self, request, pk):
        fmt = request.GET.get("format", "pdf")
        if fmt not in FORMATS:
            raise Http404
        report = self.report
        if fmt == "geojson":
            body = json.dumps(report_geojson(report, request.user), ensure_ascii=False).encode()
        else:
            body = export_report(report, fmt, language=_language())
        audit.record(
            "situation.export",
            request=request,
            obj=report,
            organisation=services._organisation(request.user, report.partnership),
            details={
                "format": fmt,
                "area": report.area.code,
                "period": report.period_label,
                "version": report.version,
                "audience": report.audience,
                "via": "web",
            },
        )
        name = f"lagesbild-{report.area.code}-{report.period_label}-v{report.version}.{fmt}"
        response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
        disposition = (
            "inline" if fmt in ("html", "pdf") and "inline" in request.GET else "attachment"
        )
        response["Content-Disposition"] = f'{disposition}; filename="{name.replace("..", "_")}"'
        return response


class ReportActionView(ReportObjectMixin, View):
    """POST-only: save an assessment (HTMX or plain form), approve, share, recompute."""

    http_method_names = ["post"]
    ACTIONS = {
        "assessment": "situation.change_report",
        "approve": "situation.approve_report",
        "share": "situation.share_report",
        "recompute": "situation.change_report",
    }

    def get_permission_required(self):
        action = self.kwargs.get("action")
        if action not in self.ACTIONS:
            raise Http404
        return (self.ACTIONS[action],)

    def post(self, request, pk, action):
        report = self.report
        user = request.user
        try:
            if action == "assessment":
                return self.assessment(request, report)
            if action == "approve":
                services.approve(report, user)
                messages.success(
                    request, _("Lägesbilden är fastställd. Siffror och bedömning är nu låsta.")
                )
            elif action == "share":
                services.share(report, user)
                messages.success(
                    request, _("Lägesbilden är delad med rapportörerna i samverkansgruppen.")
                )
            elif action == "recompute":
                new = services.recompute(report, user, language=_language())
                messages.success(
                    request,
                    _("En ny version (%(v)s) är framtagen med dagens siffror.")
                    % {"v": new.version},
                )
                return redirect("situation-detail", pk=new.pk)
        except (workflow.TransitionError, FrozenError, ValueError) as exc:
            messages.error(request, str(exc))
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
        return coordinator_partnerships(self.request.user)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        partnerships = self.partnerships()
        kwargs["partnerships"] = partnerships
        kwargs["areas"] = build_areas(self.request.user, partnerships)
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["schedules"] = ReportSchedule.objects.filter(
            partnership__in=self.partnerships()
        ).select_related("area", "partnership", "last_report")
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
            get_object_or_404(
                ReportSchedule,
                pk=kwargs["pk"],
                partnership__in=coordinator_partnerships(request.user),
            )
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, pk, action):
        schedule = get_object_or_404(
            ReportSchedule, pk=pk, partnership__in=coordinator_partnerships(request.user)
        )
        if action == "pause":
            scheduling.set_enabled(schedule, False, request.user)
            messages.success(request, _("Beställningen är pausad."))
        elif action == "resume":
            scheduling.set_enabled(schedule, True, request.user)
            messages.success(request, _("Beställningen är aktiv igen."))
        elif action == "delete":
            scheduling.delete_schedule(schedule, request.user)
            messages.success(request, _("Beställningen är borttagen."))
        else:
            raise Http404
        return redirect("situation-schedules")
