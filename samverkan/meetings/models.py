"""The weekly meeting (veckomöte) of a partnership, in the EST way of working.

A partnership holds a :class:`MeetingSeries` (weekday, time, members). Each
:class:`Meeting` has an agenda built from what arrived since the previous meeting
(:mod:`samverkan.meetings.agenda`); in the meeting the coordinator records
:class:`PrioritisedPlace` rows for the coming week, short-term :class:`MeetingAction` rows
and notes. Closing freezes the minutes as a JSON and HTML snapshot.
"""

from __future__ import annotations

from datetime import datetime, time

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverkan.core.models import Area, Organisation, Partnership
from samverkan.meetings import workflow


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("måndag")
    TUESDAY = 1, _("tisdag")
    WEDNESDAY = 2, _("onsdag")
    THURSDAY = 3, _("torsdag")
    FRIDAY = 4, _("fredag")
    SATURDAY = 5, _("lördag")
    SUNDAY = 6, _("söndag")


class MeetingSeries(models.Model):
    """A partnership's recurring meeting: when it meets and who takes part."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="+", verbose_name=_("samverkan")
    )
    name = models.CharField(_("namn"), max_length=200)
    weekday = models.PositiveSmallIntegerField(
        _("veckodag"), choices=Weekday.choices, default=Weekday.TUESDAY
    )
    time = models.TimeField(_("klockslag"))
    member_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("deltagare")
    )
    member_organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="+", verbose_name=_("deltagande organisationer")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("mötesserie")
        verbose_name_plural = _("mötesserier")

    def __str__(self) -> str:
        return self.name


def _local_midnight() -> datetime:
    """The start of today in the deployment's time zone: a meeting's day is over before it."""
    return timezone.make_aware(datetime.combine(timezone.localdate(), time.min))


# The agenda, the minutes and their HTML are kilobytes each: lists, the start page and
# links to a meeting read its date and status only.
LARGE_FIELDS = ("agenda", "minutes", "minutes_html")


def without_large_fields(relation: str = "") -> tuple[str, ...]:
    """``defer()`` arguments for a meeting's large fields (``relation="meeting"`` through
    a join)."""
    prefix = f"{relation}__" if relation else ""
    return tuple(prefix + f for f in LARGE_FIELDS)


class Meeting(models.Model):
    """One meeting of a series, with its agenda and, once closed, its frozen minutes.

    ``agenda`` holds what :func:`samverkan.meetings.agenda.build_agenda` found for the
    window ``[window_start, window_end)``; ``minutes`` and ``minutes_html`` are written
    once, when the meeting is closed, and never again.
    """

    series = models.ForeignKey(
        MeetingSeries, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("serie")
    )
    starts_at = models.DateTimeField(_("mötet börjar"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=workflow.MEETING_STATUSES,
        default=workflow.PLANNED,
        db_index=True,
    )
    window_start = models.DateTimeField(_("nytt sedan"), null=True, blank=True)
    window_end = models.DateTimeField(_("nytt till"), null=True, blank=True)
    agenda = models.JSONField(_("dagordning"), default=dict, blank=True)
    agenda_built_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(_("anteckningar"), blank=True)
    minutes = models.JSONField(_("protokoll"), default=dict, blank=True)
    minutes_html = models.TextField(_("protokoll (HTML)"), blank=True)
    closed_at = models.DateTimeField(_("avslutat"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("möte")
        verbose_name_plural = _("möten")
        constraints = [
            models.UniqueConstraint(fields=["series", "starts_at"], name="meeting_unique_start")
        ]

    def __str__(self) -> str:
        return f"{self.series.name} {self.starts_at:%Y-%m-%d}"

    @property
    def is_closed(self) -> bool:
        return self.status == workflow.CLOSED

    @staticmethod
    def overdue_q() -> models.Q:
        """Planned, and its day is over (it started before today's local midnight) without
        the minutes being closed: held but never closed, or never held."""
        return models.Q(status=workflow.PLANNED, starts_at__lt=_local_midnight())

    @property
    def is_overdue(self) -> bool:
        """This meeting is in :meth:`overdue_q`: the list says so, so the coordinator holds
        it, closes it or plans the next one."""
        return self.status == workflow.PLANNED and self.starts_at < _local_midnight()

    @property
    def partnership(self) -> Partnership:
        return self.series.partnership

    def previous(self) -> Meeting | None:
        return (
            Meeting.objects.filter(series_id=self.series_id, starts_at__lt=self.starts_at)
            .defer(*LARGE_FIELDS)
            .order_by("-starts_at")
            .first()
        )


class PrioritisedPlace(models.Model):
    """A place the partners go to in the coming week: a point on the map or an area."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="places", verbose_name=_("möte")
    )
    name = models.CharField(_("plats"), max_length=200)
    lon = models.FloatField(_("longitud"), null=True, blank=True)
    lat = models.FloatField(_("latitud"), null=True, blank=True)
    area = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("område"),
    )
    reason = models.TextField(_("varför"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("vem går dit")
    )
    when = models.CharField(_("när"), max_length=200)
    position = models.PositiveSmallIntegerField(_("ordning"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("prioriterad plats")
        verbose_name_plural = _("prioriterade platser")

    def __str__(self) -> str:
        return self.name


class MeetingAction(models.Model):
    """A short-term action agreed in a meeting and followed up in the next ones."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="actions", verbose_name=_("beslutad på")
    )
    title = models.CharField(_("åtgärd"), max_length=300)
    owner_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("ansvarig")
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("ansvarig person"),
    )
    due_date = models.DateField(_("klart senast"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=workflow.ACTION_STATUSES,
        default=workflow.OPEN,
        db_index=True,
    )
    feedback = models.TextField(_("återkoppling"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("kortsiktig åtgärd")
        verbose_name_plural = _("kortsiktiga åtgärder")

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in workflow.OPEN_STATUSES
