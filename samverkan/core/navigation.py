"""The main menu, assembled from what each app registers in its ``AppConfig.ready``.

Each entry names the permission that shows it, so the menu never offers a page that would
then refuse the user.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str | None = None  # None: every signed-in user
    order: int = 100


_ITEMS: list[NavItem] = []


def register(label, url_name: str, permission: str | None = None, order: int = 100) -> None:
    if not any(i.url_name == url_name for i in _ITEMS):
        _ITEMS.append(NavItem(label, url_name, permission, order))


def items_for(request) -> list[dict]:
    user = request.user
    current = getattr(getattr(request, "resolver_match", None), "url_name", None)
    visible = []
    for item in sorted(_ITEMS, key=lambda i: i.order):
        if item.permission and not user.has_perm(item.permission):
            continue
        visible.append(
            {
                "label": item.label,
                "url": reverse(item.url_name),
                "current": current == item.url_name,
            }
        )
    return visible
