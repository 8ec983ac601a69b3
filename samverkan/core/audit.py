"""The one way to write the audit log.

Every state change that matters calls :func:`record` in the same transaction as the change,
so a change without its audit event cannot be committed.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.db import models

from samverkan.core.audit_actions import Action
from samverkan.core.models import AuditEvent, Organisation

__all__ = ["Action", "UnregisteredAction", "client_ip", "record"]


class UnregisteredAction(ValueError):
    """An audit action that is not in :class:`~samverkan.core.audit_actions.Action`."""


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind trusted proxies the address they saw.

    X-Forwarded-For is read only when the request comes from one of ``TRUSTED_PROXIES``,
    and then from the right: the nearest address that is not a trusted proxy is the
    client. Trusting the header from anyone would let a client forge the logged address
    and escape the per-address sign-in limit; ignoring it behind a proxy would log, and
    lock out, the proxy itself.
    """
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    trusted = set(getattr(settings, "TRUSTED_PROXIES", ()))
    if remote not in trusted:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for address in reversed([a for a in forwarded if a]):
        if address not in trusted:
            try:
                return str(ipaddress.ip_address(address))
            except ValueError:
                return remote
    return remote


def record(
    action: Action | str,
    *,
    actor=None,
    obj: models.Model | None = None,
    organisation: Organisation | None = None,
    purpose: str = "",
    request=None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event.

    Parameters
    ----------
    action : Action or str
        A registered action (:class:`~samverkan.core.audit_actions.Action`), named
        ``object.verb``: ``Action.INCIDENT_CREATE`` or ``"incident.create"``.
    actor : User, optional
        Who did it; taken from ``request.user`` when omitted.
    obj : Model, optional
        The object acted on.
    organisation : Organisation, optional
        The organisation on whose behalf the actor acted.
    purpose : str
        Stated purpose (required for access to personal data).
    request : HttpRequest, optional
        Used for the actor and the IP address.
    details : dict, optional
        Extra facts (filters of an export, the number of rows ...). Never personal data.

    Raises
    ------
    UnregisteredAction
        If ``action`` is not registered (an earlier name included: new rows use the
        current one).
    """
    if action not in Action.values:
        raise UnregisteredAction(
            f"Granskningshändelsen '{action}' finns inte i registret "
            "(samverkan/core/audit_actions.py)."
        )
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    return AuditEvent.objects.create(
        actor=actor,
        actor_name=getattr(actor, "username", "") if actor is not None else "",
        action=str(action),
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        organisation=organisation,
        purpose=purpose,
        ip=client_ip(request),
        details=details or {},
    )
