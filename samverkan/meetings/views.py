"""Pages of the weekly meeting: series, the meeting with its agenda, minutes, places.

Every view declares its permission. Objects are looked up through :func:`scope` (or the
members' series), so another partnership's meeting is a 404.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from rules.contrib.views import PermissionRequiredMixin

from samverkan.core import audit, downloads
from samverkan.core.models import Partnership
from samverkan.core.permissions import is_system_admin_user, scope
from samverkan.incidents.views import outline_url
from samverkan.meetings import permissions as perms
from samverkan.meetings import services, workflow
from samverkan.meetings.forms import (
    ActionForm,
    ActionUpdateForm,
    MeetingForm,
    NotesForm,
    PlaceForm,
    SeriesForm,
)
from samverkan.meetings.models import (
    Meeting,
    MeetingAction,
    MeetingSeries,
    PrioritisedPlace,
    without_large_fields,
)


def incident_list_url(partnership_id: int, ids) -> str:
    """The incident list showing exactly ``ids``, counted as the partnership's picture."""
    query = {"partnership": partnership_id, "ids": ",".join(str(i) for i in ids)}
    return f"{reverse('incident-triage')}?{urlencode(query)}"


def _editable_partnerships(user):
    if is_system_admin_user(user):
        return Partnership.objects.order_by("name")
    return Partnership.objects.filter(pk__in=perms.editable_partnership_ids(user)).order_by("name")


class HomeView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "meetings.view"

    def get(self, request):
        series = scope(MeetingSeries.objects.select_related("partnership"), request.user)
        rows = [
            {
                "series": s,
                "meetings": list(
                    s.meetings.defer(*without_large_fields()).order_by("-starts_at")[:10]
                ),
                "can_edit": request.user.has_perm("meetings.change_object", s),
            }
            for s in series
        ]
        return render(
            request,
            "meetings/home.html",
            {"rows": rows, "can_add": request.user.has_perm("meetings.add")},
        )


class SeriesCreateView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "meetings.add"

    def get(self, request):
        form = SeriesForm(partnerships=_editable_partnerships(request.user))
        return render(request, "meetings/series_form.html", {"form": form})

    def post(self, request):
        form = SeriesForm(request.POST, partnerships=_editable_partnerships(request.user))
        if not form.is_valid():
            return render(request, "meetings/series_form.html", {"form": form})
        d = form.cleaned_data
        series = services.create_series(
            d["partnership"],
            request.user,
            name=d["name"],
            weekday=d["weekday"],
            at=d["time"],
            member_users=d["member_users"],
            member_organisations=d["member_organisations"],
            request=request,
        )
        messages.success(request, "Mötesserien är skapad.")
        return redirect(f"{reverse('meetings-home')}#serie-{series.pk}")


class ObjectView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Loads ``self.object`` through the user's scope: not visible is 404, not allowed 403."""

    model = Meeting
    permission_required = "meetings.view_object"

    def get_permission_object(self):
        if not hasattr(self, "object"):
            self.object = get_object_or_404(
                scope(self.model.objects.all(), self.request.user), pk=self.kwargs["pk"]
            )
        return self.object


class SeriesEditView(ObjectView):
    """Change a series' name, weekday, time and members (its partnership stays)."""

    model = MeetingSeries
    permission_required = "meetings.change_object"

    def form(self, data=None):
        series = self.object
        initial = {
            "partnership": series.partnership_id,
            "name": series.name,
            "weekday": series.weekday,
            "time": series.time,
            "member_users": list(series.member_users.values_list("pk", flat=True)),
            "member_organisations": list(series.member_organisations.values_list("pk", flat=True)),
        }
        partnerships = Partnership.objects.filter(pk=series.partnership_id)
        return SeriesForm(data, initial=initial, partnerships=partnerships)

    def get(self, request, pk):
        return render(
            request, "meetings/series_form.html", {"form": self.form(), "series": self.object}
        )

    def post(self, request, pk):
        form = self.form(request.POST)
        if not form.is_valid():
            return render(
                request, "meetings/series_form.html", {"form": form, "series": self.object}
            )
        d = form.cleaned_data
        services.update_series(
            self.object,
            request.user,
            name=d["name"],
            weekday=d["weekday"],
            at=d["time"],
            member_users=d["member_users"],
            member_organisations=d["member_organisations"],
            request=request,
        )
        messages.success(request, "Mötesserien är ändrad.")
        return redirect(f"{reverse('meetings-home')}#serie-{self.object.pk}")


