"""Outcome statistics of cases, on the page and as CSV."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from samverkan.cases import exports, forms, purposes, scope, stats
from samverkan.core import audit, downloads
from samverkan.core.exports import to_csv


class StatsView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """Outcome shares per case type and year, Wilson interval, small counts suppressed."""

    template_name = "cases/stats.html"
    permission_required = "cases.view_statistics"

    def table(self):
        form = forms.StatsFilterForm(self.request.GET or None)
        months = (form.is_valid() and form.cleaned_data.get("months")) or 6
        table = stats.outcome_table(scope.stats_cases(self.request.user), months=months)
        audit.record(
            "case.view_statistics",
            request=self.request,
            purpose=purposes.STATISTICS,
            details={"months": months, "rows": len(table["rows"])},
        )
        return form, table

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form, table = self.table()
        ctx.update(form=form, table=table, query=self.request.GET.urlencode())
        return ctx


class StatsExportView(StatsView):
    def get(self, request, *args, **kwargs):
        _form, table = self.table()
        rows = [exports.stats_row(r) for r in table["rows"]]
        return downloads.file_response(
            to_csv(exports.STATS_HEADER, rows), f"arendeutfall-{table['months']}man", "csv"
        )
