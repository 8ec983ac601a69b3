"""The one way to write the audit log.

Every state change that matters calls :func:`record` in the same transaction as the change,
so a change without its audit event cannot be committed.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from samverkan.core.models import AuditEvent, Organisation


def client_ip(request) -> str | None:
    if request is None:
        return None
    # Behind a proxy the deployment sets REMOTE_ADDR via its WSGI server; trusting a
    # client-supplied X-Forwarded-For would let anyone forge the logged address.
    return request.META.get("REMOTE_ADDR") or None


def record(
    action: str,
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
    action : str
        Dotted verb, e.g. ``"incident.create"``, ``"incident.export"``, ``"area.import"``.
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
    """
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    return AuditEvent.objects.create(
        actor=actor,
        actor_name=getattr(actor, "username", "") if actor is not None else "",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        organisation=organisation,
        purpose=purpose,
        ip=client_ip(request),
        details=details or {},
    )