class MeetingCreateView(ObjectView):
    model = MeetingSeries
    permission_required = "meetings.change_object"

    def get(self, request, pk):
        initial = {"starts_at": timezone.localtime(services.next_start(self.object))}
        return render(
            request,
            "meetings/meeting_form.html",
            {"form": MeetingForm(initial=initial), "series": self.object},
        )

    def post(self, request, pk):
        form = MeetingForm(request.POST)
        if form.is_valid():
            try:
                meeting = services.create_meeting(
                    self.object,
                    request.user,
                    starts_at=form.cleaned_data["starts_at"],
                    request=request,
                )
            except ValueError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Mötet är skapat och dagordningen sammanställd.")
                return redirect("meeting-detail", pk=meeting.pk)
        return render(request, "meetings/meeting_form.html", {"form": form, "series": self.object})


def _places_geojson(places) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [p["lon"], p["lat"]]},
                "properties": {"name": p["name"]},
            }
            for p in places
            if p.get("lon") is not None and p.get("lat") is not None
        ],
    }


def _place_rows(meeting: Meeting) -> list[dict]:
    return [
        {
            "id": p.pk,
            "name": p.name,
            "lon": p.lon,
            "lat": p.lat,
            "area": p.area.name if p.area else "",
            "reason": p.reason,
            "organisation": p.organisation.name,
            "when": p.when,
        }
        for p in meeting.places.select_related("area", "organisation").defer("area__geometry")
    ]


def _municipality(partnership):
    # Names and links only: the map reads the outlines from area-geojson.
    areas = partnership.areas.defer("geometry")
    return areas.filter(level="municipality").order_by("name").first() or areas.first()


class MeetingDetailView(ObjectView):
    """The meeting: open actions first, then the agenda, then what the meeting decides."""

    def context(self, **forms) -> dict:
        meeting = self.object
        pid = meeting.series.partnership_id
        agenda = meeting.agenda or {}
        # The incident list is the coordinators' (a steering group member would be
        # refused it): others see the counts without the links.
        may_list = self.request.user.has_perm("incidents.triage")

        def link(ids) -> str:
            return incident_list_url(pid, ids) if may_list and ids else ""

        new = agenda.get("new") or {}
        for row in new.get("rows", []):
            row["url"] = link(row["ids"])
        for src in new.get("by_source", []):
            src["url"] = link(src["ids"]) if src["count"] else ""
        flagged = agenda.get("flagged") or {}
        for place in flagged.get("repeat_places", []):
            place["url"] = link(place.get("incident_ids", []))
        waiting = agenda.get("waiting_feedback") or {}
        if waiting.get("count"):
            waiting["url"] = link(waiting.get("ids", []))
        can_edit = self.request.user.has_perm("meetings.change_object", meeting) and (
            not meeting.is_closed
        )
        partnership = meeting.series.partnership
        followed = list(services.followed_up_actions(meeting))
        places = _place_rows(meeting)
        municipality = _municipality(partnership)
        ctx = {
            "meeting": meeting,
            "previous": meeting.previous(),
            "agenda": agenda,
            "new": new,
            "flagged": flagged,
            "waiting": waiting,
            "followed": [
                {
                    "action": a,
                    "form": ActionUpdateForm(
                        initial={"status": a.status, "feedback": a.feedback}, prefix=f"a{a.pk}"
                    ),
                }
                for a in followed
            ],
            "places": places,
            # The point is picked inside the partnership's municipality, its districts drawn.
            "pick_geojson_url": f"{reverse('area-geojson')}?id={municipality.pk}"
            if municipality
            else "",
            "areas_url": outline_url(municipality),
            "actions": list(meeting.actions.select_related("owner_organisation", "owner_user")),
            "can_edit": can_edit,
            "place_form": forms.get("place_form") or PlaceForm(partnership=partnership),
            "action_form": forms.get("action_form") or ActionForm(partnership=partnership),
            "notes_form": forms.get("notes_form") or NotesForm(initial={"notes": meeting.notes}),
        }
        return ctx

    def get(self, request, pk):
        return render(request, "meetings/meeting.html", self.context())


