"""State changes of preventive cases: one function each, each writing its audit event.

Every function takes the ``purpose`` the user stated (or that their assignment implies,
see :mod:`samverkan.cases.purposes`) and refuses to act without one. Audit events always
name the case as their object, so the access log of a case is one indexed query, and
their details hold ids and field names, never personal data.
"""

from __future__ import annotations

import calendar
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from samverkan.cases import crypto, identity, workflow
from samverkan.cases.models import (
    OSL_10_18A_AGE_LIMIT,
    RISK_ITEMS,
    CaseMeasure,
    Conversation,
    InformationExchange,
    InformationRequest,
    LegalBasis,
    OutcomeFollowUp,
    PreventiveCase,
)
from samverkan.core import audit
from samverkan.core.models import AuditEvent
from samverkan.core.permissions import org_ids
from samverkan.core.roles import Role

RETENTION_PURPOSE = "Gallring efter lagringstidens slut"


class CaseError(ValueError):
    """A change the rules of preventive cases do not allow; the message says why."""


class LegalBasisError(CaseError):
    """Information may not be given or received on the stated legal basis."""


def _need_purpose(purpose: str) -> str:
    purpose = (purpose or "").strip()
    if not purpose:
        raise CaseError("Ange syftet med åtgärden.")
    return purpose


def _record(action, case, user, purpose, request=None, organisation=None, **details):
    return audit.record(
        action,
        actor=user,
        obj=case,
        organisation=organisation or case.organisation,
        purpose=_need_purpose(purpose),
        request=request,
        details=details,
    )


def _editable(case: PreventiveCase) -> None:
    if case.anonymised_at is not None:
        raise CaseError("Ärendet är avidentifierat och kan inte ändras.")


def log_access(case, user, purpose, *, action="case.view", request=None, organisation=None, **d):
    """Audit one read of case data (a page, an export, a search hit)."""
    return _record(action, case, user, purpose, request, organisation, **d)


def number_index(number: str) -> tuple[str, str]:
    """(normalised number, blind index) of an identity number, or raise CaseError."""
    try:
        ident = identity.parse(number)
    except identity.InvalidIdentityNumber as exc:
        raise CaseError(f"Personnumret är ogiltigt: {exc}") from exc
    return ident.normalised, crypto.blind_index(ident.normalised)


def find_by_number(number: str, queryset=None):
    """Cases about the person with ``number``, found through the blind index."""
    normalised, _index = number_index(number)
    qs = PreventiveCase.objects.all() if queryset is None else queryset
    # Every key of the ring: a case not yet re-encrypted by rotate_case_key keeps the
    # index of the old key.
    return qs.filter(person_number_index__in=crypto.blind_indexes(normalised))


def _check_officers(case_org_id: int, officers) -> None:
    from samverkan.core.models import Membership

    for officer in officers:
        if not Membership.objects.filter(
            user=officer, organisation_id=case_org_id, role=Role.CASE_OFFICER
        ).exists():
            raise CaseError(f"{officer.username} är inte handläggare i ärendets organisation.")


@transaction.atomic
def create_case(
    user,
    *,
    organisation,
    case_type,
    person_name,
    person_number="",
    background="",
    partners=(),
    officers=(),
    purpose,
    request=None,
) -> PreventiveCase:
    """Open a case; a case officer who opens it is assigned to it."""
    _need_purpose(purpose)
    if organisation.pk not in org_ids(user, {Role.CASE_OFFICER, Role.CASE_SUPERVISOR}):
        raise CaseError("Du kan bara öppna ärenden i en organisation där du handlägger ärenden.")
    normalised, index = number_index(person_number) if person_number else ("", "")
    case = PreventiveCase.objects.create(
        case_type=case_type,
        organisation=organisation,
        person_name=person_name.strip(),
        person_number=normalised,
        person_number_index=index,
        background=background,
        created_by=user,
    )
    case.reference = f"FS-{case.opened_on.year}-{case.pk:05d}"
    case.save(update_fields=["reference"])
    officers = list(officers)
    if organisation.pk in org_ids(user, {Role.CASE_OFFICER}) and user not in officers:
        officers.append(user)
    _check_officers(organisation.pk, officers)
    case.officers.set(officers)
    case.partners.set([p for p in partners if p.pk != organisation.pk])
    _record(
        "case.create",
        case,
        user,
        purpose,
        request,
        officers=[o.pk for o in officers],
        partners=[p.pk for p in partners],
    )
    return case


