"""The lägesbild as one self-contained HTML page (inline SVG charts, no external files).

The same page is the source of the PDF (WeasyPrint), so its CSS carries the A4 page rules
and the "Sida X av Y" page numbers.
"""

from __future__ import annotations

import base64
import mimetypes
from datetime import datetime

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from samverkan.core.models import Organisation, Partnership
from samverkan.situation.build import PUBLIC_SOURCE_KIND
from samverkan.situation.exports import charts
from samverkan.situation.exports.geo import area_geometry, area_of, child_geometries
from samverkan.situation.summary import summarise

TEXTS = {
    "sv": {
        "title": "Lägesbild",
        "summary": "Sammanfattning",
        "assessment": "Bedömning",
        "totals": "Antal händelser",
        "this_period": "Perioden",
        "previous": "Föregående period",
        "last_year": "Samma period förra året",
        "rate": "per 100 000 invånare",
        "trend": "Utveckling, senaste 13 perioderna",
        "categories": "Kategorier",
        "category": "Kategori",
        "change": "Förändring",
        "increase": "tydlig ökning",
        "decrease": "tydlig minskning",
        "children": "Delområden",
        "area": "Område",
        "map": "Karta",
        "weekday_hour": "Veckodag och timme",
        "hotspots": "Hot spots (Getis-Ord Gi*, H3-celler)",
        "cell": "Cell",
        "near_repeat": "Förhöjd risk för upprepade inbrott (near repeat)",
        "radius": "Radie (m)",
        "expires": "Gäller till",
        "repeat_places": "Upprepade platser",
        "place": "Plats",
        "notable": "Särskilda händelser",
        "date": "Datum",
        "coverage": "Rapportering",
        "organisation": "Organisation/källa",
        "kind": "Typ",
        "reporters": "Antal rapportörer",
        "data_through": "data t.o.m.",
        "incomplete": "ofullständig för perioden",
        "suppressed": "Dolda uppgifter",
        "suppressed_text": "Antal 1–2 visas som ”<3”, och fler celler döljs (”..”) där de "
        "annars kunde räknas fram ur summorna. Uppgifter om enskilda händelser och platser ingår "
        "inte.",
        "method": "Metod",
        "method_text": "Förändringar flaggas bara när de är statistiskt tydliga (Poisson-Z, "
        "Wheeler 2016, med strängare gräns när många kategorier prövas samtidigt; exakt "
        "p-värde enligt Przyborowski & Wilenski 1940). Hot spots: Getis-Ord Gi* med "
        "FDR-korrigering. Tider i lokal tid.",
        "page": "Sida",
        "of": "av",
        "audience": {"internal": "Intern", "shared": "Delad", "public": "Offentlig"},
        "status": {"draft": "Utkast", "approved": "Fastställd", "shared": "Delad"},
        "version": "version",
        "generated": "Framtagen",
        "none": "Inga.",
        "partnership": "Samverkan",
        "count": "Antal",
    },
    "nb": {
        "title": "Situasjonsbilde",
        "summary": "Sammendrag",
        "assessment": "Vurdering",
        "totals": "Antall hendelser",
        "this_period": "Perioden",
        "previous": "Forrige periode",
        "last_year": "Samme periode i fjor",
        "rate": "per 100 000 innbyggere",
        "trend": "Utvikling, siste 13 perioder",
        "categories": "Kategorier",
        "category": "Kategori",
        "change": "Endring",
        "increase": "tydelig økning",
        "decrease": "tydelig nedgang",
        "children": "Delområder",
        "area": "Område",
        "map": "Kart",
        "weekday_hour": "Ukedag og time",
        "hotspots": "Hot spots (Getis-Ord Gi*, H3-celler)",
        "cell": "Celle",
        "near_repeat": "Forhøyet risiko for gjentatte innbrudd (near repeat)",
        "radius": "Radius (m)",
        "expires": "Gjelder til",
        "repeat_places": "Gjentatte steder",
        "place": "Sted",
        "notable": "Særskilte hendelser",
        "date": "Dato",
        "coverage": "Rapportering",
        "organisation": "Organisasjon/kilde",
        "kind": "Type",
        "reporters": "Antall rapportører",
        "data_through": "data til og med",
        "incomplete": "ufullstendig for perioden",
        "suppressed": "Skjulte opplysninger",
        "suppressed_text": "Antall 1–2 vises som «<3», og flere celler skjules («..») der de "
        "ellers kunne regnes ut fra summene. Opplysninger om enkelthendelser og steder er ikke med.",
        "method": "Metode",
        "method_text": "Endringer flagges bare når de er statistisk tydelige (Poisson-Z, "
        "Wheeler 2016; eksakt p-verdi etter Przyborowski & Wilenski 1940). Hot spots: "
        "Getis-Ord Gi* med FDR-korreksjon. Tider i lokal tid.",
        "page": "Side",
        "of": "av",
        "audience": {"internal": "Intern", "shared": "Delt", "public": "Offentlig"},
        "status": {"draft": "Utkast", "approved": "Fastsatt", "shared": "Delt"},
        "version": "versjon",
        "generated": "Laget",
        "none": "Ingen.",
        "partnership": "Samarbeid",
        "count": "Antall",
    },
    "en": {
        "title": "Situation report",
        "summary": "Summary",
        "assessment": "Assessment",
        "totals": "Number of incidents",
        "this_period": "This period",
        "previous": "Previous period",
        "last_year": "Same period last year",
        "rate": "per 100,000 residents",
        "trend": "Trend, last 13 periods",
        "categories": "Categories",
        "category": "Category",
        "change": "Change",
        "increase": "clear increase",
        "decrease": "clear decrease",
        "children": "Sub-areas",
        "area": "Area",
        "map": "Map",
        "weekday_hour": "Weekday and hour",
        "hotspots": "Hot spots (Getis-Ord Gi*, H3 cells)",
        "cell": "Cell",
        "near_repeat": "Elevated risk of repeat burglary (near repeat)",
        "radius": "Radius (m)",
        "expires": "Valid until",
        "repeat_places": "Repeat places",
        "place": "Place",
        "notable": "Notable incidents",
        "date": "Date",
        "coverage": "Reporting",
        "organisation": "Organisation/source",
        "kind": "Kind",
        "reporters": "Number of reporters",
        "data_through": "data through",
        "incomplete": "incomplete for the period",
        "suppressed": "Suppressed figures",
        "suppressed_text": 'Counts of 1-2 are shown as "<3", and further cells are hidden ("..") '
        "where they could otherwise be derived from the totals. Details of single incidents "
        "and places are left out.",
        "method": "Method",
        "method_text": "Changes are flagged only when statistically clear (Poisson Z, Wheeler "
        "2016; exact p-value after Przyborowski & Wilenski 1940). Hot spots: Getis-Ord Gi* "
        "with FDR correction. Times in local time.",
        "page": "Page",
        "of": "of",
        "audience": {"internal": "Internal", "shared": "Shared", "public": "Public"},
        "status": {"draft": "Draft", "approved": "Approved", "shared": "Shared"},
        "version": "version",
        "generated": "Generated",
        "none": "None.",
        "partnership": "Partnership",
        "count": "Count",
    },
}


