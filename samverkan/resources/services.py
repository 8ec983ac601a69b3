"""The one way resource rows change: each change checks who may and writes its audit event."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction

from samverkan.core import audit
from samverkan.core.audit_actions import Action
from samverkan.resources.models import ResourceEntry
from samverkan.resources.permissions import may_enter

FIELDS = ("partnership", "organisation", "area", "month", "kind", "amount", "note")


def _details(entry: ResourceEntry) -> dict:
    # Amounts and codes only: a note may name people, so it stays out of the log.
    return {
        "partnership": entry.partnership_id,
        "organisation": entry.organisation_id,
        "area": entry.area.code,
        "month": entry.month.strftime("%Y-%m"),
        "kind": entry.kind,
        "amount": f"{Decimal(entry.amount):.1f}",
    }


def _check(user, entry: ResourceEntry) -> None:
    if not may_enter(user, entry.partnership, entry.organisation, entry.area):
        raise PermissionDenied("Du får inte registrera resurser för den organisationen här.")
    entry.month = date(entry.month.year, entry.month.month, 1)
    if entry.amount is None or Decimal(entry.amount) < 0:
        raise ValueError("Mängden kan inte vara negativ.")


@transaction.atomic
def create_entry(user, *, request=None, **values) -> ResourceEntry:
    """Record a new row; ``values`` are the model's fields (``month`` any day of it)."""
    entry = ResourceEntry(created_by=user, **{k: values[k] for k in FIELDS if k in values})
    _check(user, entry)
    entry.full_clean()
    entry.save()
    audit.record(
        Action.RESOURCE_ENTRY_CREATE,
        actor=user,
        obj=entry,
        organisation=entry.organisation,
        request=request,
        details=_details(entry),
    )
    return entry


@transaction.atomic
def update_entry(entry: ResourceEntry, user, *, request=None, **values) -> ResourceEntry:
    """Change a row; both the row as it was and as it becomes must be the user's to write."""
    entry = ResourceEntry.objects.select_for_update().get(pk=entry.pk)
    if not may_enter(user, entry.partnership, entry.organisation, entry.area):
        raise PermissionDenied("Du får inte ändra den här raden.")
    before = _details(entry)
    for k in FIELDS:
        if k in values:
            setattr(entry, k, values[k])
    _check(user, entry)
    entry.full_clean()
    entry.save()
    audit.record(
        Action.RESOURCE_ENTRY_UPDATE,
        actor=user,
        obj=entry,
        organisation=entry.organisation,
        request=request,
        details={"before": before, "after": _details(entry)},
    )
    return entry


@transaction.atomic
def delete_entry(entry: ResourceEntry, user, *, request=None) -> None:
    entry = ResourceEntry.objects.select_for_update().get(pk=entry.pk)
    if not may_enter(user, entry.partnership, entry.organisation, entry.area):
        raise PermissionDenied("Du får inte ta bort den här raden.")
    details = _details(entry)
    audit.record(
        Action.RESOURCE_ENTRY_DELETE,
        actor=user,
        obj=entry,
        organisation=entry.organisation,
        request=request,
        details=details,
    )
    entry.delete()


def record_export(user, partnership_ids, rows: int, request=None) -> None:
    audit.record(
        Action.RESOURCE_ENTRY_EXPORT,
        actor=user,
        request=request,
        details={"partnerships": sorted(partnership_ids), "rows": rows, "format": "csv"},
    )
