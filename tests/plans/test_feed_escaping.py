"""Feed readers render update texts as HTML: a coordinator's text must stay text there."""

from __future__ import annotations

from datetime import date
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from samverkan.plans.models import PromiseUpdate

PAYLOAD = "'\"><img src=x onerror=alert(1)><script>alert(2)</script>\nrad två"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def hostile(pw):
    pw.promise.title = "Löfte <svg onload=alert(3)>"
    pw.promise.save()
    pw.m1.name = "Norrby <b>fet</b>"
    pw.m1.save()
    PromiseUpdate.objects.create(promise=pw.promise, date=date(2026, 2, 3), text=PAYLOAD)
    return pw


def assert_text_only(html: str, visible: str) -> None:
    # What a reader receives after XML decoding is HTML; it must hold no element of ours.
    for tag in ("<img", "<script", "<svg", "<b>"):
        assert tag not in html
    assert visible in html


def test_rss_description_and_titles_are_escaped_html(hostile, client):
    rss = client.get(reverse("public-promises-area-rss", args=["9901"]))
    channel = ElementTree.fromstring(rss.content).find("channel")
    assert_text_only(channel.findtext("title"), "Norrby &lt;b&gt;fet&lt;/b&gt;")
    descriptions = [i.findtext("description") for i in channel.findall("item")]
    hostile_item = next(d for d in descriptions if "alert(1)" in d)
    assert_text_only(hostile_item, "&lt;img src=x onerror=alert(1)&gt;")
    assert "<br>rad två" in hostile_item
    for item in channel.findall("item"):
        assert_text_only(item.findtext("title"), "Löfte &lt;svg onload=alert(3)&gt;")


def test_atom_summary_is_escaped_html_and_titles_are_text(hostile, client):
    atom = ElementTree.fromstring(
        client.get(reverse("public-promises-area-atom", args=["9901"])).content
    )
    summaries = atom.findall(f"{ATOM}entry/{ATOM}summary")
    assert summaries and all(s.get("type") == "html" for s in summaries)
    hostile_summary = next(s.text for s in summaries if "alert(1)" in s.text)
    assert_text_only(hostile_summary, "&lt;script&gt;alert(2)&lt;/script&gt;")
    # Atom titles carry no type: plain text (RFC 4287, 3.1), shown as typed.
    titles = atom.findall(f"{ATOM}entry/{ATOM}title")
    assert all(t.get("type") in (None, "text") for t in titles)
    assert any(t.text.startswith("Löfte <svg onload=alert(3)>") for t in titles)
    assert atom.findtext(f"{ATOM}title") == "Medborgarlöften i Norrby <b>fet</b>"
