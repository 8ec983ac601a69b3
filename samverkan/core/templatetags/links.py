"""Links to addresses that came with the data (a police event's page, a source's URL).

An address from a file or a feed could be ``javascript:…`` or ``data:…``, which a link
would run or open in the page's origin; only web addresses become links.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django import template

register = template.Library()

WEB_SCHEMES = {"http", "https"}


@register.filter
def web_url(value) -> str:
    """``value`` if it is an http(s) address or a path on this site, else the empty string."""
    text = str(value or "").strip()
    if not text:
        return ""
    # Browsers drop tabs and newlines inside a scheme ("java\tscript:"): judge it as they do.
    scheme = urlsplit("".join(text.split())).scheme.lower()
    if scheme in WEB_SCHEMES:
        return text
    if not scheme and text.startswith("/") and not text.startswith("//"):
        return text
    return ""


@register.simple_tag(takes_context=True)
def page_query(context, number) -> str:
    """The current query string with ``page`` set to ``number``.

    Every value of a repeated parameter is kept (``?category=a&category=b``), which a loop
    over ``request.GET.items`` would drop to the last one.
    """
    query = context["request"].GET.copy()
    query["page"] = str(number)
    return query.urlencode()
