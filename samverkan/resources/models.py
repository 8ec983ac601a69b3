"""What a partner puts in: one row per organisation, area, month and kind of resource."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from samverkan.core.models import Area, Organisation, Partnership


class Kind(models.TextChoices):
    """Kinds of input; every kind except money and "other" is counted in hours."""

    COMMUNITY_POLICE = "community_police", _("Kommunpolistimmar")
    FIELD_ASSISTANTS = "field_assistants", _("Fältassistenter (timmar)")
    GUARDS = "guards", _("Ordningsvakter (timmar)")
    CARETAKERS = "caretakers", _("Bovärdar (timmar)")
    MONEY = "money", _("Pengar (kr)")
    OTHER = "other", _("Annat")


# Hours are summed across these kinds; money stays apart, "other" has no common unit.
HOUR_KINDS = (Kind.COMMUNITY_POLICE, Kind.FIELD_ASSISTANTS, Kind.GUARDS, Kind.CARETAKERS)


class ResourceEntry(models.Model):
    """An amount an organisation put into an area in one month (``month`` is its 1st day).

    A tertial or a year is the sum of its months, so input is recorded per month only.
    """

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="resource_entries"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="resource_entries"
    )
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="resource_entries")
    month = models.DateField(_("månad"))
    kind = models.CharField(_("slag"), max_length=32, choices=Kind.choices)
    amount = models.DecimalField(
        _("mängd"), max_digits=12, decimal_places=1, validators=[MinValueValidator(0)]
    )
    note = models.TextField(_("anteckning"), blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-month", "area__name", "organisation__name", "kind", "pk"]
        indexes = [models.Index(fields=["partnership", "month"])]
        verbose_name = _("resursinsats")
        verbose_name_plural = _("resursinsatser")

    def __str__(self) -> str:
        return f"{self.organisation} {self.area} {self.month:%Y-%m} {self.get_kind_display()}"

    @property
    def unit(self) -> str:
        if self.kind == Kind.MONEY:
            return "kr"
        return "h" if self.kind in HOUR_KINDS else ""
