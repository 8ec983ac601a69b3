"""A coordinator's changes to one incident, as one dispatch table for the page and the API.

Each action names the form that reads and checks its fields and the service function that
makes the change and writes its audit event. The incident page
(:class:`samverkan.incidents.views.IncidentActionView`) and the REST API
(``POST /api/incidents/<id>/actions/``) both call :func:`perform`, so a change made in
either place takes the same checks: the same allowed status transitions, a duplicate only
of a report the coordinator sees, an assignment only within their partnerships.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samverkan.core.permissions import scope
from samverkan.incidents import services, triage, workflow
from samverkan.incidents.forms import FeedbackForm, StatusForm
from samverkan.incidents.models import Incident
from samverkan.incidents.triage_forms import AssignForm, CategoryForm, TagsForm


class ActionError(ValueError):
    """A change that cannot be made; the message is for the coordinator.

    ``errors`` holds the form's messages per field when the input was not valid.
    """

    def __init__(self, message: str, errors: Mapping | None = None):
        super().__init__(message)
        self.errors = dict(errors or {})


class UnknownAction(ActionError):
    """Not one of :data:`ACTIONS`."""


class DuplicateForm(forms.Form):
    of = forms.IntegerField(label=gettext_lazy("Dubblett av händelse nr"), min_value=1)


@dataclass(frozen=True)
class IncidentAction:
    form: Callable[[Mapping, object], forms.Form]
    apply: Callable[[Incident, dict, object, object], str]
    # Shown on the page when the form does not validate.
    invalid: str


def _feedback(incident, d, user, request):
    services.give_feedback(incident, d["feedback"], user, request=request)
    return _("Återkopplingen är sparad och syns för rapportören.")


def _status(incident, d, user, request):
    services.set_status(incident, d["status"], user, request=request)
    return _("Status är ändrad.")


def _duplicate(incident, d, user, request):
    # Only a report the coordinator sees: an id from elsewhere is not told apart from none.
    original = scope(Incident.objects.all(), user).filter(pk=d["of"]).first()
    if original is None:
        raise ActionError(_("Välj en händelse som du har tillgång till."))
    services.mark_duplicate(incident, original, user, request=request)
    return _("Händelsen är markerad som dubblett av #%(pk)s och räknas inte längre.") % {
        "pk": original.pk
    }


def _category(incident, d, user, request):
    triage.change_category(incident, d["category"], user, request=request)
    return _("Kategorin är ändrad. Rapportören ser den nya kategorin.")


def _assign_form(data, user):
    return AssignForm(
        data,
        organisations=triage.assignable_organisations(user),
        people=triage.assignable_people(user),
    )


def _assign(incident, d, user, request):
    triage.assign(incident, d["organisation"], d["person"], user, request=request)
    return _("Tilldelningen är sparad.")


def _tags(incident, d, user, request):
    triage.set_tags(incident, d["tags"], user, request=request)
    return _("Etiketterna är sparade.")


ACTIONS: dict[str, IncidentAction] = {
    "feedback": IncidentAction(
        lambda data, user: FeedbackForm(data),
        _feedback,
        gettext_lazy("Skriv en återkoppling innan du sparar."),
    ),
    "status": IncidentAction(
        lambda data, user: StatusForm(data), _status, gettext_lazy("Välj en status.")
    ),
    "duplicate": IncidentAction(
        lambda data, user: DuplicateForm(data),
        _duplicate,
        gettext_lazy("Ange numret på händelsen som detta är en dubblett av."),
    ),
    "category": IncidentAction(
        lambda data, user: CategoryForm(data), _category, gettext_lazy("Välj en kategori.")
    ),
    "assign": IncidentAction(
        _assign_form,
        _assign,
        gettext_lazy("Välj en organisation eller person i din samverkan."),
    ),
    "tags": IncidentAction(
        lambda data, user: TagsForm(data), _tags, gettext_lazy("Etiketterna kunde inte läsas.")
    ),
}


def perform(incident: Incident, name: str, data: Mapping, user, *, request=None) -> str:
    """Make the change ``name`` with the fields in ``data``; the message to show.

    The caller has checked that ``user`` may change ``incident``
    (``incidents.change_incident``).

    Raises
    ------
    UnknownAction
        If ``name`` is not in :data:`ACTIONS`.
    ActionError
        If the fields are not valid (``errors`` per field) or the change is not allowed (a
        status transition the workflow forbids, a report not seen, too many tags).
    """
    action = ACTIONS.get(name)
    if action is None:
        raise UnknownAction(_("Okänd åtgärd."))
    form = action.form(data, user)
    if not form.is_valid():
        raise ActionError(str(action.invalid), form.errors)
    try:
        return action.apply(incident, form.cleaned_data, user, request)
    except ActionError:
        raise
    except (workflow.TransitionError, ValueError) as exc:
        raise ActionError(str(exc)) from exc
