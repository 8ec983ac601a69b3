"""Forms of the weekly meeting: series, meeting, prioritised place, action, notes."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from samverkan.core.models import Area, Organisation, Partnership
from samverkan.meetings import workflow
from samverkan.meetings.models import Weekday
from samverkan.plans.permissions import partnership_areas


def _users_of(partnership_ids):
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__organisation__partnerships__in=list(partnership_ids),
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class UserChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class SeriesForm(forms.Form):
    partnership = forms.ModelChoiceField(label=_("Samverkan"), queryset=Partnership.objects.none())
    name = forms.CharField(label=_("Namn"), max_length=200, initial=_("Veckomöte"))
    weekday = forms.TypedChoiceField(
        label=_("Veckodag"), choices=Weekday.choices, coerce=int, initial=Weekday.TUESDAY
    )
    time = forms.TimeField(
        label=_("Klockslag"), initial="09:00", widget=forms.TimeInput(attrs={"type": "time"})
    )
    member_organisations = forms.ModelMultipleChoiceField(
        label=_("Deltagande organisationer"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Alla användare i organisationerna får protokollet."),
    )
    member_users = UserChoice(
        label=_("Deltagare"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, partnerships, **kwargs):
        super().__init__(*args, **kwargs)
        ids = list(partnerships.values_list("pk", flat=True))
        self.fields["partnership"].queryset = partnerships
        if len(ids) == 1:
            self.fields["partnership"].initial = ids[0]
        self.fields["member_organisations"].queryset = Organisation.objects.filter(
            partnerships__in=ids
        ).distinct()
        self.fields["member_users"].queryset = _users_of(ids)

    def clean(self):
        data = super().clean()
        p = data.get("partnership")
        if p is None:
            return data
        orgs = set(p.organisations.values_list("pk", flat=True))
        if any(o.pk not in orgs for o in data.get("member_organisations", [])):
            self.add_error("member_organisations", _("Organisationen ingår inte i samverkan."))
        users = set(_users_of([p.pk]).values_list("pk", flat=True))
        if any(u.pk not in users for u in data.get("member_users", [])):
            self.add_error("member_users", _("Personen hör inte till samverkan."))
        return data


class MeetingForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Mötet börjar"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Tomt: seriens nästa veckodag och tid."),
    )


class PlaceForm(forms.Form):
    name = forms.CharField(label=_("Plats"), max_length=200)
    reason = forms.CharField(label=_("Varför"), widget=forms.Textarea(attrs={"rows": 2}))
    organisation = forms.ModelChoiceField(
        label=_("Vem går dit"), queryset=Organisation.objects.none()
    )
    when = forms.CharField(
        label=_("När"), max_length=200, help_text=_("Till exempel: fre–lör kl. 20–02")
    )
    area = forms.ModelChoiceField(
        label=_("Område (om ingen punkt)"), queryset=Area.objects.none(), required=False
    )
    lon = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=-180, max_value=180)
    lat = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=-90, max_value=90)

    def __init__(self, *args, partnership: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = partnership.organisations.order_by("name")
        self.fields["area"].queryset = partnership_areas([partnership.pk])

    def clean(self):
        data = super().clean()
        has_point = data.get("lon") is not None and data.get("lat") is not None
        if not has_point and not data.get("area"):
            raise forms.ValidationError(_("Välj en punkt på kartan eller ett område."))
        return data


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Åtgärd"), max_length=300)
    owner_organisation = forms.ModelChoiceField(
        label=_("Ansvarig organisation"), queryset=Organisation.objects.none()
    )
    owner_user = forms.ModelChoiceField(
        label=_("Ansvarig person"), queryset=get_user_model().objects.none(), required=False
    )
    due_date = forms.DateField(
        label=_("Klart senast"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, partnership: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_organisation"].queryset = partnership.organisations.order_by("name")
        self.fields["owner_user"].queryset = _users_of([partnership.pk])
        self.fields["owner_user"].label_from_instance = lambda u: u.get_full_name() or u.username


class ActionUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=workflow.ACTION_STATUSES)
    feedback = forms.CharField(
        label=_("Återkoppling"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class NotesForm(forms.Form):
    notes = forms.CharField(
        label=_("Anteckningar"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )


__all__ = [
    "ActionForm",
    "ActionUpdateForm",
    "MeetingForm",
    "NotesForm",
    "PlaceForm",
    "SeriesForm",
]
