"""Pages of the import from the web: upload, the file's page (preview, mapping, dry run,
import with progress) and the rejects file. The rules are in web_import.py."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View
from rules.contrib.views import PermissionRequiredMixin

from samverkan.core import downloads
from samverkan.core.models import Organisation
from samverkan.incidents import web_import
from samverkan.incidents.importers.base import ImportFileError
from samverkan.incidents.models import Visibility
from samverkan.incidents.web_import_models import WebImport

FIELD_LABELS = {
    "time": _("Tidpunkt"),
    "time_to": _("Sluttid"),
    "lon": _("Longitud"),
    "lat": _("Latitud"),
    "x": _("X (öst)"),
    "y": _("Y (nord)"),
    "category": _("Kategori"),
    "id": _("Id (löpnummer)"),
    "text": _("Beskrivning"),
    "place_type": _("Platstyp"),
    "place_name": _("Plats"),
}
OPTION_LABELS = {
    "crs": _("Koordinatsystem för x/y (t.ex. EPSG:3006)"),
    "date_format": _("Datumformat (t.ex. %d/%m/%Y %H:%M)"),
    "delimiter": _("Avgränsare (CSV)"),
    "encoding": _("Teckenkodning (CSV)"),
}


class UploadForm(forms.Form):
    partnership = forms.TypedChoiceField(label=_("Samverkan"), coerce=int)
    organisation = forms.TypedChoiceField(label=_("Partnerorganisation"), coerce=int)
    source = forms.CharField(
        label=_("Källans namn"),
        max_length=60,
        required=False,
        help_text=_("Samma namn nästa gång gör att redan importerade rader känns igen."),
    )
    visibility = forms.ChoiceField(label=_("Synlighet"), choices=Visibility.choices)
    file = forms.FileField(label=_("Fil (CSV, Excel eller GeoJSON)"))

    def __init__(self, *args, partnerships=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnership"].choices = [(p.pk, p.name) for p in partnerships]
        orgs = Organisation.objects.filter(partnerships__in=partnerships).distinct()
        self.fields["organisation"].choices = [(o.pk, o.name) for o in orgs.order_by("name")]
        self.fields["visibility"].initial = Visibility.PARTNERSHIP


def _job(user, pk: int) -> WebImport:
    """The import if one of the user's partnerships owns it; 404 otherwise."""
    return get_object_or_404(web_import.imports_for(user), pk=pk)


class ImportListView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """Upload a partner's file; the partnership's earlier imports."""

    template_name = "incidents/import_list.html"
    permission_required = "incidents.import"

    def partnerships(self):
        return list(web_import.partnerships_for(self.request.user))

    def get_context_data(self, form=None, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["form"] = form or UploadForm(partnerships=self.partnerships())
        ctx["imports"] = web_import.imports_for(self.request.user)[:50]
        ctx["max_mb"] = web_import.settings.WEB_IMPORT_MAX_UPLOAD_MB
        return ctx

    def post(self, request):
        partnerships = self.partnerships()
        form = UploadForm(request.POST, request.FILES, partnerships=partnerships)
        if form.is_valid():
            data = form.cleaned_data
            try:
                job = web_import.upload(
                    request.user,
                    partnership=next(p for p in partnerships if p.pk == data["partnership"]),
                    organisation=Organisation.objects.get(pk=data["organisation"]),
                    uploaded=data["file"],
                    source=data["source"],
                    visibility=data["visibility"],
                    request=request,
                )
            except (ValueError, PermissionDenied) as exc:
                form.add_error(None, str(exc))
            else:
                return redirect("incident-import-detail", job.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ImportDetailView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """The file's page: preview, column mapping, dry-run rejects, the import's progress."""

    template_name = "incidents/import_detail.html"
    permission_required = "incidents.import"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        job = _job(user, self.kwargs["pk"])
        header, rows, error = [], [], ""
        if job.file:
            try:
                header, rows = web_import.preview(job)
            except ImportFileError as exc:
                error = str(exc)
        saved = web_import.mappings_for(user, job.organisation_id)
        chosen = None
        if self.request.GET.get("mapping", "").isdigit():
            chosen = saved.filter(pk=int(self.request.GET["mapping"])).first()
        if chosen is not None:
            values = dict(chosen.columns)
        elif job.mapping:
            values = dict(job.mapping)
        else:
            values = web_import.guessed_columns(header)
        columns = [
            {"key": k, "label": label, "value": values.get(k, "")}
            for k, label in FIELD_LABELS.items()
        ]
        options = [
            {"key": k, "label": label, "value": values.get(k, "")}
            for k, label in OPTION_LABELS.items()
            if job.fmt == "csv" or k not in ("delimiter", "encoding")
        ]
        categories = "\n".join(f"{k} = {v}" for k, v in (values.get("categories") or {}).items())
        ctx.update(
            job=job,
            header=header,
            rows=rows,
            preview_error=error,
            saved=saved,
            chosen=chosen,
            columns=columns,
            options=options,
            categories=categories,
            editable=job.status in (job.Status.UPLOADED, job.Status.CHECKED, job.Status.FAILED),
            checked=job.status != job.Status.UPLOADED and (job.read or job.rejected),
            progress=web_import.progress(job),
            in_background=job.status in (job.Status.QUEUED, job.Status.RUNNING, job.Status.DONE),
        )
        return ctx


def _categories(text: str) -> dict[str, str]:
    out = {}
    for line in text.splitlines():
        if "=" in line:
            value, code = line.rsplit("=", 1)
            if value.strip() and code.strip():
                out[value.strip()] = code.strip()
    return out


class ImportCheckView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Set the mapping (saving it by name if asked) and run the dry run."""

    permission_required = "incidents.import"

    def post(self, request, pk):
        job = _job(request.user, pk)
        columns = {k: request.POST.get(f"col_{k}", "").strip() for k in FIELD_LABELS}
        columns |= {k: request.POST.get(f"opt_{k}", "").strip() for k in OPTION_LABELS}
        categories = _categories(request.POST.get("categories", ""))
        if categories:
            columns["categories"] = categories
        try:
            saved = web_import.set_mapping(
                request.user, job, columns, save_as=request.POST.get("save_as", ""), request=request
            )
            if saved is not None:
                messages.success(request, gettext("Mappningen sparades som ”%s”.") % saved.name)
            summary = web_import.dry_run(request.user, job, request=request)
        except ValueError as exc:
            messages.error(request, str(exc))
        else:
            if summary is None:
                job.refresh_from_db()
                messages.error(request, job.message)
        return redirect("incident-import-detail", job.pk)


class ImportStartView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "incidents.import"

    def post(self, request, pk):
        job = _job(request.user, pk)
        try:
            web_import.start(request.user, job, request=request)
        except ValueError as exc:
            messages.error(request, str(exc))
        return redirect("incident-import-detail", job.pk)


class ImportProgressView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """JSON of the import's progress, polled by web_import.js."""

    permission_required = "incidents.import"

    def get(self, request, pk):
        response = JsonResponse(web_import.progress(_job(request.user, pk)))
        response["Cache-Control"] = "no-store"
        return response


class ImportRejectsView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "incidents.import"

    def get(self, request, pk):
        job = _job(request.user, pk)
        try:
            data = web_import.rejects_csv(request.user, job, request=request)
        except FileNotFoundError:
            raise Http404 from None
        stem = job.file_name.rsplit(".", 1)[0] or "import"
        response = downloads.file_response(data, f"{stem}.avvisade", "csv")
        response["Cache-Control"] = "no-store"
        return response
