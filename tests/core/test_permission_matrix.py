"""Every URL pattern, with the answer each kind of user must get.

The rows live in tests/<app>/matrix.py (collected by tests/matrix.py); the test fails when a URL has no row: a new page must declare who may see it.
Codes: 200 shown, 302 sent to the login page, 403 refused, 404 hidden, 405 method not
allowed (for POST-only endpoints opened with GET).
"""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from tests.matrix import ANON, COORD, EXTENSIONS, MATRIX, OTHER, REPORTER


def _walk(patterns, namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, ns)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}{p.name}"


def all_url_names() -> set[str]:
    # The admin has its own permission system (staff only), tested in test_admin_access.
    return {n for n in _walk(get_resolver().url_patterns) if not n.startswith("admin:")}


@pytest.fixture
def world(world):
    for extend in EXTENSIONS:
        extend(world)
    return world


def test_every_url_has_an_entry():
    missing = sorted(all_url_names() - set(MATRIX))
    assert not missing, f"URL utan rad i behörighetsmatrisen: {missing}"


def test_no_stale_entries():
    stale = sorted(set(MATRIX) - all_url_names())
    assert not stale, f"Rader i matrisen för URL:er som inte finns: {stale}"


@pytest.mark.parametrize("name", sorted(MATRIX))
@pytest.mark.parametrize("who", [ANON, REPORTER, COORD, OTHER])
def test_matrix(name, who, world, client):
    kwargs_factory, expected = MATRIX[name]
    url = reverse(name, kwargs=kwargs_factory(world) if kwargs_factory else None)
    if who != ANON:
        client.force_login(world.users[who])
    response = client.get(url)
    assert response.status_code == expected[who], (
        f"{name} ({url}) som {who}: fick {response.status_code}, väntade {expected[who]}"
    )
    if expected[who] == 302 and name not in ("set_language",):
        assert "/konto/logga-in/" in response["Location"]


def test_every_view_declares_its_permission():
    """Each page and endpoint names its permission (or says it is public)."""
    undeclared = []
    for pattern_name in all_url_names():
        match = get_resolver().resolve(_reverse_any(pattern_name))
        func = match.func
        view_class = getattr(func, "view_class", None) or getattr(func, "cls", None)
        declared = getattr(view_class, "permission_required", None) or getattr(
            func, "permission_required", None
        )
        if declared is None and pattern_name not in PUBLIC_FRAMEWORK_VIEWS:
            undeclared.append(pattern_name)
    assert not undeclared, f"Vyer utan deklarerad behörighet: {sorted(undeclared)}"


# Views from Django and DRF whose access is defined by the framework itself.
PUBLIC_FRAMEWORK_VIEWS = {
    "login",
    "logout",
    "set_language",
    "javascript-catalog",
    "api-root",
    "api-schema",
}


def _reverse_any(name):
    for kwargs in (
        None,
        {"pk": 1},
        {"code": "0180"},
        {"fmt": "csv"},
        {"pk": 1, "action": "feedback"},
        {"pk": 1, "photo_id": 1},
    ):
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            pass
    raise AssertionError(f"kan inte bilda URL för {name}")


def test_admin_refuses_non_staff(world, client):
    client.force_login(world.users[COORD])
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
