"""Only web addresses from data become links (samverkan.core.templatetags.links)."""

from __future__ import annotations

import pytest

from samverkan.core.templatetags.links import web_url


@pytest.mark.parametrize(
    "url",
    [
        "https://polisen.se/aktuellt/handelser/2026/mars/1/",
        "HTTP://example.se/x",
        "/aktuellt/handelser/2026/",
    ],
)
def test_web_addresses_stay(url):
    assert web_url(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//evil.example/x",
        "",
        None,
    ],
)
def test_other_schemes_are_dropped(url):
    assert web_url(url) == ""
