"""Pages for own areas: the list, drawing a new one, its page with the linking progress,
editing and deleting (core/own_areas.py holds the rules)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View

from samverkan.core import own_areas
from samverkan.core.models import Area, AreaLinkJob
from samverkan.core.views import _feature


class OwnAreaForm(forms.Form):
    name = forms.CharField(label=_("Namn"), max_length=own_areas.NAME_MAX)
    partnership = forms.TypedChoiceField(label=_("Samverkan"), coerce=int)
    # Filled in by draw_area.js from the polygons on the map (GeoJSON).
    geometry = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, partnerships=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.partnerships = {p.pk: p for p in partnerships}
        self.fields["partnership"].choices = [(p.pk, p.name) for p in partnerships]


def _own_area(user, pk: int) -> Area:
    """The own area if the user's partnership owns it; 404 otherwise (not even its name)."""
    return get_object_or_404(own_areas.own_areas_for(user), pk=pk)


def _map_context(areas: list[Area]) -> dict:
    """Municipalities inline (labelled outlines) and the first one's districts around them."""
    return {
        "municipalities": {
            "type": "FeatureCollection",
            "features": [_feature(a) for a in areas],
        },
        "districts_url": (f"{reverse('area-geojson')}?parent={areas[0].pk}" if areas else ""),
    }


def _say(request, result) -> None:
    for note in result.notes:
        messages.warning(request, note)


class OwnAreaListView(LoginRequiredMixin, TemplateView):
    """The partnership's own areas and, for coordinators, the way to draw a new one."""

    template_name = "core/own_area_list.html"
    permission_required = "authenticated"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["areas"] = (
            own_areas.own_areas_for(self.request.user)
            .defer("geometry")
            .order_by("owner_partnership__name", "name")
        )
        ctx["may_draw"] = bool(own_areas.coordinator_partnerships(self.request.user))
        return ctx


class OwnAreaCreateView(LoginRequiredMixin, TemplateView):
    """Draw a new own area on the map (Leaflet-Geoman), name it and save."""

    template_name = "core/own_area_form.html"
    permission_required = "partnership_coordinator"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.partnerships = own_areas.coordinator_partnerships(request.user)
        if not self.partnerships:
            raise PermissionDenied(gettext("Bara samordnare kan rita egna områden."))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, form=None, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = form or OwnAreaForm(
            partnerships=self.partnerships, initial={"partnership": self.partnerships[0].pk}
        )
        chosen = form.partnerships.get(_int(form["partnership"].value())) or self.partnerships[0]
        ctx.update(
            form=form,
            heading=gettext("Rita nytt område"),
            editing=None,
            next=self._next(),
            **_map_context(own_areas.municipalities_of(chosen)),
        )
        return ctx

    def _next(self) -> str:
        """Where to go after saving when a page sent the coordinator here to draw (an
        evaluation's form); only a path on this site."""
        url = self.request.POST.get("next") or self.request.GET.get("next") or ""
        ok = url_has_allowed_host_and_scheme(
            url, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        )
        return url if ok else ""

    def post(self, request, *args, **kwargs):
        form = OwnAreaForm(request.POST, partnerships=self.partnerships)
        if form.is_valid():
            partnership = form.partnerships[form.cleaned_data["partnership"]]
            try:
                result = own_areas.create_own_area(
                    request.user,
                    partnership=partnership,
                    name=form.cleaned_data["name"],
                    geometry=form.cleaned_data["geometry"],
                    request=request,
                )
            except own_areas.OwnAreaError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, gettext("Området %(name)s är sparat.") % {"name": result.area.name}
                )
                _say(request, result)
                return redirect(
                    self._next() or reverse("own-area-detail", kwargs={"pk": result.area.pk})
                )
        return self.render_to_response(self.get_context_data(form=form), status=400)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class OwnAreaDetailView(LoginRequiredMixin, TemplateView):
    """An own area: its map, who drew it, and the progress of linking its incidents."""

    template_name = "core/own_area_detail.html"
    permission_required = "own_area_partnership_member"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        area = _own_area(self.request.user, self.kwargs["pk"])
        job = area.link_jobs.order_by("-pk").first()
        ctx.update(
            area=area,
            may_edit=own_areas.may_edit(self.request.user, area),
            job=job,
            progress_text=progress_text(job),
            geojson_url=f"{reverse('area-geojson')}?id={area.pk}",
            districts_url=(
                f"{reverse('area-geojson')}?parent={area.parent_id}" if area.parent_id else ""
            ),
            borders=area.borders.order_by("-pk")[:10],
        )
        return ctx