@transaction.atomic
def update_case(case, user, *, purpose, request=None, **fields) -> PreventiveCase:
    """Change the person, type, background or partners. Logs which fields changed."""
    _editable(case)
    changed = []
    if "person_number" in fields:
        number = fields.pop("person_number") or ""
        normalised, index = number_index(number) if number else ("", "")
        if normalised != case.person_number:
            case.person_number, case.person_number_index = normalised, index
            changed.append("person_number")
    partners = fields.pop("partners", None)
    for name, value in fields.items():
        if getattr(case, name) != value:
            setattr(case, name, value)
            changed.append(name)
    case.save()
    if partners is not None:
        new = {p.pk for p in partners if p.pk != case.organisation_id}
        if new != set(case.partners.values_list("pk", flat=True)):
            case.partners.set(list(new))
            changed.append("partners")
    _record("case.update", case, user, purpose, request, fields=sorted(changed))
    return case


@transaction.atomic
def set_status(case, status, user, *, purpose, request=None, now=None) -> PreventiveCase:
    _editable(case)
    workflow.CASE.check(case.status, status)
    old = case.status
    case.status = status
    case.closed_at = (now or timezone.now()) if status == workflow.CLOSED else None
    case.save(update_fields=["status", "closed_at", "updated_at"])
    _record("case.set_status", case, user, purpose, request, **{"from": old, "to": status})
    return case


@transaction.atomic
def assign_officers(case, officers, user, *, purpose, request=None) -> PreventiveCase:
    _editable(case)
    officers = list(officers)
    _check_officers(case.organisation_id, officers)
    case.officers.set(officers)
    _record("case.assign", case, user, purpose, request, officers=[o.pk for o in officers])
    return case


@transaction.atomic
def assess_risk(case, factors, level, user, *, purpose, request=None) -> PreventiveCase:
    _editable(case)
    known = {code for code, _label in RISK_ITEMS}
    unknown = set(factors) - known
    if unknown:
        raise CaseError(f"Okända riskfaktorer: {', '.join(sorted(unknown))}")
    case.risk_factors = [code for code, _label in RISK_ITEMS if code in set(factors)]
    case.risk_level = level
    case.risk_assessed_at = timezone.now()
    case.save(update_fields=["risk_factors", "risk_level", "risk_assessed_at", "updated_at"])
    _record("case.assess_risk", case, user, purpose, request, level=level)
    return case


@transaction.atomic
def plan_conversation(case, kind, planned_at, user, *, notes="", purpose, request=None):
    _editable(case)
    conversation = Conversation.objects.create(
        case=case, kind=kind, planned_at=planned_at, notes=notes, created_by=user
    )
    _record("case.plan_conversation", case, user, purpose, request, conversation=conversation.pk)
    return conversation


@transaction.atomic
def record_conversation_held(conversation, held_at, user, *, notes=None, purpose, request=None):
    case = conversation.case
    _editable(case)
    conversation.held_at = held_at
    if notes is not None:
        conversation.notes = notes
    conversation.save()
    _record("case.hold_conversation", case, user, purpose, request, conversation=conversation.pk)
    return conversation


@transaction.atomic
def add_measure(case, description, user, *, responsible=None, due_on=None, purpose, request=None):
    _editable(case)
    if not description.strip():
        raise CaseError("Beskriv insatsen.")
    measure = CaseMeasure.objects.create(
        case=case, description=description.strip(), responsible=responsible, due_on=due_on
    )
    _record("case.add_measure", case, user, purpose, request, measure=measure.pk)
    return measure


@transaction.atomic
def set_measure_status(measure, status, user, *, purpose, request=None):
    _editable(measure.case)
    if status not in CaseMeasure.Status.values:
        raise CaseError("Okänd status för insatsen.")
    measure.status = status
    measure.save(update_fields=["status"])
    _record("case.set_measure_status", measure.case, user, purpose, request, measure=measure.pk)
    return measure


