"""The access log of a person's cases as a PDF (GDPR art. 15: right of access).

Lists, for every case about the person in the administrator's organisations, who read or
changed it, when, on behalf of which organisation and for what stated purpose. The case
content itself is not in the extract: the log answers "who has seen my data".
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone


def render(context: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string("cases/access_log_pdf.html", {**context, "now": timezone.now()})
    # No base URL: the template is self-contained and nothing is fetched from a network.
    return HTML(string=html, base_url=None, url_fetcher=_no_fetch).write_pdf()


def _no_fetch(url, *args, **kwargs):
    raise ValueError(f"Registerutdraget hämtar inget utifrån ({url}).")
