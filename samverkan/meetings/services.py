"""Changes to meeting series, meetings, prioritised places and short-term actions.

One function per change, each in one transaction with its audit event
(:func:`samverkan.core.audit.record`). A closed meeting refuses every change: its minutes
are frozen (:func:`close_meeting`). Audit details name what changed, never free text.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from samverkan.core import audit, periods
from samverkan.core.models import Membership, Organisation, Partnership
from samverkan.core.permissions import acting_organisation
from samverkan.meetings import agenda as agenda_module
from samverkan.meetings import workflow
from samverkan.meetings.models import (
    Meeting,
    MeetingAction,
    MeetingSeries,
    PrioritisedPlace,
    without_large_fields,
)


class MeetingClosed(ValueError):
    """A change to a meeting whose minutes are frozen."""


def _record(action, obj, partnership, user, request=None, **details):
    audit.record(
        action,
        actor=user,
        obj=obj,
        organisation=acting_organisation(user, partnership.pk),
        request=request,
        details=details or None,
    )


def _open(meeting: Meeting) -> Meeting:
    """The meeting, locked for the change, or :class:`MeetingClosed`."""
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.is_closed:
        raise MeetingClosed("Mötet är avslutat: protokollet är fryst och kan inte ändras.")
    return locked


@transaction.atomic
def create_series(
    partnership: Partnership,
    user,
    *,
    name: str,
    weekday: int,
    at: time,
    member_users=(),
    member_organisations=(),
    request=None,
) -> MeetingSeries:
    series = MeetingSeries.objects.create(
        partnership=partnership, name=name, weekday=weekday, time=at, created_by=user
    )
    series.member_users.set(member_users)
    series.member_organisations.set(member_organisations)
    _record(
        audit.Action.MEETING_SERIES_CREATE,
        series,
        partnership,
        user,
        request,
        members=len(series.member_users.all()),
        organisations=len(series.member_organisations.all()),
    )
    return series


@transaction.atomic
def update_series(
    series: MeetingSeries,
    user,
    *,
    name: str,
    weekday: int,
    at: time,
    member_users=(),
    member_organisations=(),
    request=None,
) -> MeetingSeries:
    """Change a series' name, time and members; meetings already held keep their minutes."""
    series = MeetingSeries.objects.select_for_update().get(pk=series.pk)
    before = {
        "name": series.name,
        "weekday": series.weekday,
        "time": series.time,
        "member_users": set(series.member_users.values_list("pk", flat=True)),
        "member_organisations": set(series.member_organisations.values_list("pk", flat=True)),
    }
    series.name, series.weekday, series.time = name, weekday, at
    series.save(update_fields=["name", "weekday", "time"])
    series.member_users.set(member_users)
    series.member_organisations.set(member_organisations)
    after = {
        "name": series.name,
        "weekday": series.weekday,
        "time": series.time,
        "member_users": set(series.member_users.values_list("pk", flat=True)),
        "member_organisations": set(series.member_organisations.values_list("pk", flat=True)),
    }
    changed = sorted(k for k in before if before[k] != after[k])
    if changed:
        _record(
            audit.Action.MEETING_SERIES_UPDATE,
            series,
            series.partnership,
            user,
            request,
            fields=changed,
        )
    return series


def next_start(series: MeetingSeries, after: datetime | None = None) -> datetime:
    """The series' next weekday and time after ``after`` (default: its last meeting, or now)."""
    if after is None:
        last = series.meetings.order_by("-starts_at").first()
        after = last.starts_at if last else timezone.now()
    zone = periods.local_zone()
    day = timezone.localtime(after, zone).date()
    for step in range(8):
        candidate = datetime.combine(day + timedelta(days=step), series.time, zone)
        if candidate.weekday() == series.weekday and candidate > after:
            return candidate
    raise AssertionError("en vecka innehåller varje veckodag")  # pragma: no cover


