"""Heavy work at a lower CPU priority than the requests around it.

A PDF or a chart drawn afresh costs a second or more of CPU, a report post or a list a few
milliseconds. :func:`lower_priority` runs such work in a short-lived thread of its own at a
higher nice value (Linux keeps the nice value per thread): on a busy server the operating
system runs the reporters' and readers' requests first, and the heavy work takes what is
left instead of making every request of the machine wait behind it (issue 15, item 8).

The thread ends with the work, so no thread that serves requests is ever left at low
priority (raising it back would need privileges the service user does not have). The
work sees the caller's context variables and active language, and its
exceptions reach the caller unchanged. Where the platform has no per-thread priority the
work runs in the caller's thread.
"""

from __future__ import annotations

import contextvars
import os
import threading

from django.utils import translation

# How much lower than its caller the work runs (nice steps, up to the floor of 19).
NICENESS = 10


def lower_priority(work, *args, **kwargs):
    """Return ``work(*args, **kwargs)``, computed at a lower CPU priority."""
    if not hasattr(os, "setpriority"):
        return work(*args, **kwargs)
    context = contextvars.copy_context()
    # Django keeps the active language per thread (asgiref's Local), not in a context
    # variable: it is handed over by hand.
    language = translation.get_language()
    outcome = {}

    def run():
        try:
            tid = threading.get_native_id()
            os.setpriority(
                os.PRIO_PROCESS, tid, min(os.getpriority(os.PRIO_PROCESS, tid) + NICENESS, 19)
            )
        except OSError:
            pass  # no per-thread priority here: the work still runs, at the caller's
        try:
            outcome["value"] = context.run(_in_language, language, work, args, kwargs)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller, which raises it
            outcome["error"] = exc

    thread = threading.Thread(target=run, name="lower-priority", daemon=True)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _in_language(language, work, args, kwargs):
    with translation.override(language):
        return work(*args, **kwargs)
