"""Indicators, effect goals, tertial reports, evaluations and the experience bank.

Follow-up (uppföljning) in the knowledge-based method of Brå, Polisen and SKR: a few
police-relevant indicators followed every month, a deeper analysis every tertial against
defined effect goals, evaluations of measures, and an experience bank (erfarenhetsbank)
where what was learnt is shared.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samverkan.core.models import Area, Organisation, Partnership
from samverkan.core.periods import add_months
from samverkan.followup import workflow as tertial_flow


class Indicator(models.Model):
    """An indicator (indikator) that a partnership follows month by month.

    ``kind`` says where the values come from: a query over the partnership's incidents
    (``categories`` with their subcategories, ``area``, ``place_types``, counted per local
    calendar month), or an external series imported from a file (Brå's or SSB's
    reported-crime statistics, a safety survey) or typed in by hand. ``area`` may be any
    area of the partnership at any level: the municipality, a district, an own drawn area.
    ``measures`` are the measures of action plans whose effect the indicator follows.
    """

    class Kind(models.TextChoices):
        INCIDENTS = "incidents", _("Händelser i plattformen")
        EXTERNAL = "external", _("Extern serie (import)")

    class ValueType(models.TextChoices):
        COUNT = "count", _("Antal")
        SHARE = "share", _("Andel (enkät)")

    class Source(models.TextChoices):
        PLATFORM = "platform", _("Plattformen")
        BRA = "bra", _("Brå, anmälda brott")
        SSB = "ssb", _("SSB, anmeldte lovbrudd")
        SURVEY = "survey", _("Trygghetsmätning")
        MANUAL = "manual", _("Manuellt")

    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="+", verbose_name=_("samverkan")
    )
    name = models.CharField(_("namn"), max_length=200)
    description = models.TextField(_("beskrivning"), blank=True)
    kind = models.CharField(_("typ"), max_length=10, choices=Kind.choices, default=Kind.INCIDENTS)
    value_type = models.CharField(
        _("värde"), max_length=10, choices=ValueType.choices, default=ValueType.COUNT
    )
    source = models.CharField(
        _("källa"), max_length=10, choices=Source.choices, default=Source.PLATFORM
    )
    series_key = models.CharField(
        _("serie i källan"),
        max_length=200,
        blank=True,
        help_text=_("T.ex. Brå:s Brott_ID (13192), SSB:s kolumn (eiendomstyveri) eller frågan."),
    )
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("område")
    )
    categories = models.ManyToManyField(
        "incidents.Category", blank=True, related_name="+", verbose_name=_("kategorier")
    )
    place_types = models.JSONField(_("platstyper"), default=list, blank=True)
    # Declared here, not on Measure: follow-up reads plans, never the reverse (docs/plans.md).
    measures = models.ManyToManyField(
        "plans.Measure",
        blank=True,
        related_name="indicators",
        verbose_name=_("åtgärder som indikatorn följer upp"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("indikator")
        verbose_name_plural = _("indikatorer")

    def __str__(self) -> str:
        return self.name


class IndicatorValue(models.Model):
    """One value of an indicator for a period that starts on the first of a month.

    Monthly series have ``months == 1``; Brå's yearly figures 12; SSB's two-year averages
    24 (their ``value`` is then the yearly average, as SSB publishes it). ``rate`` is per
    100,000 inhabitants of the indicator's area when its population is known; ``sample_size``
    is the number of respondents behind a survey share.
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    period_start = models.DateField(_("från månad"))
    months = models.PositiveSmallIntegerField(_("antal månader"), default=1)
    value = models.FloatField(_("värde"))
    sample_size = models.PositiveIntegerField(_("antal svarande"), null=True, blank=True)
    rate = models.FloatField(_("per 100 000 invånare"), null=True, blank=True)
    preliminary = models.BooleanField(_("preliminär"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_start", "months"], name="indicatorvalue_unique"
            )
        ]
        verbose_name = _("indikatorvärde")
        verbose_name_plural = _("indikatorvärden")

    def __str__(self) -> str:
        return f"{self.indicator} {self.label}: {self.value:g}"

    @property
    def label(self) -> str:
        d = self.period_start
        if self.months == 1:
            return f"{d.year}-{d.month:02d}"
        if self.months == 12 and d.month == 1:
            return str(d.year)
        if self.months % 12 == 0 and d.month == 1:
            return f"{d.year}–{d.year + self.months // 12 - 1}"
        return f"{d.year}-{d.month:02d} +{self.months}"

    @property
    def period_end(self) -> date:
        """First day after the period."""
        return add_months(self.period_start, self.months)


