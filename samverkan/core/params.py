"""Query parameters and command options read the same way everywhere: a bad value is an
answer that names it, never a traceback.

Django turns :class:`~django.core.exceptions.BadRequest` into a 400 response; without
this helper, ``int("x")`` in a view is a 500 and ``int("99999999999999999999999")`` reaches
the database, which refuses integers beyond 64 bits with another 500. A command option
declared with :func:`whole_number` or :func:`decimal_number` as its ``type`` is refused by
the option parser with the same kind of message (a ``CommandError`` when the command is
called from code), instead of an ``OverflowError`` from the database or a run that
cannot end (``near_repeat --permutations 999999999999``).
"""

from __future__ import annotations

import argparse
import math
import re

from django.core.exceptions import BadRequest

INT64_MAX = 2**63 - 1
_INTEGER = re.compile(r"-?[0-9]{1,19}")


class BadParameter(BadRequest):
    """A query parameter that cannot be used; the message names the parameter and why."""


def parse_int_param(
    params,
    name: str,
    default: int | None = None,
    *,
    min_value: int = 0,
    max_value: int = INT64_MAX,
) -> int | None:
    """Read ``params[name]`` as an integer in ``[min_value, max_value]``.

    An absent or empty parameter gives ``default``. Anything else that is not a whole
    number in range raises :class:`BadParameter`, which Django answers with HTTP 400.
    """
    raw = params.get(name)
    if raw is None or str(raw).strip() == "":
        return default
    try:
        return _whole(str(raw), min_value, max_value)
    except _NotWhole:
        raise BadParameter(f"Parametern {name} ska vara ett heltal.") from None
    except _OutOfRange:
        raise BadParameter(
            f"Parametern {name} ska vara ett heltal mellan {min_value} och {max_value}."
        ) from None


class _NotWhole(ValueError):
    pass


class _OutOfRange(ValueError):
    pass


def _whole(text: str, min_value: int, max_value: int) -> int:
    """``text`` as a whole number in ``[min_value, max_value]`` (the one rule of both
    query parameters and command options)."""
    text = text.strip()
    # Bounded before int(): a 100,000-digit string is slow to convert and never valid.
    if not _INTEGER.fullmatch(text):
        raise _NotWhole(text)
    value = int(text)
    if not min_value <= value <= max_value:
        raise _OutOfRange(text)
    return value


def whole_number(min_value: int = 0, max_value: int = INT64_MAX):
    """An ``argparse`` type: a whole number in ``[min_value, max_value]``."""

    def heltal(text: str) -> int:
        try:
            return _whole(text, min_value, max_value)
        except _NotWhole:
            raise argparse.ArgumentTypeError(
                f"ska vara ett heltal, inte {text.strip()[:30]!r}"
            ) from None
        except _OutOfRange:
            raise argparse.ArgumentTypeError(
                f"ska vara ett heltal mellan {min_value} och {max_value}"
            ) from None

    return heltal


def decimal_number(min_value: float, max_value: float):
    """An ``argparse`` type: a finite number in ``[min_value, max_value]``."""

    def tal(text: str) -> float:
        text = text.strip().replace(",", ".")
        try:
            # Bounded before float(): a long string is never a sensible value.
            value = float(text) if len(text) <= 40 else math.nan
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"ska vara ett tal, inte {text[:30]!r}")
        if not min_value <= value <= max_value:
            raise argparse.ArgumentTypeError(f"ska vara ett tal mellan {min_value} och {max_value}")
        return value

    return tal
