"""No script from data: every page carries a Content-Security-Policy that forbids inline
and evaluated script, and no page or template relies on inline script to work.

The policy is the browser's second line; the first is that the JavaScript builds
everything shown from data with text nodes (tests/e2e/test_injection.py tries it).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

from samverkan.settings import _tile_source
from tests.matrix import ANON, COORD, EXTENSIONS, MATRIX, OTHER, REPORTER

PACKAGE = Path(__file__).resolve().parents[2] / "samverkan"
TEMPLATES = sorted(p for p in PACKAGE.rglob("templates/**/*.html"))
SCRIPTS = sorted((PACKAGE / "static" / "samverkan").glob("*.js"))
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


def policy(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy")
    assert header, f"{response.request['PATH_INFO']}: ingen Content-Security-Policy"
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def script_sources(directives) -> list[str]:
    return directives.get("script-src", directives.get("default-src", []))


class InlineCode(HTMLParser):
    """Collects inline scripts with code, on* handler attributes and javascript: URLs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if re.fullmatch(r"on[a-z]+", name) or name.startswith("hx-on"):
                self.found.append(f"<{tag} {name}=…>")
            url_attr = name in ("href", "src", "action", "formaction")
            if url_attr and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:…>")
        if tag == "script" and not attrs.get("src"):
            self._in_script = attrs.get("type", "").lower() not in DATA_SCRIPT_TYPES

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.found.append(f"<script>{data.strip()[:60]}</script>")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


@pytest.fixture
def world(world):
    for extend in EXTENSIONS:
        extend(world)
    return world


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_every_page_has_a_policy_without_inline_script(name, world, client):
    kwargs_factory, expected = MATRIX[name]
    # The page as the first kind of user allowed to see it; a POST-only endpoint's refusal
    # of GET carries the header too.
    who = next((w for w in (COORD, REPORTER, OTHER, ANON) if expected[w] == 200), COORD)
    if who != ANON:
        client.force_login(world.users[who])
    response = client.get(reverse(name, kwargs=kwargs_factory(world) if kwargs_factory else None))
    directives = policy(response)
    scripts = script_sources(directives)
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, scripts
    assert "'unsafe-inline'" not in directives.get("default-src", [])
    assert directives.get("object-src") == ["'none'"]
    if response.get("Content-Type", "").startswith("text/html"):
        html = b"".join(response).decode() if response.streaming else response.content.decode()
        assert not inline_code(html), f"{name}: {inline_code(html)}"


def test_admin_and_error_pages_have_the_policy(world, client, django_user_model):
    admin = django_user_model.objects.create_superuser("csp-admin", password="pw")
    client.force_login(admin)
    for url in ("/admin/", "/admin/core/area/", "/finns-inte/"):
        response = client.get(url)
        scripts = script_sources(policy(response))
        assert "'unsafe-inline'" not in scripts, url
        assert not inline_code(response.content.decode()), url


def test_templates_hold_no_inline_script():
    assert TEMPLATES

    def markup(path):
        # Template tags between attributes would read as attributes; values stand in.
        text = re.sub(r"{%.*?%}", " ", path.read_text(encoding="utf-8"), flags=re.DOTALL)
        return re.sub(r"{{.*?}}", "x", text, flags=re.DOTALL)

    found = {
        str(p.relative_to(PACKAGE)): hits for p in TEMPLATES if (hits := inline_code(markup(p)))
    }
    assert not found, found


# Ways JavaScript turns a string into markup. Leaflet's bindTooltip, bindPopup and
# setContent do so with a string too: they must get an element built from text nodes,
# so a call whose argument is a literal, a concatenation or a data property is refused.
HTML_SINKS = re.compile(
    r"\.innerHTML\s*=|\.outerHTML\s*=|insertAdjacentHTML|document\.write|\beval\(|new Function"
)
LEAFLET_STRING = re.compile(
    r"\.(bindTooltip|bindPopup|setContent|setTooltipContent|setPopupContent)\(\s*"
    r"(?:[\"'`]|[\w.]+\s*\+|\w+\.\w+)"
)


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.name)
def test_our_javascript_builds_no_markup_from_strings(path):
    source = path.read_text(encoding="utf-8")
    assert not HTML_SINKS.findall(source)
    assert not LEAFLET_STRING.findall(source)


def test_tile_server_is_allowed_for_images():
    assert _tile_source("https://{s}.tiles.example.org/{z}/{x}/{y}.png") == [
        "https://*.tiles.example.org"
    ]
    assert _tile_source("http://kartor.kommun.local:8080/{z}/{x}/{y}.png") == [
        "http://kartor.kommun.local:8080"
    ]
    assert _tile_source("/tiles/{z}/{x}/{y}.png") == []
    assert _tile_source("") == []
