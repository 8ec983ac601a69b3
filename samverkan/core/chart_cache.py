"""Drawn charts kept by what they show, so a page view does not redraw them.

Drawing a chart with matplotlib costs tens to hundreds of milliseconds; a lägesbild page
drew three on every view, most of its answer time under load (issue 15, item 8). A
chart function is pure: the same arguments and active language give the same SVG. So the
SVG is kept in the ``charts`` cache (settings ``CACHES``; a file cache shared by all web
workers of a server) under a hash of the function's arguments and of the drawing code:
a changed report, another language or another set of links is another key and is drawn
afresh, and an upgrade that changes how charts are drawn never serves an old picture.

The element ids in a kept SVG are renumbered on every use, as :func:`samverkan.core.charts.to_svg`
does when it draws, so that two charts on one page never share an id.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import re
import sys
from pathlib import Path

import matplotlib
from django.core.cache import InvalidCacheBackendError, caches
from django.utils import translation

from samverkan.core import charts
from samverkan.core.priority import lower_priority

CACHE_ALIAS = "charts"
# Placeholder for the per-use id prefix inside a kept SVG.
_SLOT = "\x00chart\x00"
_uses = itertools.count(1)
_PREFIXED = re.compile(r'(\bid="|url\(#|href="#)(c\d+-)')


def _code_version(*modules) -> str:
    digest = hashlib.sha256(matplotlib.__version__.encode())
    for name in modules:
        path = getattr(sys.modules[name], "__file__", None)
        if path:
            digest.update(Path(path).read_bytes())
    return digest.hexdigest()[:16]


def _cache():
    try:
        return caches[CACHE_ALIAS]
    except InvalidCacheBackendError:
        # A deployment whose settings name no chart cache: draw every time.
        return None


def _key(name: str, version: str, args, kwargs) -> str:
    # The language is part of the key: a chart's labels may be translated inside it.
    payload = json.dumps(
        [translation.get_language(), args, kwargs], sort_keys=True, default=str, ensure_ascii=False
    )
    digest = hashlib.sha256(payload.encode()).hexdigest()
    return f"chart:{name}:{version}:{digest}"


def _store_form(svg: str) -> str:
    """The SVG with its own id prefix replaced by a placeholder."""
    match = _PREFIXED.search(svg)
    if not match:
        return svg
    own = match.group(2)
    return re.sub(rf'(\bid="|url\(#|href="#){re.escape(own)}', rf"\g<1>{_SLOT}", svg)


def _use_form(stored: str) -> str:
    return stored.replace(_SLOT, f"k{next(_uses)}-")


def cached_chart(draw):
    """Decorate a chart function (arguments that JSON can write, returns SVG) so that its
    SVG is drawn once per distinct arguments and drawing code.

    Calls inside :func:`samverkan.core.charts.png_of` (a DOCX wants PNG, not SVG) always
    draw.
    """
    name = f"{draw.__module__}.{draw.__qualname__}"
    version = None

    @functools.wraps(draw)
    def wrapper(*args, **kwargs):
        nonlocal version
        cache = _cache()
        if cache is None or charts._png_sink.get() is not None:
            return draw(*args, **kwargs)
        if version is None:
            version = _code_version(draw.__module__, charts.__name__)
        key = _key(name, version, args, kwargs)
        stored = cache.get(key)
        if stored is None:
            # Drawing is the costly part (tens to hundreds of ms); a cache hit is not.
            stored = _store_form(lower_priority(draw, *args, **kwargs))
            cache.set(key, stored)
        return _use_form(stored)

    wrapper.draw = draw
    return wrapper
