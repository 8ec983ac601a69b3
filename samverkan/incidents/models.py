"""Incidents (händelser), their categories and the areas that contain them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from samverkan.core.models import Area, Organisation
from samverkan.incidents import workflow


class Category(models.Model):
    """A category of the hierarchical taxonomy (kategori), with labels in sv, nb and en."""

    code = models.CharField(_("kod"), max_length=80, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    label_sv = models.CharField(_("benämning (svenska)"), max_length=120)
    label_nb = models.CharField(_("benämning (bokmål)"), max_length=120, blank=True)
    label_en = models.CharField(_("benämning (engelska)"), max_length=120, blank=True)
    is_summary = models.BooleanField(
        _("sammanfattning/notis"),
        default=False,
        help_text=_("Räknas inte med i lägesbildens siffror."),
    )
    reportable = models.BooleanField(_("kan väljas av rapportörer"), default=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("kategori")
        verbose_name_plural = _("kategorier")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        lang = (get_language() or "sv")[:2]
        return {"nb": self.label_nb, "no": self.label_nb, "en": self.label_en}.get(
            lang, self.label_sv
        ) or self.label_sv

    @property
    def group(self) -> Category:
        node = self
        while node.parent_id is not None:
            node = node.parent
        return node


class SourceMapping(models.Model):
    """Maps a source's own type (e.g. a police event type) to a category."""

    source = models.CharField(_("källa"), max_length=60)
    value = models.CharField(_("typ i källan"), max_length=120)
    category = models.ForeignKey(Category, on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "value"], name="mapping_unique_value")
        ]
        verbose_name = _("källmappning")
        verbose_name_plural = _("källmappningar")

    def __str__(self) -> str:
        return f"{self.source}: {self.value} → {self.category.code}"


class PlaceType(models.TextChoices):
    STREET = "street", _("Gata/torg")
    PARK = "park", _("Park/grönområde")
    SCHOOL = "school", _("Skola/skolgård")
    STAIRWELL = "stairwell", _("Trapphus/källare")
    SHOP = "shop", _("Butik/centrum")
    TRANSPORT = "transport", _("Kollektivtrafik/hållplats")
    RESIDENTIAL = "residential", _("Bostadsområde")
    PARKING = "parking", _("Parkering/garage")
    SPORTS = "sports", _("Idrottsplats")
    WATERFRONT = "waterfront", _("Strand/kaj")
    OTHER = "other", _("Annan plats")


class Precision(models.TextChoices):
    POINT = "point", _("Punkt")
    ADDRESS = "address", _("Adress")
    DISTRICT = "district", _("Stadsdel/område")
    MUNICIPALITY = "municipality", _("Kommun")
    COUNTY = "county", _("Län")


# Point analyses (hotspots, near repeat, repeat places) use only these precisions: a police
# event placed at a municipality's centroid must never look like a hotspot.
POINT_PRECISIONS = (Precision.POINT, Precision.ADDRESS)


class Visibility(models.TextChoices):
    ORGANISATION = "organisation", _("Egen organisation")
    PARTNERSHIP = "partnership", _("Samverkansgruppen")
    PUBLIC = "public", _("Offentlig (aggregat)")


class Status(models.TextChoices):
    NEW = workflow.NEW, _("Ny")
    REVIEWED = workflow.REVIEWED, _("Granskad")
    DUPLICATE = workflow.DUPLICATE, _("Dubblett")
    CLOSED = workflow.CLOSED, _("Avslutad")


