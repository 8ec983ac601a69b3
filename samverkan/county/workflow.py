"""Status workflow of a network digest as a data table, checked by :mod:`samverkan.core.workflow`.

The board edits a draft as often as it likes. Sending freezes the content and hands the
e-mails to the background worker (SENDING); the worker marks it SENT. Nothing follows:
a sent digest is what its readers received.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from samverkan.core.workflow import TransitionError, Workflow

__all__ = ["DIGEST", "TransitionError"]

DRAFT, SENDING, SENT = "draft", "sending", "sent"
STATUSES = [
    (DRAFT, _("Utkast")),
    (SENDING, _("Skickas")),
    (SENT, _("Skickat")),
]
TRANSITIONS: dict[str, set[str]] = {
    DRAFT: {SENDING},
    SENDING: {SENT},
    SENT: set(),
}
FROZEN = {SENDING, SENT}

DIGEST = Workflow(TRANSITIONS, STATUSES, subject="Nätverksbrevets")
