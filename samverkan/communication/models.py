"""The communication plan: planned communication activities of a partnership.

A partnership (samverkan) is the unit the product plans in, and local police areas are
imported as areas, not partnerships, so the plan is kept per partnership and an activity
may be narrowed to one of its areas (a local police area, a district). Each activity says
to whom (målgrupp), what (budskap), through which channel, when and by whom, may be tied
to the partnership's measures and citizen promises, and records what was actually done.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverkan.communication import workflow
from samverkan.core.models import Area, Organisation, Partnership
from samverkan.plans.models import CitizenPromise, Measure

DEFAULT_CHANNELS = ["Webb", "Sociala medier", "Brev", "Möte", "Lokaltidning", "Affisch"]


class Channel(models.Model):
    """A way of reaching people (webb, sociala medier, brev …); the list is editable."""

    name = models.CharField(_("namn"), max_length=200, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("ordning"), default=0)
    active = models.BooleanField(_("kan väljas"), default=True)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("kanal")
        verbose_name_plural = _("kanaler")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def ensure_defaults(cls) -> None:
        """The default list, when none is stored (the migration seeds it; a flushed test
        database or a fresh demo does not have it)."""
        if not cls.objects.exists():
            for i, name in enumerate(DEFAULT_CHANNELS):
                cls.objects.get_or_create(name=name, defaults={"sort_order": i * 10})


class Activity(models.Model):
    """One planned communication activity and, once done, its outcome."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="+", verbose_name=_("samverkan")
    )
    area = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("område"),
        help_text=_("Lämna tomt om aktiviteten gäller hela samverkan."),
    )
    title = models.CharField(_("rubrik"), max_length=200)
    audience = models.CharField(_("målgrupp"), max_length=200)
    message = models.TextField(_("budskap"))
    channel = models.ForeignKey(
        Channel, on_delete=models.PROTECT, related_name="activities", verbose_name=_("kanal")
    )
    planned_on = models.DateField(_("planerat datum"))
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ansvarig organisation"),
    )
    owner_person = models.CharField(_("ansvarig person"), max_length=200, blank=True)
    measures = models.ManyToManyField(
        Measure, blank=True, related_name="communication", verbose_name=_("åtgärder")
    )
    promises = models.ManyToManyField(
        CitizenPromise, blank=True, related_name="communication", verbose_name=_("medborgarlöften")
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=workflow.ACTIVITY_STATUSES,
        default=workflow.PLANNED,
        db_index=True,
    )
    done_on = models.DateField(_("genomförd den"), null=True, blank=True)
    outcome = models.TextField(_("vad blev gjort"), blank=True)
    reached = models.PositiveIntegerField(_("antal nådda"), null=True, blank=True)
    link = models.URLField(_("länk"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["planned_on", "title"]
        verbose_name = _("kommunikationsaktivitet")
        verbose_name_plural = _("kommunikationsaktiviteter")

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today=None) -> bool:
        """Still planned after its planned date."""
        today = today or timezone.localdate()
        return self.status == workflow.PLANNED and self.planned_on < today

    @property
    def safe_link(self) -> str:
        # Only web addresses become links: anything else (javascript:, data:) stays text.
        return self.link if self.link.lower().startswith(("https://", "http://")) else ""