class MeetingChangeView(ObjectView):
    """POST-only changes to an open meeting; a closed meeting answers with a message.

    ``self.meeting`` is the meeting changed: the object itself, or for a place or an
    action the meeting it is handled in (:meth:`meeting_of`).
    """

    permission_required = "meetings.change_object"

    def meeting_of(self, obj) -> Meeting:
        return obj

    def post(self, request, pk):
        self.meeting = self.meeting_of(self.object)
        try:
            response = self.change(request)
        except (services.MeetingClosed, workflow.TransitionError, ValueError) as exc:
            messages.error(request, str(exc))
            return redirect("meeting-detail", pk=self.meeting.pk)
        return response or redirect("meeting-detail", pk=self.meeting.pk)

    def change(self, request):
        raise NotImplementedError

    def invalid(self, **forms):
        view = MeetingDetailView()
        view.request, view.object, view.kwargs = self.request, self.meeting, self.kwargs
        return render(self.request, "meetings/meeting.html", view.context(**forms), status=400)


class AgendaRebuildView(MeetingChangeView):
    def change(self, request):
        services.rebuild_agenda(self.meeting, request.user, request=request)
        messages.success(request, "Dagordningen är sammanställd på nytt.")


class NotesView(MeetingChangeView):
    def change(self, request):
        form = NotesForm(request.POST)
        if not form.is_valid():
            return self.invalid(notes_form=form)
        services.save_notes(self.meeting, request.user, form.cleaned_data["notes"], request=request)
        messages.success(request, "Anteckningarna är sparade.")


class PlaceAddView(MeetingChangeView):
    def change(self, request):
        form = PlaceForm(request.POST, partnership=self.object.series.partnership)
        if not form.is_valid():
            return self.invalid(place_form=form)
        d = form.cleaned_data
        services.add_place(
            self.object,
            request.user,
            name=d["name"],
            reason=d["reason"],
            organisation=d["organisation"],
            when=d["when"],
            lon=d.get("lon"),
            lat=d.get("lat"),
            area=d.get("area"),
            request=request,
        )
        messages.success(request, "Platsen är prioriterad.")
        return redirect(f"{reverse('meeting-detail', args=[self.object.pk])}#platser")


class PlaceRemoveView(MeetingChangeView):
    model = PrioritisedPlace

    def meeting_of(self, obj) -> Meeting:
        return obj.meeting

    def change(self, request):
        services.remove_place(self.object, request.user, request=request)
        messages.success(request, "Platsen är borttagen.")


class ActionAddView(MeetingChangeView):
    def change(self, request):
        form = ActionForm(request.POST, partnership=self.object.series.partnership)
        if not form.is_valid():
            return self.invalid(action_form=form)
        d = form.cleaned_data
        services.add_action(
            self.object,
            request.user,
            title=d["title"],
            owner_organisation=d["owner_organisation"],
            owner_user=d.get("owner_user"),
            due_date=d["due_date"],
            request=request,
        )
        messages.success(request, "Åtgärden är beslutad.")
        return redirect(f"{reverse('meeting-detail', args=[self.object.pk])}#atgarder")


