"""Panels that apps put on the start page, per role, without core importing them.

The start page is where each person begins the week: a reporter wants to report and to
see the answers to earlier reports, a coordinator wants what waits for them, a steering
group member wants the latest approved picture and the plan's progress. Core owns no
domain data, so each app registers its :class:`Panel` in its ``AppConfig.ready()`` and the
start page shows the panels whose roles the user holds, in ``order``.

A panel's ``context`` function gets the request and returns the dict its ``template``
renders (as ``panel``), or ``None`` to show nothing. It must scope what it lists to the
user (:func:`samverkan.core.permissions.scope`): the registry checks only the role.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from samverkan.core.permissions import is_system_admin_user, roles_of


@dataclass(frozen=True)
class Panel:
    """One start-page panel.

    Parameters
    ----------
    name : str
        Unique key; registering the same name again replaces the panel.
    roles : Iterable[str]
        The roles (:class:`samverkan.core.roles.Role` codes) that see the panel.
    template : str
        Template rendered with the context as ``panel``.
    context : Callable
        ``context(request) -> dict | None``; ``None`` hides the panel.
    order : int
        Position on the page, lowest first.
    """

    name: str
    roles: Iterable[str]
    template: str
    context: Callable
    order: int = 100


_PANELS: dict[str, Panel] = {}


def register(panel: Panel) -> None:
    _PANELS[panel.name] = panel


def registered() -> list[Panel]:
    return sorted(_PANELS.values(), key=lambda p: (p.order, p.name))


def panels(request) -> list[dict]:
    """The panels of ``request.user``, each ``{"name", "template", "panel"}``."""
    user = request.user
    held = {str(r) for r in roles_of(user)}
    if is_system_admin_user(user):
        held.add("system_admin")
    out = []
    for panel in registered():
        if not held & {str(r) for r in panel.roles}:
            continue
        ctx = panel.context(request)
        if ctx is None:
            continue
        out.append({"name": panel.name, "template": panel.template, "panel": ctx})
    return out