def check_legal_basis(case, basis: str, statute: str, on: datetime) -> int | None:
    """Refuse an exchange the stated legal basis does not cover. Returns the person's age.

    OSL 10 kap. 18 a § lets social services give information to the police (and the police
    to social services) about a person **under 21** when it is needed to prevent crime. A
    disclosure about someone 21 or older, or whose age cannot be established from the
    identity number, is refused. "Other statute" must name the statute.
    """
    if basis not in LegalBasis.values:
        raise LegalBasisError("Ange en rättslig grund.")
    day = timezone.localdate(on) if timezone.is_aware(on) else on.date()
    age = case.age_on(day)
    if basis == LegalBasis.OSL_10_18A:
        if age is None:
            raise LegalBasisError(
                "OSL 10 kap. 18 a § gäller bara personer under 21 år: ärendet saknar "
                "personnummer, så åldern kan inte fastställas."
            )
        if age >= OSL_10_18A_AGE_LIMIT:
            raise LegalBasisError(
                f"OSL 10 kap. 18 a § gäller bara personer under 21 år; personen är {age} år. "
                "Ange en annan rättslig grund (samtycke eller annan författning)."
            )
    if basis == LegalBasis.OTHER_STATUTE and not (statute or "").strip():
        raise LegalBasisError("Ange vilken författning som ger stöd för utbytet.")
    return age


@transaction.atomic
def record_exchange(
    case,
    *,
    direction,
    counterpart,
    content,
    legal_basis,
    statute="",
    occurred_at,
    user,
    purpose,
    request=None,
    info_request=None,
) -> InformationExchange:
    """Log information given to or received from another organisation."""
    _editable(case)
    if counterpart.pk == case.organisation_id:
        raise CaseError("Motparten måste vara en annan organisation än ärendets.")
    if not (content or "").strip():
        raise CaseError("Beskriv vilka uppgifter som lämnades eller togs emot.")
    age = check_legal_basis(case, legal_basis, statute, occurred_at)
    given = direction == InformationExchange.Direction.GIVEN
    exchange = InformationExchange.objects.create(
        case=case,
        direction=direction,
        from_organisation=case.organisation if given else counterpart,
        to_organisation=counterpart if given else case.organisation,
        content=content.strip(),
        legal_basis=legal_basis,
        statute=statute.strip(),
        occurred_at=occurred_at,
        age_at_exchange=age,
        recorded_by=user,
        request=info_request,
    )
    _record(
        "case.exchange",
        case,
        user,
        purpose,
        request,
        exchange=exchange.pk,
        direction=direction,
        legal_basis=legal_basis,
        counterpart=counterpart.pk,
    )
    return exchange


@transaction.atomic
def request_information(
    case, to_organisation, question, legal_basis, user, *, statute="", purpose, request=None
) -> InformationRequest:
    _editable(case)
    if to_organisation.pk == case.organisation_id:
        raise CaseError("Begäran ska gå till en annan organisation.")
    if not (question or "").strip():
        raise CaseError("Skriv vilka uppgifter som begärs.")
    check_legal_basis(case, legal_basis, statute, timezone.now())
    req = InformationRequest.objects.create(
        case=case,
        from_organisation=case.organisation,
        to_organisation=to_organisation,
        question=question.strip(),
        legal_basis=legal_basis,
        statute=statute.strip(),
        requested_by=user,
    )
    _record(
        "information_request.create",
        case,
        user,
        purpose,
        request,
        info_request=req.pk,
        to=to_organisation.pk,
        legal_basis=legal_basis,
    )
    return req


@transaction.atomic
def decide_request(
    req, approve: bool, user, *, basis="", statute="", purpose, request=None
) -> InformationRequest:
    """The asked organisation approves (with the legal basis) or denies (with the reason)."""
    _editable(req.case)
    target = workflow.APPROVED if approve else workflow.DENIED
    workflow.REQUEST.check(req.status, target)
    if approve:
        check_legal_basis(req.case, basis, statute, timezone.now())
    elif not (statute or "").strip():
        raise CaseError("Ange skälet för avslaget (t.ex. sekretessbestämmelsen).")
    req.status = target
    req.decided_by = user
    req.decided_at = timezone.now()
    req.decision_basis = basis if approve else ""
    req.decision_statute = statute.strip()
    req.save()
    _record(
        "information_request.decide",
        req.case,
        user,
        purpose,
        request,
        organisation=req.to_organisation,
        info_request=req.pk,
        decision=target,
        basis=req.decision_basis,
    )
    return req


