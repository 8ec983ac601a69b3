"""Approval by one or two people, as a partnership decides.

A partnership can ask that a lägesbild, an action plan or a tertial report is approved by
two different people (the four-eyes principle, "fyraögonsprincipen"): the first approval
records "godkänd av 1 av 2" and the second must come from someone else. The apps keep
their own statuses (their workflow tables have a step for the first approval); this module
holds what they share: how many approvers a partnership asks for, the refusal of the same
person twice, and the one service that changes the setting (with its audit event).
"""

from __future__ import annotations

import rules
from django.core.exceptions import PermissionDenied
from django.db import transaction

from samverkan.core import audit
from samverkan.core.models import Partnership
from samverkan.core.permissions import is_system_admin_user, org_ids, partnership_ids
from samverkan.core.roles import Role

CHOICES = (1, 2)


class SamePersonError(PermissionDenied):
    """The second approval was asked of the person who gave the first."""


def approvers_required(partnership: Partnership | None) -> int:
    """How many different people approve (1 without a partnership, e.g. regional pictures)."""
    return partnership.approvers_required if partnership is not None else 1


def check_second_approver(first_user_id: int | None, user) -> None:
    """Refuse the second approval by the person who gave the first."""
    if user is not None and first_user_id is not None and first_user_id == user.pk:
        raise SamePersonError(
            "Du har redan godkänt. Den andra godkännandet måste göras av en annan person."
        )


def may_configure(user, partnership: Partnership) -> bool:
    """The partnership's coordinators and its member organisations' admins set it."""
    if is_system_admin_user(user):
        return True
    if partnership.pk in partnership_ids(user, {Role.COORDINATOR}):
        return True
    admin_orgs = org_ids(user, {Role.ORG_ADMIN})
    return partnership.organisations.filter(pk__in=admin_orgs).exists()


@rules.predicate
def can_configure(user, partnership) -> bool:
    return partnership is not None and may_configure(user, partnership)


rules.add_perm("core.configure_approval", can_configure)


def set_approvers_required(partnership: Partnership, count: int, user, *, request=None) -> None:
    """Set how many people approve the partnership's documents; audited."""
    if count not in CHOICES:
        raise ValueError(f"Antalet godkännare ska vara {' eller '.join(map(str, CHOICES))}.")
    if user is not None and not may_configure(user, partnership):
        raise PermissionDenied("Bara samverkansgruppens samordnare eller administratörer.")
    with transaction.atomic():
        locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
        before = locked.approvers_required
        locked.approvers_required = count
        locked.save(update_fields=["approvers_required"])
        audit.record(
            "partnership.set_approvers",
            actor=user,
            obj=locked,
            request=request,
            details={"before": before, "after": count},
        )
    partnership.approvers_required = count
