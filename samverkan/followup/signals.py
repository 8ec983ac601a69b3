"""Keep the SQLite full-text index free of deleted experience entries."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from samverkan.followup import search
from samverkan.followup.models import ExperienceEntry


@receiver(post_delete, sender=ExperienceEntry)
def _unindex(sender, instance, **kwargs):
    search.remove_entry(instance.pk)
