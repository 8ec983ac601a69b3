"""The county overview page and its XLSX and PDF exports."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from samverkan.core import audit, downloads
from samverkan.core.exports import to_xlsx
from samverkan.core.pdf import template_to_pdf
from samverkan.county import charts, overview
from samverkan.situation.models import PeriodType

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CountyMixin(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = "county.view"

    def overview(self) -> overview.Overview:
        counties = overview.counties_for(self.request.user)
        code = self.request.GET.get("lan")
        county = counties.filter(code=code).first() if code else counties.first()
        if county is None:
            # A county outside the user's reach is not told apart from one that does not exist.
            raise Http404
        self.counties = counties
        return overview.build(self.request.user, county, self.request.GET.get("period"))


def _period_type_name(value: str | None) -> str:
    if not value:
        return ""
    try:
        return str(PeriodType(value).label)
    except ValueError:
        return value


def _date(value) -> str:
    return formats.date_format(value, "Y-m-d") if value else ""


def map_of(ov: overview.Overview) -> str:
    areas = [
        {
            "name": r.municipality.name,
            "geometry": r.municipality.border_geometry(),
            "rate": r.rate,
            "shared": r.report is not None,
        }
        for r in ov.rows
    ]
    title = _("Händelser per 100 000 invånare i %(county)s, %(period)s") % {
        "county": ov.county.name,
        "period": _period_type_name(ov.period_type).lower() or _("ingen delad lägesbild"),
    }
    return charts.map_svg(areas, title)


def _blank(value):
    return "" if value is None else value


def table_rows(ov: overview.Overview) -> list[list]:
    """One row per municipality, as the exports write it (numbers stay numbers)."""
    yes, no = _("Ja"), _("Nej")
    rows = []
    for r in ov.rows:
        rows.append(
            [
                r.municipality.name,
                r.municipality.code,
                yes if r.report_approved_at else no,
                _date(r.report_approved_at),
                yes if r.plan else no,
                _date(r.plan_adopted_on),
                yes if r.promises_published else no,
                r.period_label,
                # A figure the shared picture lacks is an empty cell (the PDF said "None").
                *[_blank(r.figures.get(f)) if r.report else "" for f in overview.FIGURES],
                r.rate if r.rate is not None else ("" if r.report is None else _("dold")),
                # As the page shows them: from the shared picture's frozen figures.
                _blank(r.incidents_per_1000),
                _blank(r.hours_per_1000),
                r.municipality.population or "",
            ]
        )
    return rows


def header() -> list[str]:
    return [
        _("Kommun"),
        _("Kod"),
        _("Delad lägesbild"),
        _("Lägesbild senast fastställd"),
        _("Antagen åtgärdsplan"),
        _("Åtgärdsplan antagen den"),
        _("Publicerade medborgarlöften"),
        _("Period"),
        _("Händelser"),
        _("Föregående period"),
        _("Samma period förra året"),
        _("Per 100 000 invånare"),
        _("Händelser per 1 000"),
        _("Resurstimmar per 1 000"),
        _("Folkmängd"),
    ]


class OverviewView(CountyMixin, TemplateView):
    template_name = "county/overview.html"

    def get(self, request, *args, **kwargs):
        # A system administrator passes every permission but follows no county, and a
        # regional role may name areas without a county: say so rather than "not found".
        if not request.GET.get("lan") and not overview.counties_for(request.user).exists():
            return render(request, "county/no_county.html")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ov = self.overview()
        return super().get_context_data(
            overview=ov,
            counties=self.counties,
            period_types=[(t, _period_type_name(t)) for t in ov.period_types],
            period_name=_period_type_name(ov.period_type),
            map_svg=map_of(ov),
            **kwargs,
        )


class ExportView(CountyMixin, View):
    """XLSX or PDF of the overview; each download writes a "county.export" audit event."""

    def get(self, request):
        fmt = request.GET.get("format")
        if fmt not in ("xlsx", "pdf"):
            raise Http404
        ov = self.overview()
        if fmt == "xlsx":
            body = to_xlsx(header(), table_rows(ov), title=ov.county.name)
        else:
            body = template_to_pdf(
                "county/overview_pdf.html",
                {
                    "overview": ov,
                    "period_name": _period_type_name(ov.period_type),
                    "map_svg": map_of(ov),
                    "header": header(),
                    "rows": table_rows(ov),
                },
                request=request,
            )
        return downloads.download(
            request,
            body,
            f"lan-{ov.county.code}",
            fmt,
            action=audit.Action.COUNTY_EXPORT,
            obj=ov.county,
            details={"county": ov.county.code, "period_type": ov.period_type},
        )
