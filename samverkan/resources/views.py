"""Pages for the partners' resource rows: the list, the form, deletion and the CSV export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from samverkan.core import downloads
from samverkan.core.exports import to_csv
from samverkan.resources import permissions, services
from samverkan.resources.forms import EntryForm

PAGE_SIZE = 50


class ResourcesMixin(LoginRequiredMixin):
    permission_required = "resources.view"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.may_use(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def partnerships(self):
        return permissions.partnerships_for(self.request.user).order_by("name")

    def chosen(self):
        """The partnership in ``?partnership=``, else the user's first."""
        wanted = self.request.GET.get("partnership") or self.request.POST.get("partnership")
        qs = self.partnerships()
        if wanted:
            try:
                return get_object_or_404(qs, pk=int(wanted))
            except ValueError as exc:
                raise Http404 from exc
        return qs.first()

    def rows(self, partnership):
        qs = permissions.visible(self.request.user)
        return qs.filter(partnership=partnership) if partnership else qs.none()


class ListEntriesView(ResourcesMixin, ListView):
    template_name = "resources/list.html"
    paginate_by = PAGE_SIZE
    context_object_name = "entries"

    def get_queryset(self):
        self.partnership = self.chosen()
        return self.rows(self.partnership)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            partnership=self.partnership, partnerships=self.partnerships(), **kwargs
        )


class EntryFormView(ResourcesMixin, View):
    """Enter a new row (no ``pk``) or change one."""

    def _render(self, request, form, partnership, entry=None):
        return render(
            request,
            "resources/form.html",
            {"form": form, "partnership": partnership, "entry": entry},
        )

    def _entry(self, pk):
        if pk is None:
            return None
        return get_object_or_404(permissions.visible(self.request.user), pk=pk)

    def get(self, request, pk=None):
        entry = self._entry(pk)
        partnership = entry.partnership if entry else self.chosen()
        if partnership is None:
            raise Http404
        initial = {}
        if entry:
            initial = {f: getattr(entry, f) for f in ("organisation", "area", "month", "kind")}
            initial.update(amount=entry.amount, note=entry.note)
        form = EntryForm(user=request.user, partnership=partnership, initial=initial)
        return self._render(request, form, partnership, entry)

    def post(self, request, pk=None):
        entry = self._entry(pk)
        partnership = entry.partnership if entry else self.chosen()
        if partnership is None:
            raise Http404
        form = EntryForm(request.POST, user=request.user, partnership=partnership)
        if not form.is_valid():
            return self._render(request, form, partnership, entry)
        try:
            if entry:
                services.update_entry(entry, request.user, request=request, **form.cleaned_data)
                messages.success(request, _("Raden är ändrad."))
            else:
                services.create_entry(
                    request.user, request=request, partnership=partnership, **form.cleaned_data
                )
                messages.success(request, _("Resursinsatsen är registrerad."))
        except ValueError as exc:
            form.add_error(None, str(exc))
            return self._render(request, form, partnership, entry)
        return redirect(f"{_list_url()}?partnership={partnership.pk}")


def _list_url() -> str:
    return reverse("resources-list")


class DeleteEntryView(ResourcesMixin, View):
    def post(self, request, pk):
        entry = get_object_or_404(permissions.visible(request.user), pk=pk)
        partnership = entry.partnership_id
        services.delete_entry(entry, request.user, request=request)
        messages.success(request, _("Raden är borttagen."))
        return redirect(f"{_list_url()}?partnership={partnership}")


class ExportView(ResourcesMixin, View):
    def get(self, request):
        partnership = self.chosen()
        rows = list(self.rows(partnership).order_by("month", "area__name", "pk"))
        header = [
            _("Samverkan"),
            _("Organisation"),
            _("Område"),
            _("Områdeskod"),
            _("Månad"),
            _("Slag"),
            _("Mängd"),
            _("Enhet"),
            _("Anteckning"),
        ]
        body = to_csv(
            header,
            (
                [
                    e.partnership.name,
                    e.organisation.name,
                    e.area.name,
                    e.area.code,
                    e.month.strftime("%Y-%m"),
                    e.get_kind_display(),
                    float(e.amount),
                    e.unit,
                    e.note,
                ]
                for e in rows
            ),
        )
        services.record_export(
            request.user, [partnership.pk] if partnership else [], len(rows), request=request
        )
        return downloads.file_response(body, "resurser", "csv")