@transaction.atomic
def record_disclosure(req, content, user, *, occurred_at=None, purpose, request=None):
    """The asked organisation records what it gave; it lands in the case's exchange log."""
    workflow.REQUEST.check(req.status, workflow.DISCLOSED)
    exchange = record_exchange(
        req.case,
        direction=InformationExchange.Direction.RECEIVED,
        counterpart=req.to_organisation,
        content=content,
        legal_basis=req.decision_basis,
        statute=req.decision_statute,
        occurred_at=occurred_at or timezone.now(),
        user=user,
        purpose=purpose,
        request=request,
        info_request=req,
    )
    req.status = workflow.DISCLOSED
    req.save(update_fields=["status"])
    _record(
        "information_request.disclose",
        req.case,
        user,
        purpose,
        request,
        organisation=req.to_organisation,
        info_request=req.pk,
        exchange=exchange.pk,
    )
    return exchange


@transaction.atomic
def record_outcome(
    case, months, *, threats, violence, crime, source, user, purpose, request=None
) -> OutcomeFollowUp:
    """Outcome at 3, 6 or 12 months; each follow-up is recorded once."""
    if case.anonymised_at is not None:
        raise CaseError("Ärendet är avidentifierat och kan inte ändras.")
    if months not in (3, 6, 12):
        raise CaseError("Uppföljning görs efter 3, 6 eller 12 månader.")
    if case.outcomes.filter(months=months).exists():
        raise CaseError(f"Uppföljningen efter {months} månader är redan registrerad.")
    outcome = OutcomeFollowUp.objects.create(
        case=case,
        months=months,
        new_threats=threats,
        new_violence=violence,
        new_crime=crime,
        source=source,
        recorded_by=user,
    )
    _record("case.record_outcome", case, user, purpose, request, months=months, outcome=outcome.pk)
    return outcome


def months_before(moment: datetime, months: int) -> datetime:
    """The same wall-clock moment ``months`` calendar months earlier (day clamped)."""
    years, month0 = divmod(moment.month - 1 - months, 12)
    year, month = moment.year + years, month0 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


@transaction.atomic
def anonymise_case(case: PreventiveCase, *, now=None) -> PreventiveCase:
    """Erase everything that identifies the person; keep what the statistics count.

    Kept: type, organisation, status, dates, risk level, outcomes, and the counts of
    conversations, measures and exchanges with their dates and legal bases. Erased: name,
    identity number and its index, background, risk factors, every free text.
    """
    now = now or timezone.now()
    case.person_name = ""
    case.person_number = ""
    case.person_number_index = ""
    case.background = ""
    case.risk_factors = []
    case.anonymised_at = now
    case.save()
    case.conversations.update(notes="")
    case.measures.update(description="")
    case.exchanges.update(content="")
    case.requests.update(question="")
    audit.record(
        "case.anonymise",
        obj=case,
        organisation=case.organisation,
        purpose=RETENTION_PURPOSE,
        details={"closed_at": case.closed_at.isoformat() if case.closed_at else None},
    )
    return case


def anonymise_due(*, now=None, months: int | None = None) -> list[int]:
    """Anonymise every case closed at least ``months`` (CASES_RETENTION_MONTHS) ago."""
    from django.conf import settings

    now = now or timezone.now()
    months = settings.CASES_RETENTION_MONTHS if months is None else months
    cutoff = months_before(now, months)
    due = PreventiveCase.objects.filter(
        status=workflow.CLOSED, closed_at__lte=cutoff, anonymised_at__isnull=True
    )
    done = []
    for case in due.iterator():
        anonymise_case(case, now=now)
        done.append(case.pk)
    return done


def access_events(cases):
    """The audit events that name any of ``cases``, oldest first."""
    ids = [str(c.pk) for c in cases]
    return (
        AuditEvent.objects.filter(object_type=PreventiveCase._meta.label_lower, object_id__in=ids)
        .select_related("organisation", "actor")
        .order_by("at", "id")
    )
