"""Printable documents: the one-page cause analysis, the action plan, the promise poster.

HTML templates rendered by WeasyPrint; everything (styles, the QR code, the timeline) is
inline, so printing needs no network and no static-file server.
"""

from __future__ import annotations

from collections.abc import Callable

import segno
from django.conf import settings
from django.urls import reverse
from django.utils.safestring import mark_safe


def public_url(area_code: str, request=None) -> str:
    """Absolute address of an area's public promise page (PUBLIC_BASE_URL when set)."""
    path = reverse("public-promises-area", args=[area_code])
    base = getattr(settings, "PUBLIC_BASE_URL", "")
    if base:
        return base.rstrip("/") + path
    if request is not None:
        return request.build_absolute_uri(path)
    return path


def qr_svg(url: str, title: str = "") -> str:
    """The QR code of ``url`` as an inline SVG element (segno, error correction M)."""
    qr = segno.make(url, error="m")
    return mark_safe(qr.svg_inline(scale=6, border=2, title=title or url))


# Sections that apps above plans add to the action plan's page and PDF (registered in their
# AppConfig.ready(), since plans may not import them); shown by ``{% plan_sections %}``.
_SECTIONS: list[Callable] = []


def register_section(fn: Callable) -> None:
    """Add ``fn(plan, *, user, target) -> safe HTML`` (target "page" or "pdf") to every plan."""
    if fn not in _SECTIONS:
        _SECTIONS.append(fn)


def sections(plan, *, user, target: str) -> str:
    return mark_safe("".join(str(fn(plan, user=user, target=target) or "") for fn in _SECTIONS))
