from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from samverkan.core.masking import likely_names, mask_text
from samverkan.core.models import Area, Organisation, Partnership
from samverkan.incidents import workflow
from samverkan.incidents.models import Category, PlaceType, Status, Tag
from samverkan.incidents.report_scope import area_problem, report_areas
from samverkan.incidents.triage_forms import PHOTO_HELP, SORT_CHOICES, PhotosField
from samverkan.incidents.validation import point_problem, time_problem


class ReportForm(forms.Form):
    """The reporter's form: mobile first, a map click or an area, a time, what happened."""

    category = forms.ModelChoiceField(
        label=_("Vad hände?"),
        queryset=Category.objects.filter(reportable=True),
        empty_label=_("Välj kategori"),
    )
    place_type = forms.ChoiceField(
        label=_("Typ av plats"), choices=[("", _("Välj typ av plats"))] + PlaceType.choices
    )
    lon = forms.FloatField(widget=forms.HiddenInput, required=False)
    lat = forms.FloatField(widget=forms.HiddenInput, required=False)
    area = forms.ModelChoiceField(
        label=_("…eller välj område"),
        queryset=Area.objects.none(),
        required=False,
        empty_label=_("Ingen – jag har markerat på kartan"),
    )
    place_name = forms.CharField(label=_("Platsens namn eller adress"), required=False)
    occurred_from = forms.DateTimeField(
        label=_("När hände det?"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    approximate = forms.BooleanField(label=_("Ungefärlig tid (en period)"), required=False)
    occurred_to = forms.DateTimeField(
        label=pgettext_lazy("tidpunkt", "Senast"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    description = forms.CharField(
        label=_("Beskrivning"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Skriv inte namn, personnummer, telefonnummer eller e-postadresser. Innan rapporten "
            "sparas ersätts svenska personnummer och samordningsnummer, norska fødselsnummer, "
            "telefonnummer och e-postadresser med [personnummer], [telefon] och [e-post], och "
            "namn som börjar med ett vanligt svenskt eller norskt förnamn, och vanliga "
            "efternamn som står ensamma, med [namn], även skrivna med versaler. Andra namn, "
            "till exempel ovanliga namn eller namn skrivna med små bokstäver, kan bli kvar."
        ),
    )
    confirm_names = forms.BooleanField(
        label=_("Skicka ändå: namnen ersätts med [namn] när rapporten sparas"),
        required=False,
    )
    perceived_insecurity = forms.TypedChoiceField(
        label=_("Hur otryggt upplevs platsen? (1 = inte alls, 5 = mycket)"),
        choices=[(str(i), str(i)) for i in range(1, 6)],
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    photos = PhotosField(label=_("Foton (högst 3)"), required=False, help_text=PHOTO_HELP)

    def __init__(self, *args, areas=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.names_found: list[str] = []
        self.masked_preview = ""
        if areas is None and user is not None:
            areas = report_areas(user)
        if areas is not None:
            self.fields["area"].queryset = areas
        self.fields["occurred_from"].initial = timezone.localtime().strftime("%Y-%m-%dT%H:%M")

    def clean(self):
        data = super().clean()
        has_point = data.get("lon") is not None and data.get("lat") is not None
        if not has_point and not data.get("area"):
            raise forms.ValidationError(_("Markera platsen på kartan eller välj ett område."))
        if self.user is not None and (problem := area_problem(self.user, data.get("area"))):
            self.add_error("area", problem)
        if has_point and (problem := point_problem(data["lon"], data["lat"])):
            raise forms.ValidationError(problem)
        start, end = data.get("occurred_from"), data.get("occurred_to")
        if start and start > timezone.now() + timezone.timedelta(minutes=5):
            self.add_error("occurred_from", _("Tiden kan inte ligga i framtiden."))
        if data.get("approximate"):
            if not end:
                self.add_error("occurred_to", _("Ange när perioden slutar."))
            elif start and end <= start:
                self.add_error("occurred_to", _("Periodens slut måste komma efter dess början."))
        else:
            data["occurred_to"] = None
        for field in ("occurred_from", "occurred_to"):
            if field not in self.errors and (problem := time_problem(data.get(field))):
                self.add_error(field, problem)
        self._check_names(data)
        return data

    def _check_names(self, data: dict) -> None:
        """Stop once when the text seems to name someone, and show what would be stored.

        Masking finds names that start with a common first name, not every name, so the
        reporter is asked to take them out; confirming sends the text with them masked.
        """
        description, place = data.get("description") or "", data.get("place_name") or ""
        in_description = likely_names(description)
        self.names_found = list(dict.fromkeys(in_description + likely_names(place)))
        if not self.names_found or data.get("confirm_names"):
            return
        field, text = ("description", description) if in_description else ("place_name", place)
        self.masked_preview = mask_text(text)
        self.add_error(
            field,
            _(
                "Texten verkar innehålla namn på personer: %(names)s. Ta bort dem, eller "
                "kryssa i rutan under beskrivningen och skicka igen; då sparas texten så här: "
                "%(preview)s"
            )
            % {"names": ", ".join(self.names_found), "preview": self.masked_preview},
        )


class TriageFilterForm(forms.Form):
    area = forms.ModelChoiceField(label=_("Område"), queryset=Area.objects.none(), required=False)
    start = forms.DateField(
        label=_("Från"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("Till och med"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    category = forms.ModelChoiceField(
        label=_("Kategori"), queryset=Category.objects.filter(parent=None), required=False
    )
    source = forms.ChoiceField(label=_("Källa"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Alla"))] + Status.choices, required=False
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False
    )
    waiting = forms.BooleanField(label=_("Väntar på återkoppling"), required=False)
    tag = forms.ModelChoiceField(label=_("Etikett"), queryset=Tag.objects.none(), required=False)
    assigned = forms.ChoiceField(label=_("Tilldelad"), required=False)
    sort = forms.ChoiceField(label=_("Sortera"), choices=SORT_CHOICES, required=False)
    # Set by the links of a lägesbild: only the incidents that picture counts (the
    # partnership's picture, no summaries, no duplicates), so the list matches its figure.
    partnership = forms.ModelChoiceField(
        label=_("Räknas i lägesbilden för"),
        queryset=Partnership.objects.none(),
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(
        self,
        *args,
        areas=None,
        organisations=None,
        sources=(),
        partnerships=None,
        tags=None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        if tags is not None:
            self.fields["tag"].queryset = tags
        # "me", "none" or an organisation's id ("org-12") among those offered.
        self.fields["assigned"].choices = [
            ("", _("Alla")),
            ("me", _("Till mig")),
            ("none", _("Inte tilldelade")),
        ] + [(f"org-{o.pk}", o.name) for o in (organisations or [])]
        if partnerships is not None:
            self.fields["partnership"].queryset = partnerships
        if areas is not None:
            self.fields["area"].queryset = areas
        if organisations is not None:
            self.fields["organisation"].queryset = organisations
        self.fields["source"].choices = [("", _("Alla"))] + [(s, s) for s in sources]


class FeedbackForm(forms.Form):
    feedback = forms.CharField(
        label=_("Återkoppling till rapportören"), widget=forms.Textarea(attrs={"rows": 3})
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Ny status"), choices=workflow.settable(Status.choices))
