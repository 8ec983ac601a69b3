"""The experience bank: search, the public pages, entries, attachments and imports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from rules.contrib.views import PermissionRequiredMixin

from samverkan.core.models import Partnership
from samverkan.core.permissions import scope
from samverkan.followup import search, services
from samverkan.followup.forms import (
    AttachmentForm,
    BankImportForm,
    EntryForm,
    SearchForm,
)
from samverkan.followup.importers import ImportFileError
from samverkan.followup.models import (
    ExperienceAttachment,
    ExperienceEntry,
)
from samverkan.followup.permissions import reader_partnerships
from samverkan.followup.views.common import ObjectPermissionMixin
from samverkan.incidents.models import Category

ENTRIES_PER_PAGE = 25


def _filtered(queryset, form):
    d = form.cleaned_data if form.is_valid() else {}
    qs = queryset.order_by("-created_at", "-pk")
    if d.get("category"):
        qs = qs.filter(pk__in=ExperienceEntry.objects.filter(categories__code=d["category"]))
    if d.get("problem_type"):
        qs = qs.filter(problem_type=d["problem_type"])
    if d.get("method"):
        qs = qs.filter(method=d["method"])
    return search.search(qs, d.get("q", "")), d


def _bank_context(request, queryset, *, public=False):
    form = SearchForm(request.GET or None)
    hits, d = _filtered(queryset, form)
    facets = search.facets(hits)
    paginator = Paginator(hits, ENTRIES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    labels = {c.code: c.label for c in Category.objects.all()}
    base = request.GET.copy()

    def link(key, value):
        q = base.copy()
        q[key] = value
        q.pop("page", None)
        return "?" + q.urlencode()

    return {
        "form": form if form.is_bound else SearchForm(),
        "entries": page.object_list,
        "page_obj": page,
        "paginator": paginator,
        "is_paginated": page.has_other_pages(),
        "query": d.get("q", ""),
        "public": public,
        "facets": {
            "category": [
                (labels.get(k, k), n, link("category", k), d.get("category") == k)
                for k, n in facets["category"]
            ],
            "problem_type": [
                (k, n, link("problem_type", k), d.get("problem_type") == k)
                for k, n in facets["problem_type"]
            ],
            "method": [
                (k, n, link("method", k), d.get("method") == k) for k, n in facets["method"]
            ],
        },
        "active": {k: d.get(k) for k in ("category", "problem_type", "method") if d.get(k)},
    }


class BankView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "followup.view_bank"

    def get(self, request):
        ctx = _bank_context(request, scope(ExperienceEntry.objects.all(), request.user))
        ctx["can_add"] = request.user.has_perm("followup.add_entry")
        return render(request, "followup/bank.html", ctx)


class PublicBankView(View):
    """The entries marked public, for anyone (citizens, other municipalities)."""

    permission_required = "public"

    def get(self, request):
        ctx = _bank_context(request, ExperienceEntry.objects.filter(public=True), public=True)
        return render(request, "followup/bank.html", ctx)


class PublicEntryView(View):
    permission_required = "public"

    def get(self, request, pk):
        entry = get_object_or_404(ExperienceEntry, pk=pk, public=True)
        return render(request, "followup/entry.html", {"entry": entry, "public": True})


class EntryCreateView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "followup.add_entry"

    def get(self, request):
        return render(request, "followup/entry_form.html", {"form": EntryForm()})

    def post(self, request):
        form = EntryForm(request.POST)
        if not form.is_valid():
            return render(request, "followup/entry_form.html", {"form": form})
        entry = form.save(commit=False)
        entry.origin = ExperienceEntry.Origin.MANUAL
        ids = sorted(reader_partnerships(request.user))
        entry.partnership_id = ids[0] if ids else None
        services.save_entry(
            entry, request.user, categories=form.cleaned_data["categories"], request=request
        )
        messages.success(request, _("Erfarenheten är sparad."))
        return redirect("followup-entry", pk=entry.pk)


class EntryEditView(ObjectPermissionMixin, View):
    permission_required = "followup.change_entry"
    view_permission = "followup.view_entry"
    model = ExperienceEntry

    def get(self, request, pk):
        return render(
            request,
            "followup/entry_form.html",
            {"form": EntryForm(instance=self.object), "entry": self.object},
        )

    def post(self, request, pk):
        form = EntryForm(request.POST, instance=self.object)
        if not form.is_valid():
            return render(request, "followup/entry_form.html", {"form": form, "entry": self.object})
        services.save_entry(
            form.save(commit=False),
            request.user,
            categories=form.cleaned_data["categories"],
            request=request,
        )
        messages.success(request, _("Erfarenheten är sparad."))
        return redirect("followup-entry", pk=pk)


MAX_ATTACHMENT_MB = 20


class EntryView(ObjectPermissionMixin, View):
    permission_required = "followup.view_entry"
    view_permission = "followup.view_entry"
    model = ExperienceEntry

    def get(self, request, pk, form=None):
        e = self.object
        return render(
            request,
            "followup/entry.html",
            {
                "entry": e,
                "can_change": request.user.has_perm("followup.change_entry", e),
                "attachment_form": form or AttachmentForm(),
                "can_see_evaluation": e.evaluation_id
                and request.user.has_perm("followup.view_partnership", e.evaluation),
            },
        )

    def post(self, request, pk):
        if not request.user.has_perm("followup.change_entry", self.object):
            raise PermissionDenied
        form = AttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            f = form.cleaned_data["file"]
            if f.size > MAX_ATTACHMENT_MB * 1024 * 1024:
                form.add_error("file", _("Filen är större än %(n)s MB.") % {"n": MAX_ATTACHMENT_MB})
            else:
                services.add_attachment(self.object, f, request.user, request=request)
                messages.success(request, _("Bilagan är sparad."))
                return redirect("followup-entry", pk=pk)
        return self.get(request, pk, form=form)


class AttachmentView(ObjectPermissionMixin, View):
    permission_required = "followup.view_entry"
    view_permission = "followup.view_entry"
    model = ExperienceAttachment

    def get(self, request, pk):
        att = self.object
        return FileResponse(att.file.open("rb"), as_attachment=True, filename=att.name)


class BankImportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "followup.add_entry"

    def get(self, request):
        return render(request, "followup/bank_import.html", {"form": BankImportForm()})

    def post(self, request):
        form = BankImportForm(request.POST, request.FILES)
        if form.is_valid():
            ids = sorted(reader_partnerships(request.user))
            partnership = Partnership.objects.filter(pk__in=ids[:1]).first()
            try:
                created, skipped = services.import_entries(
                    form.cleaned_data["file"].read(),
                    request.user,
                    partnership=partnership,
                    request=request,
                )
            except ImportFileError as exc:
                form.add_error("file", str(exc))
            else:
                messages.success(
                    request,
                    _("%(c)s erfarenheter importerade, %(s)s fanns redan.")
                    % {"c": created, "s": skipped},
                )
                return redirect(reverse("followup-bank"))
        return render(request, "followup/bank_import.html", {"form": form})
