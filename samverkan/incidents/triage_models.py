"""Records of triage: free tags per partnership, reporters' photos and mail preferences."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samverkan.core.models import Partnership


class Tag(models.Model):
    """A free tag (etikett) a partnership's coordinators put on incidents."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(_("namn"), max_length=60)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="tag_unique_name")
        ]
        verbose_name = _("etikett")
        verbose_name_plural = _("etiketter")

    def __str__(self) -> str:
        return self.name


class ReportPhoto(models.Model):
    """A photo attached to a report (foto), stored re-encoded as JPEG without metadata.

    The bytes live in the database, never under the public media folder, so the only way
    to see a photo is the view that checks who may see its incident.
    """

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, related_name="photos"
    )
    data = models.BinaryField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("foto")
        verbose_name_plural = _("foton")


class ReporterPreference(models.Model):
    """A user's own choices about mail from the reporting (one row, made when changed)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reporter_preference"
    )
    feedback_mail = models.BooleanField(
        _("E-post när jag får återkoppling på en rapport"), default=True
    )
