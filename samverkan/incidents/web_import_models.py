"""Imports from the web: the uploaded file's job and the column mappings saved per partner.

The rules live in :mod:`samverkan.incidents.web_import`; these are only the records.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samverkan.core.models import Organisation, Partnership


def web_import_upload_to(instance, filename: str) -> str:
    # A random name in the private media folder (never served): the original name stays in
    # ``file_name`` for the page.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"imports/{uuid.uuid4().hex}.{suffix[:10]}"


class ImportMapping(models.Model):
    """A named column mapping of one partner organisation's files, reused the next time."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("namn"), max_length=100)
    columns = models.JSONField(_("kolumner"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="import_mapping_name")
        ]
        verbose_name = _("importmappning")
        verbose_name_plural = _("importmappningar")

    def __str__(self) -> str:
        return self.name


class WebImport(models.Model):
    """One file uploaded in the browser, from preview and dry run to the background import."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uppladdad")
        CHECKED = "checked", _("Provkörd")
        QUEUED = "queued", _("I kö")
        RUNNING = "running", _("Pågår")
        DONE = "done", _("Klar")
        FAILED = "failed", _("Misslyckades")

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="+", verbose_name=_("samverkan")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation"),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(upload_to=web_import_upload_to, blank=True)
    file_name = models.CharField(_("filnamn"), max_length=200)
    size = models.PositiveBigIntegerField(default=0)
    fmt = models.CharField(_("format"), max_length=10)
    source = models.CharField(_("källa"), max_length=60)
    visibility = models.CharField(_("synlighet"), max_length=20, default="partnership")
    mapping = models.JSONField(default=dict)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.UPLOADED
    )
    read = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    # (line, column, reason) of each rejected row, for the page; the rejects file also
    # holds each row's content.
    rejects = models.JSONField(default=list)
    warnings = models.JSONField(default=list)
    rejects_file = models.FileField(blank=True)
    message = models.CharField(_("meddelande"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("import från webben")
        verbose_name_plural = _("importer från webben")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"
