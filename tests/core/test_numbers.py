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
