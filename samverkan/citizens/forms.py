"""The public safety-walk form and the coordinator's moderation form."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from samverkan.citizens import challenge
from samverkan.citizens.models import Concern


class ObservationForm(forms.Form):
    lon = forms.FloatField(widget=forms.HiddenInput, required=False)
    lat = forms.FloatField(widget=forms.HiddenInput, required=False)
    concerns = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label=_("Vad gör platsen otrygg?"),
        error_messages={"required": _("Välj minst en sak som gör platsen otrygg.")},
    )
    text = forms.CharField(
        label=_("Berätta mer (frivilligt)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Skriv inte namn på personer. Namn och telefonnummer tas bort."),
    )
    photo = forms.FileField(label=_("Foto (frivilligt)"), required=False)
    email = forms.EmailField(
        label=_("Din e-post om du vill ha svar (frivilligt)"),
        required=False,
        help_text=_(
            "Adressen visas inte för någon och raderas när du fått svar, senast efter 90 dagar."
        ),
    )
    # A honeypot: hidden from people by CSS, filled in by form-filling robots.
    website = forms.CharField(label=_("Lämna tomt"), required=False)
    challenge = forms.CharField(widget=forms.HiddenInput)
    counter = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, concerns, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        self.fields["concerns"].queryset = concerns
        self.fields["text"].validators.append(MaxLengthValidator(settings.CITIZEN_MAX_TEXT))
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean(self):
        data = super().clean()
        lon, lat = data.get("lon"), data.get("lat")
        m = self.municipality
        if lon is None or lat is None:
            raise forms.ValidationError(_("Välj en plats på kartan eller tryck på Min position."))
        if m.min_lon is not None and not (
            m.min_lon <= lon <= m.max_lon and m.min_lat <= lat <= m.max_lat
        ):
            raise forms.ValidationError(_("Platsen ligger utanför %(name)s.") % {"name": m.name})
        if "challenge" in data and not challenge.check(data["challenge"], data.get("counter", "")):
            raise forms.ValidationError(
                _(
                    "Kontrollen av formuläret blev inte klar. Vänta tills knappen är aktiv och försök igen."
                )
            )
        return data


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Vad görs åt det? (visas på den offentliga kartan)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    incident = forms.IntegerField(label=_("Rapportens nummer"), required=False)


class AnswerForm(forms.Form):
    text = forms.CharField(label=_("Svar till invånaren"), widget=forms.Textarea(attrs={"rows": 4}))


ConcernFormSet = forms.modelformset_factory(
    Concern,
    fields=["label", "category", "sort_order", "active"],
    extra=2,
    can_delete=False,
)
