"""Pages for reporters (report, my reports) and coordinators (triage, feedback, export)."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView
from rules.contrib.views import PermissionRequiredMixin

from samverkan.core import downloads
from samverkan.core.exports import to_csv, to_xlsx
from samverkan.core.json_response import JSONResponse
from samverkan.core.models import Area, Organisation, Partnership
from samverkan.core.permissions import (
    area_choices,
    org_ids,
    partnership_area_ids,
    partnership_ids,
    scope,
)
from samverkan.incidents import actions, services, triage, workflow
from samverkan.incidents.categories import subtree_ids
from samverkan.incidents.duplicates import suggest_duplicates
from samverkan.incidents.exports import (
    EXPORT_HEADER,
    MAP_LIMIT,
    export_geojson,
    export_rows,
    map_points,
)
from samverkan.incidents.forms import FeedbackForm, ReportForm, StatusForm, TriageFilterForm
from samverkan.incidents.models import Incident, IncidentArea, Status
from samverkan.incidents.permissions import count_visible, partnership_filter
from samverkan.incidents.photos import MAX_PHOTOS
from samverkan.incidents.places import name_unplaced
from samverkan.incidents.reports import report_row
from samverkan.incidents.triage_forms import AddPhotosForm, SortForm, sorted_by
from samverkan.incidents.triage_views import triage_context

# Every list is paged: 40 reports on one page made a 16,000-pixel phone page.
PAGE_SIZE = 20


def partnership_areas(user):
    """Areas of the user's partnerships and all areas below them (the core rule: another
    partnership's own areas stay out)."""
    return area_choices(partnership_area_ids(partnership_ids(user)))


class ReportView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    """Mobile-first reporting form (händelserapportering)."""

    form_class = ReportForm
    template_name = "incidents/report.html"
    permission_required = "incidents.add_incident"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        areas = partnership_areas(self.request.user).filter(level="municipality")
        ctx["geojson_url"] = (
            f"{reverse('area-geojson')}?id={areas.first().pk}" if areas.exists() else ""
        )
        ctx["areas_url"] = outline_url(areas.first())
        return ctx

    def form_valid(self, form):
        try:
            row = report_row(form.cleaned_data)
            services.report_incident(
                self.request.user,
                row,
                photos=form.cleaned_data.get("photos") or (),
                request=self.request,
            )
        except ValueError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "Tack! Din rapport är mottagen. Du ser status och återkoppling under Mina rapporter."
            ),
        )
        return redirect("incident-mine")


