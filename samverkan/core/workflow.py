"""Status workflows as data tables, checked in one place.

Each app declares its workflows as :class:`Workflow` values (the Signalen pattern): a table
of the statuses each status may change to, and the statuses' labels for messages. The
services call :meth:`Workflow.check` before every status change, and the views catch the
one :class:`TransitionError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


class TransitionError(ValueError):
    """A status change that the workflow table does not allow."""


@dataclass(frozen=True)
class Workflow:
    """One status workflow.

    Parameters
    ----------
    transitions : Mapping[str, set[str]]
        For each status, the statuses it may change to. A status with no entry, or an
        empty set, is final.
    labels : Iterable[tuple[str, str]]
        ``(status, label)`` pairs (a model field's choices), used in error messages.
    subject : str
        What changes status, for the message ("Lägesbildens status ..."); empty: "Status".
    """

    transitions: Mapping[str, set[str]]
    labels: Iterable[tuple[str, str]] = ()
    subject: str = ""
    _names: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "_names", dict(self.labels))

    def allowed(self, current: str) -> set[str]:
        """The statuses ``current`` may change to."""
        return set(self.transitions.get(current, ()))

    def check(self, current: str, target: str) -> None:
        """Raise :class:`TransitionError` unless ``current`` may change to ``target``."""
        if target in self.transitions.get(current, ()):
            return
        name = f"{self.subject} status" if self.subject else "Status"
        raise TransitionError(
            f"{name} kan inte ändras från '{self._label(current)}' till '{self._label(target)}'."
        )

    def _label(self, status: str) -> str:
        return str(self._names.get(status, status))
