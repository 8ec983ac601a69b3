"""The one way a page hands out a rendered document: audit event, then the download.

Every export of a concept (lägesbild, action plan, cause analysis, promise poster, tertial
report, evaluation, meeting minutes) renders its bytes with its own builder (PDFs through
:mod:`samverkan.core.pdf`, which refuses every network fetch; Word files through
:mod:`samverkan.core.docx`) and returns them through :func:`download`, so that

* the export is written to the audit log with the same shape everywhere (the action, the
  object, the format and whatever the caller adds), and only once the document exists: a
  render that fails leaves no event claiming a download;
* the file name reaches the browser safely encoded (RFC 6266 with RFC 5987's
  ``filename*`` for names outside ASCII, through Django's
  :func:`~django.utils.http.content_disposition_header`), so a name made from data (an
  area's or a plan's title) can neither break the header nor turn into a path;
* the content type follows from the format, from one table.

Use::

    from samverkan.core import downloads

    return downloads.pdf_download(
        request, "plans/pdf/poster.html", {"promise": promise}, f"affisch-{promise.pk}",
        action=Action.PROMISE_PRINT_POSTER, obj=promise,
    )
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpResponse
from django.utils.http import content_disposition_header

from samverkan.core import audit
from samverkan.core.audit_actions import Action
from samverkan.core.docx import CONTENT_TYPE as DOCX
from samverkan.core.pdf import template_to_pdf

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": DOCX,
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "geojson": "application/geo+json",
    "html": "text/html; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "jpg": "image/jpeg",
}


def _safe_name(stem: str, fmt: str) -> str:
    # A name from data must stay one file name: no folder separators, no "..", no control
    # characters (the header would otherwise be refused or split).
    cleaned = "".join(c for c in stem if c.isprintable() and c not in '/\\"')
    cleaned = cleaned.replace("..", "_").strip(" .") or "dokument"
    return f"{cleaned}.{fmt}"


def file_response(body: bytes, filename: str, fmt: str, *, inline: bool = False) -> HttpResponse:
    """``body`` as a file named ``filename.fmt``, without an audit event.

    For the downloads whose audit is written by the concept's own service before the file
    is built (a case's access log, a resources export), or that have none (an aggregate
    table, a photo already checked against the user's scope). Everything else uses
    :func:`download`.

    Raises
    ------
    KeyError
        If ``fmt`` has no content type.
    """
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(
        not inline, _safe_name(filename, fmt)
    )
    return response


def download(
    request,
    body: bytes,
    filename: str,
    fmt: str,
    *,
    action: Action | str,
    obj: models.Model | None = None,
    organisation=None,
    purpose: str = "",
    details: dict[str, Any] | None = None,
    inline: bool = False,
) -> HttpResponse:
    """Record the export in the audit log and return ``body`` as a file.

    Parameters
    ----------
    request : HttpRequest
        The request; gives the actor and the address of the audit event.
    body : bytes
        The rendered document.
    filename : str
        The file name without its extension (``fmt`` is appended).
    fmt : str
        A key of :data:`CONTENT_TYPES` (``"pdf"``, ``"docx"`` ...); it is also written to the
        audit event's details as ``format``.
    action : Action or str
        The registered audit action (:mod:`samverkan.core.audit_actions`).
    obj : Model, optional
        The object exported.
    organisation : Organisation, optional
        The organisation on whose behalf the export was made.
    purpose : str, optional
        Why the data was taken out (personal-data exports state one).
    details : dict, optional
        Further facts for the audit event (never personal data).
    inline : bool
        Ask the browser to show the file (a PDF in its viewer) rather than save it.

    Raises
    ------
    KeyError
        If ``fmt`` has no content type.
    """
    if fmt not in CONTENT_TYPES:  # refused before the audit event claims a download
        raise KeyError(fmt)
    audit.record(
        action,
        request=request,
        obj=obj,
        organisation=organisation,
        purpose=purpose,
        details={"format": fmt, **(details or {})},
    )
    return file_response(body, filename, fmt, inline=inline)


def pdf_download(
    request, template: str, context: dict, filename: str, **kwargs: Any
) -> HttpResponse:
    """Render ``template`` with ``context`` as PDF and return it through :func:`download`.

    The keyword arguments are those of :func:`download` (``action`` is required).
    """
    body = template_to_pdf(template, context, request=request)
    return download(request, body, filename, "pdf", **kwargs)
