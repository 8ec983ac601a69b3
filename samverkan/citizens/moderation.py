"""A coordinator's decisions on an observation, as one dispatch table.

The moderation page and the REST API both call :func:`moderate`, so a decision made in
either place takes the same checks: the observation is locked while it is decided, a
report to merge with is looked up in the coordinator's own scope, and each state change
is one service function in :mod:`samverkan.citizens.services` that writes its audit event.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from samverkan.citizens import services
from samverkan.citizens.models import Observation
from samverkan.core.permissions import scope
from samverkan.incidents.models import Incident

# About 300 m around the point: the reports a merge is likely to join.
NEARBY_DEGREES = 0.003


class ModerationError(ValueError):
    """A decision that cannot be made; the message is for the coordinator."""


class UnknownAction(ModerationError):
    """Not one of :data:`ACTIONS`."""


@dataclass(frozen=True)
class Decision:
    """What the coordinator sent: the action and the fields it reads."""

    action: str
    note: str = ""
    incident: int | None = None
    text: str = ""


def _accept(obs, decision, user, request):
    services.accept(obs, user, note=decision.note, request=request)
    return _("Observationen är godtagen och finns nu som händelse.")


def _merge(obs, decision, user, request):
    # Only a report the coordinator sees: an id typed from elsewhere is not found.
    incident = scope(Incident.objects.all(), user).filter(pk=decision.incident).first()
    if decision.incident is None or incident is None:
        raise ModerationError(_("Välj en rapport som du har tillgång till."))
    services.merge(obs, incident, user, note=decision.note, request=request)
    return _("Observationen är sammanförd med rapporten.")


def _reject(obs, decision, user, request):
    services.reject(obs, user, request=request)
    return _("Observationen är avvisad.")


def _answer(obs, decision, user, request):
    if not decision.text.strip():
        raise ModerationError(_("Skriv ett svar."))
    services.answer(obs, decision.text, user, request=request)
    return _("Svaret är skickat och e-postadressen raderad.")


ACTIONS: dict[str, Callable] = {
    "accept": _accept,
    "merge": _merge,
    "reject": _reject,
    "answer": _answer,
}


def moderate(obs: Observation, decision: Decision, user, *, request=None) -> str:
    """Carry out ``decision`` on ``obs``; the message to show the coordinator.

    The caller has checked that ``user`` moderates ``obs``.

    Raises
    ------
    UnknownAction
        If the action is not in :data:`ACTIONS`.
    ModerationError
        If the decision cannot be made (already decided, no such report, no address).
    """
    handler = ACTIONS.get(decision.action)
    if handler is None:
        raise UnknownAction(_("Okänd åtgärd."))
    try:
        with transaction.atomic():
            # Two coordinators deciding at once: the second waits and finds it decided.
            locked = Observation.objects.select_for_update().get(pk=obs.pk)
            return handler(locked, decision, user, request)
    except ModerationError:
        raise
    except ValueError as exc:
        raise ModerationError(str(exc)) from exc


def nearby(obs: Observation, user, limit: int = 10):
    """Reports the user sees within about 300 m of the observation, to merge with."""
    d = NEARBY_DEGREES
    return scope(Incident.objects.all(), user).filter(
        lon__range=(obs.lon - 2 * d, obs.lon + 2 * d), lat__range=(obs.lat - d, obs.lat + d)
    )[:limit]
