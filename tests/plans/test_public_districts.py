"""Citizen promises per district on the public pages: listed under their municipality,
filtered by district, each district with its own page and feed."""

from __future__ import annotations

from datetime import date
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from samverkan.plans.models import CitizenPromise, PromiseUpdate
from tests.plans.districts import add_districts


def promise(pw, area, title, published=True):
    p = CitizenPromise.objects.create(
        partnership=pw.p1,
        area=area,
        year=2026,
        title=title,
        text=f"Löftet för {area.name}.",
        signatory_municipality="K",
        signatory_police="P",
        published=published,
    )
    PromiseUpdate.objects.create(promise=p, date=date(2026, 2, 1), text=f"Rapport: {title}")
    return p


@pytest.fixture
def dw(pw):
    add_districts(pw)
    promise(pw, pw.west, "Trygga gångvägar i väster")
    promise(pw, pw.yard, "Lugn skolgård")
    promise(pw, pw.east, "Utkast för öster", published=False)
    return pw


def test_index_lists_districts_under_their_municipality(dw, client):
    page = client.get(reverse("public-promises")).content.decode()
    # Norrby: its own promise, Västra Norrby's and Skolgården's.
    assert "3 löften" in page
    west = reverse("public-promises-area", args=["9901"]) + "?stadsdel=990101"
    assert f'href="{west}"' in page and "Västra Norrby" in page
    assert "Skolgården" in page
    assert "Östra Norrby" not in page  # its only promise is unpublished


def test_municipality_page_filters_by_district(dw, client):
    url = reverse("public-promises-area", args=["9901"])
    page = client.get(url).content.decode()
    for title in ("Tryggare källare", "Trygga gångvägar i väster", "Lugn skolgård"):
        assert title in page
    assert "Utkast för öster" not in page
    assert "Gäller Västra Norrby" in page
    start = page.index('name="stadsdel"')
    options = page[start : page.index("</select>", start)]
    assert ">Västra Norrby<" in options and ">Skolgården<" in options
    assert "Östra Norrby" not in options
    page = client.get(url, {"stadsdel": "990101"}).content.decode()
    # Västra Norrby with the own area inside it; not the municipality-wide promise.
    assert "Trygga gångvägar i väster" in page and "Lugn skolgård" in page
    assert "Tryggare källare" not in page
    page = client.get(url, {"stadsdel": "egen-1"}).content.decode()
    assert "Lugn skolgård" in page and "Trygga gångvägar i väster" not in page
    # A district with nothing published, or not in this municipality, is not there.
    assert client.get(url, {"stadsdel": "990102"}).status_code == 404
    assert client.get(url, {"stadsdel": "990201"}).status_code == 404


def test_district_page_and_feed(dw, client):
    page = client.get(reverse("public-promises-area", args=["990101"])).content.decode()
    assert "Medborgarlöften i Västra Norrby" in page
    assert "Trygga gångvägar i väster" in page and "Tryggare källare" not in page
    assert client.get(reverse("public-promises-area", args=["990102"])).status_code == 404
    rss = client.get(reverse("public-promises-area-rss", args=["990101"]))
    texts = sorted(
        i.findtext("description")
        for i in ElementTree.fromstring(rss.content).findall("./channel/item")
    )
    assert texts == ["Rapport: Lugn skolgård", "Rapport: Trygga gångvägar i väster"]
    # The municipality's feed carries its districts' updates as well.
    rss = client.get(reverse("public-promises-area-rss", args=["9901"]))
    items = ElementTree.fromstring(rss.content).findall("./channel/item")
    assert len(items) == 3
    assert client.get(reverse("public-promises-area-rss", args=["990102"])).status_code == 404


def test_promise_form_offers_districts(dw, client_for):
    client = client_for(dw.users["coordinator"])
    page = client.get(reverse("promise-create")).content.decode()
    options = page[page.index('name="area"') : page.index("</select>", page.index('name="area"'))]
    assert ">Västra Norrby (" in options and ">Skolgården (" in options
    # Municipality first, then districts, own areas last.
    assert options.index(">Norrby (") < options.index(">Västra Norrby (")
    assert options.index(">Västra Norrby (") < options.index(">Skolgården (")
