"""Counts as a reader of the page's language writes them: "12 400 händelser", "12,400 rows".

Only counts are grouped: ids, years and codes in the same templates are not, which is why
this is a filter and ``USE_THOUSAND_SEPARATOR`` stays off.
"""

from __future__ import annotations

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def grouped(value) -> str:
    """``value`` with the active language's thousands separator (a no-break space in
    Swedish and Norwegian, a comma in English); a string of digits (a count the database
    read out of stored JSON) is a number too; anything else ("<3", "..") is returned as is."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return formats.number_format(value, use_l10n=True, force_grouping=True)


def number_text(value, empty: str = "") -> str:
    """A count or rate as the pages print it, for documents built outside templates (DOCX):
    counts grouped, decimals with the active language's decimal mark, None as ``empty``."""
    if value is None:
        return empty
    if isinstance(value, float):
        return formats.number_format(value, use_l10n=True)
    return str(grouped(value))
