"""Background work of the county app, run by django-tasks' database worker (``samverkan db_worker``)."""

from __future__ import annotations

from django_tasks import task


@task()
def send_digest(digest_id: int) -> int:
    """E-mail a network digest the board has sent to its subscribers.

    Queued on commit by :func:`samverkan.county.services.request_send`, so that the board
    does not wait for hundreds of e-mails. Returns the number of e-mails sent.
    """
    from samverkan.county.services import deliver

    return deliver(digest_id)
