"""Organisations, areas, partnerships, memberships and the audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samverkan.core.roles import Role


class Organisation(models.Model):
    """An organisation taking part in the work (organisation).

    A municipality, a local police area, a housing company, a school ... Each user acts on
    behalf of one or more organisations through :class:`Membership`.
    """

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Kommun")
        POLICE = "police", _("Polisen")
        COUNTY_BOARD = "county_board", _("Länsstyrelse")
        HOUSING = "housing", _("Bostadsbolag")
        SCHOOL = "school", _("Skola")
        RESCUE = "rescue", _("Räddningstjänst")
        BUSINESS = "business", _("Näringsliv")
        ASSOCIATION = "association", _("Förening")
        OTHER = "other", _("Annan")

    name = models.CharField(_("namn"), max_length=200, unique=True)
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    org_number = models.CharField(_("organisationsnummer"), max_length=20, blank=True)
    logo = models.FileField(_("logotyp"), upload_to="logos/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")

    def __str__(self) -> str:
        return self.name


class _AreaWithoutBorder(models.Manager):
    """Areas reached through a relation (``incident.area``, ``area.parent``) load no border.

    A page naming an incident's area would otherwise read and parse the whole border, which
    for a municipality imported at full resolution is megabytes of GeoJSON. Code that draws
    or tests the border reads it from ``Area.objects`` (or loads it on first use).
    """

    def get_queryset(self):
        return super().get_queryset().defer("geometry")


class Area(models.Model):
    """A geographic area at one level of a hierarchy (område).

    Borders change, so an area has a validity period; the geometry is stored as GeoJSON
    (WGS84) and its bounding box beside it so that point-in-area work can skip most areas
    without parsing their geometry. An area reached through a foreign key loads without
    its geometry (:class:`_AreaWithoutBorder`); ``select_related`` of an area does not, so
    such queries defer ``area__geometry`` themselves.
    """

    class Level(models.TextChoices):
        COUNTRY = "country", _("Land")
        COUNTY = "county", _("Län")
        MUNICIPALITY = "municipality", _("Kommun")
        DISTRICT = "district", _("Stadsdel/område")
        POLICE_REGION = "police_region", _("Polisregion")
        POLICE_AREA = "police_area", _("Polisområde")
        LOCAL_POLICE_AREA = "local_police_area", _("Lokalpolisområde")
        REGSO = "regso", _("RegSO (regional statistikområde)")
        DESO = "deso", _("DeSO (demografiskt statistikområde)")
        VULNERABLE_AREA = "vulnerable_area", _("Utsatt område")
        CUSTOM = "custom", _("Eget område")

    code = models.CharField(_("kod"), max_length=40)
    name = models.CharField(_("namn"), max_length=200)
    level = models.CharField(_("nivå"), max_length=20, choices=Level.choices)
    country = models.CharField(_("land"), max_length=2, default="SE")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    geometry = models.JSONField(_("geometri (GeoJSON)"), null=True, blank=True)
    min_lon = models.FloatField(null=True, blank=True)
    min_lat = models.FloatField(null=True, blank=True)
    max_lon = models.FloatField(null=True, blank=True)
    max_lat = models.FloatField(null=True, blank=True)
    valid_from = models.DateField(_("giltig från"), null=True, blank=True)
    valid_to = models.DateField(_("giltig till"), null=True, blank=True)
    population = models.PositiveIntegerField(_("folkmängd"), null=True, blank=True)
    # An own area drawn on the map belongs to a partnership: only its members see it and
    # only its coordinators change it (core/own_areas.py). Empty for shared geography.
    owner_partnership = models.ForeignKey(
        "Partnership",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="own_areas",
        verbose_name=_("samverkan som äger området"),
    )
    owner_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation som ritade området"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("ritat av"),
    )

    objects = models.Manager()
    without_border = _AreaWithoutBorder()

    class Meta:
        ordering = ["level", "name"]
        base_manager_name = "without_border"
        constraints = [
            models.UniqueConstraint(fields=["country", "level", "code"], name="area_unique_code")
        ]
        indexes = [models.Index(fields=["level", "country"])]
        verbose_name = _("område")
        verbose_name_plural = _("områden")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_level_display()})"

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        # The base manager defers the border, so loading it (a deferred field read on
        # first use) must go through the manager that has it.
        if from_queryset is None:
            from_queryset = Area.objects.all()
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)

    def ancestors(self) -> list[Area]:
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    def municipality(self) -> Area | None:
        """The municipality the area lies in: itself, its nearest such ancestor, or None."""
        return next(
            (a for a in (self, *self.ancestors()) if a.level == self.Level.MUNICIPALITY), None
        )

    def current_border_id(self) -> int | None:
        """The :class:`AreaBorder` in force now (None before the first recorded border)."""
        return (
            self.borders.filter(valid_to__isnull=True).order_by("-pk").values_list("pk", flat=True)
        ).first()

    def border_geometry(self, border_id: int | None = None, at=None) -> dict | None:
        """The border as it was: by recorded border id, else in force at ``at``, else now.

        A frozen lägesbild names the border it was built on, so its map keeps that border
        after a re-import moved it (docs/areas.md, "Border history").
        """
        if border_id is not None:
            border = self.borders.filter(pk=border_id).first()
            if border is not None:
                return border.geometry
        if at is not None:
            border = (
                self.borders.filter(
                    models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=at),
                    models.Q(valid_to__isnull=True) | models.Q(valid_to__gt=at),
                )
                .order_by("-pk")
                .first()
            )
            if border is not None:
                return border.geometry
        return self.geometry


class AreaBorder(models.Model):
    """One version of an area's border, valid over ``[valid_from, valid_to)``.

    The area itself holds the current geometry (every count and point-in-area lookup reads
    that); these rows keep what the border was, so a lägesbild frozen before a re-import
    still shows the border its figures were counted in. ``valid_from`` is empty for a
    border that was in force before the history began.
    """

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="borders")
    geometry = models.JSONField(_("geometri (GeoJSON)"))
    valid_from = models.DateTimeField(_("giltig från"), null=True, blank=True)
    valid_to = models.DateTimeField(_("giltig till"), null=True, blank=True)
    source = models.CharField(_("källa"), max_length=200, blank=True)

    class Meta:
        ordering = ["area", "valid_from"]
        indexes = [models.Index(fields=["area", "valid_to"])]
        verbose_name = _("områdesgräns")
        verbose_name_plural = _("områdesgränser")

    def __str__(self) -> str:
        return f"{self.area.name} {self.valid_from or '…'}–{self.valid_to or '…'}"


class AreaLinkJob(models.Model):
    """Progress of linking incidents to a drawn or changed own area, done in the background.

    Core cannot import the incidents app, so it records the job and announces it
    (:data:`~samverkan.core.signals.area_links_requested`); the incidents task fills in the
    counts, which the area's page polls.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("I kö")
        RUNNING = "running", _("Pågår")
        DONE = "done", _("Klar")
        FAILED = "failed", _("Misslyckades")
        SUPERSEDED = "superseded", _("Ersatt av en senare ändring")

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="link_jobs")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    total = models.PositiveIntegerField(_("händelser att pröva"), default=0)
    done = models.PositiveIntegerField(_("prövade"), default=0)
    linked = models.PositiveIntegerField(_("händelser i området"), default=0)
    message = models.CharField(_("meddelande"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["area", "-pk"]
        verbose_name = _("koppling av händelser till område")
        verbose_name_plural = _("kopplingar av händelser till områden")

    def __str__(self) -> str:
        return f"{self.area_id}: {self.status} {self.done}/{self.total}"


class Partnership(models.Model):
    """A collaboration (samverkan) between organisations over one or more areas.

    The partnership is the unit that shares incidents and situation pictures: what a member
    organisation reports with partnership visibility is seen by the other members.
    """

    name = models.CharField(_("namn"), max_length=200, unique=True)
    description = models.TextField(_("beskrivning"), blank=True)
    organisations = models.ManyToManyField(Organisation, related_name="partnerships")
    areas = models.ManyToManyField(Area, related_name="partnerships")
    # How many different people approve a lägesbild, action plan or tertial report
    # (samverkan.core.approval).
    approvers_required = models.PositiveSmallIntegerField(
        _("antal godkännare"), choices=[(1, _("En person")), (2, _("Två personer"))], default=1
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("samverkan")
        verbose_name_plural = _("samverkansgrupper")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's role in an organisation (medlemskap), optionally limited to some areas."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices)
    areas = models.ManyToManyField(Area, blank=True, related_name="memberships")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            )
        ]
        verbose_name = _("medlemskap")
        verbose_name_plural = _("medlemskap")

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"


class AuditQuerySet(models.QuerySet):
    # The audit log is append-only: bulk changes through the ORM are refused too.
    def update(self, **kwargs):
        raise PermissionError("Granskningsloggen kan inte ändras.")

    def delete(self):
        raise PermissionError("Granskningsloggen kan inte raderas.")


class AuditEvent(models.Model):
    """One entry in the append-only audit log (granskningslogg).

    Written only through :func:`samverkan.core.audit.record`; never updated or deleted.
    """

    at = models.DateTimeField(_("tidpunkt"), auto_now_add=True, db_index=True)
    # Deleting a user or an organisation must not rewrite the log: the row keeps the id
    # (ids are never reused) and the name as it was; no database constraint ties the row
    # to a row that may go. Reading ``actor`` of a deleted user gives DoesNotExist (None
    # through select_related); ``actor_name`` always says who it was.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
    )
    actor_name = models.CharField(_("användare"), max_length=150, blank=True)
    action = models.CharField(_("händelse"), max_length=60, db_index=True)
    object_type = models.CharField(_("objekttyp"), max_length=60, blank=True)
    object_id = models.CharField(_("objekt-id"), max_length=60, blank=True)
    object_repr = models.CharField(_("objekt"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False
    )
    purpose = models.CharField(_("syfte"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(_("IP-adress"), null=True, blank=True)
    details = models.JSONField(_("detaljer"), default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = _("granskningshändelse")
        verbose_name_plural = _("granskningslogg")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    @property
    def action_label(self) -> str:
        """What happened, in words; rows under an earlier action name get the current label."""
        from samverkan.core.audit_actions import label

        return label(self.action)

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Granskningsloggen kan inte ändras.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Granskningsloggen kan inte raderas.")


class OrganisationSecurityPolicy(models.Model):
    """Which of an organisation's roles must sign in with a second factor.

    Only the switchable roles are stored; the roles that see preventive cases or
    administer always need it (``samverkan.core.two_factor.ALWAYS_REQUIRED``).
    """

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="security_policy"
    )
    two_factor_roles = models.JSONField(_("roller som kräver tvåfaktorsinloggning"), default=list)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        verbose_name = _("säkerhetspolicy")
        verbose_name_plural = _("säkerhetspolicyer")

    def __str__(self) -> str:
        return f"{self.organisation}: {', '.join(self.two_factor_roles) or '–'}"


class MaskingRun(models.Model):
    """The masking rules every stored free text has been masked with.

    ``fingerprint`` identifies the rules (:func:`samverkan.core.masked_text.rules_fingerprint`):
    when ``migrate`` runs under rules whose fingerprint is not recorded here, it masks the
    stored texts again, so an upgrade that improves the masking reaches old texts without
    an operator having to remember a command.
    """

    fingerprint = models.CharField(max_length=64, unique=True)
    finished_at = models.DateTimeField(auto_now_add=True)
    changed = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("maskering av sparad fritext")
        verbose_name_plural = _("maskeringar av sparad fritext")

    def __str__(self) -> str:
        return f"{self.fingerprint[:12]} {self.finished_at:%Y-%m-%d %H:%M}"
