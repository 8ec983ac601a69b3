"""Problems, cause analyses, action plans, measures, citizen promises and agreements.

Every object belongs to one partnership (directly or through its parent); that is what
:mod:`samverkan.plans.permissions` scopes on. The method is the knowledge-based one of
Brå, Polisen and SKR ("Samverkan i lokalt brottsförebyggande arbete"): prioritised
problems from the lägesbild, a cause analysis per problem with the problem analysis
triangle of routine activity theory (Cohen & Felson 1979; Eck 2003, controllers after
Felson), measures aimed at the causes, citizen promises and the collaboration agreement.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samverkan.core.models import Area, Organisation, Partnership
from samverkan.plans import workflow


class Tracked(models.Model):
    """Who created an object and when it last changed: shared by the plans objects."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Side(models.TextChoices):
    """The six sides of the problem analysis triangle (Eck 2003)."""

    OFFENDER = "offender", _("Gärningsperson")
    TARGET = "target", _("Mål eller offer")
    PLACE = "place", _("Plats")
    HANDLER = "handler", _("Handledare (för gärningspersonen)")
    GUARDIAN = "guardian", _("Väktare (för målet eller offret)")
    MANAGER = "manager", _("Platsansvarig")


# Each inner side and the controller who can act on it.
CONTROLLERS = {Side.OFFENDER: Side.HANDLER, Side.TARGET: Side.GUARDIAN, Side.PLACE: Side.MANAGER}


class Priority(models.IntegerChoices):
    HIGH = 1, _("Hög")
    MEDIUM = 2, _("Medel")
    LOW = 3, _("Låg")


def _partnership_fk():
    return models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="+", verbose_name=_("samverkan")
    )


class Problem(Tracked):
    """A prioritised problem (prioriterat problem).

    Either taken from a finding of a lägesbild (``situation_report`` with ``category``,
    ``area``, the period and the finding's ``figures`` as they stood), or written by hand.
    """

    partnership = _partnership_fk()
    title = models.CharField(_("rubrik"), max_length=200)
    description = models.TextField(_("beskrivning"), blank=True)
    priority = models.PositiveSmallIntegerField(
        _("prioritet"), choices=Priority.choices, default=Priority.MEDIUM
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=workflow.PROBLEM_STATUSES,
        default=workflow.IDENTIFIED,
        db_index=True,
    )
    situation_report = models.ForeignKey(
        "situation.SituationReport",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="problems",
        verbose_name=_("lägesbild"),
    )
    category = models.ForeignKey(
        "incidents.Category",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kategori"),
    )
    area = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("område"),
    )
    period_label = models.CharField(_("period"), max_length=40, blank=True)
    period_start = models.DateField(_("periodens början"), null=True, blank=True)
    period_end = models.DateField(_("periodens slut"), null=True, blank=True)
    figures = models.JSONField(_("siffror"), default=dict, blank=True)
    evidence = models.TextField(_("underlag"), blank=True)
    incidents = models.ManyToManyField(
        "incidents.Incident", blank=True, related_name="+", verbose_name=_("händelser")
    )

    class Meta:
        ordering = ["priority", "-created_at"]
        verbose_name = _("problem")
        verbose_name_plural = _("problem")

    def __str__(self) -> str:
        return self.title