def logo_data_uri(figures: dict) -> str | None:
    """The logo of the partnership's first organisation, inlined as a data URI."""
    p = figures.get("partnership")
    if not p:
        return None
    partnership = Partnership.objects.filter(pk=p.get("id")).first()
    if partnership is None:
        return None
    org = partnership.organisations.order_by("pk").first()
    if org is None or not org.logo:
        return None
    try:
        with org.logo.open("rb") as fh:
            data = fh.read()
    except (OSError, ValueError):
        return None
    mime = mimetypes.guess_type(org.logo.name)[0] or "image/png"
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _local_text(value) -> str:
    """An ISO timestamp from the figures as local "YYYY-MM-DD HH:MM" for print."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime("%Y-%m-%d %H:%M")


def context(figures: dict, *, assessments=None, language: str = "sv", meta=None) -> dict:
    lang = language if language in TEXTS else "sv"
    area = area_of(figures)
    geometry = area_geometry(figures, area)
    children = child_geometries(figures, area)
    has_map = bool(geometry or children)
    t = TEXTS[lang]
    categories = [
        dict(
            r,
            display_label=(r.get("labels") or {}).get(lang) or r["label"],
            flag_text=t.get(r.get("flag") or "", ""),
        )
        for r in figures.get("by_category") or []
    ]
    hot = [c for c in (figures.get("hotspots") or {}).get("cells", []) if c.get("hot")]
    kinds = dict(Organisation.Kind.choices) | {PUBLIC_SOURCE_KIND: _("Öppen källa")}
    coverage = [
        dict(r, kind_label=str(kinds.get(r.get("kind"), r.get("kind") or "")))
        for r in (figures.get("coverage") or {}).get("by_organisation", [])
    ]
    notable = [dict(n, when=_local_text(n.get("date"))) for n in figures.get("notable") or []]
    return {
        "coverage_rows": coverage,
        "notable_rows": notable,
        "generated_text": _local_text(figures.get("generated_at")),
        "f": figures,
        "t": t,
        "categories": categories,
        "audience_label": t["audience"].get(figures.get("audience"), ""),
        "status_label": t["status"].get((meta or {}).get("status"), ""),
        "total_flag_text": t.get(figures["totals"].get("flag") or "", ""),
        "lang": lang,
        "summary": summarise(figures, lang),
        "assessments": assessments or {},
        "meta": meta or {},
        "logo": logo_data_uri(figures),
        "charts": {
            "trend": mark_safe(charts.trend_svg(figures, lang)),
            "categories": (
                mark_safe(charts.categories_svg(figures, lang))
                if figures.get("by_category")
                else ""
            ),
            "weekday_hour": mark_safe(charts.weekday_hour_svg(figures, lang)),
            "map": (
                mark_safe(charts.map_svg(figures, geometry, children, lang)) if has_map else ""
            ),
        },
        "hot_cells": sorted(hot, key=lambda c: -(c.get("z") or 0))[:15],
    }


def render_text(figures: dict, *, assessments=None, language: str = "sv", meta=None) -> str:
    # The language of the document, not of whoever asks: the sections drawn by other apps'
    # template tags (resources) translate with the active language.
    with translation.override(language if language in TEXTS else "sv"):
        ctx = context(figures, assessments=assessments, language=language, meta=meta)
        return render_to_string("situation/report.html", ctx)


def render(figures: dict, *, assessments=None, language: str = "sv", meta=None) -> bytes:
    return render_text(figures, assessments=assessments, language=language, meta=meta).encode(
        "utf-8"
    )
