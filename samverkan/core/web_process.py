"""A web process made ready before its first request.

Python's garbage collector now and then walks every container object the process holds (a
"full collection"). A web process holds about 280,000 of them once Django, the views, the
PDF renderer and the charts are loaded; a full collection then took 140-150 ms on this
hardware, and a request that built many objects (the triage map's thousands of points)
set one off every few answers. Under load that was the incident map's slow tail: p50
60-80 ms, p95 280-390 ms (issue 15, item 8).

:func:`settle` loads what every process loads sooner or later, then freezes it
(:func:`gc.freeze`): those objects live as long as the process and are no longer walked, so
a full collection only reads what requests built since. The same advice is in Python's
documentation of :func:`gc.freeze` for a process that serves after a long start.
"""

from __future__ import annotations

import gc
from importlib import import_module


def settle() -> None:
    """Import the views and the document renderers, then freeze what the start built."""
    from django.conf import settings

    # The URL configuration imports every view module, and they the chart helpers.
    import_module(settings.ROOT_URLCONF)
    # The PDF renderer is otherwise imported on the process's first PDF.
    import weasyprint  # noqa: F401

    gc.collect()
    gc.freeze()