@transaction.atomic
def create_meeting(
    series: MeetingSeries, user, *, starts_at: datetime | None = None, request=None
) -> Meeting:
    """A new meeting of the series, with its agenda built at once."""
    starts_at = starts_at or next_start(series)
    if series.meetings.filter(starts_at=starts_at).exists():
        raise ValueError("Serien har redan ett möte vid den tiden.")
    meeting = Meeting.objects.create(series=series, starts_at=starts_at)
    _store_agenda(meeting)
    _record(
        audit.Action.MEETING_CREATE,
        meeting,
        series.partnership,
        user,
        request,
        starts_at=starts_at.isoformat(),
    )
    return meeting


def _store_agenda(meeting: Meeting) -> None:
    start, end = agenda_module.window(meeting)
    meeting.agenda = agenda_module.build_agenda(meeting)
    meeting.window_start, meeting.window_end = start, end
    meeting.agenda_built_at = timezone.now()
    meeting.save(update_fields=["agenda", "window_start", "window_end", "agenda_built_at"])


@transaction.atomic
def rebuild_agenda(meeting: Meeting, user, *, request=None) -> Meeting:
    """Build the agenda again (reports that arrived since it was built are counted)."""
    meeting = _open(meeting)
    _store_agenda(meeting)
    _record(
        audit.Action.MEETING_BUILD_AGENDA,
        meeting,
        meeting.partnership,
        user,
        request,
        new=meeting.agenda["new"]["total"],
    )
    return meeting


@transaction.atomic
def save_notes(meeting: Meeting, user, text: str, *, request=None) -> Meeting:
    meeting = _open(meeting)
    meeting.notes = text
    meeting.save(update_fields=["notes"])
    _record(audit.Action.MEETING_SAVE_NOTES, meeting, meeting.partnership, user, request)
    return meeting


def _check_organisation(meeting: Meeting, organisation: Organisation) -> None:
    if not meeting.partnership.organisations.filter(pk=organisation.pk).exists():
        raise ValueError(f"{organisation} ingår inte i {meeting.partnership}.")


@transaction.atomic
def add_place(
    meeting: Meeting,
    user,
    *,
    name: str,
    reason: str,
    organisation: Organisation,
    when: str,
    lon: float | None = None,
    lat: float | None = None,
    area=None,
    request=None,
) -> PrioritisedPlace:
    """A prioritised place for the coming week: a point (lon, lat) or an area, or both."""
    meeting = _open(meeting)
    if area is None and (lon is None or lat is None):
        raise ValueError("Välj en punkt på kartan eller ett område.")
    _check_organisation(meeting, organisation)
    place = PrioritisedPlace.objects.create(
        meeting=meeting,
        name=name,
        reason=reason,
        organisation=organisation,
        when=when,
        lon=lon,
        lat=lat,
        area=area,
        position=meeting.places.count() + 1,
    )
    _record(
        audit.Action.MEETING_ADD_PLACE,
        place,
        meeting.partnership,
        user,
        request,
        meeting=meeting.pk,
        point=lon is not None,
        area=getattr(area, "pk", None),
    )
    return place


@transaction.atomic
def remove_place(place: PrioritisedPlace, user, *, request=None) -> None:
    meeting = _open(place.meeting)
    _record(
        audit.Action.MEETING_REMOVE_PLACE,
        place,
        meeting.partnership,
        user,
        request,
        meeting=meeting.pk,
    )
    place.delete()


@transaction.atomic
def add_action(
    meeting: Meeting,
    user,
    *,
    title: str,
    owner_organisation: Organisation,
    due_date: date,
    owner_user=None,
    request=None,
) -> MeetingAction:
    meeting = _open(meeting)
    _check_organisation(meeting, owner_organisation)
    if (
        owner_user is not None
        and not Membership.objects.filter(user=owner_user, organisation=owner_organisation).exists()
    ):
        raise ValueError(f"{owner_user} hör inte till {owner_organisation}.")
    action = MeetingAction.objects.create(
        meeting=meeting,
        title=title,
        owner_organisation=owner_organisation,
        owner_user=owner_user,
        due_date=due_date,
    )
    _record(
        audit.Action.MEETING_ADD_ACTION,
        action,
        meeting.partnership,
        user,
        request,
        meeting=meeting.pk,
    )
    return action


