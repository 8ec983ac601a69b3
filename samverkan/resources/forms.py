"""The form for one resource row; its choices are the partnership's, as the user reaches them."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from samverkan.resources import permissions
from samverkan.resources.models import Kind


class MonthInput(forms.DateInput):
    input_type = "month"

    def format_value(self, value):
        if isinstance(value, date):
            return value.strftime("%Y-%m")
        return value


class EntryForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=None, label=_("Organisation"))
    area = forms.ModelChoiceField(queryset=None, label=_("Område"))
    month = forms.DateField(
        label=_("Månad"), input_formats=["%Y-%m"], widget=MonthInput(format="%Y-%m")
    )
    kind = forms.ChoiceField(choices=Kind.choices, label=_("Slag"))
    amount = forms.DecimalField(
        label=_("Mängd (timmar eller kr)"), min_value=0, max_digits=12, decimal_places=1
    )
    note = forms.CharField(
        label=_("Anteckning"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Skriv inte personuppgifter."),
    )

    def __init__(self, *args, user, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = permissions.organisations_for(user, partnership)
        self.fields["area"].queryset = permissions.areas_for(user, partnership)

    def clean_month(self):
        month = self.cleaned_data["month"]
        return date(month.year, month.month, 1)
