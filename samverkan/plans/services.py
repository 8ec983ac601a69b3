"""Changes to problems, analyses, plans, measures, promises and agreements.

One function per change, each in one transaction with its audit event
(:func:`samverkan.core.audit.record`): a change without its event cannot be committed.
Audit details name the fields that changed, never their content.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404
from django.utils import timezone

from samverkan.core import audit, permissions
from samverkan.core.approval import approvers_required, check_second_approver
from samverkan.plans import workflow
from samverkan.plans.models import (
    ActionPlan,
    Agreement,
    CauseAnalysis,
    CitizenPromise,
    EventStep,
    FollowUpDate,
    Measure,
    Problem,
    PromiseUpdate,
    Side,
    partnership_of,
)


def acting_organisation(user, obj):
    """The user's organisation within the partnership that owns ``obj`` (for the audit log)."""
    return permissions.acting_organisation(user, partnership_of(obj))


def _record(action, obj, user, request, **details):
    audit.record(
        action,
        actor=user,
        obj=obj,
        organisation=acting_organisation(user, obj),
        request=request,
        details=details or None,
    )


class PlanLockedError(ValueError):
    """A change to an action plan, or to one of its measures, while it waits for its
    second approval."""


def _check_plan_editable(plan_id: int | None) -> None:
    """Refuse changes to a plan that waits for its second approval ("godkänd av 1 av 2").

    The second approver adopts exactly what the first one approved, as with the lägesbild
    and the tertial report; sending the plan back to draft opens it again.
    """
    if plan_id is None:
        return
    # Under the plan's row lock: an edit cannot slip in between a first approval and its commit.
    status = (
        ActionPlan.objects.select_for_update()
        .filter(pk=plan_id)
        .values_list("status", flat=True)
        .first()
    )
    if status == workflow.ADOPTING:
        raise PlanLockedError(
            "Åtgärdsplanen väntar på en andra godkännare och kan inte ändras. "
            "Skicka tillbaka den till utkast om något behöver ändras."
        )


def _plan_id_of(obj) -> int | None:
    if isinstance(obj, ActionPlan):
        return obj.pk
    if isinstance(obj, Measure):
        return obj.plan_id
    return None


@transaction.atomic
def save_form(form, user, action: str, *, request=None, **attrs):
    """Save a model form (create or edit) and write ``<action>`` to the audit log.

    ``attrs`` are set on the instance before saving (owner, creator ...). A plan waiting for
    its second approval, and its measures, are refused (:class:`PlanLockedError`).
    """
    creating = form.instance.pk is None
    obj = form.save(commit=False)
    for key, value in attrs.items():
        setattr(obj, key, value)
    _check_plan_editable(_plan_id_of(obj))
    if creating and hasattr(obj, "created_by_id") and obj.created_by_id is None:
        obj.created_by = user
    obj.save()
    form.save_m2m()
    _record(action, obj, user, request, fields=sorted(form.changed_data))
    return obj


def measures_in(measures, area_ids):
    """The measures done in these areas: by their own area, else by their plan's."""
    ids = sorted(area_ids)
    return (
        measures.filter(Q(area_id__in=ids) | Q(area__isnull=True, plan__area_id__in=ids))
        .select_related("plan", "area", "plan__area")
        # Listed by name: neither area's border.
        .defer("area__geometry", "plan__area__geometry")
        .order_by("start", "title")
    )


# ---------------------------------------------------------------- problems
@transaction.atomic
def set_problem_status(problem: Problem, status: str, user, *, request=None) -> Problem:
    workflow.PROBLEM.check(problem.status, status)
    old = problem.status
    problem.status = status
    problem.save(update_fields=["status", "updated_at"])
    _record(audit.Action.PROBLEM_SET_STATUS, problem, user, request, **{"from": old, "to": status})
    return problem


def finding_from_report(report, category_code: str) -> dict | None:
    """The row of a lägesbild's by-category table for ``category_code``, or None."""
    for row in (report.snapshot or {}).get("by_category", []):
        if row.get("code") == category_code:
            return row
    return None


@transaction.atomic
def link_incidents(problem: Problem, incidents: Iterable, user, *, request=None) -> Problem:
    """Replace the incidents linked as evidence (the caller passes only visible ones)."""
    ids = sorted(i.pk for i in incidents)
    before = sorted(problem.incidents.values_list("pk", flat=True))
    if ids != before:
        problem.incidents.set(ids)
        _record(audit.Action.PROBLEM_ATTACH_EVIDENCE, problem, user, request, incidents=len(ids))
    return problem


# ---------------------------------------------------------------- cause analysis
@transaction.atomic
def save_cause_analysis(
    problem: Problem,
    user,
    *,
    sides: dict[str, dict[str, str]],
    staff_dialogue: str = "",
    citizen_dialogue: str = "",
    conclusion: str = "",
    steps: list[dict] | None = None,
    request=None,
) -> CauseAnalysis:
    """Write the whole analysis: triangle sides, dialogue notes and the event chain."""
    analysis, created = CauseAnalysis.objects.get_or_create(problem=problem)
    analysis.sides = {
        code: {
            "findings": (sides.get(code) or {}).get("findings", "").strip(),
            "sources": (sides.get(code) or {}).get("sources", "").strip(),
        }
        for code in Side.values
    }
    analysis.staff_dialogue = staff_dialogue.strip()
    analysis.citizen_dialogue = citizen_dialogue.strip()
    analysis.conclusion = conclusion.strip()
    analysis.updated_by = user
    analysis.save()
    if steps is not None:
        analysis.steps.all().delete()
        EventStep.objects.bulk_create(
            EventStep(
                analysis=analysis,
                position=i,
                stage=s["stage"],
                description=s["description"].strip(),
                intervention=(s.get("intervention") or "").strip(),
            )
            for i, s in enumerate(steps, start=1)
        )
    _record(
        audit.Action.CAUSE_ANALYSIS_CREATE if created else audit.Action.CAUSE_ANALYSIS_UPDATE,
        analysis,
        user,
        request,
        problem=problem.pk,
        steps=len(steps or []),
    )
    return analysis


