"""The access log of a person's cases as a PDF (GDPR art. 15: right of access).

Lists, for every case about the person in the administrator's organisations, who read or
changed it, when, on behalf of which organisation and for what stated purpose. The case
content itself is not in the extract: the log answers "who has seen my data".
"""

from __future__ import annotations

from django.utils import timezone

from samverkan.core.pdf import template_to_pdf


def render(context: dict) -> bytes:
    return template_to_pdf("cases/access_log_pdf.html", {**context, "now": timezone.now()})
