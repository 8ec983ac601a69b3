"""No query parameter of any page or endpoint gives a 500, whatever it holds (issue 13).

The pages are those of the permission matrix (tests/<app>/matrix.py), so a new page is
covered as soon as it has its row. Which parameters a view reads is not listed by hand:
a first request records every key the view looks up in a query dict, and each of those
keys then gets every hostile value below, one at a time.
"""

from __future__ import annotations

import pytest
from django.http import QueryDict
from django.urls import reverse

from tests.matrix import COORD, EXTENSIONS, MATRIX

HOSTILE = [
    "x",
    "99999999999999999999999",
    "-1e308",
    "",
    "åäö\u202e\U0001f600" * 500,
    "%00",
]
PROBE = "__probe__"


def _pair(key: str, value: str) -> str:
    query = QueryDict(mutable=True)
    query[key] = value
    return query.urlencode()


@pytest.fixture
def world(world):
    for extend in EXTENSIONS:
        extend(world)
    return world


@pytest.fixture
def read_keys(monkeypatch):
    """Every key looked up in any QueryDict while the fixture is active."""
    seen: set[str] = set()

    def recording(method):
        def wrapper(self, key, *args, **kwargs):
            seen.add(key)
            return method(self, key, *args, **kwargs)

        return wrapper

    for name in ("get", "__getitem__", "getlist", "__contains__"):
        monkeypatch.setattr(QueryDict, name, recording(getattr(QueryDict, name)))
    return seen


SHOWN = sorted(name for name, (_, expected) in MATRIX.items() if expected[COORD] == 200)


def test_the_pages_shown_are_many():
    # Guards the test itself: a broken matrix import must not leave it testing nothing.
    assert len(SHOWN) >= 40


@pytest.mark.parametrize("name", SHOWN)
def test_no_query_parameter_gives_a_server_error(name, world, client, read_keys):
    client.raise_request_exception = False
    client.force_login(world.users[COORD])
    kwargs_factory, _ = MATRIX[name]
    url = reverse(name, kwargs=kwargs_factory(world) if kwargs_factory else None)
    # A non-empty query string binds forms built as ``Form(request.GET or None)``.
    first = client.get(url, {PROBE: "1"})
    assert first.status_code < 500, f"{url}: {first.status_code}"
    keys = sorted(read_keys - {PROBE})
    failures = []
    # One key at a time, then all of them at once: some views read a parameter only when
    # another is present (a finding needs both ``lagesbild`` and ``kategori``).
    groups = [[key] for key in keys] + ([keys] if len(keys) > 1 else [])
    for group in groups:
        for value in HOSTILE:
            query = "&".join(f"{k}={value}" if value == "%00" else _pair(k, value) for k in group)
            response = client.get(f"{url}?{query}")
            if response.status_code >= 500:
                failures.append(("+".join(group), value[:30], response.status_code))
    assert not failures, f"{url}: {failures}"
