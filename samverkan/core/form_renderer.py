"""The form renderer: Django's templates, with the select and the plain input written here.

Django renders every widget through a template, every option of a select through one more,
and the attributes of each through a third. On the incident list the filter form's
selects (areas, categories, organisations, tags …) took about a sixth of the page's time
(issue 15, item 8). These two widgets are written here in Python with exactly the markup
of Django's templates; every other widget, and any option with a template of its own, is
left to Django. ``tests/core/test_form_renderer.py`` compares both renderers for every
widget the project's forms use, so an upgrade of Django that changes the markup fails
there.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

WIDGETS = "django/forms/widgets/"
SELECT = WIDGETS + "select.html"
OPTION = WIDGETS + "select_option.html"
# The widgets whose template is only ``{% include "django/forms/widgets/input.html" %}``.
INPUTS = frozenset(
    f"{WIDGETS}{name}.html"
    for name in (
        *("input", "checkbox", "color", "date", "datetime", "email", "file", "hidden"),
        *("number", "password", "search", "tel", "text", "time", "url"),
    )
)


class FormRenderer(DjangoTemplates):
    """Django's default renderer, with :func:`render_select` and :func:`render_input`."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget is not None:
            if template_name in INPUTS:
                return render_input(widget)
            if template_name == SELECT and all(
                option["template_name"] == OPTION
                for _name, options, _index in widget["optgroups"]
                for option in options
            ):
                return render_select(widget)
        return super().render(template_name, context, request)


def render_attrs(attrs: dict) -> str:
    """``django/forms/widgets/attrs.html``: ``False`` leaves an attribute out, ``True``
    writes its bare name."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def render_input(widget: dict):
    """``django/forms/widgets/input.html``."""
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(value)}"'
    return mark_safe(
        f'<input type="{conditional_escape(widget["type"])}"'
        f' name="{conditional_escape(widget["name"])}"{shown}{render_attrs(widget["attrs"])}>'
    )


def render_select(widget: dict):
    """``django/forms/widgets/select.html`` with its options, optgroups included."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{render_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            # Django's option template ends with a line break, which it keeps.
            parts.append(
                f'\n  <option value="{conditional_escape(option["value"])}"'
                f"{render_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))
