"""Granting, changing and revoking roles: each change with its audit event.

A role decides what a user may see and do, so who gave which role to whom, and when, is
part of the record (docs/operations.md, "Audit log"). The Django admin goes through these
functions; the demo loader, which builds a fresh database, does not.
"""

from __future__ import annotations

from django.db import transaction

from samverkan.core import audit
from samverkan.core.models import Membership


def describe(membership: Membership) -> dict:
    """The facts of a membership as the audit event keeps them (ids and names)."""
    return {
        "user_id": membership.user_id,
        "user": membership.user.get_username(),
        "organisation_id": membership.organisation_id,
        "organisation": membership.organisation.name,
        "role": membership.role,
        "areas": sorted(membership.areas.values_list("code", flat=True)),
    }


@transaction.atomic
def save_membership(membership: Membership, actor, *, areas=None, request=None) -> Membership:
    """Grant a role (a new membership) or change one; ``areas`` None keeps the areas.

    Writes ``membership.grant`` with what was granted, or ``membership.change`` with the
    facts before and after; a save that changes nothing writes nothing.
    """
    stored = Membership.objects.filter(pk=membership.pk).first() if membership.pk else None
    before = describe(stored) if stored is not None else None
    membership.save()
    if areas is not None:
        membership.areas.set(areas)
    after = describe(membership)
    if before is None:
        audit.record(
            "membership.grant",
            actor=actor,
            obj=membership,
            organisation=membership.organisation,
            request=request,
            details=after,
        )
    elif before != after:
        audit.record(
            "membership.change",
            actor=actor,
            obj=membership,
            organisation=membership.organisation,
            request=request,
            details={"before": before, "after": after},
        )
    return membership


@transaction.atomic
def revoke_membership(membership: Membership, actor, *, request=None) -> None:
    """Remove a role, recording what was revoked from whom."""
    audit.record(
        "membership.revoke",
        actor=actor,
        obj=membership,
        organisation=membership.organisation,
        request=request,
        details=describe(membership),
    )
    membership.delete()


PRIVILEGES = ("is_active", "is_staff", "is_superuser")


def privileges(user) -> dict:
    """The account flags that grant power outside memberships (superuser: everything)."""
    return {
        **{flag: bool(getattr(user, flag)) for flag in PRIVILEGES},
        "groups": sorted(user.groups.values_list("name", flat=True)) if user.pk else [],
    }


def record_account_change(user, before: dict | None, actor, *, request=None) -> None:
    """Record a new account or a change of its flags or groups (call in the transaction).

    ``before`` is :func:`privileges` of the stored account, or None for a new one.
    """
    after = privileges(user)
    if before is None:
        audit.record(
            "user.create",
            actor=actor,
            obj=user,
            request=request,
            details={"user": user.get_username(), **after},
        )
    elif before != after:
        audit.record(
            "user.change_privileges",
            actor=actor,
            obj=user,
            request=request,
            details={"user": user.get_username(), "before": before, "after": after},
        )


@transaction.atomic
def delete_user(user, actor, *, request=None) -> None:
    """Delete an account; its memberships go with it, each recorded as revoked.

    The audit events the user wrote stay as they are (``AuditEvent.actor`` keeps the id
    and ``actor_name`` the username).
    """
    for membership in Membership.objects.filter(user=user).select_related("organisation"):
        revoke_membership(membership, actor, request=request)
    audit.record(
        "user.delete",
        actor=actor,
        obj=user,
        request=request,
        details={"user": user.get_username(), **privileges(user)},
    )
    user.delete()