class Direction(models.TextChoices):
    DECREASE = "decrease", _("Minska")
    INCREASE = "increase", _("Öka")


class GoalStatus(models.TextChoices):
    REACHED = "reached", _("Uppnått")
    ON_TRACK = "on_track", _("På väg")
    OFF_TRACK = "off_track", _("Inte på väg")
    NO_DATA = "no_data", _("Underlag saknas")


class EffectGoal(models.Model):
    """An effect goal (effektmål) on an indicator: from a baseline to a target by a deadline.

    The status is computed by :func:`samverkan.followup.services.goal_status` with the
    change test of :mod:`samverkan.analysis.change`, never from a bare percentage; the last
    computed status is kept here so lists need not recompute it.
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("effektmål"), max_length=200)
    baseline_label = models.CharField(
        _("basperiod"), max_length=40, help_text=_("T.ex. 2024, 2024-T2 eller 2024-03.")
    )
    baseline_start = models.DateField(_("basperiodens början"))
    baseline_end = models.DateField(_("basperiodens slut (första dagen efter)"))
    baseline_value = models.FloatField(_("basvärde"), null=True, blank=True)
    direction = models.CharField(
        _("riktning"), max_length=10, choices=Direction.choices, default=Direction.DECREASE
    )
    target_value = models.FloatField(_("målvärde"), null=True, blank=True)
    deadline = models.DateField(_("ska vara uppnått"))
    status = models.CharField(
        _("status"), max_length=10, choices=GoalStatus.choices, default=GoalStatus.NO_DATA
    )
    status_details = models.JSONField(_("beräkning"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["deadline", "title"]
        verbose_name = _("effektmål")
        verbose_name_plural = _("effektmål")

    def __str__(self) -> str:
        return self.title


# What an approved report keeps for good (its area: whose report it is).
_FROZEN_FIELDS = ("analysis", "snapshot", "period_start", "period_end", "area_id")


class TertialReport(models.Model):
    """A tertial report (tertialrapport): T1 January-April, T2 May-August, T3 September-December.

    ``snapshot`` keeps the goals with their status, the measures' status from the action
    plans and the indicators' values as they stood when the report was generated, so the
    report reads the same later even when data are corrected.
    """

    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="+", verbose_name=_("samverkan")
    )
    # A district's own report (its indicators, goals, measures and evaluations and those of
    # the areas inside it), made and approved by those who work there; empty: the whole
    # partnership's.
    area = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("område"),
    )
    tertial = models.CharField(_("tertial"), max_length=8)
    period_start = models.DateField()
    period_end = models.DateField()
    analysis = models.TextField(_("gruppens analys"), blank=True)
    snapshot = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=tertial_flow.TERTIAL_STATUSES,
        default=tertial_flow.DRAFT,
    )
    # Two-person approval (samverkan.core.approval): the first approver, then the one who
    # approved it for good.
    first_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("godkänd"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "tertial"],
                condition=models.Q(area__isnull=True),
                name="tertial_unique",
            ),
            models.UniqueConstraint(
                fields=["partnership", "area", "tertial"],
                condition=models.Q(area__isnull=False),
                name="tertial_area_unique",
            ),
        ]
        verbose_name = _("tertialrapport")
        verbose_name_plural = _("tertialrapporter")

    def __str__(self) -> str:
        return f"{self.subject} {self.tertial}"

    @property
    def subject(self) -> str:
        """What the report covers: the partnership, and the district for a district's."""
        if self.area_id is None:
            return self.partnership.name
        return f"{self.partnership.name}, {self.area.name}"

    @property
    def is_frozen(self) -> bool:
        return self.status in tertial_flow.FROZEN

    def save(self, *args, **kwargs):
        # An approved report reads the same for good: every writer (page, command,
        # regeneration) goes through save(), so the guard is here.
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values("status", *_FROZEN_FIELDS).first()
            if stored and stored["status"] in tertial_flow.FROZEN:
                fields = _FROZEN_FIELDS
                if any(stored[f] != getattr(self, f) for f in fields):
                    raise TertialFrozenError(
                        "En godkänd tertialrapport kan inte ändras eller tas fram på nytt."
                    )
        super().save(*args, **kwargs)


class TertialFrozenError(ValueError):
    """An attempt to change an approved tertial report."""


class Design(models.TextChoices):
    BEFORE_AFTER = "before_after", _("Före och efter")
    COMPARISON = "comparison", _("Före och efter med jämförelseområde")
    BUFFER = "buffer", _("Med jämförelseområde och buffertzon (förflyttning)")


