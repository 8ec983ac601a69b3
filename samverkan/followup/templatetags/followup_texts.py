"""``{{ text|analysis_text }}``: an evaluation result's text in the reader's language."""

from __future__ import annotations

from django import template

from samverkan.followup.result_texts import in_language

register = template.Library()


@register.filter
def analysis_text(value):
    return in_language(value) if isinstance(value, str) else value