class ActionUpdateView(MeetingChangeView):
    """Follow up an earlier meeting's action in a later, open meeting (POST ``meeting``)."""

    model = MeetingAction

    def meeting_of(self, obj) -> Meeting:
        try:
            pk = int(self.request.POST.get("meeting", ""))
        except ValueError:
            raise Http404 from None
        return get_object_or_404(Meeting.objects.filter(series_id=obj.meeting.series_id), pk=pk)

    def change(self, request):
        if self.meeting.is_closed:
            raise services.MeetingClosed("Mötet är avslutat: protokollet är fryst.")
        obj = get_object_or_404(services.followed_up_actions(self.meeting), pk=self.object.pk)
        form = ActionUpdateForm(request.POST, prefix=f"a{obj.pk}")
        if not form.is_valid():
            messages.error(request, "Ange en giltig status.")
            return None
        services.update_action(
            obj,
            request.user,
            status=form.cleaned_data["status"],
            feedback=form.cleaned_data["feedback"],
            request=request,
        )
        messages.success(request, f"Åtgärden ”{obj.title}” är uppföljd.")
        return redirect(f"{reverse('meeting-detail', args=[self.meeting.pk])}#uppfoljning")


class CloseView(MeetingChangeView):
    def change(self, request):
        if not request.POST.get("confirm"):
            raise ValueError("Bekräfta att protokollet fryses och inte kan ändras.")
        services.close_meeting(self.meeting, request.user, request=request)
        messages.success(
            request, "Mötet är avslutat. Protokollet är fryst och skickat till deltagarna."
        )
        return redirect("meeting-minutes", pk=self.object.pk)


class MinutesObjectView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """A closed meeting's frozen minutes: for every member of the series."""

    permission_required = "meetings.view_minutes"

    def get_permission_object(self):
        if not hasattr(self, "object"):
            series = perms.member_series(self.request.user)
            self.object = get_object_or_404(
                Meeting.objects.select_related("series__partnership").filter(series__in=series),
                pk=self.kwargs["pk"],
            )
        return self.object


class MinutesView(MinutesObjectView):
    def get(self, request, pk):
        return render(
            request,
            "meetings/minutes.html",
            {
                "meeting": self.object,
                "minutes_body": services.minutes_body(self.object),
                "can_open": request.user.has_perm("meetings.view_object", self.object),
            },
        )


def _filename(meeting: Meeting) -> str:
    day = timezone.localtime(meeting.starts_at).date().isoformat()
    return f"protokoll-{meeting.series.pk}-{day}"


class MinutesPdfView(MinutesObjectView):
    def get(self, request, pk):
        return downloads.pdf_download(
            request,
            "meetings/minutes_pdf.html",
            {"meeting": self.object, "minutes_body": services.minutes_body(self.object)},
            _filename(self.object),
            action=audit.Action.MEETING_EXPORT_MINUTES,
            obj=self.object,
            inline=True,
        )


class MinutesDocxView(MinutesObjectView):
    def get(self, request, pk):
        from samverkan.meetings.docx import minutes_docx

        return downloads.download(
            request,
            minutes_docx(self.object),
            _filename(self.object),
            "docx",
            action=audit.Action.MEETING_EXPORT_MINUTES,
            obj=self.object,
        )


class PlacesView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """The prioritised places of each series' latest closed meeting, for a phone."""

    permission_required = "meetings.places"

    def get(self, request):
        blocks = []
        for series in perms.member_series(request.user).select_related("partnership"):
            # The places are read from the frozen minutes; the agenda and the HTML are not.
            meeting = (
                series.meetings.filter(status=workflow.CLOSED)
                .defer("agenda", "minutes_html")
                .order_by("-starts_at")
                .first()
            )
            if meeting is None:
                continue
            places = meeting.minutes.get("places", [])
            blocks.append(
                {
                    "series": series,
                    "meeting": meeting,
                    "places": places,
                    "geojson": _places_geojson(places),
                    "script_id": f"places-{series.pk}",
                    "areas_url": outline_url(_municipality(series.partnership)),
                }
            )
        return render(request, "meetings/places.html", {"blocks": blocks})
