"""The one result shape shared by every method in :mod:`samverkan.analysis`.

Following PySAL esda, every statistic exposes the same attributes whatever the method, so
callers (the situation picture, follow-up, the CLI) can render any of them the same way.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np


def plain(value: Any) -> Any:
    """Convert numpy scalars and arrays (and NaN) into JSON-friendly Python values."""
    if isinstance(value, np.ndarray):
        return [plain(v) for v in value.tolist()] if value.ndim else plain(value.item())
    if isinstance(value, np.generic):
        return plain(value.item())
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value


@dataclass
class Result:
    """Base result: every method returns a subclass of this.

    Attributes
    ----------
    estimate : float or ndarray
        The statistic itself (a Z score, a ratio, a density grid ...).
    z : float or ndarray or None
        Standardised score where the method has one.
    p : float or ndarray or None
        p-value (analytical or pseudo p-value from permutations), where defined.
    method : str
        Short name of the method and its reference, e.g. ``"Getis-Ord Gi* (Ord & Getis 1995)"``.
    parameters : dict
        The parameters the method ran with (bandwidth, permutations, seed ...), so a
        result can be reproduced.
    """

    estimate: Any
    z: Any = None
    p: Any = None
    method: str = ""
    parameters: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """Return the result as JSON-serialisable plain Python values."""
        return plain(self)
