"""Forms of the follow-up pages; labels and messages in Swedish (translated via gettext)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from samverkan.core import periods
from samverkan.core.models import Area
from samverkan.followup import evaluation_areas
from samverkan.followup.importers import FORMATS
from samverkan.followup.models import (
    Design,
    Direction,
    EffectGoal,
    Evaluation,
    ExperienceEntry,
    Indicator,
)
from samverkan.incidents.models import Category, PlaceType


def category_choices():
    return Category.objects.filter(is_summary=False).order_by("sort_order", "code")


class IndicatorForm(forms.ModelForm):
    place_types = forms.MultipleChoiceField(
        label=_("Platstyper"),
        choices=PlaceType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Indicator
        fields = ["name", "description", "kind", "value_type", "area", "categories", "place_types"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas if areas is not None else Area.objects.none()
        self.fields["categories"].queryset = category_choices()
        self.fields["categories"].required = False
        self.fields["categories"].help_text = _(
            "Underkategorier räknas med. Inga valda: alla kategorier."
        )

    def clean(self):
        data = super().clean()
        if (
            data.get("kind") == Indicator.Kind.INCIDENTS
            and data.get("value_type") == Indicator.ValueType.SHARE
        ):
            self.add_error("value_type", _("Händelser räknas som antal, inte som andel."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Fil (CSV)"))
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[
            ("bra", _("Brå, anmälda brott")),
            ("ssb", _("SSB, anmeldte lovbrudd")),
            ("survey", _("Trygghetsmätning")),
        ],
    )
    series = forms.CharField(
        label=_("Serie"),
        required=False,
        help_text=_("Brå:s Brott_ID, SSB:s kolumn eller enkätfrågan. Tom: alla serier."),
    )

    def clean_format(self):
        value = self.cleaned_data["format"]
        if value not in FORMATS:
            raise forms.ValidationError(_("Okänt format."))
        return value


class GoalForm(forms.ModelForm):
    class Meta:
        model = EffectGoal
        fields = [
            "title",
            "baseline_label",
            "baseline_value",
            "direction",
            "target_value",
            "deadline",
        ]
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["direction"].choices = Direction.choices
        self.fields["baseline_value"].help_text = _(
            "Lämna tomt för att räkna fram det ur indikatorns värden."
        )

    def clean_baseline_label(self):
        label = self.cleaned_data["baseline_label"].strip()
        try:
            periods.parse(label)
        except periods.PeriodError as exc:
            raise forms.ValidationError(str(exc)) from None
        return label


class TertialForm(forms.Form):
    tertial = forms.CharField(label=_("Tertial"), help_text=_("T.ex. 2025-T2"))

    def clean_tertial(self):
        label = self.cleaned_data["tertial"].strip()
        try:
            return periods.parse(label, periods.TERTIAL).label
        except periods.PeriodError as exc:
            raise forms.ValidationError(str(exc)) from None


class AnalysisForm(forms.Form):
    analysis = forms.CharField(
        label=_("Gruppens analys"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EvaluationForm(forms.ModelForm):
    class Meta:
        model = Evaluation
        fields = [
            "title",
            "design",
            "categories",
            "treated_area",
            "comparison_area",
            "buffer_area",
            "before_start",
            "before_end",
            "after_start",
            "after_end",
            "conclusion",
            "limitations",
        ]
        widgets = {
            "before_start": DATE,
            "before_end": DATE,
            "after_start": DATE,
            "after_end": DATE,
            "conclusion": forms.Textarea(attrs={"rows": 4}),
            "limitations": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = areas if areas is not None else Area.objects.none()
        for name in ("treated_area", "comparison_area", "buffer_area"):
            self.fields[name].queryset = qs
        self.fields["categories"].queryset = category_choices()
        self.fields["categories"].required = False
        self.fields["design"].choices = Design.choices

    def clean(self):
        data = super().clean()
        design = data.get("design")
        if design in (Design.COMPARISON, Design.BUFFER) and not data.get("comparison_area"):
            self.add_error("comparison_area", _("Upplägget kräver ett jämförelseområde."))
        if design == Design.BUFFER and not data.get("buffer_area"):
            self.add_error("buffer_area", _("Upplägget kräver en buffertzon."))
        for field, message in evaluation_areas.conflicts(
            data.get("treated_area"), data.get("comparison_area"), data.get("buffer_area")
        ):
            if field not in self.errors:
                self.add_error(field, message)
        bs, be, as_, ae = (
            data.get(k) for k in ("before_start", "before_end", "after_start", "after_end")
        )
        if bs and be and be < bs:
            self.add_error("before_end", _("Förperioden slutar innan den börjar."))
        if as_ and ae and ae < as_:
            self.add_error("after_end", _("Efterperioden slutar innan den börjar."))
        if be and as_ and as_ <= be:
            self.add_error("after_start", _("Efterperioden måste börja efter förperioden."))
        return data


class EntryForm(forms.ModelForm):
    class Meta:
        model = ExperienceEntry
        fields = [
            "title",
            "problem_type",
            "method",
            "setting",
            "categories",
            "description",
            "effect_summary",
            "cost",
            "contacts",
            "language",
            "shared",
            "public",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "effect_summary": forms.Textarea(attrs={"rows": 3}),
            "contacts": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = category_choices()
        self.fields["categories"].required = False


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Bilaga"))


class BankImportForm(forms.Form):
    file = forms.FileField(label=_("Fil (CSV)"))


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Sök"), required=False)
    category = forms.CharField(required=False, widget=forms.HiddenInput)
    problem_type = forms.CharField(required=False, widget=forms.HiddenInput)
    method = forms.CharField(required=False, widget=forms.HiddenInput)