class Incident(models.Model):
    """One reported or imported event (händelse).

    Times are stored in UTC; ``occurred_to`` is set when only a period is known (aoristic
    analysis spreads such incidents over their window). The description is masked for
    personal data before it is stored (:mod:`samverkan.core.masking`).
    """

    # Indexes cost every import: only the ones that queries use are kept (the partial
    # unique constraints below cover lookups by source).
    source = models.CharField(_("källa"), max_length=60)
    external_id = models.CharField(_("externt id"), max_length=120, blank=True)
    content_hash = models.CharField(max_length=40, blank=True)
    occurred_from = models.DateTimeField(_("inträffade (från)"), db_index=True)
    occurred_to = models.DateTimeField(_("inträffade (till)"), null=True, blank=True)
    reported_at = models.DateTimeField(_("rapporterad"))
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_incidents",
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents"
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="incidents")
    place_type = models.CharField(
        _("platstyp"), max_length=20, choices=PlaceType.choices, blank=True
    )
    place_name = models.CharField(_("plats"), max_length=200, blank=True)
    description = models.TextField(_("beskrivning"), blank=True)
    perceived_insecurity = models.PositiveSmallIntegerField(
        _("upplevd otrygghet (1–5)"), null=True, blank=True
    )
    lon = models.FloatField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    x = models.FloatField(_("x (meter)"), null=True, blank=True)
    y = models.FloatField(_("y (meter)"), null=True, blank=True)
    # Read with the points it belongs to, never looked up by itself: no index to keep up.
    h3 = models.CharField(max_length=16, blank=True)
    precision = models.CharField(
        _("lägesnoggrannhet"), max_length=20, choices=Precision.choices, default=Precision.POINT
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
        db_index=False,
    )
    visibility = models.CharField(
        _("synlighet"), max_length=20, choices=Visibility.choices, default=Visibility.PARTNERSHIP
    )
    is_summary = models.BooleanField(default=False)
    feedback = models.TextField(_("återkoppling till rapportören"), blank=True)
    feedback_at = models.DateTimeField(null=True, blank=True)
    feedback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    url = models.URLField(_("länk"), blank=True, max_length=400)
    # Triage: who follows the report up (an organisation of the partnership, or a person).
    assigned_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        verbose_name=_("tilldelad organisation"),
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_incidents",
        verbose_name=_("tilldelad person"),
    )
    tags = models.ManyToManyField(
        "incidents.Tag", blank=True, related_name="incidents", verbose_name=_("etiketter")
    )
    areas = models.ManyToManyField(Area, through="IncidentArea", related_name="incidents")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_from", "-id"]
        # Deleting an incident looks up the incidents marked as its duplicates: without an
        # index that is a scan of the whole table per deleted incident. Partial, so that
        # imports (whose rows are never duplicates yet) do not maintain it.
        indexes = [
            models.Index(
                fields=["duplicate_of"],
                name="incident_duplicate_of",
                condition=models.Q(duplicate_of__isnull=False),
            ),
            # Each source's first and last incident ("data t.o.m." of the lägesbild) is
            # read at every build: two index look-ups instead of a scan of the table.
            models.Index(
                fields=["source", "organisation", "occurred_from"],
                name="incident_source_currency",
            ),
            # The triage map draws only precisely placed incidents, newest first. Police
            # events (most rows, placed by area) are not in it, so the map reads its few
            # thousand points by this index instead of scanning the table (issue 15).
            models.Index(
                fields=["occurred_from"],
                name="incident_point_time",
                condition=models.Q(precision__in=list(POINT_PRECISIONS)),
            ),
        ]
        # A register is a source of one organisation: ids and content hashes are unique
        # within it, so that one organisation's keys never collide with (and so never
        # reveal) another's. No organisation counts as organisation 0 (NULLs would be
        # distinct in a unique index). ingest's duplicate queries repeat these expressions.
        constraints = [
            models.UniqueConstraint(
                models.F("source"),
                Coalesce(models.F("organisation"), models.Value(0)),
                models.F("external_id"),
                condition=~models.Q(external_id=""),
                name="incident_unique_external_id",
            ),
            models.UniqueConstraint(
                models.F("source"),
                Coalesce(models.F("organisation"), models.Value(0)),
                models.F("content_hash"),
                condition=~models.Q(content_hash=""),
                name="incident_unique_content_hash",
            ),
        ]
        verbose_name = _("händelse")
        verbose_name_plural = _("händelser")

    def __str__(self) -> str:
        return f"{self.category.label_sv} {self.occurred_from:%Y-%m-%d %H:%M}"

    def clean(self) -> None:
        """A form's check (the admin site): a duplicate names its original, never itself.

        One already stored without an original (its original was deleted) may be kept.
        """
        if self.pk and self.duplicate_of_id == self.pk:
            raise ValidationError(
                {"duplicate_of": _("En händelse kan inte vara dubblett av sig själv.")}
            )
        if self.status != Status.DUPLICATE or self.duplicate_of_id:
            return
        stored = Incident.objects.filter(pk=self.pk).values_list("status", "duplicate_of")
        if self.pk is None or stored.first() != (Status.DUPLICATE, None):
            raise ValidationError(
                {"duplicate_of": _("Ange originalet som händelsen är en dubblett av.")}
            )

    @property
    def is_point(self) -> bool:
        return self.precision in POINT_PRECISIONS and self.lon is not None

    def sync_area_links(self) -> int:
        """Copy the fields the counts read onto this incident's area links (after a change)."""
        return IncidentArea.objects.filter(incident=self).update(
            occurred_from=self.occurred_from,
            category_id=self.category_id,
            is_summary=self.is_summary,
            organisation_id=self.organisation_id,
            visibility=self.visibility,
            is_duplicate=self.status == Status.DUPLICATE,
        )


