"""Forms of the preventive case pages."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverkan.cases import identity, purposes
from samverkan.cases.models import (
    RISK_ITEMS,
    CaseMeasure,
    CaseType,
    Conversation,
    InformationExchange,
    LegalBasis,
    OutcomeFollowUp,
    RiskLevel,
)
from samverkan.cases.models import Answer as AnswerChoice
from samverkan.core.models import Organisation

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _now_local() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


class PurposeForm(forms.Form):
    purpose = forms.ChoiceField(
        label=_("Syfte"), choices=[("", _("Välj syfte"))] + purposes.CHOICES
    )
    note = forms.CharField(
        label=_("Kommentar till syftet (valfri)"),
        required=False,
        max_length=150,
        help_text=_("Skriv inga personuppgifter här."),
    )

    def purpose_text(self) -> str:
        return purposes.text_for(self.cleaned_data["purpose"], self.cleaned_data.get("note", ""))


class SearchForm(PurposeForm):
    number = forms.CharField(
        label=_("Personnummer"),
        max_length=20,
        help_text=_("Svenskt personnummer/samordningsnummer eller norskt fødselsnummer/D-nummer."),
    )

    def clean_number(self):
        try:
            return identity.parse(self.cleaned_data["number"]).normalised
        except identity.InvalidIdentityNumber as exc:
            raise forms.ValidationError(str(exc)) from exc


class CaseForm(forms.Form):
    case_type = forms.ChoiceField(label=_("Ärendetyp"), choices=CaseType.choices)
    organisation = forms.ModelChoiceField(
        label=_("Ägande organisation"), queryset=Organisation.objects.none(), empty_label=None
    )
    person_name = forms.CharField(label=_("Personens namn"), max_length=200)
    person_number = forms.CharField(
        label=_("Personnummer"),
        max_length=20,
        required=False,
        help_text=_(
            "Sparas krypterat och visas maskerat. Samordningsnummer och norska "
            "fødselsnummer/D-nummer går också."
        ),
    )
    background = forms.CharField(
        label=_("Bakgrund"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Samverkande organisationer"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, organisations=None, partners=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations
        if partners is not None:
            self.fields["partners"].queryset = partners

    def clean_person_number(self):
        value = self.cleaned_data.get("person_number", "").strip()
        if not value:
            return ""
        try:
            return identity.parse(value).normalised
        except identity.InvalidIdentityNumber as exc:
            raise forms.ValidationError(str(exc)) from exc


class StatusForm(forms.Form):
    status = forms.CharField()


class AssignForm(forms.Form):
    officers = forms.ModelMultipleChoiceField(
        label=_("Handläggare"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, officers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if officers is not None:
            self.fields["officers"].queryset = officers
            self.fields["officers"].label_from_instance = lambda u: u.get_full_name() or u.username


class RiskForm(forms.Form):
    prefix = "risk"

    factors = forms.MultipleChoiceField(
        label=_("Riskfaktorer"),
        choices=RISK_ITEMS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    level = forms.ChoiceField(label=_("Samlad risknivå"), choices=RiskLevel.choices)


class ConversationForm(forms.Form):
    prefix = "conv"

    kind = forms.ChoiceField(label=_("Typ av samtal"), choices=Conversation.Kind.choices)
    planned_at = forms.DateTimeField(label=_("Planerat till"), widget=DATETIME)
    notes = forms.CharField(
        label=_("Anteckningar"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["planned_at"].initial = _now_local()


class HeldForm(forms.Form):
    conversation = forms.IntegerField(widget=forms.HiddenInput)
    held_at = forms.DateTimeField(label=_("Genomfört"), widget=DATETIME)
    notes = forms.CharField(
        label=_("Anteckningar från samtalet"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MeasureForm(forms.Form):
    prefix = "measure"

    description = forms.CharField(label=_("Insats"), widget=forms.Textarea(attrs={"rows": 2}))
    responsible = forms.ModelChoiceField(
        label=_("Ansvarig organisation"), queryset=Organisation.objects.all(), required=False
    )
    due_on = forms.DateField(label=_("Klart senast"), required=False, widget=DATE)


class MeasureStatusForm(forms.Form):
    measure = forms.IntegerField()
    status = forms.ChoiceField(choices=CaseMeasure.Status.choices)


class ExchangeForm(forms.Form):
    prefix = "ex"

    direction = forms.ChoiceField(
        label=_("Riktning"), choices=InformationExchange.Direction.choices
    )
    counterpart = forms.ModelChoiceField(
        label=_("Annan organisation"), queryset=Organisation.objects.all()
    )
    content = forms.CharField(label=_("Vilka uppgifter"), widget=forms.Textarea(attrs={"rows": 3}))
    legal_basis = forms.ChoiceField(label=_("Rättslig grund"), choices=LegalBasis.choices)
    statute = forms.CharField(label=_("Författning (vid annan grund)"), required=False)
    occurred_at = forms.DateTimeField(label=_("När"), widget=DATETIME)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occurred_at"].initial = _now_local()


class RequestForm(forms.Form):
    prefix = "req"

    to_organisation = forms.ModelChoiceField(
        label=_("Begär uppgifter från"), queryset=Organisation.objects.all()
    )
    question = forms.CharField(
        label=_("Vilka uppgifter begärs"), widget=forms.Textarea(attrs={"rows": 3})
    )
    legal_basis = forms.ChoiceField(label=_("Rättslig grund"), choices=LegalBasis.choices)
    statute = forms.CharField(label=_("Författning (vid annan grund)"), required=False)


class DecisionForm(forms.Form):
    prefix = "dec"

    decision = forms.ChoiceField(
        label=_("Beslut"),
        choices=[("approve", _("Bevilja")), ("deny", _("Avslå"))],
        widget=forms.RadioSelect,
    )
    basis = forms.ChoiceField(
        label=_("Rättslig grund för att lämna ut"),
        choices=[("", "–")] + LegalBasis.choices,
        required=False,
    )
    statute = forms.CharField(
        label=_("Författning, eller skälet för avslag"), required=False, max_length=200
    )


class DisclosureForm(forms.Form):
    prefix = "disc"

    content = forms.CharField(
        label=_("Lämnade uppgifter"), widget=forms.Textarea(attrs={"rows": 3})
    )


class OutcomeForm(forms.Form):
    prefix = "out"

    months = forms.TypedChoiceField(
        label=_("Uppföljning efter"), choices=OutcomeFollowUp.MONTHS, coerce=int
    )
    threats = forms.ChoiceField(
        label=_("Nya hot"), choices=AnswerChoice.choices, widget=forms.RadioSelect
    )
    violence = forms.ChoiceField(
        label=_("Nytt våld"), choices=AnswerChoice.choices, widget=forms.RadioSelect
    )
    crime = forms.ChoiceField(
        label=_("Ny brottslighet"), choices=AnswerChoice.choices, widget=forms.RadioSelect
    )
    source = forms.ChoiceField(label=_("Källa"), choices=OutcomeFollowUp.Source.choices)


class StatsFilterForm(forms.Form):
    months = forms.TypedChoiceField(
        label=_("Uppföljning efter"),
        choices=OutcomeFollowUp.MONTHS,
        coerce=int,
        required=False,
        initial=6,
    )


class AccessLogForm(forms.Form):
    number = forms.CharField(
        label=_("Den registrerades personnummer"),
        max_length=20,
        help_text=_("Registerutdraget visar vem som har tagit del av personens ärenden."),
    )

    def clean_number(self):
        try:
            return identity.parse(self.cleaned_data["number"]).normalised
        except identity.InvalidIdentityNumber as exc:
            raise forms.ValidationError(str(exc)) from exc
