"""Heavy work (PDFs, charts drawn afresh) at a lower CPU priority (samverkan.core.priority)."""

from __future__ import annotations

import contextvars
import os
import threading

import pytest
from django.utils import translation
from django.utils.translation import gettext

from samverkan.core import priority

marker: contextvars.ContextVar[str] = contextvars.ContextVar("marker", default="unset")


def _nice():
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def test_the_work_runs_lower_and_the_caller_stays_where_it_was():
    own = _nice()
    inside = priority.lower_priority(_nice)
    assert inside == min(own + priority.NICENESS, 19)
    assert inside > own or own == 19  # a caller already at the floor cannot go lower
    assert _nice() == own
    # Every call gets a fresh thread: the second is lowered from the caller's, not further.
    assert priority.lower_priority(_nice) == inside


def test_the_work_sees_the_callers_context_and_language():
    token = marker.set("from the request")
    try:
        with translation.override("en"):
            seen = priority.lower_priority(lambda: (marker.get(), translation.get_language()))
            assert seen == ("from the request", "en")
            assert priority.lower_priority(gettext, "Händelser") == gettext("Händelser")
    finally:
        marker.reset(token)


def test_arguments_results_and_errors_pass_through():
    assert priority.lower_priority(divmod, 7, 2) == (3, 1)
    assert priority.lower_priority(sorted, [3, 1], reverse=True) == [3, 1]
    with pytest.raises(ZeroDivisionError):
        priority.lower_priority(divmod, 1, 0)
