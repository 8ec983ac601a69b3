"""Browser tests: Debian's headless Chromium driven by Playwright against a live server."""

from __future__ import annotations

import os
import re
import shutil
import threading
from pathlib import Path

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection
from django.test.testcases import LiveServerThread

# Playwright's sync API runs an event loop in the test thread; Django's guard against
# database access from async code would otherwise refuse the fixtures' queries.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# Held by the live server for a whole request and by the test thread for each cursor call,
# on SQLite only: re-entrant, since a request's own cursor calls take it again.
_SQLITE_LOCK = threading.RLock()


class _OneRequestAtATime(ThreadedWSGIServer):
    """The live server, answering one request at a time when the test database is SQLite
    in memory.

    The live server's threads reach the test's in-memory SQLite database (one connection
    shared, or connections on one shared cache). A browser fetches in parallel (a page,
    its GeoJSON, its area borders), and two threads on it can deadlock: one holds SQLite's
    mutex in ``sqlite3_step`` while a Python function Django registered in SQLite waits for
    the GIL; the other holds the GIL while it waits for the mutex to read a column. Then no
    Python runs at all, so pytest-timeout's alarm never fires and the suite hangs until CI
    gives up (the "CI hang" of earlier notes; caught by faulthandler in map_points and a
    session-cookie read, 7 December 2026). Requests still run in threads, so keep-alive
    connections do not block one another; only the application call, with its whole body,
    is serialised. PostgreSQL gives each thread its own connection and is left alone.

    The test's own thread reads the same database between browser steps while the browser
    may still be fetching; ``_one_database_user_at_a_time`` makes its cursor calls take the
    same lock.
    """

    def set_app(self, application):
        lock = _SQLITE_LOCK
        self.serial = connection.vendor == "sqlite"
        serial = self.serial

        def app(environ, start_response):
            if not serial:
                return application(environ, start_response)
            with lock:
                result = application(environ, start_response)
                try:
                    # A streamed body (an export) still reads the database: inside the lock.
                    return [b"".join(result)]
                finally:
                    if hasattr(result, "close"):
                        result.close()

        super().set_app(app)


LiveServerThread.server_class = _OneRequestAtATime


@pytest.fixture(autouse=True)
def _one_database_user_at_a_time(monkeypatch):
    """On SQLite, every cursor call waits while the live server answers a request.

    The server's lock alone leaves the race between a request and the test thread: after
    a click, a test reads the database (``refresh_from_db``) while the browser may still be
    fetching the page's GeoJSON, and the two threads can deadlock on SQLite's mutex and
    the GIL as two server threads did. Execute and fetch are the calls that enter SQLite.
    """
    if connection.vendor != "sqlite":
        return
    from django.db.backends.sqlite3.base import SQLiteCursorWrapper

    def locked(name):
        call = getattr(SQLiteCursorWrapper, name)

        def method(self, *args, **kwargs):
            with _SQLITE_LOCK:
                return call(self, *args, **kwargs)

        method.__name__ = name
        return method

    for name in ("execute", "executemany", "fetchone", "fetchmany", "fetchall"):
        monkeypatch.setattr(SQLiteCursorWrapper, name, locked(name))


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail(f"Chromium saknas ({CHROMIUM}): installera Debian-paketet chromium (.ci/run).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30000)
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        locale="sv-SE", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(30000)
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def demo_world(transactional_db, settings):
    """Demo areas (Sweden), organisations and users, without the police events."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from samverkan import demo_data
    from samverkan.core.area_import import import_areas
    from samverkan.demo import loader as demo
    from samverkan.incidents.models import Category, SourceMapping
    from samverkan.incidents.taxonomy import load_default

    # A live-server test flushes the database afterwards, data migrations included:
    # put the default categories back for the next test.
    load_default(Category, SourceMapping)

    import_areas(
        demo_data.path(demo_data.SE_COUNTIES), level="county", code_field="code", name_field="name"
    )
    import_areas(
        demo_data.path(demo_data.SE_MUNICIPALITIES),
        level="municipality",
        code_field="code",
        name_field="name",
        parent_level="county",
        parent_field="county_code",
    )
    demo.load_organisations_and_users(log=lambda *_: None)
    return {u.username: u for u in demo.USERS}


def login(page, live_server, username, password):
    page.goto(f"{live_server.url}/konto/logga-in/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(re.compile(rf"^{re.escape(live_server.url)}/(konto/tvafaktor/.*)?$"))
    pass_second_factor(page, username)
    page.wait_for_url(f"{live_server.url}/")


# The authenticator app of the browser tests: the secret each user enrolled, and the last
# time step whose code was used (a code is accepted once).
APP: dict[str, dict] = {}


def pass_second_factor(page, username):
    """Enrol the user's app, or enter its code, when the sign-in asks for a second factor.

    The secret is read from the enrolment page's manual-entry text and the code computed
    from it (tests/totp.py), as a phone would; nothing is switched off for the tests.
    """
    import time

    from tests.totp import totp

    if "/konto/tvafaktor/aktivera/" in page.url:
        secret = page.locator("#totp-secret").inner_text()
        step = int(time.time() // 30)
        page.get_by_label("Kod från appen").fill(totp(secret, step * 30))
        page.get_by_role("button", name="Aktivera").click()
        page.get_by_role("link", name="Jag har sparat koderna – fortsätt").click()
        APP[username] = {"secret": secret, "step": step}
    elif "/konto/tvafaktor/kod/" in page.url:
        app = APP[username]
        step = max(int(time.time() // 30), app["step"] + 1)
        page.get_by_label("Kod från appen eller reservkod").fill(totp(app["secret"], step * 30))
        page.get_by_role("button", name="Fortsätt").click()
        app["step"] = step
