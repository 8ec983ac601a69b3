"""The lägesbild as JSON: the figures exactly as built, plus assessments when given."""

from __future__ import annotations

import json


def render(figures: dict, *, assessments=None, language: str = "sv", meta=None) -> bytes:
    data = dict(figures)
    if assessments is not None:
        data["assessments"] = assessments
    if meta:
        data["report"] = meta
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