class CauseAnalysis(models.Model):
    """The cause analysis (orsaksanalys) of one problem.

    ``sides`` holds ``{side: {"findings": str, "sources": str}}`` for the six sides of
    :class:`Side`; the event chain is the ordered :class:`EventStep` rows.
    """

    problem = models.OneToOneField(Problem, on_delete=models.CASCADE, related_name="analysis")
    sides = models.JSONField(_("triangelns sidor"), default=dict, blank=True)
    staff_dialogue = models.TextField(_("medarbetardialog"), blank=True)
    citizen_dialogue = models.TextField(_("medborgardialog"), blank=True)
    conclusion = models.TextField(_("slutsats"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("orsaksanalys")
        verbose_name_plural = _("orsaksanalyser")

    def __str__(self) -> str:
        return f"Orsaksanalys: {self.problem}"

    def side(self, code: str) -> dict:
        value = (self.sides or {}).get(code) or {}
        return {"findings": value.get("findings", ""), "sources": value.get("sources", "")}


class Stage(models.TextChoices):
    """Stages of Brå's event chain (händelsekedja), from need to aftermath."""

    NEED = "need", _("Behov eller motiv")
    ACQUISITION = "acquisition", _("Anskaffning av medel")
    PREPARATION = "preparation", _("Förberedelse")
    APPROACH = "approach", _("Förflyttning till platsen")
    ACT = "act", _("Brottet begås")
    ESCAPE = "escape", _("Flykt")
    AFTERMATH = "aftermath", _("Efterspel, avyttring")
    OTHER = "other", _("Annat steg")


class EventStep(models.Model):
    """One step of the event chain of a cause analysis."""

    analysis = models.ForeignKey(CauseAnalysis, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("ordning"), default=0)
    stage = models.CharField(_("steg"), max_length=12, choices=Stage.choices)
    description = models.TextField(_("vad händer"))
    intervention = models.TextField(_("möjlig åtgärd"), blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("steg i händelsekedjan")
        verbose_name_plural = _("händelsekedja")

    def __str__(self) -> str:
        return f"{self.position}. {self.get_stage_display()}"


class ActionPlan(Tracked):
    """An action plan (åtgärdsplan) of a municipality or a partnership for a period.

    Lag (2023:196) om kommuners ansvar för brottsförebyggande arbete asks every
    municipality for one; it is adopted by a named body on a date.
    """

    partnership = _partnership_fk()
    area = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("område"),
    )
    title = models.CharField(_("rubrik"), max_length=200)
    summary = models.TextField(_("sammanfattning"), blank=True)
    start_year = models.PositiveSmallIntegerField(_("från år"))
    end_year = models.PositiveSmallIntegerField(_("till och med år"))
    status = models.CharField(
        _("status"), max_length=10, choices=workflow.PLAN_STATUSES, default=workflow.DRAFT
    )
    adopted_by = models.CharField(_("antagen av"), max_length=200, blank=True)
    adopted_on = models.DateField(_("antagen den"), null=True, blank=True)
    # The first of two approvers, when the partnership asks for two.
    first_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_approved_at = models.DateTimeField(_("godkänd av den första"), null=True, blank=True)

    class Meta:
        ordering = ["-start_year", "title"]
        verbose_name = _("åtgärdsplan")
        verbose_name_plural = _("åtgärdsplaner")

    def __str__(self) -> str:
        return f"{self.title} {self.period}"

    @property
    def period(self) -> str:
        return f"{self.start_year}–{self.end_year}"


class Measure(models.Model):
    """One measure (åtgärd) of an action plan, aimed at one side of the triangle.

    The indicators that follow a measure up are ``measure.indicators``: the relation is
    declared by ``followup.Indicator.measures``, since follow-up builds on plans. ``area``
    is where the measure is done (a district, an own drawn area) when that is narrower
    than the plan's; who may see the measure follows its plan.
    """

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="measures")
    title = models.CharField(_("rubrik"), max_length=200)
    description = models.TextField(_("beskrivning"), blank=True)
    problems = models.ManyToManyField(
        Problem, blank=True, related_name="measures", verbose_name=_("problem som åtgärden möter")
    )
    area = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("område"),
        help_text=_("Där åtgärden görs, om den gäller en del av planens område."),
    )
    target_side = models.CharField(_("riktas mot"), max_length=10, choices=Side.choices)
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ansvarig organisation"),
    )
    responsible_person = models.CharField(_("ansvarig person"), max_length=200, blank=True)
    partners = models.ManyToManyField(
        Organisation, blank=True, related_name="+", verbose_name=_("samarbetspartner")
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("slut"))
    resources = models.TextField(_("resurser"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=workflow.MEASURE_STATUSES,
        default=workflow.PLANNED,
        db_index=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start", "title"]
        verbose_name = _("åtgärd")
        verbose_name_plural = _("åtgärder")

    def __str__(self) -> str:
        return self.title

    @property
    def where(self):
        """The area the measure works in: its own, else its plan's (None: the whole
        partnership)."""
        return self.area or self.plan.area


class PromiseStatus(models.TextChoices):
    """What the public page says about a promise, in plain Swedish."""

    ACTIVE = "active", _("Vi arbetar med löftet")
    PARTLY = "partly", _("Delvis uppfyllt")
    FULFILLED = "fulfilled", _("Uppfyllt")
    ENDED = "ended", _("Avslutat")


class CitizenPromise(Tracked):
    """A citizen promise (medborgarlöfte) of the municipality and the police for an area.

    Only a published promise is shown on the public pages, and there only its text,
    signatories, status, dated updates and the titles and status of the measures behind it.
    """

    partnership = _partnership_fk()
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("område")
    )
    year = models.PositiveSmallIntegerField(_("år"))
    title = models.CharField(_("rubrik"), max_length=200)
    text = models.TextField(_("löftet"))
    signatory_municipality = models.CharField(_("undertecknat för kommunen"), max_length=200)
    signatory_police = models.CharField(_("undertecknat för polisen"), max_length=200)
    signed_on = models.DateField(_("undertecknat den"), null=True, blank=True)
    measures = models.ManyToManyField(
        Measure, blank=True, related_name="promises", verbose_name=_("åtgärder bakom löftet")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PromiseStatus.choices, default=PromiseStatus.ACTIVE
    )
    published = models.BooleanField(_("publicerat"), default=False, db_index=True)
    published_at = models.DateTimeField(_("publicerat"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "title"]
        verbose_name = _("medborgarlöfte")
        verbose_name_plural = _("medborgarlöften")

    def __str__(self) -> str:
        return f"{self.title} ({self.area.name} {self.year})"


class PromiseUpdate(models.Model):
    """A dated progress update of a citizen promise, public once the promise is."""

    promise = models.ForeignKey(CitizenPromise, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField(_("datum"))
    text = models.TextField(_("lägesrapport"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("lägesrapport")
        verbose_name_plural = _("lägesrapporter")

    def __str__(self) -> str:
        return f"{self.promise.title} {self.date:%Y-%m-%d}"


def agreement_upload_to(instance, filename: str) -> str:
    # A random name: the original file name stays in ``document_name`` for downloads.
    return f"agreements/{uuid.uuid4().hex}.pdf"


class Agreement(Tracked):
    """A collaboration agreement (samverkansöverenskommelse) between municipality and police."""

    partnership = _partnership_fk()
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("område")
    )
    title = models.CharField(_("rubrik"), max_length=200)
    parties = models.ManyToManyField(Organisation, related_name="+", verbose_name=_("parter"))
    start = models.DateField(_("gäller från"))
    end = models.DateField(_("gäller till"))
    focus_areas = models.TextField(_("fokusområden"), help_text=_("Ett fokusområde per rad."))
    signed_on = models.DateField(_("undertecknad den"), null=True, blank=True)
    document = models.FileField(
        _("undertecknat dokument (PDF)"), upload_to=agreement_upload_to, blank=True
    )
    document_name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-start", "title"]
        verbose_name = _("samverkansöverenskommelse")
        verbose_name_plural = _("samverkansöverenskommelser")

    def __str__(self) -> str:
        return self.title

    @property
    def focus_list(self) -> list[str]:
        return [line.strip() for line in self.focus_areas.splitlines() if line.strip()]


class FollowUpDate(models.Model):
    """A follow-up date of an agreement; coordinators are reminded before it."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="followups")
    date = models.DateField(_("datum"))
    description = models.CharField(_("vad följs upp"), max_length=200, blank=True)
    reminded_at = models.DateTimeField(_("påminnelse skickad"), null=True, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("uppföljningsdatum")
        verbose_name_plural = _("uppföljningsdatum")

    def __str__(self) -> str:
        return f"{self.agreement.title} {self.date:%Y-%m-%d}"


def area_id_of(obj) -> int | None:
    """The area id that decides who reaches an object (None: the whole partnership).

    Objects with a partnership carry their own area; the rest (measures, analyses,
    updates, follow-up dates) follow the object they belong to.
    """
    if hasattr(obj, "partnership_id"):
        return getattr(obj, "area_id", None)
    for path in ("problem", "plan", "promise", "agreement", "analysis"):
        value = getattr(obj, path, None)
        if value is not None:
            return area_id_of(value)
    return None


def partnership_of(obj) -> int | None:
    """The partnership id an object of this app belongs to."""
    for path in ("partnership_id", "problem", "plan", "promise", "agreement", "analysis"):
        value = getattr(obj, path, None)
        if value is None:
            continue
        if path == "partnership_id":
            return value
        return partnership_of(value)
    return None


class ShareStatus(models.TextChoices):
    """Where an invitation to a neighbouring partnership stands (transitions in
    :data:`samverkan.plans.sharing.SHARE`)."""

    PENDING = "pending", _("Inbjudan skickad")
    ACCEPTED = "accepted", _("Godtagen")
    DECLINED = "declined", _("Avböjd")
    WITHDRAWN = "withdrawn", _("Återkallad")


class Share(models.Model):
    """A problem or an action plan shared with the partnership of a neighbouring municipality.

    The owner chooses the parts: the title always, the description when ``with_description``,
    the ``goal`` written for the cooperation, the cause analysis' findings and conclusion
    when ``with_analysis`` (problems only) and the ``measures`` picked one by one. Nothing
    else of the object reaches the receiver (:mod:`samverkan.plans.sharing`).
    """

    problem = models.ForeignKey(
        Problem, null=True, blank=True, on_delete=models.CASCADE, related_name="shares"
    )
    plan = models.ForeignKey(
        ActionPlan, null=True, blank=True, on_delete=models.CASCADE, related_name="shares"
    )
    owner = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="+", verbose_name=_("delas av")
    )
    receiver = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="+", verbose_name=_("delas med")
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ShareStatus.choices,
        default=ShareStatus.PENDING,
        db_index=True,
    )
    with_description = models.BooleanField(_("dela beskrivningen"), default=True)
    with_analysis = models.BooleanField(_("dela orsaksanalysens slutsatser"), default=False)
    goal = models.TextField(_("gemensamt mål"), blank=True)
    measures = models.ManyToManyField(
        Measure, blank=True, related_name="shares", verbose_name=_("delade åtgärder")
    )
    # The receiver's own plan whose measures are coordinated with the shared object.
    coordinated_plan = models.ForeignKey(
        ActionPlan,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coordinated_shares",
        verbose_name=_("samordnas med"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    answered_at = models.DateTimeField(_("besvarad"), null=True, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("delning med grannkommun")
        verbose_name_plural = _("delningar med grannkommuner")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(problem__isnull=False, plan__isnull=True)
                    | models.Q(problem__isnull=True, plan__isnull=False)
                ),
                name="plans_share_one_object",
            ),
            models.UniqueConstraint(fields=["problem", "receiver"], name="plans_share_problem"),
            models.UniqueConstraint(fields=["plan", "receiver"], name="plans_share_plan"),
        ]

    def __str__(self) -> str:
        return f"{self.shared_object} → {self.receiver}"

    @property
    def shared_object(self):
        return self.problem if self.problem_id else self.plan