class OwnAreaEditView(LoginRequiredMixin, TemplateView):
    """Rename the area or move its border (Geoman's edit mode on the drawn polygon)."""

    template_name = "core/own_area_form.html"
    permission_required = "own_area_coordinator"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.area = _own_area(request.user, kwargs["pk"])
        if not own_areas.may_edit(request.user, self.area):
            raise PermissionDenied(gettext("Bara samverkans samordnare kan ändra området."))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, form=None, **kwargs):
        ctx = super().get_context_data(**kwargs)
        partnership = self.area.owner_partnership
        form = form or OwnAreaForm(
            partnerships=[partnership],
            initial={"name": self.area.name, "partnership": partnership.pk},
        )
        ctx.update(
            form=form,
            heading=gettext("Ändra %(name)s") % {"name": self.area.name},
            editing=self.area,
            editing_feature={
                "type": "FeatureCollection",
                "features": [_feature(self.area)],
            },
            **_map_context(own_areas.municipalities_of(partnership)),
        )
        return ctx

    def post(self, request, *args, **kwargs):
        partnership = self.area.owner_partnership
        form = OwnAreaForm(request.POST, partnerships=[partnership])
        if form.is_valid():
            try:
                result = own_areas.update_own_area(
                    request.user,
                    self.area,
                    name=form.cleaned_data["name"],
                    geometry=form.cleaned_data["geometry"] or None,
                    request=request,
                )
            except own_areas.OwnAreaError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, gettext("Ändringen är sparad."))
                _say(request, result)
                return redirect("own-area-detail", pk=self.area.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class OwnAreaDeleteView(LoginRequiredMixin, TemplateView):
    """Delete an own area, unless a lägesbild, evaluation, problem ... uses it."""

    template_name = "core/own_area_delete.html"
    permission_required = "own_area_coordinator"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.area = _own_area(request.user, kwargs["pk"])
        if not own_areas.may_edit(request.user, self.area):
            raise PermissionDenied(gettext("Bara samverkans samordnare kan ta bort området."))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(area=self.area, uses=own_areas.uses_of(self.area))
        return ctx

    def post(self, request, *args, **kwargs):
        try:
            own_areas.delete_own_area(request.user, self.area, request=request)
        except own_areas.OwnAreaError as exc:
            messages.error(request, str(exc))
            return redirect("own-area-delete", pk=self.area.pk)
        messages.success(
            request, gettext("Området %(name)s är borttaget.") % {"name": self.area.name}
        )
        return redirect("own-area-list")


def progress_text(job: AreaLinkJob | None) -> str:
    """What the area's page says about linking its incidents."""
    if job is None:
        return ""
    if job.status == AreaLinkJob.Status.DONE:
        return gettext("Klart: %(n)d händelser i området.") % {"n": job.linked}
    if job.status == AreaLinkJob.Status.RUNNING:
        return gettext("Kopplar händelser till området: %(done)d av %(total)d prövade.") % {
            "done": job.done,
            "total": job.total,
        }
    if job.status == AreaLinkJob.Status.QUEUED:
        return gettext("Väntar på att bakgrundsarbetaren ska koppla händelserna till området.")
    if job.status == AreaLinkJob.Status.SUPERSEDED:
        return gettext("En senare ändring av området kopplar om händelserna.")
    return gettext("Kopplingen misslyckades: %(message)s") % {"message": job.message}


class OwnAreaProgressView(LoginRequiredMixin, View):
    """JSON of the latest linking job of an own area, polled by link_progress.js."""

    permission_required = "own_area_partnership_member"

    def get(self, request, pk):
        area = _own_area(request.user, pk)
        job = area.link_jobs.order_by("-pk").first()
        if job is None:
            raise Http404
        response = JsonResponse(
            {
                "status": job.status,
                "done": job.done,
                "total": job.total,
                "linked": job.linked,
                "finished": job.status not in (job.Status.QUEUED, job.Status.RUNNING),
                "text": progress_text(job),
            }
        )
        response["Cache-Control"] = "no-store"
        return response
