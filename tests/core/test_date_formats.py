"""Dates on pages are written in the reader's language.

Django's ``M`` and ``b`` format characters give month abbreviations that Swedish does not use
("5 Dec" in a Swedish page, where a municipal officer writes "5 december"); ``N`` gives the
Associated Press style. Templates use the full month name (``F``), the locale's DATE_FORMAT
or ISO dates.
"""

from __future__ import annotations

import re
from pathlib import Path

import samverkan

ROOT = Path(samverkan.__file__).parent
DATE_FILTER = re.compile(r"""\|\s*date\s*:\s*["']([^"']*)["']""")
ABBREVIATED = re.compile(r"(?<!\\)[MbN]")
NAMED_FORMATS = {"DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT"}


def abbreviated_months(text: str) -> list[str]:
    return [
        fmt
        for fmt in DATE_FILTER.findall(text)
        if fmt not in NAMED_FORMATS and ABBREVIATED.search(fmt)
    ]


def test_no_template_writes_english_month_abbreviations():
    found = {}
    for path in sorted(ROOT.rglob("*.html")):
        bad = abbreviated_months(path.read_text(encoding="utf-8"))
        if bad:
            found[str(path.relative_to(ROOT))] = bad
    assert found == {}


def test_the_check_sees_an_abbreviated_month():
    assert abbreviated_months('{{ d|date:"j M Y" }} {{ d|date:"j F Y" }}') == ["j M Y"]
    assert abbreviated_months("{{ d|date:'DATE_FORMAT' }} {{ d|date:\"Y-m-d\" }}") == []
