"""Public safety-walk pages (no login) and the coordinator's moderation queue."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from samverkan.citizens import challenge, hexmap, services
from samverkan.citizens.forms import AnswerForm, ConcernFormSet, DecisionForm, ObservationForm
from samverkan.citizens.models import Concern, Observation
from samverkan.citizens.public import resolve
from samverkan.core.audit import client_ip
from samverkan.core.json_response import JSONResponse
from samverkan.core.models import Area
from samverkan.core.permissions import (
    is_system_admin,
    partnership_area_ids,
    partnership_grants,
    scope,
)
from samverkan.core.roles import Role
from samverkan.incidents.models import Incident
from samverkan.incidents.photos import PhotoError, max_bytes, read_upload

DEVICE_COOKIE = "sv_device"
# Form fields and multipart overhead beside the photo.
FORM_OVERHEAD = 256 * 1024


def _with_device(response, request):
    if not request.COOKIES.get(DEVICE_COOKIE):
        response.set_cookie(
            DEVICE_COOKIE,
            secrets.token_urlsafe(18),
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


def _outline(area) -> dict:
    feats = []
    if area.geometry:
        feats.append(
            {"type": "Feature", "geometry": area.geometry, "properties": {"name": area.name}}
        )
    return {"type": "FeatureCollection", "features": feats}


class FormView(View):
    permission_required = "public"

    """The public form: a place, what makes it feel unsafe, optional text, photo, e-mail."""

    def _render(self, request, form, municipality, district, status=200):
        place = district or municipality
        response = render(
            request,
            "citizens/form.html",
            {
                "form": form,
                "place": place,
                "municipality": municipality,
                "challenge": form["challenge"].value(),
                "outline_url": reverse("citizens-outline", args=[place.code]),
            },
            status=status,
        )
        return _with_device(response, request)

    def _form(self, municipality, data=None, files=None):
        return ObservationForm(
            data,
            files,
            concerns=services.concerns_for(municipality),
            municipality=municipality,
            initial={"challenge": challenge.issue()},
        )

    def get(self, request, code):
        municipality, district = resolve(code)
        return self._render(request, self._form(municipality), municipality, district)

    def post(self, request, code):
        municipality, district = resolve(code)
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > max_bytes() + FORM_OVERHEAD:
            return HttpResponse(_("Det du skickade är för stort."), status=413)
        if request.POST.get("website"):
            # A robot filled the honeypot: it is told nothing, and nothing is stored.
            return redirect("citizens-thanks", code=code)
        form = self._form(municipality, request.POST, request.FILES)
        device = request.COOKIES.get(DEVICE_COOKIE)
        if not form.is_valid() or not device:
            if not device and form.is_bound:
                form.add_error(
                    None, _("Din webbläsare måste tillåta kakor för att skicka formuläret.")
                )
            fresh = form.data.copy()
            fresh["challenge"] = challenge.issue()
            form.data = fresh
            return self._render(request, form, municipality, district, status=400)
        d = form.cleaned_data
        photo = None
        try:
            if d.get("photo"):
                photo = read_upload(d["photo"])
            services.submit(
                services.Submission(
                    municipality=municipality,
                    district=district,
                    lon=d["lon"],
                    lat=d["lat"],
                    concerns=list(d["concerns"]),
                    text=d["text"],
                    photo=photo,
                    email=d["email"],
                    challenge=d["challenge"],
                    ip=client_ip(request) or "",
                    device=device,
                )
            )
        except services.RateLimited:
            return render(
                request, "citizens/limited.html", {"place": district or municipality}, status=429
            )
        except PhotoError as exc:
            form.add_error("photo", str(exc))
            return self._render(request, form, municipality, district, status=400)
        # Two posts of one answer at the same moment: the unique column stops the second.
        except (services.ChallengeSpent, IntegrityError):
            form.add_error(
                None, _("Formuläret har redan skickats. Ladda om sidan för att skicka igen.")
            )
            return self._render(request, form, municipality, district, status=400)
        return redirect("citizens-thanks", code=code)


def thanks(request, code):
    municipality, district = resolve(code)
    return render(
        request, "citizens/thanks.html", {"place": district or municipality, "code": code}
    )


def outline(request, code):
    municipality, district = resolve(code)
    return JSONResponse(_outline(district or municipality))


def public_map(request, code):
    municipality, _district = resolve(code)
    data = hexmap.public_map(municipality)
    notes = [n for f in data["features"] for n in f["properties"]["notes"]]
    return render(
        request,
        "citizens/map.html",
        {"municipality": municipality, "data": data, "notes": notes, "code": code},
    )


def public_map_geojson(request, code):
    municipality, _district = resolve(code)
    return JSONResponse(hexmap.public_map(municipality))


def moderated(user):
    """Observations in the areas a coordinator reaches through their partnerships."""
    qs = Observation.objects.select_related("municipality", "district")
    if is_system_admin(user):
        return qs
    if not partnership_grants(user, [Role.COORDINATOR]):
        raise PermissionDenied
    reach = _reach_ids(user)
    # A coordinator limited to a district moderates that district's observations only.
    return qs.filter(Q(municipality_id__in=reach) | Q(district_id__in=reach))


class QueueView(LoginRequiredMixin, View):
    # Enforced by moderated() / _reaches(): a coordinator of a partnership reaching the area.
    permission_required = "citizens.moderate"

    def get(self, request):
        qs = moderated(request.user)
        return render(
            request,
            "citizens/queue.html",
            {
                "pending": qs.filter(status=Observation.Status.PENDING).prefetch_related(
                    "concerns"
                ),
                "decided": qs.exclude(status=Observation.Status.PENDING)[:50],
                "municipalities": [m for m in _coordinated_municipalities(request.user)],
            },
        )


def _nearby(obs, user):
    # About 300 m around the point: the reports a merge is likely to join.
    d = 0.003
    return scope(Incident.objects.all(), user).filter(
        lon__range=(obs.lon - 2 * d, obs.lon + 2 * d), lat__range=(obs.lat - d, obs.lat + d)
    )[:10]


class ObservationView(LoginRequiredMixin, View):
    # Enforced by moderated() / _reaches(): a coordinator of a partnership reaching the area.
    permission_required = "citizens.moderate"

    def get(self, request, pk):
        obs = get_object_or_404(moderated(request.user), pk=pk)
        return render(
            request,
            "citizens/observation.html",
            {
                "obs": obs,
                "decision_form": DecisionForm(),
                "answer_form": AnswerForm(),
                "nearby": _nearby(obs, request.user),
                "has_contact": hasattr(obs, "contact"),
            },
        )

    def post(self, request, pk):
        obs = get_object_or_404(moderated(request.user), pk=pk)
        action = request.POST.get("action")
        form = DecisionForm(request.POST)
        form.is_valid()
        note = form.cleaned_data.get("note", "")
        try:
            if action == "accept":
                services.accept(obs, request.user, note=note, request=request)
                messages.success(request, _("Observationen är godtagen och finns nu som händelse."))
            elif action == "merge":
                incident = (
                    scope(Incident.objects.all(), request.user)
                    .filter(pk=form.cleaned_data.get("incident"))
                    .first()
                )
                if incident is None:
                    messages.error(request, _("Välj en rapport som du har tillgång till."))
                    return redirect("citizens-observation", pk=pk)
                services.merge(obs, incident, request.user, note=note, request=request)
                messages.success(request, _("Observationen är sammanförd med rapporten."))
            elif action == "reject":
                services.reject(obs, request.user, request=request)
                messages.success(request, _("Observationen är avvisad."))
            elif action == "answer":
                answer = AnswerForm(request.POST)
                if not answer.is_valid():
                    messages.error(request, _("Skriv ett svar."))
                    return redirect("citizens-observation", pk=pk)
                services.answer(obs, answer.cleaned_data["text"], request.user, request=request)
                messages.success(request, _("Svaret är skickat och e-postadressen raderad."))
            else:
                return HttpResponse(status=400)
        except ValueError as exc:
            messages.error(request, str(exc))
        return redirect("citizens-observation", pk=pk)


class PhotoView(LoginRequiredMixin, View):
    # Enforced by moderated() / _reaches(): a coordinator of a partnership reaching the area.
    permission_required = "citizens.moderate"

    def get(self, request, pk):
        obs = get_object_or_404(moderated(request.user), pk=pk)
        if not obs.photo:
            raise Http404
        response = HttpResponse(bytes(obs.photo), content_type="image/jpeg")
        response["Cache-Control"] = "private, no-store"
        return response


class ConcernsView(LoginRequiredMixin, View):
    # Enforced by moderated() / _reaches(): a coordinator of a partnership reaching the area.
    permission_required = "citizens.moderate"

    """The municipality's list of what residents can choose, edited by its coordinators."""

    def _municipality(self, request, code):
        municipality, _district = resolve(code)
        if not _reaches(request.user, municipality):
            raise Http404
        return municipality

    def _render(self, request, municipality, formset):
        return render(
            request, "citizens/concerns.html", {"municipality": municipality, "formset": formset}
        )

    def get(self, request, code):
        municipality = self._municipality(request, code)
        services.concerns_for(municipality)
        qs = Concern.objects.filter(municipality=municipality)
        return self._render(request, municipality, ConcernFormSet(queryset=qs))

    def post(self, request, code):
        municipality = self._municipality(request, code)
        qs = Concern.objects.filter(municipality=municipality)
        formset = ConcernFormSet(request.POST, queryset=qs)
        if not formset.is_valid():
            return self._render(request, municipality, formset)
        services.save_concerns(municipality, formset, request.user, request=request)
        messages.success(request, _("Listan är sparad."))
        return redirect("citizens-concerns", code=code)


def _reaches(user, municipality) -> bool:
    if is_system_admin(user):
        return True
    if not partnership_grants(user, [Role.COORDINATOR]):
        raise PermissionDenied
    return municipality.pk in _reach_ids(user)


def _coordinated_municipalities(user):
    """The municipalities whose list of concerns the user may edit (whole ones only)."""
    return list(
        Area.objects.filter(
            level=Area.Level.MUNICIPALITY, valid_to__isnull=True, pk__in=_reach_ids(user)
        )
    )


def _reach_ids(user) -> set[int]:
    reach: set[int] = set()
    for pid, limit in partnership_grants(user, [Role.COORDINATOR]).items():
        areas = partnership_area_ids([pid])
        reach |= areas if limit is None else areas & limit
    return reach


# No login: the resident's form, its thanks page and the public map.
for _view in (thanks, outline, public_map, public_map_geojson):
    _view.permission_required = "public"
