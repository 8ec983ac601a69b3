"""Sections that apps add to the user's account page, without core importing them.

An app registers a function in its ``AppConfig.ready()``; the account page calls each
with the request and includes the ``template`` of the dict it returns, with the dict as
``section`` (the app's own preferences, e.g. mail about feedback on one's reports).
"""

from __future__ import annotations

from collections.abc import Callable

_SECTIONS: list[Callable] = []


def register(section: Callable) -> None:
    if section not in _SECTIONS:
        _SECTIONS.append(section)


def sections(request) -> list[dict]:
    return [s(request) for s in _SECTIONS]