@transaction.atomic
def update_action(
    action: MeetingAction, user, *, status: str, feedback: str, request=None
) -> MeetingAction:
    """Follow up an action: its status (through the workflow table) and feedback text.

    An action is followed up in later meetings, so the action of a closed meeting may
    change; that meeting's minutes keep the action as it stood when they were frozen.
    """
    action = MeetingAction.objects.select_for_update().get(pk=action.pk)
    changed = []
    if status != action.status:
        workflow.ACTION.check(action.status, status)
        changed.append("status")
    if feedback != action.feedback:
        changed.append("feedback")
    if not changed:
        return action
    previous = action.status
    action.status, action.feedback = status, feedback
    action.save(update_fields=["status", "feedback", "updated_at"])
    _record(
        audit.Action.MEETING_UPDATE_ACTION,
        action,
        action.meeting.partnership,
        user,
        request,
        fields=changed,
        **({"from": previous, "to": status} if "status" in changed else {}),
    )
    return action


def open_actions(meeting: Meeting):
    """Actions of the series' earlier meetings that are not done: the agenda starts here."""
    return (
        MeetingAction.objects.filter(
            meeting__series_id=meeting.series_id,
            meeting__starts_at__lt=meeting.starts_at,
            status__in=workflow.OPEN_STATUSES,
        )
        .select_related("owner_organisation", "owner_user", "meeting")
        .defer(*without_large_fields("meeting"))
        .order_by("due_date", "pk")
    )


def followed_up_actions(meeting: Meeting):
    """The open actions, and the previous meeting's actions whatever their status."""
    previous = meeting.previous()
    qs = MeetingAction.objects.filter(
        meeting__series_id=meeting.series_id, meeting__starts_at__lt=meeting.starts_at
    )
    if previous is not None:
        from django.db.models import Q

        qs = qs.filter(Q(status__in=workflow.OPEN_STATUSES) | Q(meeting=previous))
    else:
        qs = qs.filter(status__in=workflow.OPEN_STATUSES)
    return (
        qs.select_related("owner_organisation", "owner_user", "meeting")
        .defer(*without_large_fields("meeting"))
        .order_by("due_date", "pk")
    )


def recipients(series: MeetingSeries) -> list[str]:
    """E-mail addresses of the members: named users and the member organisations' users."""
    User = get_user_model()
    users = User.objects.filter(is_active=True).exclude(email="")
    named = users.filter(pk__in=series.member_users.values("pk"))
    staff = users.filter(
        pk__in=Membership.objects.filter(organisation__in=series.member_organisations.all()).values(
            "user_id"
        )
    )
    return sorted(
        set(named.values_list("email", flat=True)) | set(staff.values_list("email", flat=True))
    )


def _action_row(a: MeetingAction) -> dict:
    return {
        "id": a.pk,
        "title": a.title,
        "owner_organisation": a.owner_organisation.name,
        "owner_user": (a.owner_user.get_full_name() or a.owner_user.username)
        if a.owner_user
        else "",
        "due_date": a.due_date.isoformat(),
        "status": a.status,
        "status_label": str(a.get_status_display()),
        "feedback": a.feedback,
        "meeting_date": timezone.localtime(a.meeting.starts_at).date().isoformat(),
    }


