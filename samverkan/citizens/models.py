"""Residents' safety-walk observations, the municipality's list of concerns, and the
residents' contact addresses (kept apart so that they can be deleted on their own)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samverkan.citizens import workflow
from samverkan.core.models import Area
from samverkan.incidents.models import Category, Incident


class Concern(models.Model):
    """One thing that can make a place feel unsafe, as a municipality words it."""

    municipality = models.ForeignKey(
        Area, on_delete=models.CASCADE, related_name="citizen_concerns", verbose_name=_("kommun")
    )
    label = models.CharField(_("benämning"), max_length=80)
    # The category the accepted observation is counted under in the lägesbild.
    category = models.ForeignKey(Category, on_delete=models.PROTECT, verbose_name=_("kategori"))
    sort_order = models.PositiveSmallIntegerField(_("ordning"), default=0)
    active = models.BooleanField(_("visas i formuläret"), default=True)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("otrygghetsorsak")
        verbose_name_plural = _("otrygghetsorsaker")

    def __str__(self) -> str:
        return self.label


class Observation(models.Model):
    """A resident's observation from the public form; public only after acceptance."""

    class Status(models.TextChoices):
        # The values and labels of citizens.workflow, whose table says what may follow.
        PENDING = workflow.PENDING, _("Väntar på granskning")
        ACCEPTED = workflow.ACCEPTED, _("Godtagen")
        MERGED = workflow.MERGED, _("Sammanförd med en rapport")
        REJECTED = workflow.REJECTED, _("Avvisad")

    municipality = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="citizen_observations"
    )
    district = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lon = models.FloatField()
    lat = models.FloatField()
    concerns = models.ManyToManyField(Concern, related_name="observations")
    text = models.TextField(_("beskrivning"), blank=True)
    photo = models.BinaryField(null=True, blank=True)
    photo_width = models.PositiveIntegerField(null=True, blank=True)
    photo_height = models.PositiveIntegerField(null=True, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Keyed hashes, never the address or cookie itself: enough to count submissions.
    ip_key = models.CharField(max_length=64, db_index=True)
    device_key = models.CharField(max_length=64, db_index=True)
    # The proof-of-work challenge it answered: unique, so one answer is spent once.
    challenge = models.CharField(max_length=200, unique=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What was done about it, shown on the public map (masked like the text).
    public_note = models.TextField(_("vad som görs"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("observation från allmänheten")
        verbose_name_plural = _("observationer från allmänheten")


class ContactAddress(models.Model):
    """A resident's e-mail for feedback: deleted after the answer or after 90 days."""

    observation = models.OneToOneField(
        Observation, on_delete=models.CASCADE, related_name="contact"
    )
    email = models.EmailField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
