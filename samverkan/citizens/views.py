"""Public safety-walk pages (no login) and the coordinator's moderation queue."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from rules.contrib.views import PermissionRequiredMixin

from samverkan.citizens import challenge, hexmap, moderation, services
from samverkan.citizens.forms import AnswerForm, ConcernFormSet, DecisionForm, ObservationForm
from samverkan.citizens.models import Concern, Observation
from samverkan.citizens.permissions import coordinated_municipalities
from samverkan.citizens.public import resolve
from samverkan.core.audit import client_ip
from samverkan.core.json_response import JSONResponse
from samverkan.core.permissions import scope
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


def _decision_from(post) -> moderation.Decision:
    form = DecisionForm(post)
    form.is_valid()
    return moderation.Decision(
        action=post.get("action", ""),
        note=form.cleaned_data.get("note", ""),
        incident=form.cleaned_data.get("incident"),
        text=post.get("text", ""),
    )


QUEUE_PER_PAGE = 50


def _observations(user):
    return scope(
        Observation.objects.select_related("municipality", "district").defer(
            "municipality__geometry", "district__geometry"
        ),
        user,
    )


class QueueView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "citizens.moderate"

    def get(self, request):
        qs = _observations(request.user)
        # Paged: a campaign or a flood can leave hundreds waiting. Oldest first, so the
        # resident who has waited longest is answered first and none is pushed off page 1.
        pending = (
            qs.filter(status=Observation.Status.PENDING)
            .order_by("submitted_at", "id")
            .prefetch_related("concerns")
        )
        paginator = Paginator(pending, QUEUE_PER_PAGE)
        page = paginator.get_page(request.GET.get("page"))
        return render(
            request,
            "citizens/queue.html",
            {
                "pending": page.object_list,
                "page_obj": page,
                "paginator": paginator,
                "is_paginated": page.has_other_pages(),
                "decided": qs.exclude(status=Observation.Status.PENDING)[:50],
                "municipalities": list(coordinated_municipalities(request.user)),
            },
        )


class ObservationView(LoginRequiredMixin, PermissionRequiredMixin, View):
    # Listed through the registered scope: another partnership's observation is a 404.
    permission_required = "citizens.moderate"

    def get(self, request, pk):
        obs = get_object_or_404(_observations(request.user), pk=pk)
        return render(
            request,
            "citizens/observation.html",
            {
                "obs": obs,
                "decision_form": DecisionForm(),
                "answer_form": AnswerForm(),
                "nearby": moderation.nearby(obs, request.user),
                "has_contact": hasattr(obs, "contact"),
            },
        )

    def post(self, request, pk):
        obs = get_object_or_404(_observations(request.user), pk=pk)
        try:
            done = moderation.moderate(
                obs, _decision_from(request.POST), request.user, request=request
            )
        except moderation.UnknownAction:
            return HttpResponse(status=400)
        except moderation.ModerationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, done)
        return redirect("citizens-observation", pk=pk)


class PhotoView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "citizens.moderate"

    def get(self, request, pk):
        obs = get_object_or_404(_observations(request.user), pk=pk)
        return services.photo_response(obs)


class ConcernsView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "citizens.moderate"

    """The municipality's list of what residents can choose, edited by its coordinators."""

    def _municipality(self, request, code):
        municipality, _district = resolve(code)
        if not request.user.has_perm("citizens.edit_concerns", municipality):
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


# No login: the resident's form, its thanks page and the public map.
for _view in (thanks, outline, public_map, public_map_geojson):
    _view.permission_required = "public"
