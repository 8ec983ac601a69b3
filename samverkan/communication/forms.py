"""Forms of the communication plan; choices limited to what the user's partnerships hold."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverkan.communication.models import Activity, Channel
from samverkan.core.permissions import scope
from samverkan.plans.forms import DATE, KeepHiddenLinksMixin, PartnershipFormMixin
from samverkan.plans.models import CitizenPromise, Measure


class ActivityForm(KeepHiddenLinksMixin, PartnershipFormMixin, forms.ModelForm):
    hidden_link_fields = ("measures", "promises")

    class Meta:
        model = Activity
        fields = [
            "partnership",
            "area",
            "title",
            "audience",
            "message",
            "channel",
            "planned_on",
            "owner",
            "owner_person",
            "measures",
            "promises",
        ]
        widgets = {
            "message": forms.Textarea(attrs={"rows": 3}),
            "planned_on": DATE,
            "measures": forms.CheckboxSelectMultiple,
            "promises": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "audience": _("Till exempel boende i området, föräldrar, fastighetsägare."),
            "message": _("Vad ska mottagarna veta eller göra?"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_partnership(user)
        channels = Channel.objects.filter(active=True)
        if self.instance.pk:
            # A channel taken off the list stays choosable on the activities that use it.
            channels = Channel.objects.filter(active=True) | Channel.objects.filter(
                pk=self.instance.channel_id
            )
        self.fields["channel"].queryset = channels.distinct()
        self.fields["measures"].queryset = scope(
            Measure.objects.filter(plan__partnership_id__in=self.partnership_ids), user
        ).select_related("plan")
        self.fields["promises"].queryset = (
            scope(CitizenPromise.objects.filter(partnership_id__in=self.partnership_ids), user)
            .select_related("area")
            .defer("area__geometry")
        )

    def clean(self):
        data = super().clean()
        self.check_area(data)
        pid = self.chosen_partnership_id(data)
        if not pid:
            return data
        if any(m.plan.partnership_id != pid for m in data.get("measures") or []):
            self.add_error("measures", _("Välj åtgärder från samma samverkansgrupp."))
        if any(p.partnership_id != pid for p in data.get("promises") or []):
            self.add_error("promises", _("Välj medborgarlöften från samma samverkansgrupp."))
        owner = data.get("owner")
        if owner and not owner.partnerships.filter(pk=pid).exists():
            self.add_error("owner", _("Organisationen ingår inte i den valda samverkansgruppen."))
        return data


class DoneForm(forms.Form):
    """What was actually done: when, what, how many were reached, where it can be seen."""

    done_on = forms.DateField(label=_("Genomförd den"), widget=DATE)
    outcome = forms.CharField(
        label=_("Vad blev gjort"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    reached = forms.IntegerField(label=_("Antal nådda"), min_value=0, required=False)
    link = forms.URLField(label=_("Länk"), required=False, max_length=500, assume_scheme="https")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["done_on"].initial = timezone.localdate()

    def clean_done_on(self):
        value = self.cleaned_data["done_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("Datumet kan inte ligga i framtiden."))
        return value
