"""Situation reports (lägesbilder): stored, versioned, frozen once approved."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samverkan.core.models import Area, Partnership
from samverkan.situation import workflow


class FrozenError(PermissionError):
    """An attempt to change an approved situation report."""


class Audience(models.TextChoices):
    INTERNAL = "internal", _("Intern (samverkansgruppen)")
    SHARED = "shared", _("Delad (aggregat, små tal dolda)")
    PUBLIC = "public", _("Offentlig (aggregat, små tal dolda)")


class Status(models.TextChoices):
    DRAFT = workflow.DRAFT, _("Utkast")
    APPROVING = workflow.APPROVING, _("Godkänd av 1 av 2")
    APPROVED = workflow.APPROVED, _("Fastställd")
    SHARED = workflow.SHARED, _("Delad")


class PeriodType(models.TextChoices):
    WEEK = "week", _("Vecka")
    MONTH = "month", _("Månad")
    TERTIAL = "tertial", _("Tertial")
    YEAR = "year", _("År")
    CUSTOM = "custom", _("Egen period")


# Fields that never change once a version is approved.
FROZEN_FIELDS = (
    "snapshot",
    "assessments",
    "area_id",
    "partnership_id",
    "period_type",
    "period_start",
    "period_end",
    "audience",
    "version",
    "series",
)


class SituationReportQuerySet(models.QuerySet):
    def update(self, **kwargs):
        # Bulk updates would bypass save(): refuse them for frozen content.
        frozen = set(FROZEN_FIELDS) | {"area", "partnership"}
        if frozen & set(kwargs) and self.filter(status__in=workflow.FROZEN).exists():
            raise FrozenError("En fastställd lägesbild kan inte ändras.")
        return super().update(**kwargs)


class SituationReport(models.Model):
    """One version of a situation picture (lägesbild) for an area and a period.

    ``snapshot`` holds the figures exactly as built (see :mod:`samverkan.situation.build`);
    ``assessments`` the group's own text per section plus the overall assessment
    ("bedömning"). All versions of the same picture share ``series``; a recompute adds a
    new version instead of changing an old one, so what was approved stays on record.
    """

    series = models.UUIDField(default=uuid.uuid4, db_index=True, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="situation_reports")
    partnership = models.ForeignKey(
        Partnership,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="situation_reports",
        help_text=_("Tom för regionala sammanställningar."),
    )
    period_type = models.CharField(_("periodtyp"), max_length=10, choices=PeriodType.choices)
    period_start = models.DateTimeField(_("periodens början (UTC)"))
    period_end = models.DateTimeField(_("periodens slut (UTC, exklusivt)"))
    period_label = models.CharField(_("period"), max_length=40)
    audience = models.CharField(
        _("mottagare"), max_length=10, choices=Audience.choices, default=Audience.INTERNAL
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    snapshot = models.JSONField(_("siffror"), default=dict)
    assessments = models.JSONField(_("bedömningar"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("fastställd"), null=True, blank=True)
    # The first of two approvers, when the partnership asks for two.
    first_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_approved_at = models.DateTimeField(_("godkänd av den första"), null=True, blank=True)
    shared_at = models.DateTimeField(_("delad"), null=True, blank=True)

    objects = SituationReportQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "area__name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["series", "version"], name="situation_series_version")
        ]
        indexes = [models.Index(fields=["area", "period_type", "period_start"])]
        verbose_name = _("lägesbild")
        verbose_name_plural = _("lägesbilder")

    def __str__(self) -> str:
        return f"Lägesbild {self.area.name} {self.period_label} v{self.version}"

    @property
    def is_frozen(self) -> bool:
        return self.status in workflow.FROZEN

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values("status", *FROZEN_FIELDS).first()
            if stored and stored["status"] in workflow.FROZEN:
                changed = [f for f in FROZEN_FIELDS if stored[f] != getattr(self, f)]
                if changed:
                    raise FrozenError(
                        "En fastställd lägesbild kan inte ändras "
                        f"({', '.join(changed)}); räkna om den som en ny version."
                    )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if (
            self.pk is not None
            and type(self).objects.filter(pk=self.pk, status__in=workflow.FROZEN).exists()
        ):
            raise FrozenError("En fastställd lägesbild kan inte raderas.")
        return super().delete(*args, **kwargs)


class ScheduleType(models.TextChoices):
    WEEK = "week", _("Varje vecka")
    MONTH = "month", _("Varje månad")


class ReportSchedule(models.Model):
    """A partnership's standing request for a draft lägesbild every week or month.

    ``samverkan schedule_reports`` (run hourly from cron) enqueues a task for each enabled
    schedule whose last finished period has no draft yet; the task builds the draft and
    e-mails the partnership's coordinators. ``last_period`` is the label of the last period
    built, so a second run for the same period builds nothing
    (see :mod:`samverkan.situation.scheduling`).
    """

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="report_schedules"
    )
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="report_schedules")
    period_type = models.CharField(
        _("hur ofta"), max_length=10, choices=ScheduleType.choices, default=ScheduleType.MONTH
    )
    audience = models.CharField(
        _("mottagare"), max_length=10, choices=Audience.choices, default=Audience.INTERNAL
    )
    enabled = models.BooleanField(_("aktivt"), default=True)
    last_run = models.DateTimeField(_("senast körd"), null=True, blank=True)
    last_period = models.CharField(_("senaste period"), max_length=40, blank=True)
    last_report = models.ForeignKey(
        SituationReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        ordering = ["partnership__name", "area__name", "period_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "area", "period_type", "audience"],
                name="situation_schedule_unique",
            )
        ]
        verbose_name = _("schemalagd lägesbild")
        verbose_name_plural = _("schemalagda lägesbilder")

    def __str__(self) -> str:
        return f"{self.get_period_type_display()}: {self.area.name} ({self.partnership.name})"