def minutes_of(meeting: Meeting, closed_by, closed_at: datetime) -> dict:
    """The minutes as data: everything the frozen record holds."""
    series = meeting.series
    agenda = meeting.agenda or {}
    new = agenda.get("new") or {}
    return {
        "series": series.name,
        "partnership": series.partnership.name,
        "starts_at": meeting.starts_at.isoformat(),
        "closed_at": closed_at.isoformat(),
        "closed_by": closed_by.get_full_name() or closed_by.username,
        "members": sorted(
            [u.get_full_name() or u.username for u in series.member_users.all()]
            + [o.name for o in series.member_organisations.all()]
        ),
        "window": agenda.get("window") or {},
        "new": {
            "total": new.get("total", 0),
            "by_source": [
                {k: s[k] for k in ("kind", "label", "count")} for s in new.get("by_source", [])
            ],
            "rows": [
                {k: r[k] for k in ("area", "category", "reports", "police", "other", "count")}
                for r in new.get("rows", [])
            ],
        },
        "flagged": {
            "repeat_places": len((agenda.get("flagged") or {}).get("repeat_places", [])),
            "near_repeat": len((agenda.get("flagged") or {}).get("near_repeat", [])),
            "hotspots": len((agenda.get("flagged") or {}).get("hotspots", [])),
        },
        "waiting_feedback": (agenda.get("waiting_feedback") or {}).get("count", 0),
        "followed_up": [_action_row(a) for a in followed_up_actions(meeting)],
        "places": [
            {
                "name": p.name,
                "lon": p.lon,
                "lat": p.lat,
                "area": p.area.name if p.area else "",
                "reason": p.reason,
                "organisation": p.organisation.name,
                "when": p.when,
            }
            for p in meeting.places.select_related("organisation", "area")
        ],
        "actions": [
            _action_row(a)
            for a in meeting.actions.select_related("owner_organisation", "owner_user", "meeting")
        ],
        "notes": meeting.notes,
    }


def _notify(meeting: Meeting, request=None) -> int:
    to = recipients(meeting.series)
    if not to:
        return 0
    path = reverse("meeting-minutes", args=[meeting.pk])
    base = getattr(settings, "PUBLIC_BASE_URL", "") or (
        request.build_absolute_uri("/").rstrip("/") if request is not None else ""
    )
    day = timezone.localtime(meeting.starts_at).date().isoformat()
    subject = f"Protokoll: {meeting.series.name} {day}"
    body = render_to_string(
        "meetings/minutes_mail.txt",
        {"meeting": meeting, "link": f"{base}{path}", "day": day, "minutes": meeting.minutes},
    )
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)
    return len(to)


def minutes_body(meeting: Meeting) -> str:
    """The minutes as HTML, rendered (autoescaped) from the frozen JSON ``minutes``.

    Pages and the PDF render this rather than the stored ``minutes_html``: stored HTML would
    be markup taken from the database, and the JSON is the record anyway. The minutes are
    the partnership's record, in the site's language whatever the reader's language.
    """
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(
            "meetings/minutes_body.html", {"minutes": meeting.minutes, "meeting": meeting}
        )


@transaction.atomic
def close_meeting(meeting: Meeting, user, *, request=None, now: datetime | None = None) -> Meeting:
    """Freeze the minutes (JSON and HTML) and send the members a link to them.

    The e-mail goes out after the transaction commits: a rollback sends nothing.
    """
    meeting = _open(meeting)
    workflow.MEETING.check(meeting.status, workflow.CLOSED)
    now = now or timezone.now()
    meeting.minutes = minutes_of(meeting, user, now)
    # The minutes are the partnership's record, in the site's language whatever the
    # language of the coordinator who closed the meeting.
    meeting.minutes_html = minutes_body(meeting)
    meeting.status = workflow.CLOSED
    meeting.closed_at, meeting.closed_by = now, user
    meeting.save(update_fields=["minutes", "minutes_html", "status", "closed_at", "closed_by"])
    _record(
        audit.Action.MEETING_CLOSE,
        meeting,
        meeting.partnership,
        user,
        request,
        places=len(meeting.minutes["places"]),
        actions=len(meeting.minutes["actions"]),
        recipients=len(recipients(meeting.series)),
    )
    transaction.on_commit(lambda: _notify(meeting, request))
    return meeting