class MyReportsView(LoginRequiredMixin, ListView):
    """The reporter's own reports with status and the feedback coordinators wrote."""

    template_name = "incidents/my_reports.html"
    permission_required = "authenticated"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.sort_form = SortForm(self.request.GET or None)
        key = self.sort_form.cleaned_data.get("sort") if self.sort_form.is_valid() else None
        return sorted_by(
            Incident.objects.filter(reporter=self.request.user)
            .select_related("category", "feedback_by")
            .prefetch_related("photos"),
            key,
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(sort_form=self.sort_form, **kwargs)
        user = self.request.user
        name_unplaced(ctx["object_list"])
        ctx["photo_room"] = {
            i.pk
            for i in ctx["object_list"]
            if len(i.photos.all()) < MAX_PHOTOS and user.has_perm("incidents.add_photo", i)
        }
        return ctx


def outline_url(area: Area | None) -> str:
    """GeoJSON of the named outlines a map draws for orientation: the area's child areas
    (districts of a municipality); for an area without any, it and its neighbours (the
    parent's children), or the area alone at the top."""
    if area is None:
        return ""
    if area.children.exists():
        return f"{reverse('area-geojson')}?parent={area.pk}"
    if area.parent_id is not None:
        return f"{reverse('area-geojson')}?parent={area.parent_id}"
    return f"{reverse('area-geojson')}?id={area.pk}"


def stored_sources() -> list[str]:
    """Every source in the incident table, by a skip scan of the index that leads with it.

    Each step asks the index for the next source after the last one, so the cost grows
    with the handful of sources, not with the incidents (a DISTINCT reads them all).
    """
    table = connection.ops.quote_name(Incident._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH RECURSIVE s(v) AS (SELECT MIN(source) FROM {table} UNION ALL"
            f" SELECT (SELECT MIN(source) FROM {table} WHERE source > s.v)"
            " FROM s WHERE s.v IS NOT NULL) SELECT v FROM s WHERE v IS NOT NULL"
        )
        return [row[0] for row in cursor.fetchall()]


def visible_sources(visible, wanted: str | None = None) -> list[str]:
    """The sources offered in the filter: those with an incident the user may see.

    One ``EXISTS`` per stored source (or only for ``wanted``, where the form is not shown
    but its filter must still be checked), each stopping at its first visible incident;
    no DISTINCT over the whole scope.
    """
    candidates = stored_sources() if wanted is None else [wanted]
    return [s for s in candidates if visible.filter(source=s).exists()]


def filter_incidents(request, *, offer_sources: bool = True):
    """The triage filters, applied to what the user may see. Returns (queryset, form).

    ``offer_sources=False`` where the form is never shown (the map, the export): a source
    filter is then checked alone instead of listing every visible source.
    """
    qs, form = filtered_incidents(request, offer_sources=offer_sources)
    return scope(qs, request.user), form


def filtered_incidents(request, *, offer_sources: bool = True):
    """Like :func:`filter_incidents`, before the user's scope is applied: only for
    :func:`samverkan.incidents.permissions.count_visible`, which applies it itself."""
    user = request.user
    areas = partnership_areas(user)
    members = Partnership.organisations.through.objects.filter(
        partnership_id__in=partnership_ids(user)
    ).values("organisation_id")
    orgs = Organisation.objects.filter(Q(pk__in=org_ids(user)) | Q(pk__in=members))
    visible = scope(Incident.objects.all(), user)
    if offer_sources:
        sources = visible_sources(visible)
    else:
        wanted = request.GET.get("source")
        sources = visible_sources(visible, wanted) if wanted else []
    form = TriageFilterForm(
        request.GET or None,
        areas=areas,
        organisations=orgs,
        sources=sources,
        partnerships=Partnership.objects.filter(pk__in=partnership_ids(user)),
        tags=triage.visible_tags(user),
    )
    qs = Incident.objects.select_related(
        "category", "organisation", "assigned_organisation", "assigned_to"
    ).prefetch_related(Prefetch("tags", queryset=triage.visible_tags(user)))
    if form.is_valid():
        d = form.cleaned_data
        if d.get("waiting"):
            qs = qs.filter(triage.waiting_for_feedback())
        if d.get("tag"):
            qs = qs.filter(tags=d["tag"])
        if d.get("assigned") and (q := triage.assigned_filter(d["assigned"], user)) is not None:
            qs = qs.filter(q)
        qs = sorted_by(qs, d.get("sort"))
        tz = timezone.get_current_timezone()
        if d.get("area"):
            qs = qs.filter(pk__in=IncidentArea.objects.filter(area=d["area"]).values("incident_id"))
        if d.get("start"):
            qs = qs.filter(occurred_from__gte=datetime.combine(d["start"], time(), tz))
        if d.get("end"):
            qs = qs.filter(
                occurred_from__lt=datetime.combine(d["end"] + timedelta(days=1), time(), tz)
            )
        if d.get("category"):
            qs = qs.filter(category_id__in=subtree_ids(d["category"].code))
        if d.get("source"):
            qs = qs.filter(source=d["source"])
        if d.get("status"):
            qs = qs.filter(status=d["status"])
        if d.get("organisation"):
            qs = qs.filter(organisation=d["organisation"])
        if d.get("partnership"):
            # What the partnership's lägesbild counts (incidents.counting.row_filter): the scope
            # still applies, so a link never shows more than the list would.
            qs = qs.filter(partnership_filter([d["partnership"]]), is_summary=False).exclude(
                status=Status.DUPLICATE
            )
    listed = listed_ids(request.GET.get("ids"))
    if listed is not None:
        # The incidents behind a figure (a lägesbild's repeat place); the scope still
        # applies, so a link never shows more than the unfiltered list would.
        qs = qs.filter(pk__in=listed)
    return qs, form


MAX_LISTED_IDS = 1000


class ScopeCountPaginator(Paginator):
    """A paginator whose total comes from ``count`` (see ``count_visible``)."""

    def __init__(self, object_list, per_page, *, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._count = count

    @cached_property
    def count(self):
        return self._count()


def listed_ids(raw: str | None) -> list[int] | None:
    """The ``?ids=1,2,3`` of a list link; ``None`` without one. Other tokens are ignored."""
    if raw is None:
        return None
    ids = [int(t) for t in raw.split(",") if t.strip().isascii() and t.strip().isdigit()]
    # Beyond 18 digits an id overflows the database's integer and exists nowhere.
    return [i for i in ids if i < 10**18][:MAX_LISTED_IDS]


class TriageView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    """Coordinators' list and map of incidents, with filters and bulk status."""

    template_name = "incidents/triage.html"
    permission_required = "incidents.triage"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.unscoped, self.filter_form = filtered_incidents(self.request)
        self.qs = scope(self.unscoped, self.request.user)
        return self.qs

    def get_paginator(self, queryset, per_page, **kwargs):
        return ScopeCountPaginator(
            queryset, per_page, count=lambda: count_visible(self.unscoped, self.request.user)
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        name_unplaced(ctx["object_list"])
        query = self.request.GET.copy()
        query.pop("page", None)
        listed = listed_ids(self.request.GET.get("ids"))
        ctx.update(
            filter_form=self.filter_form,
            query=query.urlencode(),
            listed_ids=",".join(map(str, listed)) if listed is not None else None,
            n_listed=len(listed) if listed is not None else 0,
            counted_in=self.filter_form.cleaned_data.get("partnership")
            if self.filter_form.is_bound and self.filter_form.is_valid()
            else None,
            statuses=workflow.settable(Incident._meta.get_field("status").choices),
            geojson_url=f"{reverse('incident-geojson')}?{query.urlencode()}",
            areas_url=outline_url(
                self.filter_form.cleaned_data.get("area")
                if self.filter_form.is_bound and self.filter_form.is_valid()
                else None
            )
            # The form's area choices are the user's partnership areas, already worked out.
            or outline_url(
                self.filter_form.fields["area"].queryset.filter(level="municipality").first()
            ),
        )
        return ctx


class IncidentGeoJSONView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Point incidents for the triage map. Centroid-placed incidents are never drawn."""

    permission_required = "incidents.triage"
    limit = MAP_LIMIT

    def get(self, request):
        qs, _form = filter_incidents(request, offer_sources=False)
        return JSONResponse(map_points(qs, self.limit))


class IncidentDetailView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    template_name = "incidents/detail.html"
    permission_required = "incidents.view_incident"

    def get_permission_object(self):
        self.incident = get_object_or_404(
            Incident.objects.select_related(
                "category", "organisation", "duplicate_of", "assigned_organisation", "assigned_to"
            ),
            pk=self.kwargs["pk"],
        )
        return self.incident

    def handle_no_permission(self):
        # Someone who may not see the incident must not learn that it exists.
        if self.request.user.is_authenticated:
            raise Http404
        return super().handle_no_permission()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        can_change = user.has_perm("incidents.change_incident", self.incident)
        name_unplaced([self.incident])
        ctx.update(
            incident=self.incident,
            can_change=can_change,
            feedback_form=FeedbackForm(initial={"feedback": self.incident.feedback}),
            status_form=StatusForm(),
            allowed_statuses=[
                (s, label)
                for s, label in workflow.settable(Incident._meta.get_field("status").choices)
                if s in workflow.TRANSITIONS.get(self.incident.status, set())
            ],
            duplicates=suggest_duplicates(self.incident, scope(Incident.objects.all(), user))
            if can_change
            else [],
            # Linked only if the user may see it: the link would reveal that it exists.
            duplicate_of=scope(Incident.objects.all(), user)
            .filter(pk=self.incident.duplicate_of_id)
            .first()
            if self.incident.duplicate_of_id
            else None,
            photos=list(self.incident.photos.only("pk", "width", "height")),
        )
        room = MAX_PHOTOS - len(ctx["photos"])
        if room > 0 and user.has_perm("incidents.add_photo", self.incident):
            ctx.update(photo_form=AddPhotosForm(), photo_room=room)
        if can_change:
            ctx.update(triage_context(self.incident, user))
        if self.incident.is_point:
            ctx["point_geojson"] = json.dumps(
                {
                    "type": "FeatureCollection",
                    "features": [
                        {
                            "type": "Feature",
                            "geometry": {
                                "type": "Point",
                                "coordinates": [self.incident.lon, self.incident.lat],
                            },
                            "properties": {"name": self.incident.category.label},
                        }
                    ],
                }
            )
            ctx["areas_url"] = outline_url(
                self.incident.areas.filter(level=Area.Level.MUNICIPALITY).defer("geometry").first()
            )
        return ctx


class IncidentActionView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """POST-only state changes on one incident; each goes through one service function."""

    permission_required = "incidents.change_incident"
    http_method_names = ["post"]

    def get_permission_object(self):
        self.incident = get_object_or_404(Incident, pk=self.kwargs["pk"])
        return self.incident

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            raise Http404
        return super().handle_no_permission()

    def post(self, request, pk, action):
        try:
            done = actions.perform(
                self.incident, action, request.POST, request.user, request=request
            )
        except actions.UnknownAction:
            raise Http404 from None
        except actions.ActionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, done)
        return redirect("incident-detail", pk=self.incident.pk)


class BulkStatusView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "incidents.triage"
    http_method_names = ["post"]

    def post(self, request):
        ids = request.POST.getlist("ids")
        status = request.POST.get("status")
        allowed = workflow.SET_BY_STATUS
        if not ids or status not in allowed:
            messages.error(request, _("Välj minst en händelse och en status."))
        else:
            visible = scope(Incident.objects.all(), request.user).filter(pk__in=ids)
            editable = [i for i in visible if request.user.has_perm("incidents.change_incident", i)]
            changed, refused = services.bulk_set_status(
                editable, status, request.user, request=request
            )
            messages.success(request, _("%(n)s händelser fick ny status.") % {"n": changed})
            for line in refused:
                messages.warning(request, line)
        return redirect(f"{reverse('incident-triage')}?{request.POST.get('query', '')}")


class ExportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """The filtered list as CSV, XLSX or GeoJSON; formula cells escaped; audit-logged."""

    permission_required = "incidents.export"

    def get(self, request, fmt):
        qs, _form = filter_incidents(request, offer_sources=False)
        n = qs.count()
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        if fmt == "csv":
            body = to_csv(EXPORT_HEADER, export_rows(qs))
        elif fmt == "xlsx":
            body = to_xlsx(EXPORT_HEADER, export_rows(qs), title="Händelser")
        elif fmt == "geojson":
            body = export_geojson(qs)
        else:
            raise Http404
        return downloads.download(
            request,
            body,
            f"handelser-{stamp}",
            fmt,
            action="incident.export",
            purpose=_("Export av händelselista"),
            details={"rows": n, "filters": request.GET.dict()},
        )
