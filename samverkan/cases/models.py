"""Preventive cases (förebyggande sak) and everything recorded in them.

Individual-level prevention: structured conversations with people who use threats or
violence (Riskreducerande insatser, RRI), support to leave a criminal group, protection of
repeat victims, young people at risk. This is the most sensitive data of the platform:
names, identity numbers and free text are encrypted at rest
(:mod:`samverkan.cases.crypto`), every access is audited, and closed cases are anonymised
after ``CASES_RETENTION_MONTHS``.

``str()`` of every model here is free of personal data, because it is written to the audit
log as the object's description.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverkan.cases import identity, workflow
from samverkan.cases.crypto import EncryptedTextField
from samverkan.core.models import Organisation


class CaseType(models.TextChoices):
    RRI = "rri", _("Riskreducerande insatser (RRI)")
    LEAVING_GROUP = "leaving_group", _("Stöd att lämna kriminell miljö")
    REPEAT_VICTIM = "repeat_victim", _("Skydd för upprepat utsatt")
    YOUNG_AT_RISK = "young_at_risk", _("Ung person i riskzon")
    OTHER = "other", _("Annat")


class RiskLevel(models.TextChoices):
    LOW = "low", _("Låg")
    MEDIUM = "medium", _("Förhöjd")
    HIGH = "high", _("Hög")


# The risk assessment checklist as a data table: code -> question shown in the form.
# Items follow the structured professional judgement used in RRI and in threat assessment
# (e.g. Polisen's PATRIARK/SARA-style risk factors): history, current threats, means,
# destabilisers, and protective factors.
RISK_ITEMS: list[tuple[str, str]] = [
    ("threats", _("Har uttalat hot mot en eller flera personer")),
    ("violence_history", _("Tidigare våld")),
    ("escalation", _("Upptrappning den senaste tiden")),
    ("weapon", _("Tillgång till vapen eller intresse för vapen")),
    ("substance", _("Missbruk av alkohol eller narkotika")),
    ("network", _("Koppling till kriminellt nätverk")),
    ("mental_health", _("Psykisk ohälsa eller kris")),
    ("identified_target", _("Utpekat målsägande eller måltavla")),
    ("protective", _("Skyddsfaktorer finns (familj, skola, arbete)")),
]


class LegalBasis(models.TextChoices):
    """Legal basis for giving or receiving information about a person."""

    OSL_10_18A = "osl_10_18a", _("OSL 10 kap. 18 a § (person under 21 år, förebygga brott)")
    CONSENT = "consent", _("Samtycke från den enskilde")
    OTHER_STATUTE = "other_statute", _("Annan författning (ange vilken)")


OSL_10_18A_AGE_LIMIT = 21


class PreventiveCase(models.Model):
    """A preventive case (förebyggande sak / forebyggende sak) about one person."""

    reference = models.CharField(_("ärendenummer"), max_length=20, blank=True, db_index=True)
    case_type = models.CharField(_("ärendetyp"), max_length=20, choices=CaseType.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="preventive_cases",
        verbose_name=_("ägande organisation"),
    )
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="preventive_cases",
        verbose_name=_("handläggare"),
    )
    partners = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="partner_cases",
        verbose_name=_("samverkande organisationer"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=workflow.STATUS_CHOICES, default=workflow.OPEN
    )
    person_name = EncryptedTextField(_("namn"), blank=True)
    person_number = EncryptedTextField(_("personnummer"), blank=True)
    person_number_index = models.CharField(max_length=64, blank=True, db_index=True)
    background = EncryptedTextField(_("bakgrund"), blank=True)
    risk_factors = models.JSONField(_("riskfaktorer"), default=list, blank=True)
    risk_level = models.CharField(
        _("samlad risknivå"), max_length=10, choices=RiskLevel.choices, blank=True
    )
    risk_assessed_at = models.DateTimeField(_("riskbedömd"), null=True, blank=True)
    opened_on = models.DateField(_("öppnat"), default=date.today)
    closed_at = models.DateTimeField(_("avslutat"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("avidentifierat"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("förebyggande ärende")
        verbose_name_plural = _("förebyggande ärenden")

    def __str__(self) -> str:
        return self.reference or f"FS-{self.pk}"

    @property
    def identity(self) -> identity.IdentityNumber | None:
        if not self.person_number:
            return None
        try:
            return identity.parse(self.person_number)
        except identity.InvalidIdentityNumber:
            return None

    @property
    def masked_number(self) -> str:
        ident = self.identity
        return ident.masked if ident else ""

    def age_on(self, day: date) -> int | None:
        ident = self.identity
        return ident.age_on(day) if ident else None

    @property
    def age(self) -> int | None:
        return self.age_on(timezone.localdate())

    @property
    def is_anonymised(self) -> bool:
        return self.anonymised_at is not None

    def risk_items(self) -> list[tuple[str, str, bool]]:
        chosen = set(self.risk_factors or [])
        return [(code, label, code in chosen) for code, label in RISK_ITEMS]


class Conversation(models.Model):
    """A planned or held conversation (samtal) with the person or their network."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Samtal med personen")
        NETWORK = "network", _("Nätverksmöte")
        RELATIVE = "relative", _("Samtal med anhörig")

    case = models.ForeignKey(PreventiveCase, on_delete=models.CASCADE, related_name="conversations")
    kind = models.CharField(_("typ av samtal"), max_length=20, choices=Kind.choices)
    planned_at = models.DateTimeField(_("planerat till"))
    held_at = models.DateTimeField(_("genomfört"), null=True, blank=True)
    notes = EncryptedTextField(_("anteckningar"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["planned_at", "id"]

    def __str__(self) -> str:
        return f"{self.case} samtal {self.pk}"


class CaseMeasure(models.Model):
    """A measure (insats) in the case, with the organisation responsible for it."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planerad")
        ONGOING = "ongoing", _("Pågår")
        DONE = "done", _("Genomförd")

    case = models.ForeignKey(PreventiveCase, on_delete=models.CASCADE, related_name="measures")
    description = EncryptedTextField(_("insats"))
    responsible = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("ansvarig organisation"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    due_on = models.DateField(_("klart senast"), null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.case} insats {self.pk}"


class InformationRequest(models.Model):
    """A request for information from another organisation: request -> decision ->
    disclosure. Both organisations see it and its trail."""

    case = models.ForeignKey(PreventiveCase, on_delete=models.CASCADE, related_name="requests")
    from_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("från")
    )
    to_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="incoming_case_requests",
        verbose_name=_("till"),
    )
    question = EncryptedTextField(_("vilka uppgifter begärs"))
    legal_basis = models.CharField(_("rättslig grund"), max_length=20, choices=LegalBasis.choices)
    statute = models.CharField(_("författning"), max_length=200, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=workflow.REQUEST_STATUS_CHOICES,
        default=workflow.PENDING,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_basis = models.CharField(
        _("grund för beslutet"), max_length=20, choices=LegalBasis.choices, blank=True
    )
    decision_statute = models.CharField(_("författning eller skäl"), max_length=200, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case} begäran {self.pk}"


class InformationExchange(models.Model):
    """One piece of information given or received about the person, with its legal basis
    (informationsutbyte)."""

    class Direction(models.TextChoices):
        RECEIVED = "received", _("Mottagen")
        GIVEN = "given", _("Lämnad")

    case = models.ForeignKey(PreventiveCase, on_delete=models.CASCADE, related_name="exchanges")
    direction = models.CharField(_("riktning"), max_length=10, choices=Direction.choices)
    from_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("från")
    )
    to_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("till")
    )
    content = EncryptedTextField(_("vilka uppgifter"))
    legal_basis = models.CharField(_("rättslig grund"), max_length=20, choices=LegalBasis.choices)
    statute = models.CharField(_("författning"), max_length=200, blank=True)
    occurred_at = models.DateTimeField(_("när"))
    age_at_exchange = models.PositiveSmallIntegerField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    request = models.ForeignKey(
        InformationRequest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="disclosures",
    )

    class Meta:
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.case} uppgift {self.pk}"


class Answer(models.TextChoices):
    YES = "yes", _("Ja")
    NO = "no", _("Nej")
    UNKNOWN = "unknown", _("Okänt")


class OutcomeFollowUp(models.Model):
    """Outcome follow-up (uppföljning) 3, 6 or 12 months after the case opened."""

    class Source(models.TextChoices):
        POLICE_RECORDS = "police_records", _("Polisens register")
        SOCIAL_SERVICES = "social_services", _("Socialtjänsten")
        SELF_REPORT = "self_report", _("Personen själv")
        VICTIM = "victim", _("Målsägande eller anhörig")
        OTHER = "other", _("Annan källa")

    MONTHS = [(3, _("3 månader")), (6, _("6 månader")), (12, _("12 månader"))]

    case = models.ForeignKey(PreventiveCase, on_delete=models.CASCADE, related_name="outcomes")
    months = models.PositiveSmallIntegerField(_("uppföljning efter"), choices=MONTHS)
    new_threats = models.CharField(_("nya hot"), max_length=10, choices=Answer.choices)
    new_violence = models.CharField(_("nytt våld"), max_length=10, choices=Answer.choices)
    new_crime = models.CharField(_("ny brottslighet"), max_length=10, choices=Answer.choices)
    source = models.CharField(_("källa"), max_length=20, choices=Source.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["months"]
        constraints = [
            models.UniqueConstraint(fields=["case", "months"], name="outcome_once_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.case} uppföljning {self.months} mån"

    @property
    def ceased(self) -> bool | None:
        """True when no new threats, violence or crime; False when any; None if unknown."""
        answers = {self.new_threats, self.new_violence, self.new_crime}
        if Answer.YES in answers:
            return False
        if answers == {Answer.NO}:
            return True
        return None