# ---------------------------------------------------------------- action plans and measures
@transaction.atomic
def set_plan_status(
    plan: ActionPlan,
    status: str,
    user,
    *,
    adopted_by: str = "",
    adopted_on: date | None = None,
    request=None,
) -> ActionPlan:
    """Change a plan's status; adopting needs the adopting body and the date.

    Adopting a draft of a partnership that asks for two approvers records the first
    approval ("godkänd av 1 av 2"); adopting it again by another person adopts it.
    """
    # Re-read under a row lock: two coordinators approving at once cannot both be first.
    stored = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    plan.status, plan.first_approved_by_id = stored.status, stored.first_approved_by_id
    if status == workflow.ADOPTING:
        raise ValueError("Välj Antagen: planen blir godkänd av 1 av 2 när två ska godkänna.")
    first_step = (
        status == workflow.ADOPTED
        and plan.status == workflow.DRAFT
        and approvers_required(plan.partnership) > 1
    )
    target = workflow.ADOPTING if first_step else status
    workflow.PLAN.check(plan.status, target)
    if status == workflow.ADOPTED:
        adopted_by = (adopted_by or plan.adopted_by).strip()
        adopted_on = adopted_on or plan.adopted_on
        if not adopted_by or not adopted_on:
            raise ValueError("Ange vilket organ som antog planen och datumet för beslutet.")
        if plan.status == workflow.ADOPTING:
            check_second_approver(plan.first_approved_by_id, user)
        plan.adopted_by, plan.adopted_on = adopted_by, adopted_on
    if first_step:
        plan.first_approved_by, plan.first_approved_at = user, timezone.now()
    elif target == workflow.DRAFT:
        # A plan back in draft starts its approvals again.
        plan.first_approved_by, plan.first_approved_at = None, None
    old = plan.status
    plan.status = target
    plan.save(
        update_fields=[
            "status",
            "adopted_by",
            "adopted_on",
            "first_approved_by",
            "first_approved_at",
            "updated_at",
        ]
    )
    _record(
        audit.Action.ACTION_PLAN_APPROVE_FIRST
        if first_step
        else audit.Action.ACTION_PLAN_SET_STATUS,
        plan,
        user,
        request,
        **{"from": old, "to": target},
    )
    return plan


@transaction.atomic
def set_measure_status(measure: Measure, status: str, user, *, request=None) -> Measure:
    _check_plan_editable(measure.plan_id)
    workflow.MEASURE.check(measure.status, status)
    old = measure.status
    measure.status = status
    measure.save(update_fields=["status", "updated_at"])
    _record(audit.Action.MEASURE_SET_STATUS, measure, user, request, **{"from": old, "to": status})
    return measure


# ---------------------------------------------------------------- citizen promises
@transaction.atomic
def publish_promise(promise: CitizenPromise, user, *, request=None) -> CitizenPromise:
    if not promise.text.strip():
        raise ValueError("Ett löfte utan text kan inte publiceras.")
    promise.published = True
    promise.published_at = promise.published_at or timezone.now()
    promise.save(update_fields=["published", "published_at", "updated_at"])
    _record(audit.Action.PROMISE_PUBLISH, promise, user, request)
    return promise


@transaction.atomic
def unpublish_promise(promise: CitizenPromise, user, *, request=None) -> CitizenPromise:
    promise.published = False
    promise.save(update_fields=["published", "updated_at"])
    _record(audit.Action.PROMISE_UNPUBLISH, promise, user, request)
    return promise


@transaction.atomic
def add_promise_update(
    promise: CitizenPromise, when: date, text: str, user, *, request=None
) -> PromiseUpdate:
    text = text.strip()
    if not text:
        raise ValueError("Skriv vad som har hänt innan du sparar lägesrapporten.")
    update = PromiseUpdate.objects.create(promise=promise, date=when, text=text, created_by=user)
    _record(audit.Action.PROMISE_ADD_UPDATE, update, user, request, promise=promise.pk)
    return update


# ---------------------------------------------------------------- agreements
@transaction.atomic
def set_followups(agreement: Agreement, rows: list[dict], user, *, request=None) -> None:
    """Replace the follow-up dates; a date kept keeps its reminder state."""
    kept = {f.date: f for f in agreement.followups.all()}
    wanted = {r["date"]: r.get("description", "") for r in rows}
    for day, followup in kept.items():
        if day not in wanted:
            followup.delete()
    for day, description in wanted.items():
        if day in kept:
            if kept[day].description != description:
                kept[day].description = description
                kept[day].save(update_fields=["description"])
        else:
            FollowUpDate.objects.create(agreement=agreement, date=day, description=description)
    _record(audit.Action.AGREEMENT_PLAN_FOLLOWUPS, agreement, user, request, dates=len(wanted))


def agreement_document_response(agreement: Agreement, request) -> FileResponse:
    """The signed PDF as a download, logged; 404 when the agreement has none.

    The caller has checked that the user may read the agreement: the page and the API
    serve the document the same way and write the same audit event.
    """
    if not agreement.document:
        raise Http404
    audit.record(audit.Action.AGREEMENT_DOWNLOAD_DOCUMENT, obj=agreement, request=request)
    return FileResponse(
        agreement.document.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=agreement.document_name or f"overenskommelse-{agreement.pk}.pdf",
    )
