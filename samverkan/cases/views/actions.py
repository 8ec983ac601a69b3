"""POST-only changes of one case, dispatched by action name.

Each action is one row of :data:`CASE_ACTIONS`: the form that reads the request, the
service function that makes the change (and writes the audit event), any permission beyond
``cases.change_case``, the message and the section of the case page to return to. A new
action is a new row, not a new branch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import rules
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views import View

from samverkan.cases import forms, scope, services, workflow
from samverkan.cases.models import CaseMeasure, Conversation
from samverkan.cases.views.mixins import CaseObjectMixin, PurposeRequiredMixin


@dataclass(frozen=True)
class CaseAction:
    """One action on a case.

    Attributes
    ----------
    run : callable
        ``run(case, data, user, purpose=..., request=...)`` calls the service function;
        ``data`` is the form's cleaned data (the raw POST when there is no form).
    done : str
        Message shown when the change was made.
    form : callable, optional
        ``form(data, case)`` builds the bound form; ``None`` for an action without one.
    permission : str, optional
        A rule the user must also pass; someone who fails it learns nothing (404).
    anchor : str
        The section of the case page to return to.
    """

    run: Callable[..., object]
    done: str
    form: Callable[..., object] | None = None
    permission: str | None = None
    anchor: str = ""


def _plain(form_class):
    return lambda data, case: form_class(data)


def _held(case, d, user, **common):
    conversation = get_object_or_404(Conversation, case=case, pk=d["conversation"])
    services.record_conversation_held(
        conversation, d["held_at"], user, notes=d["notes"] or None, **common
    )


def _measure_status(case, d, user, **common):
    measure = get_object_or_404(CaseMeasure, case=case, pk=d["measure"])
    services.set_measure_status(measure, d["status"], user, **common)


def _exchange(case, d, user, **common):
    services.record_exchange(
        case,
        direction=d["direction"],
        counterpart=d["counterpart"],
        content=d["content"],
        legal_basis=d["legal_basis"],
        statute=d["statute"],
        occurred_at=d["occurred_at"],
        user=user,
        **common,
    )


def _request(case, d, user, **common):
    services.request_information(
        case,
        d["to_organisation"],
        d["question"],
        d["legal_basis"],
        user,
        statute=d["statute"],
        **common,
    )


def _outcome(case, d, user, **common):
    services.record_outcome(
        case,
        d["months"],
        threats=d["threats"],
        violence=d["violence"],
        crime=d["crime"],
        source=d["source"],
        user=user,
        **common,
    )


CASE_ACTIONS: dict[str, CaseAction] = {
    "status": CaseAction(
        run=lambda case, d, user, **c: services.set_status(case, d.get("status", ""), user, **c),
        done=gettext_lazy("Status är ändrad."),
    ),
    "assign": CaseAction(
        form=lambda data, case: forms.AssignForm(
            data, officers=scope.case_officers(case.organisation)
        ),
        run=lambda case, d, user, **c: services.assign_officers(case, d["officers"], user, **c),
        done=gettext_lazy("Handläggarna är ändrade."),
        permission="cases.assign_officers",
    ),
    "risk": CaseAction(
        form=_plain(forms.RiskForm),
        run=lambda case, d, user, **c: services.assess_risk(
            case, d["factors"], d["level"], user, **c
        ),
        done=gettext_lazy("Riskbedömningen är sparad."),
        anchor="#risk",
    ),
    "conversation": CaseAction(
        form=_plain(forms.ConversationForm),
        run=lambda case, d, user, **c: services.plan_conversation(
            case, d["kind"], d["planned_at"], user, notes=d["notes"], **c
        ),
        done=gettext_lazy("Samtalet är planerat."),
        anchor="#samtal",
    ),
    "held": CaseAction(
        form=_plain(forms.HeldForm),
        run=_held,
        done=gettext_lazy("Samtalet är markerat som genomfört."),
        anchor="#samtal",
    ),
    "measure": CaseAction(
        form=_plain(forms.MeasureForm),
        run=lambda case, d, user, **c: services.add_measure(
            case, d["description"], user, responsible=d["responsible"], due_on=d["due_on"], **c
        ),
        done=gettext_lazy("Insatsen är tillagd."),
        anchor="#insatser",
    ),
    "measure-status": CaseAction(
        form=_plain(forms.MeasureStatusForm),
        run=_measure_status,
        done=gettext_lazy("Insatsens status är ändrad."),
        anchor="#insatser",
    ),
    "exchange": CaseAction(
        form=_plain(forms.ExchangeForm),
        run=_exchange,
        done=gettext_lazy("Uppgiftsutbytet är registrerat."),
        anchor="#uppgifter",
    ),
    "request": CaseAction(
        form=_plain(forms.RequestForm),
        run=_request,
        done=gettext_lazy("Begäran är skickad."),
        anchor="#uppgifter",
    ),
    "outcome": CaseAction(
        form=_plain(forms.OutcomeForm),
        run=_outcome,
        done=gettext_lazy("Uppföljningen är registrerad."),
        anchor="#utfall",
    ),
}


class CaseActionView(CaseObjectMixin, PurposeRequiredMixin, View):
    """POST-only changes of one case; each goes through one service function."""

    permission_required = "cases.change_case"
    http_method_names = ["post"]
    ACTIONS = frozenset(CASE_ACTIONS)

    def post(self, request, pk, action):
        handler = CASE_ACTIONS.get(action)
        if handler is None:
            raise Http404
        case, user = self.case, request.user
        if handler.permission and not rules.has_perm(handler.permission, user, case):
            raise Http404
        try:
            if handler.form is None:
                data = request.POST
            else:
                form = handler.form(request.POST, case)
                data = form.cleaned_data if self._ok(form) else None
            if data is not None:
                handler.run(case, data, user, purpose=self.purpose, request=request)
                messages.success(request, handler.done)
        except (services.CaseError, workflow.TransitionError) as exc:
            messages.error(request, str(exc))
        return redirect(reverse("case-detail", args=[case.pk]) + handler.anchor)

    def _ok(self, form) -> bool:
        if form.is_valid():
            return True
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(self.request, f"{label}: {error}" if label else error)
        return False
