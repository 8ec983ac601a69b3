"""Forms of the lägesbild pages: build, assessment, schedule."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverkan.core import periods
from samverkan.core.models import Area, Partnership
from samverkan.situation.models import Audience, ScheduleType
from samverkan.situation.services import MAX_ASSESSMENT

BUILD_PERIOD_TYPES = [
    (periods.MONTH, _("Månad")),
    (periods.WEEK, _("Vecka")),
    (periods.TERTIAL, _("Tertial")),
    (periods.YEAR, _("År")),
    (periods.CUSTOM, _("Egen period")),
]


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_level_display()})"


def default_period(period_type: str = periods.MONTH) -> periods.Period:
    """The last complete period: what a group usually works on."""
    return periods.containing(timezone.localdate(), period_type).previous()


class BuildForm(forms.Form):
    """Area, period and audience of a new lägesbild."""

    area = AreaChoiceField(label=_("Område"), queryset=Area.objects.none(), empty_label=None)
    partnership = forms.ModelChoiceField(
        label=_("Samverkansgrupp"), queryset=Partnership.objects.none(), required=False
    )
    period_type = forms.ChoiceField(
        label=_("Periodtyp"), choices=BUILD_PERIOD_TYPES, initial=periods.MONTH
    )
    period = forms.CharField(
        label=_("Period"),
        max_length=40,
        help_text=_(
            "T.ex. 2025-03 (månad), 2025-W10 (vecka), 2025-T2 (tertial), 2025 (år) "
            "eller 2025-03-01..2025-03-15."
        ),
    )
    audience = forms.ChoiceField(
        label=_("Mottagare"), choices=Audience.choices, initial=Audience.INTERNAL
    )

    def __init__(self, *args, areas=None, partnerships=None, audiences=None, **kwargs):
        super().__init__(*args, **kwargs)
        if areas is not None:
            self.fields["area"].queryset = areas
        if partnerships is not None:
            self.fields["partnership"].queryset = partnerships
            if partnerships.count() == 1:
                self.fields["partnership"].initial = partnerships.first()
                self.fields["partnership"].empty_label = None
                self.fields["partnership"].required = True
        if audiences is not None:
            self.fields["audience"].choices = [
                c for c in Audience.choices if c[0] in set(audiences)
            ]
            self.fields["audience"].initial = audiences[0]
        self.fields["period"].initial = default_period().label

    def clean(self):
        data = super().clean()
        text, kind = data.get("period"), data.get("period_type")
        if text and kind:
            try:
                data["parsed_period"] = periods.parse(text, kind)
            except periods.PeriodError as exc:
                self.add_error("period", str(exc))
        return data


class AssessmentForm(forms.Form):
    """The text of one section; the section itself is the form's prefix."""

    text = forms.CharField(
        label=_("Bedömning"),
        required=False,
        max_length=MAX_ASSESSMENT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ScheduleForm(forms.Form):
    area = AreaChoiceField(label=_("Område"), queryset=Area.objects.none(), empty_label=None)
    partnership = forms.ModelChoiceField(
        label=_("Samverkansgrupp"), queryset=Partnership.objects.none(), empty_label=None
    )
    period_type = forms.ChoiceField(
        label=_("Hur ofta"), choices=ScheduleType.choices, initial=ScheduleType.MONTH
    )
    audience = forms.ChoiceField(
        label=_("Mottagare"), choices=Audience.choices, initial=Audience.INTERNAL
    )

    def __init__(self, *args, areas=None, partnerships=None, **kwargs):
        super().__init__(*args, **kwargs)
        if areas is not None:
            self.fields["area"].queryset = areas
        if partnerships is not None:
            self.fields["partnership"].queryset = partnerships
