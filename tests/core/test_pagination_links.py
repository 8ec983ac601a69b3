"""Page links keep every value of a repeated filter (core/_pagination.html, page_query)."""

from __future__ import annotations

from html import unescape
from urllib.parse import parse_qs

from django.template import Context, Template
from django.test import RequestFactory


def test_page_query_keeps_repeated_parameters_and_sets_the_page():
    request = RequestFactory().get("/handelser/?category=a&category=b&page=1&q=x%20y")
    rendered = Template("{% load links %}{% page_query 3 %}").render(Context({"request": request}))
    # Rendered for an href attribute: & is written &amp;, which the browser reads as &.
    assert "&amp;" in rendered
    assert parse_qs(unescape(rendered)) == {"category": ["a", "b"], "q": ["x y"], "page": ["3"]}
