"""Public citizen-promise pages and feeds: no login, nothing unpublished, nothing internal."""

from __future__ import annotations

from datetime import date
from xml.etree import ElementTree

from django.urls import reverse

from samverkan.plans.models import CitizenPromise, PromiseUpdate


def unpublished(pw, area=None):
    promise = CitizenPromise.objects.create(
        partnership=pw.p1,
        area=area or pw.m1,
        year=2026,
        title="Hemligt utkast",
        text="Utkast som inte är beslutat.",
        signatory_municipality="K",
        signatory_police="P",
    )
    PromiseUpdate.objects.create(promise=promise, date=date(2026, 1, 2), text="Intern lägesrapport")
    return promise


def test_index_lists_areas_with_published_promises_only(pw, client):
    unpublished(pw, area=pw.m2)
    page = client.get(reverse("public-promises")).content.decode()
    assert "Norrby" in page and "Söderby" not in page


def test_area_page_shows_published_text_status_updates(pw, client):
    unpublished(pw)
    page = client.get(reverse("public-promises-area", args=["9901"])).content.decode()
    assert "Vi lovar bättre belysning i källargångarna." in page
    assert "Vi arbetar med löftet" in page
    assert "Belysningen är beställd." in page
    assert "Belysning i källargångar: planerat" in page
    assert "Hemligt utkast" not in page and "Intern lägesrapport" not in page


def test_area_page_never_shows_internal_measure_details(pw, client):
    page = client.get(reverse("public-promises-area", args=["9901"])).content.decode()
    for internal in ("Intern beskrivning", "Fastighetschef Eva Ek", "Inbrott i källarförråd"):
        assert internal not in page


def test_area_without_published_promises_is_404(pw, client):
    unpublished(pw, area=pw.m2)
    assert client.get(reverse("public-promises-area", args=["9902"])).status_code == 404
    pw.promise.published = False
    pw.promise.save()
    assert client.get(reverse("public-promises-area", args=["9901"])).status_code == 404


def test_rss_and_atom_feeds_carry_published_updates_only(pw, client):
    unpublished(pw)
    rss = client.get(reverse("public-promises-area-rss", args=["9901"]))
    assert rss["Content-Type"].startswith("application/rss+xml")
    items = ElementTree.fromstring(rss.content).findall("./channel/item")
    assert [i.findtext("description") for i in items] == ["Belysningen är beställd."]
    assert (
        items[0]
        .findtext("link")
        .endswith(f"/medborgarloften/9901/#uppdatering-{pw.promise.updates.get().pk}")
    )
    atom = client.get(reverse("public-promises-area-atom", args=["9901"]))
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert b"Belysningen \xc3\xa4r best\xc3\xa4lld." in atom.content
    assert b"Intern l\xc3\xa4gesrapport" not in atom.content
    everything = client.get(reverse("public-promises-rss")).content
    assert b"Intern l\xc3\xa4gesrapport" not in everything and b"Belysningen" in everything
    assert client.get(reverse("public-promises-area-rss", args=["9902"])).status_code == 404
