"""Database connection settings: PostgreSQL without JIT and with kept connections (issue 15,
item 8; docs/operations.md, docs/configuration.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

PROBE = (
    "import json, django; django.setup(); from django.conf import settings; "
    "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))"
)


def _options(url: str) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "samverkan.settings"}
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u:p@127.0.0.1:5432/samverkan", "-c jit=off"),
        (
            "postgres://u:p@127.0.0.1/samverkan?options=-c%20statement_timeout%3D5000",
            "-c statement_timeout=5000 -c jit=off",
        ),
        # An operator who wants JIT back names it in the URL.
        ("postgres://u:p@127.0.0.1/samverkan?options=-c%20jit%3Don", "-c jit=on"),
    ],
)
def test_postgresql_connections_run_without_jit(url, expected):
    assert _options(url)["options"] == expected


def test_sqlite_options_untouched(tmp_path):
    assert "options" not in _options(f"sqlite:///{tmp_path / 'db.sqlite3'}")


AGE_PROBE = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.DATABASES['default']['CONN_MAX_AGE'])"
)


def _conn_max_age(url: str, **extra) -> int:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "samverkan.settings"}
    env.pop("DATABASE_CONN_MAX_AGE", None)
    env.update(extra)
    out = subprocess.run(
        [sys.executable, "-c", AGE_PROBE], env=env, capture_output=True, text=True, check=True
    )
    return int(out.stdout.strip().splitlines()[-1])


def test_postgresql_connections_are_kept_between_requests(tmp_path):
    # A new PostgreSQL connection is a new server process: under the load benchmark one
    # per request cost more CPU than the requests (docs/configuration.md).
    assert _conn_max_age("postgres://u:p@127.0.0.1/samverkan") == 60
    assert _conn_max_age("postgresql://u:p@127.0.0.1/samverkan") == 60
    assert _conn_max_age(f"sqlite:///{tmp_path / 'db.sqlite3'}") == 0
    assert _conn_max_age("postgres://u:p@127.0.0.1/x", DATABASE_CONN_MAX_AGE="0") == 0


POOLING_PROBE = (
    "import json, django; django.setup(); from django.conf import settings; "
    "db = settings.DATABASES['default']; "
    "print(json.dumps([db.get('OPTIONS', {}).get('options'), "
    "db.get('DISABLE_SERVER_SIDE_CURSORS', False)]))"
)


@pytest.mark.parametrize(
    ("pooling", "expected"), [("1", [None, True]), ("0", ["-c jit=off", False])]
)
def test_transaction_pooling_sends_no_options_and_no_server_side_cursors(pooling, expected):
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://u:p@127.0.0.1:6432/samverkan",
        "DJANGO_SETTINGS_MODULE": "samverkan.settings",
        "DATABASE_TRANSACTION_POOLING": pooling,
    }
    out = subprocess.run(
        [sys.executable, "-c", POOLING_PROBE], env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == expected