class Evaluation(models.Model):
    """The evaluation (utvärdering) of a measure of an action plan.

    Counts before and after in the treated area, a comparison area and a buffer area are
    taken from the partnership's incidents (or typed in when they come from elsewhere);
    ``results`` holds what :mod:`samverkan.analysis.evaluation` computed from them.
    """

    measure = models.ForeignKey(
        "plans.Measure",
        on_delete=models.PROTECT,
        related_name="evaluations",
        verbose_name=_("åtgärd"),
    )
    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="+", verbose_name=_("samverkan")
    )
    title = models.CharField(_("rubrik"), max_length=200)
    design = models.CharField(_("upplägg"), max_length=12, choices=Design.choices)
    categories = models.ManyToManyField(
        "incidents.Category", blank=True, related_name="+", verbose_name=_("kategorier")
    )
    treated_area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("insatsområde")
    )
    comparison_area = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("jämförelseområde"),
    )
    buffer_area = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("buffertzon"),
    )
    before_start = models.DateField(_("före: från"))
    before_end = models.DateField(_("före: till och med"))
    after_start = models.DateField(_("efter: från"))
    after_end = models.DateField(_("efter: till och med"))
    counts = models.JSONField(_("antal"), default=dict, blank=True)
    results = models.JSONField(_("resultat"), default=dict, blank=True)
    conclusion = models.TextField(_("slutsats"), blank=True)
    limitations = models.TextField(_("begränsningar"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("utvärdering")
        verbose_name_plural = _("utvärderingar")

    def __str__(self) -> str:
        return self.title


class ExperienceEntry(models.Model):
    """An entry of the experience bank (erfarenhetsbank).

    Made from an evaluation, typed in by hand or imported. ``shared`` entries are seen by
    every signed-in user of every partnership, ``public`` ones by anyone on the public
    page; the rest only by the owning partnership. ``search_text`` is what full-text search
    indexes (:mod:`samverkan.followup.search`).
    """

    class Origin(models.TextChoices):
        EVALUATION = "evaluation", _("Från utvärdering")
        MANUAL = "manual", _("Manuellt")
        IMPORT = "import", _("Import")

    class Language(models.TextChoices):
        SV = "sv", _("svenska")
        NB = "nb", _("norska (bokmål)")
        EN = "en", _("engelska")

    title = models.CharField(_("rubrik"), max_length=200)
    problem_type = models.CharField(_("problemtyp"), max_length=120, blank=True)
    method = models.CharField(_("metod"), max_length=120, blank=True)
    setting = models.CharField(_("miljö"), max_length=200, blank=True)
    categories = models.ManyToManyField(
        "incidents.Category", blank=True, related_name="+", verbose_name=_("kategorier")
    )
    description = models.TextField(_("beskrivning"), blank=True)
    effect_summary = models.TextField(_("effekt"), blank=True)
    cost = models.CharField(_("kostnad"), max_length=200, blank=True)
    contacts = models.TextField(_("kontakter"), blank=True)
    language = models.CharField(
        _("språk"), max_length=2, choices=Language.choices, default=Language.SV
    )
    origin = models.CharField(
        _("ursprung"), max_length=10, choices=Origin.choices, default=Origin.MANUAL
    )
    evaluation = models.OneToOneField(
        Evaluation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="experience",
        verbose_name=_("utvärdering"),
    )
    partnership = models.ForeignKey(
        Partnership,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("samverkan"),
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    shared = models.BooleanField(_("delad med alla samverkansgrupper"), default=True)
    public = models.BooleanField(_("offentlig"), default=False)
    external_ref = models.CharField(_("extern referens"), max_length=120, blank=True)
    search_text = models.TextField(editable=False, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("erfarenhet")
        verbose_name_plural = _("erfarenhetsbank")

    def __str__(self) -> str:
        return self.title

    @property
    def facts(self) -> str:
        """Problem type, method and setting, those given, for a line under the title."""
        return " · ".join(x for x in (self.problem_type, self.method, self.setting) if x)

    def build_search_text(self, category_labels: list[str] | None = None) -> str:
        parts = [
            self.title,
            self.problem_type,
            self.method,
            self.setting,
            self.description,
            self.effect_summary,
            self.cost,
            *(category_labels or []),
        ]
        return "\n".join(p for p in parts if p)


def attachment_upload_to(instance, filename: str) -> str:
    # A random name: the original name stays in ``name`` for downloads.
    return f"experience/{uuid.uuid4().hex}"


class ExperienceAttachment(models.Model):
    """A file attached to an experience entry (report, photo, checklist)."""

    entry = models.ForeignKey(ExperienceEntry, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("fil"), upload_to=attachment_upload_to)
    name = models.CharField(_("filnamn"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bilaga")
        verbose_name_plural = _("bilagor")

    def __str__(self) -> str:
        return self.name
