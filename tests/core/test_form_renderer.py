"""The form renderer writes the select and the plain input exactly as Django's templates
would, escaping included; every other widget is left to Django's templates."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.test import RequestFactory
from django.utils.safestring import mark_safe

from samverkan.core.form_renderer import FormRenderer

HOSTILE = '"><script>alert(1)</script>&amp;'


class EveryWidget(forms.Form):
    text = forms.CharField(label="Text", max_length=20, help_text="hjälp")
    optional = forms.CharField(required=False, widget=forms.TextInput(attrs={"data-x": HOSTILE}))
    when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    number = forms.IntegerField(min_value=0)
    email = forms.EmailField(required=False)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True), required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    flag = forms.BooleanField(required=False)
    checked = forms.BooleanField(required=False, initial=True)
    off = forms.CharField(required=False, widget=forms.TextInput(attrs={"disabled": False}))
    choice = forms.ChoiceField(choices=[("", "Alla"), ("a", "Ä & Ö"), ("b", HOSTILE)])
    grouped = forms.ChoiceField(
        choices=[("Grupp <1>", [("1", "Ett"), ("2", "Två")]), ("3", mark_safe("<b>Tre</b>"))],
        required=False,
    )
    many = forms.MultipleChoiceField(choices=[(1, "Ett"), (2, "Två"), (3, "Tre")], required=False)
    area = forms.ModelChoiceField(queryset=None, required=False)
    text_area = forms.CharField(widget=forms.Textarea, required=False)
    radio = forms.ChoiceField(choices=[("x", "X"), ("y", "Y")], widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        from samverkan.core.models import Area

        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.order_by("name")


BOUND = {
    "text": HOSTILE,
    "when": "2026-12-06",
    "number": "-3",
    "secret": "s<>",
    "hidden": HOSTILE,
    "checked": "on",
    "choice": "b",
    "grouped": "2",
    "many": ["1", "3"],
    "radio": "y",
}


@pytest.mark.parametrize("data", [None, BOUND, {"choice": "nope", "number": "x"}])
def test_every_widget_renders_as_django_templates_do(world, data):
    ours = EveryWidget(data, renderer=FormRenderer())
    django = EveryWidget(data, renderer=DjangoTemplates())
    assert ours.is_bound == django.is_bound
    for name in ours.fields:
        assert str(ours[name]) == str(django[name]), name
    assert str(ours) == str(django)
    assert "<script>" not in str(ours)


def test_the_project_renders_its_forms_with_it():
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), FormRenderer)


def test_the_incident_filter_form_renders_as_before(world):
    """The form of the page the renderer was written for, with the choices of a user."""
    from samverkan.incidents.views import filter_incidents

    request = RequestFactory().get("/handelser/", {"area": world.m1.pk, "status": "new"})
    request.user = world.users["coordinator"]
    _qs, form = filter_incidents(request)
    rendered = {name: str(form[name]) for name in form.fields}
    form.renderer = DjangoTemplates()
    for name in form.fields:
        assert rendered[name] == str(form[name]), name
    assert f'<option value="{world.m1.pk}" selected>Norrby (Kommun)</option>' in rendered["area"]


def test_a_widget_with_its_own_option_template_is_left_to_django():
    class OwnOption(forms.Select):
        option_template_name = "django/forms/widgets/radio_option.html"

    field = forms.ChoiceField(choices=[("a", "A")], widget=OwnOption)
    form = forms.Form(renderer=FormRenderer())
    form.fields["f"] = field
    ours = str(form["f"])
    form.renderer = DjangoTemplates()
    assert ours == str(form["f"])
    assert "<label><input" in ours