class IncidentArea(models.Model):
    """Which areas contain an incident, computed once at save or import.

    The time, category, organisation, visibility and whether the incident is a summary or a
    duplicate are copied here so that counting by area, period and category is a single
    indexed query on this table, for any area of any hierarchy, without a join.
    """

    # The unique (incident, area) and the (area, occurred_from, category) indexes lead with
    # these columns, so separate foreign-key indexes would only slow imports down.
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, db_index=False)
    area = models.ForeignKey(Area, on_delete=models.CASCADE, db_index=False)
    occurred_from = models.DateTimeField()
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    is_summary = models.BooleanField(default=False)
    # Copies of the incident's fields that decide whether and for whom it counts, so the
    # lägesbild never joins the incident table (kept in sync by ingest and services).
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    visibility = models.CharField(
        max_length=20, choices=Visibility.choices, default=Visibility.PARTNERSHIP
    )
    is_duplicate = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "area"], name="incidentarea_unique")
        ]
        # Covering: every count of the lägesbild is answered from this index alone.
        indexes = [
            models.Index(
                fields=[
                    "area",
                    "occurred_from",
                    "category",
                    "is_summary",
                    "is_duplicate",
                    "organisation",
                    "visibility",
                ],
                name="incidentarea_counts",
            ),
            # The public-source part of an incident scope (incidents.permissions): the police
            # events linked to a partnership's areas, read from this index alone. Without it
            # PostgreSQL misjudged that set (area and organisation are correlated) and
            # scanned every link, three times per incident list (issue 15).
            models.Index(
                fields=["area", "incident"],
                name="incidentarea_public",
                condition=models.Q(organisation__isnull=True),
            ),
        ]


class ImportRun(models.Model):
    """One run of an importer: what was read, imported, skipped and rejected."""

    source = models.CharField(max_length=60)
    file_name = models.CharField(max_length=300)
    file_hash = models.CharField(max_length=64)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    read = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )


class AreaIndexVersion(models.Model):
    """One row whose counter goes up whenever areas or their borders change.

    Every web process keeps the prepared point-in-area index in memory
    (:func:`samverkan.incidents.area_links.area_index`); reading this one row tells it,
    cheaply and across processes and servers, whether its copy is stale.
    """

    version = models.BigIntegerField(default=0)


# Triage's and the web import's records live in their own modules; imported here so Django
# finds them.
from samverkan.incidents.triage_models import ReporterPreference, ReportPhoto, Tag  # noqa: F401
from samverkan.incidents.web_import_models import ImportMapping, WebImport  # noqa: F401
