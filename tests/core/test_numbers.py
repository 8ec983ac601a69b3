"""Counts grouped as the page's language writes them (``samverkan/core/templatetags/numbers.py``).

"12400 händelser" is hard to read at a glance; Swedish and Norwegian group with a no-break
space (Språkrådet, *Svenska skrivregler*), English with a comma.
"""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from samverkan.core.templatetags.numbers import grouped

NBSP = "\xa0"


@pytest.mark.parametrize(
    ("language", "value", "expected"),
    [
        ("sv", 12400, f"12{NBSP}400"),
        ("nb", 1234567, f"1{NBSP}234{NBSP}567"),
        ("en", 12400, "12,400"),
        ("sv", 903, "903"),
        ("sv", 0, "0"),
    ],
)
def test_counts_are_grouped_in_the_page_language(language, value, expected):
    with translation.override(language):
        assert grouped(value) == expected


def test_what_is_not_a_number_is_left_as_it_is():
    assert grouped("..") == ".."
    assert grouped(None) is None
    assert grouped(True) is True


@pytest.mark.parametrize(
    ("language", "expected"),
    [("sv", f"12{NBSP}400 nya rapporter väntar."), ("en", "12,400 new reports are waiting.")],
)
def test_a_count_in_a_sentence_is_grouped_and_still_chooses_its_plural(language, expected):
    with translation.override(language):
        html = render_to_string("incidents/panels/triage.html", {"panel": {"count": 12400}})
    assert expected in html


def test_an_area_page_groups_its_population(world, client_for):
    world.m1.population = 160206
    world.m1.save()
    client = client_for(world.users["coordinator"])
    html = client.get(f"/omraden/{world.m1.pk}/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert f"<dd>160{NBSP}206</dd>" in html


def test_a_digit_string_read_from_stored_json_is_a_count():
    with translation.override("sv"):
        assert grouped("12400") == f"12{NBSP}400"
        assert grouped("<3") == "<3"


def test_a_lagesbild_groups_its_counts_on_the_page_in_the_list_and_in_the_export(world, client_for):
    from django.urls import reverse

    from samverkan.core import periods
    from samverkan.situation import services
    from samverkan.situation.exports import html
    from samverkan.situation.models import SituationReport

    report = services.create_report(
        world.m1, periods.parse("2025-03"), world.p1, world.users["coordinator"]
    )
    figures = report.snapshot
    # A large municipality's month, set by hand: building 12,400 incidents takes minutes.
    figures["totals"].update(count=12400, previous=11873, last_year=10250)
    SituationReport.objects.filter(pk=report.pk).update(snapshot=figures)
    client = client_for(world.users["coordinator"])
    page = client.get(reverse("situation-detail", args=[report.pk])).content.decode()
    assert f'<span class="kpi-value">12{NBSP}400</span>' in page
    assert f'<span class="kpi-value">11{NBSP}873</span>' in page
    listing = client.get(reverse("situation-list")).content.decode()
    assert f"12{NBSP}400" in listing
    # The export (HTML, and the PDF drawn from it) in the language it is asked for.
    assert f'<td class="n">12{NBSP}400</td>' in html.render_text(figures, language="sv")
    assert '<td class="n">12,400</td>' in html.render_text(figures, language="en")


def test_documents_write_counts_and_rates_as_the_pages_do():
    from samverkan.core.templatetags.numbers import number_text

    with translation.override("sv"):
        assert number_text(12400) == f"12{NBSP}400"
        assert number_text(3.5) == "3,5"
        assert number_text(None, "–") == "–"
        assert number_text("<3") == "<3"
    with translation.override("en"):
        assert number_text(3.5) == "3.5"


def test_the_county_digest_groups_the_shared_totals_on_the_page_and_in_the_mail():
    content = {
        "county": "Örebro län",
        "period": "augusti 2026",
        "pictures": [
            {
                "code": "1880",
                "municipality": "Örebro",
                "period": "augusti 2026",
                "figures": {"count": 12400, "previous": "<3", "last_year": None},
                "rate": None,
            }
        ],
        "entries": [],
        "evaluations": [],
        "meetings": [],
    }
    with translation.override("sv"):
        page = render_to_string("county/digest_body.html", {"content": content})
        mail = render_to_string("county/digest_mail.txt", {"content": content})
    for text in (page, mail):
        assert f"12{NBSP}400" in text and "12400" not in text
    assert "&lt;3" in page and "föregående period <3" in mail
