"""Files attached to experience-bank entries."""

from __future__ import annotations

from django.db import transaction

from samverkan.core import audit
from samverkan.followup.models import ExperienceAttachment, ExperienceEntry


def add_attachment(entry: ExperienceEntry, upload, user, *, request=None) -> ExperienceAttachment:
    """Attach an uploaded file to an experience entry.

    The file is written to storage first (a database transaction cannot hold it); when
    the row or its audit event then fails, the file is removed again, so no attachment
    exists without its audit event and no file is left without its row.
    """
    att = ExperienceAttachment(entry=entry, name=upload.name[:200], uploaded_by=user)
    att.file.save(upload.name, upload, save=False)
    try:
        with transaction.atomic():
            att.save()
            audit.record(audit.Action.EXPERIENCE_ATTACH, actor=user, obj=att, request=request)
    except BaseException:
        att.file.delete(save=False)
        raise
    return att
