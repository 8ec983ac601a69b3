"""Forms of the plans pages. Choices are limited to what the user's partnerships hold."""

from __future__ import annotations

from datetime import date

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverkan.core.permissions import descendant_ids, scope
from samverkan.incidents.models import Category, Incident
from samverkan.plans import permissions as perms
from samverkan.plans.models import (
    CONTROLLERS,
    ActionPlan,
    Agreement,
    CitizenPromise,
    Measure,
    Problem,
    Side,
    Stage,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PartnershipFormMixin:
    """Limits partnership, area and organisation choices to the user's partnerships.

    On an existing object the partnership is fixed: the object's partnership decides
    who may see it, so it never moves by an edit.
    """

    def setup_partnership(self, user):
        self.user = user
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk:
            pids = {instance.partnership_id}
            self.fields.pop("partnership", None)
        else:
            qs = perms.editable_partnership_qs(user)
            self.fields["partnership"].queryset = qs
            self.fields["partnership"].empty_label = None
            pids = set(qs.values_list("id", flat=True))
        self.partnership_ids = pids
        if "area" in self.fields:
            self.fields["area"].queryset = perms.reachable_areas(user, pids)
        for name in ("owner", "partners", "parties"):
            if name in self.fields:
                self.fields[name].queryset = perms.partnership_organisations(pids)

    def chosen_partnership_id(self, data):
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk:
            return instance.partnership_id
        partnership = data.get("partnership")
        return partnership.pk if partnership else None

    def check_area(self, data):
        area, pid = data.get("area"), self.chosen_partnership_id(data)
        if not pid or "area" in self.errors:
            return
        if area and not perms.reachable_areas(self.user, [pid]).filter(pk=area.pk).exists():
            self.add_error("area", _("Området hör inte till den valda samverkansgruppen."))
        elif not perms.can_edit_area(self.user, pid, area.pk if area else None):
            # Without an area the object is the whole partnership's, which a membership
            # limited to some areas does not reach: it would vanish from its own author.
            self.add_error("area", _("Välj ett av dina områden: ditt uppdrag gäller bara dem."))


class KeepHiddenLinksMixin:
    """Keeps the links an editor was not offered when a form saves a many-to-many field.

    A membership limited to areas sees only part of the choices; saving its choice must
    not drop the links to what it cannot see (another district's problem, say).
    """

    hidden_link_fields: tuple[str, ...] = ()

    def _hidden_links(self, name):
        if not self.instance.pk:
            return []
        offered = self.fields[name].queryset.values("pk")
        return list(getattr(self.instance, name).exclude(pk__in=offered))

    def _save_m2m(self):
        hidden = {name: self._hidden_links(name) for name in self.hidden_link_fields}
        super()._save_m2m()
        for name, links in hidden.items():
            chosen = list(self.cleaned_data.get(name) or [])
            getattr(self.instance, name).set([*chosen, *links])


def parse_ids(text: str) -> list[int]:
    ids = []
    for part in text.replace(";", ",").replace(" ", ",").split(","):
        part = part.strip().lstrip("#")
        if not part:
            continue
        # Bounded: a number beyond 64 bits cannot be an id and fails in the database.
        if not (part.isascii() and part.isdigit()) or len(part) > 18:
            raise forms.ValidationError(
                _("'%(value)s' är inget händelsenummer."), params={"value": part}
            )
        ids.append(int(part))
    return ids


class ProblemForm(PartnershipFormMixin, forms.ModelForm):
    incident_ids = forms.CharField(
        label=_("Händelser som underlag"),
        required=False,
        help_text=_("Händelsernas nummer, åtskilda med komma (t.ex. 12, 15, 31)."),
    )

    class Meta:
        model = Problem
        fields = [
            "partnership",
            "title",
            "priority",
            "description",
            "area",
            "category",
            "period_label",
            "evidence",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "evidence": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"evidence": _("Siffror, källor och iakttagelser som visar problemet.")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_partnership(user)
        self.fields["category"].queryset = Category.objects.order_by("sort_order", "label_sv")
        if self.instance.pk:
            self.fields["incident_ids"].initial = ", ".join(
                str(pk) for pk in self.instance.incidents.values_list("pk", flat=True)
            )

    def clean_incident_ids(self):
        ids = parse_ids(self.cleaned_data.get("incident_ids") or "")
        visible = scope(Incident.objects.filter(pk__in=ids), self.user)
        found = {i.pk: i for i in visible}
        missing = [str(pk) for pk in ids if pk not in found]
        if missing:
            raise forms.ValidationError(
                _("Händelse %(ids)s finns inte eller är inte synlig för dig."),
                params={"ids": ", ".join("#" + m for m in missing)},
            )
        return [found[pk] for pk in ids]

    def clean(self):
        data = super().clean()
        self.check_area(data)
        return data


class StatusForm(forms.Form):
    status = forms.CharField()


class CauseAnalysisForm(forms.Form):
    """The triangle's six sides (findings and sources each) and the dialogue notes."""

    staff_dialogue = forms.CharField(
        label=_("Medarbetardialog"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Vad medarbetare i kommun, polis och hos partner ser och föreslår."),
    )
    citizen_dialogue = forms.CharField(
        label=_("Medborgardialog"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Vad boende och verksamma i området berättar."),
    )
    conclusion = forms.CharField(
        label=_("Slutsats: orsaker att angripa"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, analysis=None, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in Side.choices:
            current = analysis.side(code) if analysis else {}
            self.fields[f"{code}_findings"] = forms.CharField(
                label=_("%(side)s: iakttagelser") % {"side": label},
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=current.get("findings", ""),
            )
            self.fields[f"{code}_sources"] = forms.CharField(
                label=_("%(side)s: källor") % {"side": label},
                required=False,
                initial=current.get("sources", ""),
            )
        if analysis is not None:
            for name in ("staff_dialogue", "citizen_dialogue", "conclusion"):
                self.fields[name].initial = getattr(analysis, name)

    def triangle_groups(self) -> list[dict]:
        """Each inner side of the triangle with its controller, as bound fields."""
        groups = []
        for inner, controller in CONTROLLERS.items():
            groups.append(
                {
                    "code": str(inner),
                    "label": Side(inner).label,
                    "fields": [self[f"{inner}_findings"], self[f"{inner}_sources"]],
                    "controller_label": Side(controller).label,
                    "controller_fields": [
                        self[f"{controller}_findings"],
                        self[f"{controller}_sources"],
                    ],
                }
            )
        return groups

    def sides(self) -> dict:
        d = self.cleaned_data
        return {
            code: {
                "findings": d.get(f"{code}_findings", ""),
                "sources": d.get(f"{code}_sources", ""),
            }
            for code in Side.values
        }


class StepForm(forms.Form):
    stage = forms.ChoiceField(
        label=_("Steg"), choices=[("", _("Välj steg"))] + Stage.choices, required=False
    )
    description = forms.CharField(
        label=_("Vad händer"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    intervention = forms.CharField(
        label=_("Möjlig åtgärd"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        data = super().clean()
        if data.get("description") and not data.get("stage"):
            self.add_error("stage", _("Välj vilket steg i händelsekedjan detta är."))
        if data.get("stage") and not data.get("description"):
            self.add_error("description", _("Beskriv vad som händer i steget."))
        return data


StepFormSet = forms.formset_factory(StepForm, extra=2, can_delete=True, max_num=30)


class ActionPlanForm(PartnershipFormMixin, forms.ModelForm):
    class Meta:
        model = ActionPlan
        fields = ["partnership", "area", "title", "start_year", "end_year", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_partnership(user)
        self.fields["area"].help_text = _("Kommunen eller området planen gäller.")

    def clean(self):
        data = super().clean()
        self.check_area(data)
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", _("Planens sista år kan inte komma före dess första."))
        if start and not 2000 <= start <= 2100:
            self.add_error("start_year", _("Ange ett år med fyra siffror."))
        return data


class AdoptForm(forms.Form):
    adopted_by = forms.CharField(
        label=_("Antagen av"), help_text=_("T.ex. kommunfullmäktige eller styrgruppen.")
    )
    adopted_on = forms.DateField(label=_("Beslutsdatum"), widget=DATE)


def indicator_model():
    """The follow-up app's indicator, reached through the relation it declares on measures.

    Plans never imports follow-up (the layers of docs/operations.md); the relation
    ``measure.indicators`` is the one place the two meet.
    """
    return Measure._meta.get_field("indicators").related_model


class MeasureForm(KeepHiddenLinksMixin, forms.ModelForm):
    # ``indicators`` is declared by the indicator, so ModelForm leaves it to the mixin.
    hidden_link_fields = ("problems", "indicators")

    indicators = forms.ModelMultipleChoiceField(
        label=_("Indikatorer"),
        queryset=Measure.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Samverkansgruppens indikatorer som följer upp åtgärdens effekt."),
    )

    class Meta:
        model = Measure
        fields = [
            "title",
            "description",
            "area",
            "problems",
            "target_side",
            "owner",
            "responsible_person",
            "partners",
            "start",
            "end",
            "resources",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "resources": forms.Textarea(attrs={"rows": 2}),
            "problems": forms.CheckboxSelectMultiple,
            "partners": forms.CheckboxSelectMultiple,
            "target_side": forms.RadioSelect,
            "start": DATE,
            "end": DATE,
        }

    def __init__(self, *args, plan, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        pids = [plan.partnership_id]
        areas = (
            perms.reachable_areas(user, pids) if user is not None else perms.partnership_areas(pids)
        )
        if plan.area_id:
            # A measure works inside its plan's area: the area itself or one below it.
            areas = areas.filter(pk__in=descendant_ids([plan.area_id]))
        self.fields["area"].queryset = areas
        # A membership limited to areas is offered only the problems and indicators it
        # reaches, so no title of another district's work shows in the form.
        problems = Problem.objects.filter(partnership_id__in=pids)
        indicators = indicator_model().objects.filter(partnership_id__in=pids)
        if user is not None:
            problems, indicators = scope(problems, user), scope(indicators, user)
        self.fields["problems"].queryset = problems
        self.fields["indicators"].queryset = indicators.select_related("area").defer(
            "area__geometry"
        )
        orgs = perms.partnership_organisations(pids)
        self.fields["owner"].queryset = orgs
        self.fields["partners"].queryset = orgs
        self.fields["indicators"].label_from_instance = lambda i: f"{i.name} ({i.area.name})"
        if self.instance.pk:
            self.fields["indicators"].initial = list(
                self.instance.indicators.values_list("pk", flat=True)
            )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("Slutdatum kan inte komma före startdatum."))
        return data

    def save(self, commit=True):
        self.instance.plan = self.plan
        return super().save(commit)


class PromiseForm(KeepHiddenLinksMixin, PartnershipFormMixin, forms.ModelForm):
    hidden_link_fields = ("measures",)

    class Meta:
        model = CitizenPromise
        fields = [
            "partnership",
            "area",
            "year",
            "title",
            "text",
            "signatory_municipality",
            "signatory_police",
            "signed_on",
            "status",
            "measures",
        ]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 4}),
            "signed_on": DATE,
            "measures": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "text": _("Skriv som till en boende: vad kommunen och polisen lovar att göra."),
            "measures": _(
                "Åtgärdernas rubrik och status visas på den offentliga sidan, inget annat."
            ),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_partnership(user)
        self.fields["measures"].queryset = scope(
            Measure.objects.filter(plan__partnership_id__in=self.partnership_ids), user
        ).select_related("plan")
        self.fields["year"].initial = timezone.localdate().year

    def clean(self):
        data = super().clean()
        self.check_area(data)
        pid = self.chosen_partnership_id(data)
        if pid and any(m.plan.partnership_id != pid for m in data.get("measures") or []):
            self.add_error("measures", _("Välj åtgärder från samma samverkansgrupp."))
        return data


class PromiseUpdateForm(forms.Form):
    date = forms.DateField(label=_("Datum"), widget=DATE)
    text = forms.CharField(
        label=_("Vad har hänt?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Visas för alla på den offentliga sidan när löftet är publicerat."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


def max_upload_bytes() -> int:
    return int(getattr(settings, "AGREEMENT_MAX_UPLOAD_MB", 10)) * 1024 * 1024


def check_pdf(upload) -> None:
    """Refuse anything but a PDF within the size limit, with a message saying why."""
    limit = max_upload_bytes()
    if upload.size > limit:
        raise forms.ValidationError(
            _("Filen är %(size).1f MB; högst %(max)s MB är tillåtet."),
            params={"size": upload.size / 1024 / 1024, "max": limit // (1024 * 1024)},
        )
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head != b"%PDF-":
        raise forms.ValidationError(
            _(
                'Filen "%(name)s" är ingen PDF (den börjar inte med %%PDF). '
                "Ladda upp den undertecknade överenskommelsen som PDF."
            ),
            params={"name": upload.name},
        )


def parse_followups(text: str) -> list[dict]:
    """Lines "ÅÅÅÅ-MM-DD what" into rows; errors name the line."""
    rows, errors = [], []
    for n, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        day, _sep, rest = line.partition(" ")
        try:
            rows.append({"date": date.fromisoformat(day), "description": rest.strip()[:200]})
        except ValueError:
            errors.append(
                _('Rad %(n)s: "%(value)s" är inget datum (skriv ÅÅÅÅ-MM-DD).')
                % {"n": n, "value": day}
            )
    if errors:
        raise forms.ValidationError(errors)
    return rows


class AgreementForm(PartnershipFormMixin, forms.ModelForm):
    followups_text = forms.CharField(
        label=_("Uppföljningsdatum"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ett datum per rad, gärna med vad som följs upp: 2026-04-30 Tertial 1."),
    )

    class Meta:
        model = Agreement
        fields = [
            "partnership",
            "area",
            "title",
            "parties",
            "start",
            "end",
            "signed_on",
            "focus_areas",
            "document",
        ]
        widgets = {
            "parties": forms.CheckboxSelectMultiple,
            "start": DATE,
            "end": DATE,
            "signed_on": DATE,
            "focus_areas": forms.Textarea(attrs={"rows": 3}),
            "document": forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_partnership(user)
        self.fields["document"].help_text = _("PDF, högst %(max)s MB.") % {
            "max": max_upload_bytes() // (1024 * 1024)
        }
        if self.instance.pk:
            self.fields["followups_text"].initial = "\n".join(
                f"{f.date:%Y-%m-%d} {f.description}".strip() for f in self.instance.followups.all()
            )

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        if upload and hasattr(upload, "content_type"):
            check_pdf(upload)
        return upload

    def clean_followups_text(self):
        return parse_followups(self.cleaned_data.get("followups_text") or "")

    def clean(self):
        data = super().clean()
        self.check_area(data)
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("Överenskommelsen kan inte sluta innan den börjar."))
        return data
