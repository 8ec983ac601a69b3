"""Keep the SQLite full-text index free of deleted experience entries; recount the
incident indicators when incidents come in."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from samverkan.followup import search
from samverkan.followup.models import ExperienceEntry
from samverkan.incidents.signals import incidents_ingested


@receiver(post_delete, sender=ExperienceEntry)
def _unindex(sender, instance, **kwargs):
    search.remove_entry(instance.pk)


def _enqueue_refresh():
    from samverkan.followup.tasks import queue_refresh

    queue_refresh()


@receiver(incidents_ingested)
def _refresh_indicators(sender, report, **kwargs):
    # Queued only once the incidents are committed, so the worker counts them; the request
    # or import that stored them does not wait for the recount.
    transaction.on_commit(_enqueue_refresh)
