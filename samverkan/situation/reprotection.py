"""Shared and public pictures protected by an older rule: audited again, hidden further.

A picture's figures are protected when it is built for a shared or public audience
(:mod:`samverkan.situation.disclosure`) and then frozen. When the protection rule improves
(the linear-programming audit of December 2026 was one such step), pictures shared before
keep what the old rule let through: a hidden count that the published figures give back
by arithmetic. Their snapshots carry no protection mark, or an older one
(:data:`~samverkan.situation.disclosure.PROTECTION`).

:func:`reprotect_pictures` audits each of them from what it publishes alone and hides
further figures where a hidden count can be worked out. It is the one change a frozen
picture accepts: it only withholds more of what was published, and each picture it
changes gets an audit event (``situation.reprotect``) with the number of figures hidden.
``migrate`` runs it by itself after an upgrade; ``samverkan reprotect_pictures`` runs it
by hand.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models, transaction
from django.db.models import Q

from samverkan.core import audit
from samverkan.situation.build.common import SUPPRESS_K
from samverkan.situation.disclosure import PROTECTION, reprotect
from samverkan.situation.models import Audience, SituationReport
from samverkan.situation.summary import summarise

logger = logging.getLogger(__name__)


@dataclass
class Reprotected:
    """What a run found: pictures read, pictures changed, figures hidden per picture."""

    read: int = 0
    changed: dict[int, int] = field(default_factory=dict)
    # Pictures with a hidden count still pinned after the audit (nothing left to hide).
    unprotected: list[int] = field(default_factory=list)
    # Pictures whose snapshot could not be read as figures; left as they were.
    failed: list[int] = field(default_factory=list)


def pending() -> models.QuerySet:
    """Shared and public pictures whose figures an older rule protected."""
    older = Q(snapshot__protection__isnull=True) | Q(snapshot__protection__lt=PROTECTION)
    return SituationReport.objects.filter(older, audience__in=[Audience.SHARED, Audience.PUBLIC])


def reprotect_pictures(
    *, dry_run: bool = False, progress: Callable[[int, int], None] | None = None
) -> Reprotected:
    """Audit every picture of :func:`pending` again and hide what its figures give away.

    Each picture is read, audited and written in its own transaction, so an interrupted
    run is simply started again; a picture that passes gets only the current protection
    mark, so a second run reads nothing. ``progress(done, total)`` is called after each
    picture. With ``dry_run`` nothing is written and no audit event is recorded.
    """
    ids = list(pending().order_by("pk").values_list("pk", flat=True))
    result = Reprotected()
    for done, pk in enumerate(ids, start=1):
        try:
            _reprotect_one(pk, result, dry_run=dry_run)
        except Exception:
            # One malformed snapshot must not stop an upgrade's migrate; it is named after.
            logger.exception("Lägesbild %s kunde inte granskas", pk)
            result.failed.append(pk)
        if progress:
            progress(done, len(ids))
    return result


def _reprotect_one(pk: int, result: Reprotected, *, dry_run: bool) -> None:
    with transaction.atomic():
        report = (
            SituationReport.objects.select_for_update()
            .only("pk", "snapshot", "area_id", "partnership_id", "period_label", "version")
            .get(pk=pk)
        )
        figures = report.snapshot
        added, protected = reprotect(figures, figures.get("suppression_k") or SUPPRESS_K)
        result.read += 1
        if not protected:
            result.unprotected.append(pk)
        if added:
            result.changed[pk] = len(added)
            figures.setdefault("suppressed", []).extend(
                {**entry, "reason": f"{entry['reason']}, protection {PROTECTION}"}
                for entry in added
            )
            if "summary" in figures:
                # It states counts: written again from the figures as now published.
                language = figures.get("summary_language") or "sv"
                figures["summary"] = summarise(figures, language)
        if dry_run:
            return
        # The frozen-field guard of SituationReportQuerySet.update refuses any change to an
        # approved picture's figures; this one only withholds more of them.
        models.QuerySet.update(SituationReport.objects.filter(pk=pk), snapshot=figures)
        if added:
            audit.record(
                audit.Action.SITUATION_REPROTECT,
                obj=report,
                details={
                    "hidden": len(added),
                    "sections": sorted({entry["section"] for entry in added}),
                    "protection": PROTECTION,
                    "protected": protected,
                },
            )


def reprotect_after_upgrade(*, using: str, plan=None, verbosity: int = 1, stdout=None, **kwargs):
    """``post_migrate``: audit the pictures an older rule protected.

    Runs after a ``migrate`` forwards on the default database, not after a ``flush`` (no
    ``plan``) nor a migration back to an older state.
    """
    from django.db import DEFAULT_DB_ALIAS, connections

    if plan is None or using != DEFAULT_DB_ALIAS:
        return
    if any(backwards for _migration, backwards in plan):
        return
    if SituationReport._meta.db_table not in connections[using].introspection.table_names():
        return
    if not pending().exists():
        return
    result = reprotect_pictures()
    if verbosity and stdout is not None and result.changed:
        stdout.write(
            f"Det förbättrade skyddet av små tal dolde fler siffror i {len(result.changed)} "
            "delade eller offentliga lägesbilder (samverkan reprotect_pictures)."
        )
    if stdout is not None:
        for warning in warnings(result):
            stdout.write(warning)


def warnings(result: Reprotected) -> list[str]:
    """What an operator must look at after a run."""
    out = []
    if result.unprotected:
        out.append(unprotected_warning(result.unprotected))
    if result.failed:
        out.append(
            f"Varning: {len(result.failed)} delade lägesbilder kunde inte granskas (id "
            + ", ".join(map(str, result.failed))
            + "); se loggen. De är orörda och granskas på nytt vid nästa körning."
        )
    return out


def unprotected_warning(ids: list[int]) -> str:
    return (
        f"Varning: {len(ids)} delade lägesbilder har kvar ett dolt antal som går att räkna ut "
        "och inget mer att dölja (id "
        + ", ".join(map(str, ids))
        + "). Räkna om dem (ny version) och dela den nya versionen."
    )
