"""Forms of triage (category, assignment, tags), photos, sorting and the mail choice."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from samverkan.incidents.models import Category
from samverkan.incidents.photos import MAX_PHOTOS, PhotoError, clean_photo, read_upload
from samverkan.incidents.triage import parse_tags


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to ``MAX_PHOTOS`` photos, each checked by decoding it; returns their bytes."""

    widget = MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/heic,.heic"})

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(_("Högst %(n)s foton.") % {"n": MAX_PHOTOS})
        out = []
        for f in files:
            try:
                raw = read_upload(f)
                clean_photo(raw)
            except PhotoError as exc:
                raise forms.ValidationError(f"{f.name}: {exc}") from exc
            out.append(raw)
        return out


PHOTO_HELP = _(
    "JPEG, PNG eller HEIC. Position och andra uppgifter i bildfilen tas bort innan "
    "fotot sparas. Fotografera inte ansikten eller registreringsskyltar."
)


class AddPhotosForm(forms.Form):
    """Photos for a report already filed."""

    photos = PhotosField(label=_("Välj foton"), required=False, help_text=PHOTO_HELP)


# Sorting of lists: the key shown in the address and the ordering it means.
SORTS = {
    "-date": ("-occurred_from", "-id"),
    "date": ("occurred_from", "id"),
    "category": ("category__sort_order", "category__code", "-occurred_from", "-id"),
    "status": ("status", "-occurred_from", "-id"),
}
SORT_CHOICES = [
    ("-date", _("Nyast först")),
    ("date", _("Äldst först")),
    ("category", _("Kategori")),
    ("status", _("Status")),
]


def sorted_by(qs, key: str | None):
    """``qs`` in the order named by ``key`` (newest first when unknown)."""
    return qs.order_by(*SORTS.get(key or "", SORTS["-date"]))


class SortForm(forms.Form):
    sort = forms.ChoiceField(label=_("Sortera"), choices=SORT_CHOICES, required=False)


class CategoryForm(forms.Form):
    # By code, the word the API and the exports use for a category too.
    category = forms.ModelChoiceField(
        label=_("Ny kategori"), queryset=Category.objects.all(), to_field_name="code"
    )


class AssignForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Tilldela organisation"), queryset=None, required=False, empty_label=_("Ingen")
    )
    person = forms.ModelChoiceField(
        label=_("Tilldela person"), queryset=None, required=False, empty_label=_("Ingen")
    )

    def __init__(self, *args, organisations, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["person"].queryset = people
        self.fields["person"].label_from_instance = lambda u: u.get_full_name() or u.username


class TagsForm(forms.Form):
    tags = forms.CharField(
        label=_("Etiketter"),
        required=False,
        help_text=_("Skilj etiketterna åt med kommatecken, till exempel: klotter, skolan"),
    )

    def clean_tags(self):
        return parse_tags(self.cleaned_data["tags"])


class FeedbackMailForm(forms.Form):
    feedback_mail = forms.BooleanField(
        label=_("Skicka e-post till mig när jag får återkoppling på en rapport"), required=False
    )
