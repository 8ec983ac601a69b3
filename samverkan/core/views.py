"""Pages of the core app: start page, area browser, organisations, audit log."""

from __future__ import annotations

from urllib.parse import urlencode

import rules
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Prefetch, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.generic import DetailView, ListView, TemplateView
from rules.contrib.views import PermissionRequiredMixin

from samverkan.core import approval, start_page
from samverkan.core.audit_actions import stored_names
from samverkan.core.json_response import JSONResponse
from samverkan.core.models import Area, AuditEvent, Organisation
from samverkan.core.params import BadParameter, parse_int_param
from samverkan.core.permissions import memberships, scope


class ScopedQuerysetMixin:
    """Lists and details show only what :func:`scope` lets the user see."""

    def get_queryset(self):
        return scope(super().get_queryset(), self.request.user)


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "core/home.html"
    permission_required = "authenticated"

    def get_context_data(self, **kwargs):
        from samverkan.core.models import Partnership

        ctx = super().get_context_data(**kwargs)
        ctx["memberships"] = memberships(self.request.user)
        ctx["panels"] = start_page.panels(self.request)
        # The areas' names only: their borders (megabytes for a municipality) are not shown.
        ctx["partnerships"] = scope(Partnership.objects.all(), self.request.user).prefetch_related(
            "organisations", Prefetch("areas", queryset=Area.objects.defer("geometry"))
        )
        ctx["configurable"] = {
            p.pk for p in ctx["partnerships"] if approval.may_configure(self.request.user, p)
        }
        return ctx


class AreaBrowserView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    """Area browser: search areas, see them on the map, walk the hierarchy."""

    model = Area
    template_name = "core/area_browser.html"
    permission_required = "core.view_area"
    paginate_by = 50

    def get_queryset(self):
        qs = (
            scope(Area.objects.all(), self.request.user)
            .select_related("parent")
            .defer("geometry", "parent__geometry")
        )
        self.level = self.request.GET.get("level") or Area.Level.MUNICIPALITY
        self.country = self.request.GET.get("country") or "SE"
        self.q = self.request.GET.get("q", "").strip()
        qs = qs.filter(country=self.country)
        if self.q:
            qs = qs.filter(Q(name__icontains=self.q) | Q(code__startswith=self.q))
        else:
            qs = qs.filter(level=self.level)
        return qs.annotate(n_children=Count("children")).order_by("name")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            level=self.level,
            country=self.country,
            q=self.q,
            levels=Area.Level.choices,
            countries=[("SE", "Sverige"), ("NO", "Norge")],
            geojson_url=f"{reverse('area-geojson')}?{urlencode({'level': self.level, 'country': self.country})}",
        )
        return ctx


class AreaDetailView(LoginRequiredMixin, PermissionRequiredMixin, ScopedQuerysetMixin, DetailView):
    model = Area
    template_name = "core/area_detail.html"
    permission_required = "core.view_area"

    def get_queryset(self):
        # The page names the area; its map reads the border from area-geojson.
        return super().get_queryset().defer("geometry")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["children"] = self.object.children.defer("geometry").order_by("name")
        ctx["ancestors"] = list(reversed(self.object.ancestors()))
        ctx["geojson_url"] = f"{reverse('area-geojson')}?id={self.object.pk}"
        ctx["children_geojson_url"] = f"{reverse('area-geojson')}?parent={self.object.pk}"
        return ctx


def _feature(area: Area, with_geometry: bool = True) -> dict:
    return {
        "type": "Feature",
        "id": area.pk,
        "properties": {
            "id": area.pk,
            "code": area.code,
            "name": area.name,
            "level": area.level,
            "url": f"/omraden/{area.pk}/",
        },
        "geometry": area.geometry if with_geometry else None,
    }


class AreaGeoJSONView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    """GeoJSON of one level (``?level=municipality&country=SE``) or one area's children."""

    model = Area
    permission_required = "core.view_area"

    def get(self, request, *args, **kwargs):
        qs = scope(Area.objects.all(), request.user)
        try:
            parent = parse_int_param(request.GET, "parent")
            area_id = parse_int_param(request.GET, "id")
        except BadParameter as exc:
            return JsonResponse({"error": str(exc)}, status=400)
        if parent is not None:
            qs = qs.filter(parent_id=parent)
        elif area_id is not None:
            qs = qs.filter(pk=area_id)
        else:
            qs = qs.filter(
                level=request.GET.get("level", Area.Level.MUNICIPALITY),
                country=request.GET.get("country", "SE"),
            )
        features = [_feature(a) for a in qs.only("id", "code", "name", "level", "geometry")]
        response = JSONResponse({"type": "FeatureCollection", "features": features})
        response["Cache-Control"] = "private, max-age=300"
        return response


class OrganisationListView(LoginRequiredMixin, ScopedQuerysetMixin, ListView):
    model = Organisation
    template_name = "core/organisation_list.html"
    permission_required = "authenticated"


class OrganisationDetailView(LoginRequiredMixin, PermissionRequiredMixin, DetailView):
    model = Organisation
    template_name = "core/organisation_detail.html"
    permission_required = "core.view_organisation"

    def get_object(self, queryset=None):
        return get_object_or_404(Organisation, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["members"] = self.object.memberships.select_related("user").order_by("user__username")
        ctx["partnerships"] = self.object.partnerships.all()
        from samverkan.core.two_factor import may_set_policy

        ctx["may_set_two_factor"] = may_set_policy(self.request.user, self.object)
        if rules.has_perm("core.view_auditlog", self.request.user):
            from samverkan.core.accounts import locked_usernames, may_unlock

            members = list(ctx["members"])
            locked = locked_usernames({m.user.username for m in members})
            ctx["members"] = members
            ctx["locked_user_ids"] = {
                m.user_id
                for m in members
                if m.user.username in locked and may_unlock(self.request.user, m.user)
            }
        return ctx


class AuditLogView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    model = AuditEvent
    template_name = "core/audit_log.html"
    permission_required = "core.view_auditlog"
    paginate_by = 100

    def get_queryset(self):
        qs = scope(AuditEvent.objects.all(), self.request.user).select_related("organisation")
        action = self.request.GET.get("action")
        if action:
            # Rows written under an action's earlier name are found by its current one.
            qs = qs.filter(Q(action__startswith=action) | Q(action__in=stored_names(action)))
        return qs


def bad_request(request, exception):
    """The 400 page: says which parameter was wrong when the view said so."""
    message = str(exception) if isinstance(exception, BadParameter) else ""
    return render(request, "core/bad_request.html", {"message": message}, status=400)


def health(request):
    """Health check for load balancers: this server and its database (core/health.py)."""
    from samverkan.core.health import web_health

    return web_health(request)


health.permission_required = "public"
