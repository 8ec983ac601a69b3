"""The tertial report as a Word document (DOCX), mirroring its PDF
(``followup/print_tertial.html`` with ``_tertial_body.html``).

Written from the report's frozen snapshot like the PDF, in the same language: the group's
analysis, the effect goals, the indicators (the small-multiples chart drawn through
:mod:`samverkan.core.charts` as a picture, and the table), the measures and the
evaluations.
"""

from __future__ import annotations

from django.template.defaultfilters import floatformat
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from samverkan.core.docx import WordDocument, partnership_organisation
from samverkan.followup import charts


def _status(status) -> str:
    return {
        "reached": _("Uppnått"),
        "on_track": _("På väg"),
        "off_track": _("Inte på väg"),
    }.get(status, _("Underlag saknas"))


def _number(value, digits="1") -> str:
    return floatformat(value, digits) if value is not None else "–"


def _goal_row(g: dict) -> list:
    if g.get("target_value") is not None:
        target = floatformat(g["target_value"], 1)
    else:
        target = _("Minska") if g.get("direction") == "decrease" else _("Öka")
    status = _status(g.get("status"))
    z = (g.get("details") or {}).get("z")
    if z is not None:
        status += f" (Z = {floatformat(z, 2)})"
    return [
        g.get("title"),
        g.get("indicator"),
        g.get("baseline"),
        _number(g.get("baseline_value")),
        target,
        g.get("deadline"),
        status,
    ]


def _indicator_row(i: dict) -> list:
    t = i.get("tertial")
    if not t:
        return [i.get("name"), i.get("area"), "–", "–", _("Inga månadsvärden för jämförelse")]
    change = {
        "increase": _("Tydlig ökning"),
        "decrease": _("Tydlig minskning"),
    }.get(t.get("flag"), _("Ingen tydlig förändring"))
    return [
        i.get("name"),
        i.get("area"),
        _number(t.get("count"), "-1"),
        _number(t.get("same_tertial_last_year"), "-1"),
        f"{change} (Z = {floatformat(t.get('z'), 2)})",
    ]


def render(report, *, language: str = "sv") -> bytes:
    """The DOCX bytes of a tertial report, in ``language`` like its PDF."""
    snap = report.snapshot or {}
    with translation.override(language):
        doc = WordDocument(
            f"{_('Tertialrapport')} {report.tertial}: {report.subject}",
            organisation=partnership_organisation(report.partnership),
            language=language,
            subtitle=f"{snap.get('first_day', '')} – {snap.get('last_day', '')}",
        )
        doc.heading(_("Gruppens analys"), 1)
        doc.paragraph(report.analysis or "–")

        doc.heading(_("Effektmål"), 1)
        goals = snap.get("goals") or []
        doc.table(
            [
                _("Effektmål"),
                _("Indikator"),
                _("Basperiod"),
                _("Basvärde"),
                _("Mål"),
                pgettext("senaste värde", "Senast"),
                _("Status"),
            ],
            [_goal_row(g) for g in goals] or [[_("Inga effektmål.")] + [""] * 6],
            numeric={3, 4},
        )

        doc.heading(_("Indikatorer"), 1)
        indicators = snap.get("indicators") or []
        if indicators:
            doc.chart(
                charts.small_multiples,
                indicators,
                goals,
                report.tertial,
                alt=f"{_('Indikatorer')}: " + ", ".join(str(i.get("name")) for i in indicators),
            )
        doc.table(
            [
                _("Indikator"),
                _("Område"),
                _("Tertialen"),
                _("Samma tertial förra året"),
                _("Förändring"),
            ],
            [_indicator_row(i) for i in indicators],
            numeric={2, 3},
        )

        doc.heading(_("Åtgärder"), 1)
        measures = snap.get("measures") or []
        doc.table(
            [_("Åtgärd"), _("Plan"), _("Ansvarig"), _("Period"), _("Status"), _("Indikatorer")],
            [
                [
                    m.get("title"),
                    m.get("plan"),
                    m.get("owner"),
                    f"{m.get('start')} – {m.get('end')}",
                    m.get("status_label"),
                    ", ".join(m.get("indicators") or []) or "–",
                ]
                for m in measures
            ]
            or [[_("Inga åtgärder under tertialen.")] + [""] * 5],
        )
        if snap.get("evaluations"):
            doc.heading(_("Utvärderingar"), 1)
            doc.bullets(
                f"{e.get('title')} ({e.get('measure')}): {e.get('summary')}"
                for e in snap["evaluations"]
            )
        return doc.to_bytes()
