"""The background worker's sign of life (docs/operations.md, Faults)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """One row per running worker, renewed every few seconds.

    Kept in the database rather than a file so that every web server sees every worker
    (``/healthz``) and a worker on one machine can tell that one elsewhere has died.
    """

    worker_id = models.CharField(_("arbetar-id"), max_length=64, primary_key=True)
    host = models.CharField(_("värd"), max_length=255)
    pid = models.PositiveIntegerField(_("process-id"))
    started_at = models.DateTimeField(_("startad"))
    beat_at = models.DateTimeField(_("senaste livstecken"), db_index=True)

    class Meta:
        verbose_name = _("livstecken från bakgrundsarbetare")
        verbose_name_plural = _("livstecken från bakgrundsarbetare")

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host}:{self.pid})"
